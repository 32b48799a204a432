"""What every stage builder shares: StageInputs, the build-stage paths and mounts, COPY helpers."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from dockergen.config.model import TargetConfig
from dockergen.errors import InputError
from dockergen.plan.model import Command, Copy, Env, Images, Mount, Raw, Run, Step
from dockergen.programs import program
from dockergen.validate import context_path, control_chars
from dockergen.workspace.manifest import PROD_KINDS, Package
from dockergen.workspace.scan import Workspace
from dockergen.workspace.semver_version import parse_exact
from dockergen.workspace.start_command import StartCommand

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


@dataclass(slots=True)
class StageInputs:
    """What every step builder needs; warnings collect here and end up on the plan."""

    ws: Workspace
    cfg: TargetConfig
    pkg: Package
    images: Images
    command: StartCommand
    libs: tuple[Package, ...]
    next_standalone: bool = False  # a Next.js app shipped as its traced standalone server
    own_libs: tuple[Package, ...] = ()  # in a shared Dockerfile: libraries only this target uses (its own stage)
    warnings: list[str] = field(default_factory=list)

    def pnpm_run(self, commands: list[Command], comment: str) -> Run:
        """A RUN of pnpm commands with the store cache and, when needed, registry credentials as
        build secrets (an npmrc plus every `${VAR}` the repository's .npmrc uses), so no credential
        reaches a layer, the history, an ARG or an ENV. A build without the secrets still runs."""
        mounts = [STORE_MOUNT]
        if self.npmrc_secret:
            refs = self.ws.npmrc.env_refs if self.ws.npmrc else ()
            mounts += [NPMRC_SECRET, *(Mount("secret", id=ref) for ref in refs)]
            at = next((i for i, c in enumerate(commands) if c.argv[:1] == ("pnpm",)), 0)
            first = commands[at]
            commands = [
                *commands[:at],
                Command(first.argv, refs, first.stdout, first.if_available),
                *commands[at + 1 :],
            ]
            comment += _secret_note(refs)
        return Run(tuple(commands), comment, tuple(mounts))

    @property
    def build_packages(self) -> tuple[tuple[str, ...], str]:
        """Debian packages for the build stages, and why: `build_packages` in dockergen.yaml, else
        node-gyp's tools when the lockfile has a dependency that compiles and pnpm lets it build."""
        if self.cfg.build_packages is not None:
            return self.cfg.build_packages, "`build_packages` in dockergen.yaml"
        native = self.ws.native_builds
        if not native:
            return (), ""
        why = f"{', '.join(native)} compile(s) with node-gyp when no prebuilt binary downloads"
        if not self.images.build.startswith("node:"):
            self.warnings.append(
                f"target {self.cfg.name!r}: {why}; install python3, make and g++ in {self.images.build} "
                "or set `build_packages`"
            )
            return (), ""
        return ("g++", "make", "python3"), why

    @property
    def built_with_libraries(self) -> bool:
        """The app is one of the libraries (another target of its Dockerfile depends on it): their
        stages install and build it, and its own stages start from theirs."""
        return any(p.name == self.pkg.name for p in self.libs)

    @property
    def deploys(self) -> bool:
        """`pnpm deploy` makes the production tree from the lockfile: pnpm >= 10 where it can deploy
        this workspace (see DEPLOY_INJECTED_SINCE); else a frozen `--prod` install in the workspace
        layout (prod_install.py)."""
        if self.images.pnpm_major < 10:
            return False
        version = parse_exact(self.images.pnpm)
        old = version is not None and (version.major, version.minor) < DEPLOY_INJECTED_SINCE
        return not old or self.ws.settings.flag("injectWorkspacePackages")

    @property
    def workspace_layout(self) -> bool:
        """The runtime keeps the workspace's folders (`/app/<dir>`), not just the app in /app."""
        return not self.deploys or self.root_ships_dependencies or self.next_standalone

    def image_path(self, workspace_path: str) -> str:
        """Where a workspace path lands in the image, keeping its place relative to the app."""
        if self.workspace_layout:
            return posixpath.join(APP, workspace_path)
        return posixpath.normpath(posixpath.join(APP, posixpath.relpath(workspace_path, self.pkg.dir)))

    def prebuild_reason(self, pkg: Package) -> str:
        if pkg.name in dict(self.cfg.prebuild):
            return "`prebuild` in dockergen.yaml"
        if any(pkg.script(t) for t in self.ws.build_prerequisites):
            return "turbo.json runs it before build"
        return "it generates code the build compiles"

    @property
    def bin_from_root(self) -> bool:
        """The start command runs a bin that the workspace root's dependency provides, not the app's."""
        provider = self.command.bin_package
        return provider is not None and all(d.name != provider for d in self.pkg.deps(PROD_KINDS))

    @property
    def root_ships_dependencies(self) -> bool:
        """The workspace root declares production dependencies: the app may import them (pnpm
        installs the root's with every filtered install, and hoisting settings expose them)."""
        return bool(self.ws.root.deps(PROD_KINDS))

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


def package_path(path: str, origin: str, package_dir: str) -> str:
    """A path relative to a package (its runtime files, a static site's folder): plain, and
    inside the package folder."""
    normal = posixpath.normpath(path)
    outside = normal == ".." or normal.startswith("../")
    reason = "points outside the package folder" if outside and not control_chars(path) else context_path(normal)
    if reason:
        raise InputError(
            f"runtime file {path!r} of {package_dir} {reason}",
            path=origin,
            hint="list paths inside the package folder, without wildcards (`files` in package.json or dockergen.yaml)",
        )
    return normal


def copy(sources: list[str], dest: str, comment: str, origin: str = "") -> Copy:
    """COPY from the build context; `origin` is the file that named the sources (for errors)."""
    return Copy(tuple(checked(s, origin) for s in sources), dest, comment)


def copy_from(stage: str, comment: str, src: str = f"{WORKDIR}/", dest: str = "./", chown: str | None = None) -> Copy:
    """COPY from another stage (its /repo by default)."""
    return Copy((src,), dest, comment, from_stage=stage, chown=chown)


def folder(path: str) -> str:
    """`apps/api` -> `apps/api/`; the root -> `./` (COPY destinations that are folders)."""
    return f"{path}/" if path not in ("", ".") else "./"


# pnpm reuses a dependency's build results from its store (the side-effects cache) instead of running
# its build script: the trees differ (bin links, a .tmp folder) with an empty and a filled store, so
# the production tree, and the image, would depend on the state of the store's cache mount.
# pnpm 10.0 to 10.25 end `deploy` with ERR_PNPM_LOCKFILE_CONFIG_MISMATCH when the command injects
# the workspace packages (--config.inject-workspace-packages=true) and the workspace does not: the
# lockfile it writes for the deployment disagrees with the configuration (fixed in 10.26, pnpm#10294;
# tested with 10.0.0, 10.6.1, 10.12.1, 10.18.0, 10.22.0 and 10.25.0 against 10.26.0).
DEPLOY_INJECTED_SINCE = (10, 26)
NO_SIDE_EFFECTS_CACHE = "--config.side-effects-cache=false"
SIDE_EFFECTS_WHY = (
    "; dependencies' build scripts run every time (--config.side-effects-cache=false): with pnpm's cache of"
    " their results the tree would differ between an empty and a filled store"
)


def build_env(inputs: StageInputs) -> list[Step]:
    """`build_env` at the top of each stage that builds (the libraries', the app's), after the
    installs: adding one re-runs the builds, not the installs, and leaves the base shared."""
    if not inputs.cfg.build_env:
        return []
    return [Env(inputs.cfg.build_env, "from `build_env` in dockergen.yaml (the build steps only)")]


def extra_steps(inputs: StageInputs, stage: str) -> list[Step]:
    """The user's own instructions; trivy only honours an ignore right above the instruction."""
    trivy = tuple(f"trivy:ignore:{rule}" for rule, _ in inputs.cfg.lint_ignore if rule.startswith(("AVD-DS-", "DS-")))
    out: list[Step] = []
    for name, lines in inputs.cfg.instructions:
        for line in lines if name == stage else ():
            out.append(Raw(line, f"from `instructions.{stage}` in dockergen.yaml", trivy))
    return out


def _secret_note(refs: tuple[str, ...]) -> str:
    extra = "".join(f" --secret id={r},env={r}" for r in refs)
    return f"; registry credentials: docker build --secret id=npmrc,src=$HOME/.npmrc{extra} ..."


# Links node_modules/.dockergen-bin/<bin> to the file a dependency's "bin" names (relative, so it
# holds wherever the tree is copied): the runtime runs `node <link>`, no shell shim.
BIN_LINK = program("bin-link.js")


# The same link to a bin of the workspace root's dependency: read from the root's node_modules in
# the stage (argument 4), linked through the relative path from the link's folder to where the
# root's node_modules is at run time (argument 5), as in the repository.
BIN_LINK_FROM_ROOT = program("bin-link-from-root.js")


def bin_link(inputs: StageInputs, modules: str, root_modules: str = f"{WORKDIR}/node_modules") -> list[Step]:
    """The link the start command runs, when it runs a dependency's bin; `modules` is the app's
    node_modules in the stage, `root_modules` the workspace root's (where a bin the root provides is)."""
    command = inputs.command
    if command.bin_package is None:
        return []
    name = posixpath.basename(command.argv[1])
    why = f"the start command runs {command.bin_package}'s {name} bin: node on its file, found in its package.json"
    if not inputs.bin_from_root:
        return [Run((Command(("node", "-e", BIN_LINK, modules, command.bin_package, name)),), why)]
    up = posixpath.relpath("node_modules", posixpath.join(inputs.pkg.dir, "node_modules", ".dockergen-bin"))
    why += f"; the workspace root declares {command.bin_package}: the link leads to the root's node_modules"
    argv = ("node", "-e", BIN_LINK_FROM_ROOT, modules, command.bin_package, name, root_modules, up)
    return [Run((Command(argv),), why)]
