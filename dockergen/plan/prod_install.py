"""The production tree where `pnpm deploy` cannot make it from the lockfile (pnpm < 10 resolves
versions again; pnpm 10.0 to 10.25 fail to inject the workspace packages for one command): a
frozen `--prod` install of the app's runtime closure in a clean stage, shipped with the workspace's
layout (`/app/<folder>` per package) so that pnpm's links between the app, its libraries and the
root resolve as they do in the repository."""

from __future__ import annotations

import posixpath
from dataclasses import replace

from dockergen.plan.app_files import runtime_paths
from dockergen.plan.install_stages import manifest_steps, root_inputs
from dockergen.plan.model import Command, Run, Step, Workdir
from dockergen.plan.stage_inputs import (
    APP,
    NO_SIDE_EFFECTS_CACHE,
    SIDE_EFFECTS_WHY,
    STORE,
    VOLATILE,
    WORKDIR,
    StageInputs,
    bin_link,
    copy,
    copy_from,
    folder,
)
from dockergen.programs import program
from dockergen.workspace.manifest import PROD_KINDS, Package
from dockergen.workspace.start_command import StartCommand


def comment(inputs: StageInputs) -> str:
    """Why the production tree is an install, not `pnpm deploy`."""
    if inputs.images.pnpm_major < 10:
        return "the production tree from the lockfile (pnpm < 10's deploy would resolve versions again)"
    return (
        f"the production tree from the lockfile (pnpm {inputs.images.pnpm}'s deploy fails when the command injects "
        "the workspace packages, pnpm#10294, fixed in 10.26)"
    )


# Install inputs the runtime does not need (the manifests stay: node resolves `exports` with them).
# A library whose sources folder is a link to nothing (an optional private submodule) builds nothing.
SOURCE_FOLDERS = frozenset({"src", "source", "lib"})
PEER = frozenset({"peer"})
DEV_OR_PEER = frozenset({"dev", "peer"})
DROPPED = ("pnpm-lock.yaml", "pnpm-workspace.yaml", ".pnpmfile.cjs", ".npmrc")


def prod_packages(inputs: StageInputs) -> tuple[Package, ...]:
    """The members the app needs at run time (the root's production dependencies included)."""
    closure = inputs.ws.closure(inputs.pkg.name, prod=True, with_root=inputs.root_ships_dependencies)
    return tuple(p for p in closure if p.dir != ".")


