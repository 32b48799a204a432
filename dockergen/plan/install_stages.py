"""Stages `lib-deps` and `deps`: install inputs and manifests first, then a frozen install."""

from __future__ import annotations

import dataclasses
import posixpath

from dockergen.plan.model import Command, Copy, Run, Step
from dockergen.plan.stage_inputs import (
    STORE,
    VOLATILE,
    WORKDIR,
    StageInputs,
    checked,
    copy,
    copy_from,
    extra_steps,
    folder,
)
from dockergen.plan.tools import tool_providers
from dockergen.programs import program
from dockergen.workspace.manifest import Package

LIB_MANIFESTS = "lib-manifests"
LIB_DEPS = "lib-deps"
LIB_MANIFESTS_COMMENT = "the libraries' manifests, gathered while the base stage installs pnpm"
MANIFESTS = "manifests"
MANIFESTS_COMMENT = "the manifests of the app and its libraries, gathered while the base stage installs pnpm"
LIB_DEPS_COMMENT = "the libraries' dependencies alone, so a new dependency of the app does not rebuild them"
LIB_DEPS_WITH_TOOLS_COMMENT = (
    "the libraries' dependencies, and the own dependencies of the packages declaring the tools their builds run"
    " (shamefullyHoist): a new dependency of those packages rebuilds the libraries"
)
DEPS_COMMENT = "the app's dependencies, installed on top of the built libraries"
DEPS_ALONE_COMMENT = (
    "the app's dependencies: its manifest and the install inputs first, so a source change keeps them cached"
)
DEPS_BESIDE_COMMENT = (
    "the app's dependencies, installed while the libraries build (both start from their install),"
    " then the built libraries"
)
HOISTED_COMMENT = "one install for the app and its libraries: a hoisted node_modules holds the whole lockfile"
COLD_COMMENT = "one install for the app and its libraries (optimize: cold): fewest steps for a build without a cache"
# pnpm's record of an install: what it installed (its current lockfile) and how. The libraries'
# install moves it out of /repo, so the libraries' stage, which copies /repo, gets identical files
# whenever their dependencies are (the record holds the whole lockfile and timestamps); each app's
# install puts it back, and then adds only what the libraries lack instead of relinking every package.
INSTALL_RECORD = (*VOLATILE, "node_modules/.pnpm/lock.yaml")
RECORD_DIR = "/pnpm/libs-install"
MOVE_RECORD = program("move-record.js")


def root_inputs(inputs: StageInputs) -> list[Step]:
    """COPY the install inputs, one instruction per destination folder."""
    by_dir: dict[str, list[tuple[str, str]]] = {}
    for item in inputs.ws.install_inputs:
        if item.path == ".npmrc" and not inputs.copy_npmrc:
            continue
        by_dir.setdefault(posixpath.dirname(item.path), []).append((item.path, item.origin))
    out: list[Step] = []
    for path in inputs.ws.root_script_files:
        if path.endswith("/"):  # a hook script's own folder, with what it reads
            out.append(
                copy([path], path, f"{path}: a folder the root's install hooks run a script from", "package.json")
            )
        else:
            by_dir.setdefault(posixpath.dirname(path), []).append((path, "package.json"))
    for directory in sorted(by_dir):
        entries = sorted(set(by_dir[directory]))
        what = (
            "lockfile, workspace settings and install hooks"
            if directory == ""
            else f"{directory}/ files pnpm reads at install"
        )
        paths = sorted({checked(path, origin) for path, origin in entries})
        out.append(Copy(tuple(paths), folder(directory), what))
    return sorted(out, key=lambda step: step.dest if isinstance(step, Copy) else "")


def manifest_steps(inputs: StageInputs, packages: tuple[Package, ...]) -> list[Copy]:
    out: list[Copy] = []
    for pkg in packages:
        if pkg.install_scripts:
            reason = f"{pkg.name}: whole folder, its {'/'.join(pkg.install_scripts)} script runs during install"
            out.append(copy([folder(pkg.dir)], folder(pkg.dir), reason, pkg.manifest))
        else:
            out.append(copy([pkg.manifest], folder(pkg.dir), f"{pkg.name} manifest", pkg.manifest))
        for local in inputs.ws.local_paths:
            if local.package == pkg.name and not local.outside_root:
                comment = f"{local.spec}, a local dependency of {pkg.name}"
                # `COPY x x`: a tarball at x, a folder's contents in x alike
                out.append(copy([local.path], local.path, comment, pkg.manifest))
    return out


def _install_run(inputs: StageInputs, filters: list[str], comment: str, *after: Command) -> Run:
    argv = ("pnpm", "install", "--frozen-lockfile", f"--store-dir={STORE}", *(f"--filter={f}" for f in filters))
    return inputs.pnpm_run([Command(argv), *after], comment)


def _bin_placeholders(inputs: StageInputs, packages: tuple[Package, ...] | None = None) -> list[Step]:
    """pnpm links a workspace package's bins only when the files exist; before the libraries are
    built they do not, so a package using a library's bin would fail to build: the app too, whose
    install runs beside the libraries' builds (every user counts, so targets sharing the libraries'
    install get the same one)."""
    used = {link.target for link in inputs.ws.links}
    files = sorted(
        posixpath.normpath(f"{pkg.dir}/{path}")
        for pkg in (inputs.libs if packages is None else packages)
        if pkg.name in used
        for _, path in pkg.bin
        # a package copied whole for its install scripts already has its committed bin files
        if not (pkg.install_scripts and _top(path) in pkg.entries)
    )
    if not files:
        return []
    folders = sorted({posixpath.dirname(f) for f in files})
    commands = [Command(("mkdir", "-p", *folders))]
    commands += [Command(("printf", "#!/usr/bin/env node\\n"), stdout=f) for f in files]
    comment = "placeholder bins (a node shebang) so pnpm links the libraries' bins; their builds overwrite them"
    return [Run(tuple(commands), comment)]


