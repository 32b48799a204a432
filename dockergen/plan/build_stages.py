"""The steps of each build stage; plan.py decides which stages exist, this module what they do."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from dockergen.config import TargetConfig
from dockergen.errors import InputError
from dockergen.plan.model import Command, Copy, Images, Mount, Raw, Run, Step, Workdir
from dockergen.plan.start_command import StartCommand
from dockergen.validate import context_path
from dockergen.workspace import graph
from dockergen.workspace.manifest import Package
from dockergen.workspace.scan import Workspace

WORKDIR = "/repo"
STORE = "/pnpm/store"
OUT = "/out"
APP = "/app"
STORE_MOUNT = Mount("cache", id="pnpm-store", target=STORE)
NPM_CACHE_MOUNT = Mount("cache", id="npm-cache", target="/root/.npm")
# Credentials come from the user-level config, where pnpm >= 10 still expands ${VARS} and which
# a project .npmrc cannot shadow: `docker build --secret id=npmrc,src=$HOME/.npmrc ...`.
NPMRC_SECRET = Mount("secret", id="npmrc", target="/root/.npmrc")
# pnpm writes timestamps into these; they would make identical installs differ.
VOLATILE = (
    "node_modules/.modules.yaml",
    "node_modules/.pnpm-workspace-state-v1.json",
    "node_modules/.pnpm-workspace-state.json",
)


LIB_DEPS_COMMENT = "the libraries' dependencies alone, so a new dependency of the app does not rebuild them"
LIBS_COMMENT = "workspace libraries, built in dependency order, one cached step per package"
DEPS_COMMENT = "the app's dependencies, installed on top of the built libraries"


@dataclass(slots=True)
class StageInputs:
    """What every step builder needs; warnings collect here and end up on the plan."""

    ws: Workspace
    cfg: TargetConfig
    pkg: Package
    images: Images
    command: StartCommand
    libs: tuple[Package, ...]
    warnings: list[str] = field(default_factory=list)

    def pnpm_run(self, commands: list[Command], comment: str) -> Run:
        """A RUN of pnpm commands with the store cache and, when needed, registry credentials as
        build secrets (an npmrc plus every `${VAR}` the repository's .npmrc uses), so no credential
        reaches a layer, the history, an ARG or an ENV. A build without the secrets still runs."""
        mounts = [STORE_MOUNT]
        if self.npmrc_secret:
            refs = self.ws.npmrc.env_refs if self.ws.npmrc else ()
            mounts += [NPMRC_SECRET, *(Mount("secret", id=ref) for ref in refs)]
            first = commands[0]
            commands = [Command(first.argv, refs, first.stdout, first.if_available), *commands[1:]]
            comment += _secret_note(refs)
        return Run(tuple(commands), comment, tuple(mounts))

    @property
    def npmrc_secret(self) -> bool:
        """Mount credentials: configured, or the .npmrc names credentials or a private registry."""
        if self.cfg.npmrc_secret is not None:
            return self.cfg.npmrc_secret
        npmrc = self.ws.npmrc
        return npmrc is not None and bool(npmrc.auth_keys or npmrc.env_refs or npmrc.private_registries)

    @property
    def copy_npmrc(self) -> bool:
        """The repository's .npmrc is copied unless it holds credentials (literal or `${VAR}`): those
        must not reach a layer, and pnpm >= 10 ignores `${VAR}` ones there while they shadow the
        user-level credentials the secret provides."""
        npmrc = self.ws.npmrc
        return npmrc is not None and not npmrc.auth_keys


def checked(path: str, origin: str) -> str:
    """The path, when Docker can copy it and a .dockerignore line can re-include it exactly."""
    reason = context_path(path.rstrip("/"))
    if reason:
        raise InputError(
            f"path {path!r} {reason}",
            path=origin or None,
            hint="rename the file or folder (or exclude it from the workspace)",
        )
    return path


def copy(sources: list[str], dest: str, comment: str, origin: str = "") -> Copy:
    """COPY from the build context; `origin` is the file that named the sources (for errors)."""
    return Copy(tuple(checked(s, origin) for s in sources), dest, comment)


def copy_from(stage: str, comment: str, src: str = f"{WORKDIR}/", dest: str = "./", chown: str | None = None) -> Copy:
    """COPY from another stage (its /repo by default)."""
    return Copy((src,), dest, comment, from_stage=stage, chown=chown)


def folder(path: str) -> str:
    """`apps/api` -> `apps/api/`; the root -> `./` (COPY destinations that are folders)."""
    return f"{path}/" if path not in ("", ".") else "./"


def extra_steps(inputs: StageInputs, stage: str) -> list[Step]:
    """The user's own instructions; trivy only honours an ignore right above the instruction."""
    trivy = tuple(f"trivy:ignore:{rule}" for rule, _ in inputs.cfg.lint_ignore if rule.startswith(("AVD-DS-", "DS-")))
    out: list[Step] = []
    for name, lines in inputs.cfg.instructions:
        for line in lines if name == stage else ():
            out.append(Raw(line, f"from `instructions.{stage}` in dockergen.yaml", trivy))
    return out


# ------------------------------------------------------------------ base


def base_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `base`: pnpm at the pinned version, the workdir, `instructions.base`."""
    im = inputs.images
    spec = f"pnpm@{im.pnpm}"
    if im.pnpm_integrity:
        algo, digest = im.pnpm_integrity.split(".", 1)
        tgz = f"/tmp/pnpm-{im.pnpm}.tgz"
        check = f"/tmp/pnpm.{algo}"
        install = Run(
            (
                Command(("npm", "pack", "--pack-destination", "/tmp", spec)),
                Command(("printf", "%s  %s\\n", digest, tgz), stdout=check),
                Command((f"{algo}sum", "-c", check)),
                Command(("npm", "install", "-g", tgz)),
                Command(("rm", tgz, check)),
            ),
            f"pnpm {im.pnpm} ({im.pnpm_source}), checked against its {algo} before install",
            (NPM_CACHE_MOUNT,),
        )
    else:
        install = Run(
            (Command(("npm", "install", "-g", spec)),),
            f"pnpm {im.pnpm} ({im.pnpm_source}); npm's cache mount keeps reinstalls offline",
            (NPM_CACHE_MOUNT,),
        )
    workdir = Workdir(WORKDIR, "the workspace lives here in every build stage")
    return (install, workdir, *extra_steps(inputs, "base"))


# ------------------------------------------------------------------ installs


def _root_inputs(inputs: StageInputs) -> list[Step]:
    """COPY the install inputs, one instruction per destination folder."""
    by_dir: dict[str, list[tuple[str, str]]] = {}
    for item in inputs.ws.install_inputs:
        if item.path == ".npmrc" and not inputs.copy_npmrc:
            continue
        by_dir.setdefault(posixpath.dirname(item.path), []).append((item.path, item.origin))
    for path in inputs.ws.root_script_files:
        by_dir.setdefault(posixpath.dirname(path), []).append((path, "package.json"))
    out: list[Step] = []
    for directory in sorted(by_dir):
        entries = sorted(set(by_dir[directory]))
        what = (
            "lockfile, workspace settings and install hooks"
            if directory == ""
            else f"{directory}/ files pnpm reads at install"
        )
        paths = sorted({checked(path, origin) for path, origin in entries})
        out.append(Copy(tuple(paths), folder(directory), what))
    return out


def _manifest_steps(inputs: StageInputs, packages: tuple[Package, ...]) -> list[Step]:
    out: list[Step] = []
    for pkg in packages:
        if pkg.install_scripts:
            reason = f"{pkg.name}: whole folder, its {'/'.join(pkg.install_scripts)} script runs during install"
            out.append(copy([folder(pkg.dir)], folder(pkg.dir), reason, pkg.manifest))
        else:
            out.append(copy([pkg.manifest], folder(pkg.dir), f"{pkg.name} manifest", pkg.manifest))
        for local in inputs.ws.local_paths:
            if local.package == pkg.name and not local.outside_root:
                comment = f"{local.spec}, a local dependency of {pkg.name}"
                out.append(copy([local.path], folder(posixpath.dirname(local.path)), comment, pkg.manifest))
    return out


def _secret_note(refs: tuple[str, ...]) -> str:
    extra = "".join(f" --secret id={r},env={r}" for r in refs)
    return f"; registry credentials: docker build --secret id=npmrc,src=$HOME/.npmrc{extra} ..."


def _install_run(inputs: StageInputs, filters: list[str], cleanup: list[str], comment: str) -> Run:
    argv = ("pnpm", "install", "--frozen-lockfile", f"--store-dir={STORE}", *(f"--filter={f}" for f in filters))
    commands = [Command(argv)]
    if cleanup:
        commands.append(Command(("rm", "-f", *cleanup)))
    return inputs.pnpm_run(commands, comment)


def _bin_placeholders(inputs: StageInputs) -> list[Step]:
    """pnpm links a workspace package's bins only when the files exist; before the libraries are
    built they do not, so a library using another library's bin would fail to build."""
    used = {link.target for link in inputs.ws.links if link.source in {p.name for p in inputs.libs}}
    files = sorted(
        posixpath.normpath(f"{pkg.dir}/{path}")
        for pkg in inputs.libs
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


def lib_deps_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `lib-deps`: the libraries' manifests and install inputs, then their install."""
    manifests = [*_manifest_steps(inputs, inputs.libs), *_bin_placeholders(inputs)]
    install = _install_run(
        inputs,
        [p.name for p in inputs.libs],
        ["pnpm-lock.yaml", *VOLATILE, "node_modules/.pnpm/lock.yaml"],
        "install for the libraries only; dropping the lockfile and pnpm's timestamps makes the result "
        "identical whenever their dependencies are",
    )
    return (*manifests, *_root_inputs(inputs), install)


def deps_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `deps`: the app's manifest and install inputs, its install, `instructions.deps`."""
    manifests = _manifest_steps(inputs, (inputs.pkg,))
    filters = [f"{inputs.pkg.name}..."] if inputs.libs else [inputs.pkg.name]
    install = _install_run(
        inputs, filters, [], f"install {inputs.pkg.name} and its workspace dependencies (frozen lockfile)"
    )
    return (*manifests, *_root_inputs(inputs), install, *extra_steps(inputs, "deps"))


# ------------------------------------------------------------------ builds


def _build_files(inputs: StageInputs) -> list[Step]:
    names = [f for f in inputs.ws.root_files if f.startswith(BUILD_CONFIG_PREFIXES) and not context_path(f)]
    out: list[Step] = []
    if names:
        out.append(copy(sorted(names), "./", "shared build configuration at the workspace root"))
    for path in inputs.cfg.keep:
        source = path.rstrip("/")
        out.append(copy([path], folder(posixpath.dirname(source)), "listed under `keep` in dockergen.yaml"))
    return out


BUILD_CONFIG_PREFIXES = ("tsconfig", "jsconfig", "babel.config", ".babelrc", ".swcrc", ".browserslistrc")


def _build_run(packages: list[Package]) -> Run:
    argv = ("pnpm", *(f"--filter={p.name}" for p in packages), "run", "build")
    return Run((Command(argv),), f"build {', '.join(p.name for p in packages)}")


def _sources(pkg: Package, comment: str) -> Copy:
    return copy([folder(pkg.dir)], folder(pkg.dir), comment, pkg.manifest)


def lib_build_steps(inputs: StageInputs, threshold: int) -> tuple[Step, ...]:
    """Stage `libs`: build configs, then each library's sources and build, in dependency order."""
    out = _build_files(inputs)
    if len(inputs.libs) <= threshold:
        for pkg in inputs.libs:
            out.append(_sources(pkg, f"{pkg.name} sources"))
            if pkg.script("build"):
                out.append(_build_run([pkg]))
        return tuple(out)
    names = {p.name for p in inputs.libs}
    order = tuple(p.name for p in inputs.libs)
    by_name = {p.name: p for p in inputs.libs}
    for level in graph.levels(inputs.ws.links, order, frozenset({"prod", "optional", "dev"})):
        members = [by_name[n] for n in level if n in names]
        for pkg in members:
            out.append(_sources(pkg, f"{pkg.name} sources"))
        built = [p for p in members if p.script("build")]
        if built:
            out.append(_build_run(built))
    return tuple(out)


def build_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `build`: the app's sources and build, `instructions.build`."""
    out = [] if inputs.libs else _build_files(inputs)
    out.append(_sources(inputs.pkg, f"{inputs.pkg.name} sources, last: they change most often"))
    if inputs.pkg.script("build"):
        out.append(_build_run([inputs.pkg]))
    return (*out, *extra_steps(inputs, "build"))