def prod_install_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `deploy` (from `base`): manifests and install inputs, `pnpm install --prod`."""
    packages = prod_packages(inputs)
    flags = ["--frozen-lockfile", "--prod", f"--store-dir={STORE}", *(f"--filter={p.selector}" for p in packages)]
    comment = "install the production dependencies of the app and its libraries, nothing else"
    if inputs.ws.dependency_builds:
        flags.append(NO_SIDE_EFFECTS_CACHE)
        comment += SIDE_EFFECTS_WHY
    install: list[Command] = [Command(("pnpm", "install", *flags))]
    scripted = [p for p in (inputs.ws.root, *packages) if _lifecycle(p)]
    cleanup = [*DROPPED, *VOLATILE]
    if scripted:
        dirs = [p.dir for p in scripted]
        hide = Command(("node", "-e", HIDE_PROJECT_SCRIPTS, *dirs))
        install = [hide, *install, Command(("cp", "-a", f"{KEPT_MANIFESTS}/.", "./"))]
        comment += "; " + _hidden_why(scripted)
        cleanup.append(KEPT_MANIFESTS)
        if inputs.ws.root in scripted:  # the files the root's install hooks run: not run here
            cleanup += inputs.ws.root_script_files
    commands = [*install, Command(("rm", "-rf", *cleanup))]
    if any(p.deps(DEV_OR_PEER) for p in packages):
        libs = (p.dir for p in packages if p.name != inputs.pkg.name)
        commands.append(Command(("node", "-e", LINK_AS_AT_DEV_TIME, inputs.pkg.dir, *libs)))
        comment += (
            "; then, in the app's and each library's folder, link each peer or devDependency it declares"
            " that the production tree holds but pnpm linked nowhere it resolves from (the app's copy, else"
            " pnpm's hoisted one): in the repository the devDependency provides it, and npm would resolve"
            " a peer from the dependant or the hoisted tree"
        )
    inputs.warnings.extend(_unmet_peers(inputs, packages))
    run = inputs.pnpm_run(commands, comment)
    link = bin_link(inputs, f"{WORKDIR}/{inputs.pkg.dir}/node_modules")
    manifests = manifest_steps(inputs, tuple(_without_lifecycle(p) for p in packages))
    return (*manifests, *root_inputs(inputs), run, *link)


# The lifecycle scripts pnpm 8/9 run for the workspace's own projects (the root, the app, its
# libraries) during `pnpm install`, --prod too. They set up development (git hooks: `prepare:
# husky install`, builds, code generation) with devDependencies the production tree does not
# hold, so `husky: not found` would end the install; what they make for the runtime comes from
# the build stages. Dependencies' own install scripts still run, as pnpm runs them (native addons).
PROJECT_LIFECYCLE = (
    "pnpm:devPreinstall",
    "preinstall",
    "install",
    "postinstall",
    "preprepare",
    "prepare",
    "postprepare",
)
KEPT_MANIFESTS = "/tmp/dockergen-manifests"
# Run with the folders of the projects whose scripts must not run: keeps each package.json in
# KEPT_MANIFESTS (at the same relative path) and writes it without those scripts. `cp -a` puts the
# kept files back after the install: the runtime ships the manifests as written.
HIDE_PROJECT_SCRIPTS = program("hide-project-scripts.js")


def _lifecycle(pkg: Package) -> tuple[str, ...]:
    return tuple(name for name in PROJECT_LIFECYCLE if pkg.script(name))


def _hidden_why(scripted: list[Package]) -> str:
    which = ", ".join(f"{'the root' if p.dir == '.' else p.name}'s {'/'.join(_lifecycle(p))}" for p in scripted)
    return (
        f"without the workspace's own lifecycle scripts ({which}: development set-up whose devDependencies this "
        "tree lacks; package.json kept aside and put back), while dependencies' install scripts run as pnpm runs them"
    )


def _without_lifecycle(pkg: Package) -> Package:
    """The package as the production install sees it: its manifest alone is copied."""
    return replace(pkg, scripts=tuple((n, c) for n, c in pkg.scripts if n not in PROJECT_LIFECYCLE))


# Run in the installed workspace with the app's folder, then the libraries': for each name a
# package declares in devDependencies or peerDependencies that is not linked in its node_modules,
# link the app's copy (libraries only), else pnpm's hoisted copy (node_modules/.pnpm/node_modules,
# there when the production tree holds the package). Nothing is installed: a name the tree does
# not hold stays absent (an optional peer, a build tool).
LINK_AS_AT_DEV_TIME = program("link-as-at-dev-time.js")


def _unmet_peers(inputs: StageInputs, packages: tuple[Package, ...]) -> list[str]:
    """Required peers of the runtime libraries (`packages`: the app's runtime closure) that no
    runtime package depends on: in the repository the library's devDependency provides them, in
    the production tree nothing does unless some dependency happens to bring them (then the link
    step finds pnpm's hoisted copy)."""
    provided = {d.name for p in packages for d in p.deps(PROD_KINDS)}
    if inputs.root_ships_dependencies:
        provided |= {d.name for d in inputs.ws.root.deps(PROD_KINDS)}
    out = []
    for lib in packages:
        if lib.name == inputs.pkg.name:
            continue
        missing = sorted({d.name for d in lib.deps(PEER)} - provided - set(lib.optional_peers) - {lib.name})
        if missing:
            out.append(
                f"target {inputs.cfg.name!r}: {lib.name} requires the peer dependencies {', '.join(missing)}, "
                f"which neither {inputs.pkg.name} nor its other runtime packages depend on (in the repository "
                f"{lib.name}'s devDependencies provide them); unless a dependency brings them, the app fails "
                f"with `Cannot find module`: add them to {inputs.pkg.name}'s dependencies"
            )
    return out


LIB_FILES = "lib-files"  # the stage that gathers the libraries' built runtime files
LIB_FILES_DIR = "/lib-files"
# Copies each path given (relative to the working directory) that exists into the folder given
# first, keeping its place; a "files" entry the build did not write is skipped, as npm skips it.
COLLECT = program("collect.js")
COLLECT_MANIFESTS = program("collect-manifests.js")


def workspace_layout(inputs: StageInputs) -> list[Step]:
    """Runtime files: the installed tree in /app, each library's runtime files at its folder."""
    owned = "files below are owned by root: the app cannot modify itself; each package keeps its place"
    out: list[Step] = [
        Workdir(f"{APP}/{inputs.pkg.dir}", owned),
        copy_from(
            "deploy", "production dependencies and manifests, linked as in the workspace", f"{WORKDIR}/", f"{APP}/"
        ),
    ]
    libraries = [_library_runtime(lib) for lib in _runtime_libraries(inputs)]
    for copied, _, warning in libraries:
        out += copied
        if warning:
            inputs.warnings.append(f"target {inputs.cfg.name!r}: {warning}")
    if any(_built(lib) for lib in _runtime_libraries(inputs)):
        why = 'the libraries\' built runtime files (what their "files" or main name) and manifests, each at its folder'
        out.append(copy_from(LIB_FILES, why, f"{LIB_FILES_DIR}/", f"{APP}/"))
    return out


def lib_files_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `lib-files` (from `libs`): the built libraries' runtime files gathered in one folder,
    with their package.json as their build left it. One step whatever their number, and a "files"
    entry the build did not write is skipped."""
    built = [lib for lib in _runtime_libraries(inputs) if _built(lib)]
    if not built:
        return ()
    paths = [p for lib in built for p in _library_runtime(lib)[1]]
    commands = [Command(("node", "-e", COLLECT, LIB_FILES_DIR, *paths))] if paths else []
    commands.append(Command(("node", "-e", COLLECT_MANIFESTS, LIB_FILES_DIR, *(lib.dir for lib in built))))
    why = (
        "gather the libraries' runtime files, and their package.json as their build left it (a build may point "
        "main/exports at its output) with what those name; the runtime copies them by content (cached when unchanged)"
    )
    return (Run(tuple(commands), why),)


def _built(lib: Package) -> bool:
    """A library with a build whose sources the repository holds (see _library_runtime)."""
    return bool(lib.script("build")) and not any(name in SOURCE_FOLDERS for name in lib.dangling)


def _runtime_libraries(inputs: StageInputs) -> tuple[Package, ...]:
    return tuple(lib for lib in prod_packages(inputs) if lib.name != inputs.pkg.name)


def _library_paths(lib: Package) -> tuple[tuple[str, ...], str]:
    """What a library needs at run time: "files", else the folder its `main` is in."""
    paths, why = runtime_paths(lib, StartCommand((), ""))
    if paths:
        return paths, why
    top = posixpath.normpath(lib.main or "").split("/")[0] if lib.main and "/" in lib.main else ""
    return ((top,), f"the folder of its main, {lib.main}") if top not in ("", ".", "..") else ((), "")


def _library_runtime(lib: Package) -> tuple[list[Step], list[str], str]:
    """How a library reaches the runtime (pure): (steps copying it as it is when it has no build,
    workspace paths of its built runtime files, a warning when neither can be had)."""
    if not lib.script("build"):
        why = f"{lib.name}: its files as they are (no build)"
        return [copy([folder(lib.dir)], f"{APP}/{lib.dir}/", why, lib.manifest)], [], ""
    missing = [name for name in lib.dangling if name in SOURCE_FOLDERS]
    if missing:
        return (
            [],
            [],
            (
                f"{lib.dir}/{missing[0]} links to a path missing from the repository "
                f"(a submodule not checked out?): {lib.name}'s build has no sources, its output is not copied"
            ),
        )
    paths, _ = _library_paths(lib)
    if not paths:
        return [], [], f'cannot tell which built files of {lib.name} run; add a "files" field to its package.json'
    return [], [posixpath.join(lib.dir, p) for p in paths], ""