def _top(path: str) -> str:
    return posixpath.normpath(path).split("/", 1)[0]


def gathered_manifest_steps(inputs: StageInputs, packages: tuple[Package, ...]) -> tuple[Step, ...]:
    """A stage from scratch (`lib-manifests`, or `manifests` with `optimize: cold`): the packages'
    manifests, and the folders their install needs, at their place under /repo; BuildKit gathers
    them while the base stage installs pnpm, and the install's stage takes them in one COPY
    instead of one per package."""
    return tuple(
        dataclasses.replace(step, dest=WORKDIR + "/" + ("" if step.dest == "./" else step.dest))
        for step in manifest_steps(inputs, packages)
    )


def lib_deps_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `lib-deps`: the libraries' manifests and install inputs, then their install."""
    manifests = [copy_from(LIB_MANIFESTS, "the libraries' manifests"), *_bin_placeholders(inputs)]
    providers = tool_providers(inputs)
    also = (
        f" (and {', '.join(p.name for p in providers)}'s own dependencies: the tools their builds run)"
        if providers
        else ""
    )
    install = _install_run(
        inputs,
        [p.selector for p in (*inputs.libs, *providers)],
        f"install for the libraries only{also}; dropping the lockfile and moving pnpm's record of the install "
        f"(timestamps, the whole lockfile) to {RECORD_DIR} leaves /repo identical whenever their "
        "dependencies are",
        Command(("rm", "-f", "pnpm-lock.yaml")),
        Command(("node", "-e", MOVE_RECORD, RECORD_DIR, *INSTALL_RECORD)),
    )
    return (*manifests, *root_inputs(inputs), install)


OWN_DEPS = "own-deps"
OWN_DEPS_COMMENT = (
    "the dependencies of the libraries only this app uses, on top of the shared libraries' install,"
    " so a new dependency of the app does not rebuild them"
)


def own_deps_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `own-deps` (a shared Dockerfile): from the libraries' install, the install of the
    libraries only this target uses; its record moved aside as the libraries' install does."""
    why = "pnpm's record of the libraries' install: this install adds only what they lack"
    head = [copy_from(LIB_DEPS, why, f"{RECORD_DIR}/")]
    own = inputs.own_libs
    manifests = [*manifest_steps(inputs, own), *_bin_placeholders(inputs, own)]
    install = _install_run(
        inputs,
        [p.selector for p in own],
        f"install the libraries only {inputs.pkg.name} uses; dropping the lockfile and moving pnpm's record "
        f"of the install to {RECORD_DIR} leaves /repo identical whenever their dependencies are",
        Command(("rm", "-f", "pnpm-lock.yaml")),
        Command(("node", "-e", MOVE_RECORD, RECORD_DIR, *INSTALL_RECORD)),
    )
    return (*head, *manifests, *root_inputs(inputs), install)


def deps_steps(inputs: StageInputs, built_libs: tuple[Step, ...] = (), record_from: str = LIB_DEPS) -> tuple[Step, ...]:
    """Stage `deps`: the app's manifest and install inputs, its install, the built libraries
    (when installed beside their builds), `instructions.deps`. `record_from`: the stage whose
    install record the app's install starts from (the libraries', or the target's own libraries')."""
    manifests: list[Step] = []
    if inputs.libs:
        why = "pnpm's record of the libraries' install: the app's install adds only what they lack"
        manifests.append(copy_from(record_from, why, f"{RECORD_DIR}/"))
    # without a stage of their own, the libraries only this target uses install with the app
    own = inputs.own_libs if record_from == LIB_DEPS else ()
    manifests += [*manifest_steps(inputs, (*own, inputs.pkg)), *_bin_placeholders(inputs, own)]
    filters = [f"{inputs.pkg.selector}..."] if inputs.libs or inputs.own_libs else [inputs.pkg.selector]
    install = _install_run(
        inputs, filters, f"install {inputs.pkg.name} and its workspace dependencies (frozen lockfile)"
    )
    return (*manifests, *root_inputs(inputs), install, *built_libs, *extra_steps(inputs, "deps"))


def single_install_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `deps` with one install for the app and its libraries: every manifest of the closure
    (hoisted: in this stage; `optimize: cold`: gathered beside the base stage), then the install."""
    manifests: list[Step]
    if inputs.ws.hoisted:
        manifests = [*manifest_steps(inputs, (*inputs.libs, inputs.pkg)), *_bin_placeholders(inputs)]
        closure = {p.name for p in (*inputs.libs, inputs.pkg)}
        for local in inputs.ws.local_paths:  # a hoisted install fetches every importer's, in the closure or not
            if local.package not in closure and not local.outside_root:
                comment = f"{local.spec} of {local.package}: a hoisted install installs every importer's dependencies"
                manifests.append(copy([local.path], local.path, comment))
        comment = f"install {inputs.pkg.name} and its libraries (frozen lockfile; hoisted: the whole lockfile)"
    else:
        manifests = [copy_from(MANIFESTS, "the manifests of the app and its libraries"), *_bin_placeholders(inputs)]
        comment = f"install {inputs.pkg.name} and its libraries (frozen lockfile)"
    install = _install_run(inputs, [f"{inputs.pkg.selector}..."], comment)
    return (*manifests, *root_inputs(inputs), install, *extra_steps(inputs, "deps"))
