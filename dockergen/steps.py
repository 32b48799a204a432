"""The steps of each stage; plan.py decides which stages exist, this module what they do."""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass, field

from dockergen import graph
from dockergen.config import TargetConfig
from dockergen.images import Images
from dockergen.manifest import Package
from dockergen.startcmd import StartCommand
from dockergen.workspace import Workspace

WORKDIR = "/repo"
STORE = "/pnpm/store"
OUT = "/out"
APP = "/app"
STORE_MOUNT = f"--mount=type=cache,id=pnpm-store,target={STORE}"
NPM_CACHE_MOUNT = "--mount=type=cache,id=npm-cache,target=/root/.npm"
# Credentials come from the user-level config, where pnpm >= 10 still expands ${VARS} and which
# a project .npmrc cannot shadow: `docker build --secret id=npmrc,src=$HOME/.npmrc ...`.
NPMRC_SECRET = "--mount=type=secret,id=npmrc,target=/root/.npmrc"
# pnpm writes timestamps into these; they would make identical installs differ.
VOLATILE = (
    "node_modules/.modules.yaml",
    "node_modules/.pnpm-workspace-state-v1.json",
    "node_modules/.pnpm-workspace-state.json",
)


LIB_DEPS_COMMENT = "the libraries' dependencies alone, so a new dependency of the app does not rebuild them"
LIBS_COMMENT = "workspace libraries, built in dependency order, one cached step per package"
DEPS_COMMENT = "the app's dependencies, installed on top of the built libraries"


@dataclass(frozen=True, slots=True)
class Step:
    """One Dockerfile instruction: `args` are its lines (joined with `\\` continuations)."""

    instruction: str
    args: tuple[str, ...]
    comment: str
    reads: tuple[str, ...] = ()
    pragmas: tuple[str, ...] = ()  # linter directives printed between the comment and the instruction


@dataclass(slots=True)
class PlanContext:
    """What every step builder needs; warnings collect here and end up on the plan."""

    ws: Workspace
    cfg: TargetConfig
    pkg: Package
    images: Images
    command: StartCommand
    libs: tuple[Package, ...]
    warnings: list[str] = field(default_factory=list)

    def with_secrets(self, command: str) -> str:
        """Mounts for a pnpm command: the store cache, and registry credentials (an npmrc plus every
        `${VAR}` the repository's .npmrc uses) as build secrets, so no credential reaches a layer,
        the history, an ARG or an ENV. Secrets are optional: a build without them still runs."""
        mounts = [STORE_MOUNT]
        prefix = ""
        if self.npmrc_secret:
            mounts.append(NPMRC_SECRET)
            refs = self.ws.npmrc.env_refs if self.ws.npmrc else ()
            mounts += [f"--mount=type=secret,id={ref}" for ref in refs]
            prefix = "".join(f'{ref}="$(cat /run/secrets/{ref} 2>/dev/null)" ' for ref in refs)
        return f"{' '.join(mounts)} {prefix}{command}"

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


def copy(sources: list[str], dest: str, comment: str) -> Step:
    return Step("COPY", (" ".join([*sources, dest]),), comment, tuple(s.rstrip("/") for s in sources))


def copy_from(stage: str, comment: str, src: str = f"{WORKDIR}/", dest: str = "./", chown: str = "") -> Step:
    owner = f"--chown={chown} " if chown else ""
    return Step("COPY", (f"--from={stage} {owner}{src} {dest}",), comment)


def run(lines: list[str], comment: str) -> Step:
    return Step("RUN", tuple(lines), comment)


def extra_steps(ctx: PlanContext, stage: str) -> list[Step]:
    """The user's own instructions; trivy only honours an ignore right above the instruction."""
    trivy = tuple(f"trivy:ignore:{rule}" for rule, _ in ctx.cfg.lint_ignore if rule.startswith(("AVD-DS-", "DS-")))
    out = []
    for name, lines in ctx.cfg.instructions:
        for line in lines if name == stage else ():
            keyword, _, args = line.partition(" ")
            out.append(Step(keyword.upper(), (args.strip(),), "from `instructions` in dockergen.yaml", pragmas=trivy))
    return out


# ------------------------------------------------------------------ base


def base_steps(ctx: PlanContext) -> tuple[Step, ...]:
    im = ctx.images
    spec = f"pnpm@{im.pnpm}"
    if im.pnpm_integrity:
        algo, digest = im.pnpm_integrity.split(".", 1)
        tgz = f"/tmp/pnpm-{im.pnpm}.tgz"
        install = run(
            [
                f"{NPM_CACHE_MOUNT} npm pack --pack-destination /tmp {shlex.quote(spec)}",
                f"&& printf '%s  %s\\n' {digest} {tgz} > /tmp/pnpm.{algo}",
                f"&& {algo}sum -c /tmp/pnpm.{algo}",
                f"&& npm install -g {tgz}",
                f"&& rm {tgz} /tmp/pnpm.{algo}",
            ],
            f"pnpm {im.pnpm} ({im.pnpm_source}), checked against its {algo} before install",
        )
    else:
        install = run(
            [f"{NPM_CACHE_MOUNT} npm install -g {shlex.quote(spec)}"],
            f"pnpm {im.pnpm} ({im.pnpm_source}); npm's cache mount keeps reinstalls offline",
        )
    workdir = Step("WORKDIR", (WORKDIR,), "the workspace lives here in every build stage")
    return (install, workdir, *extra_steps(ctx, "base"))


# ------------------------------------------------------------------ installs


def _root_inputs(ctx: PlanContext) -> list[Step]:
    """COPY the install inputs, one instruction per destination folder."""
    by_dir: dict[str, list[str]] = {}
    for item in ctx.ws.install_inputs:
        if item.path == ".npmrc" and not ctx.copy_npmrc:
            continue
        by_dir.setdefault(posixpath.dirname(item.path), []).append(item.path)
    for path in ctx.ws.root_script_files:
        by_dir.setdefault(posixpath.dirname(path), []).append(path)
    out = []
    for folder in sorted(by_dir):
        paths = sorted(set(by_dir[folder]))
        what = (
            "lockfile, workspace settings and install hooks"
            if folder == ""
            else f"{folder}/ files pnpm reads at install"
        )
        out.append(copy(paths, f"{folder}/" if folder else "./", what))
    return out


def _manifest_steps(ctx: PlanContext, packages: tuple[Package, ...]) -> list[Step]:
    out = []
    for pkg in packages:
        if pkg.install_scripts:
            reason = f"{pkg.name}: whole folder, its {'/'.join(pkg.install_scripts)} script runs during install"
            out.append(copy([f"{pkg.dir}/"], f"{pkg.dir}/", reason))
        else:
            out.append(copy([pkg.manifest], f"{pkg.dir}/", f"{pkg.name} manifest"))
        for local in ctx.ws.local_paths:
            if local.package == pkg.name and not local.outside_root:
                dest = posixpath.dirname(local.path)
                out.append(
                    copy([local.path], f"{dest}/" if dest else "./", f"{local.spec}, a local dependency of {pkg.name}")
                )
    return out


def _secret_note(ctx: PlanContext) -> str:
    if not ctx.npmrc_secret:
        return ""
    refs = ctx.ws.npmrc.env_refs if ctx.ws.npmrc else ()
    extra = "".join(f" --secret id={r},env={r}" for r in refs)
    return f"; registry credentials: docker build --secret id=npmrc,src=$HOME/.npmrc{extra} ..."


def _install_run(ctx: PlanContext, filters: list[str], cleanup: list[str], comment: str) -> Step:
    lines = [ctx.with_secrets(f"pnpm install --frozen-lockfile --store-dir={STORE}")]
    lines += [" ".join(f"--filter={shlex.quote(f)}" for f in filters[i : i + 4]) for i in range(0, len(filters), 4)]
    if cleanup:
        lines.append("&& rm -f " + " ".join(cleanup))
    return run(lines, comment + _secret_note(ctx))


def _bin_placeholders(ctx: PlanContext) -> list[Step]:
    """pnpm links a workspace package's bins only when the files exist; before the libraries are
    built they do not, so a library using another library's bin would fail to build."""
    used = {link.target for link in ctx.ws.links if link.source in {p.name for p in ctx.libs}}
    files = sorted(
        posixpath.normpath(f"{pkg.dir}/{path}")
        for pkg in ctx.libs
        if pkg.name in used
        for _, path in pkg.bin
        # a package copied whole for its install scripts already has its committed bin files
        if not (pkg.install_scripts and _top(path) in pkg.entries)
    )
    if not files:
        return []
    folders = sorted({posixpath.dirname(f) for f in files})
    shebang = " ".join(f"&& printf '#!/usr/bin/env node\\n' > {shlex.quote(f)}" for f in files)
    return [
        run(
            [f"mkdir -p {' '.join(shlex.quote(d) for d in folders)} {shebang}"],
            "placeholder bins (a node shebang) so pnpm links the libraries' bins; their builds overwrite them",
        )
    ]


def _top(path: str) -> str:
    return posixpath.normpath(path).split("/", 1)[0]


def lib_deps_steps(ctx: PlanContext) -> tuple[Step, ...]:
    manifests = [*_manifest_steps(ctx, ctx.libs), *_bin_placeholders(ctx)]
    install = _install_run(
        ctx,
        [p.name for p in ctx.libs],
        ["pnpm-lock.yaml", *VOLATILE, "node_modules/.pnpm/lock.yaml"],
        "install for the libraries only; dropping the lockfile and pnpm's timestamps makes the result "
        "identical whenever their dependencies are",
    )
    return (*manifests, *_root_inputs(ctx), install, *extra_steps(ctx, "deps"))


def deps_steps(ctx: PlanContext) -> tuple[Step, ...]:
    manifests = _manifest_steps(ctx, (ctx.pkg,))
    filters = [f"{ctx.pkg.name}..."] if ctx.libs else [ctx.pkg.name]
    install = _install_run(ctx, filters, [], f"install {ctx.pkg.name} and its workspace dependencies (frozen lockfile)")
    extra = [] if ctx.libs else extra_steps(ctx, "deps")
    return (*manifests, *_root_inputs(ctx), install, *extra)


# ------------------------------------------------------------------ builds


def _build_files(ctx: PlanContext) -> list[Step]:
    names = [f for f in ctx.ws.root_files if f.startswith(BUILD_CONFIG_PREFIXES)]
    out = [copy(sorted(names), "./", "shared build configuration at the workspace root")] if names else []
    for path in ctx.cfg.keep:
        dest = posixpath.dirname(path.rstrip("/"))
        out.append(copy([path], f"{dest}/" if dest else "./", "listed under `keep` in dockergen.yaml"))
    return out


BUILD_CONFIG_PREFIXES = ("tsconfig", "jsconfig", "babel.config", ".babelrc", ".swcrc", ".browserslistrc")


def _build_run(packages: list[Package]) -> Step:
    filters = " ".join(f"--filter={shlex.quote(p.name)}" for p in packages)
    names = ", ".join(p.name for p in packages)
    return run([f"pnpm {filters} run build"], f"build {names}")


def lib_build_steps(ctx: PlanContext, threshold: int) -> tuple[Step, ...]:
    out = _build_files(ctx)
    if len(ctx.libs) <= threshold:
        for pkg in ctx.libs:
            out.append(copy([f"{pkg.dir}/"], f"{pkg.dir}/", f"{pkg.name} sources"))
            if pkg.script("build"):
                out.append(_build_run([pkg]))
        return tuple(out)
    names = {p.name for p in ctx.libs}
    order = tuple(p.name for p in ctx.libs)
    by_name = {p.name: p for p in ctx.libs}
    for level in graph.levels(ctx.ws.links, order, frozenset({"prod", "optional", "dev"})):
        members = [by_name[n] for n in level if n in names]
        for pkg in members:
            out.append(copy([f"{pkg.dir}/"], f"{pkg.dir}/", f"{pkg.name} sources"))
        built = [p for p in members if p.script("build")]
        if built:
            out.append(_build_run(built))
    return tuple(out)


def build_steps(ctx: PlanContext) -> tuple[Step, ...]:
    out = [] if ctx.libs else _build_files(ctx)
    out.append(copy([f"{ctx.pkg.dir}/"], f"{ctx.pkg.dir}/", f"{ctx.pkg.name} sources, last: they change most often"))
    if ctx.pkg.script("build"):
        out.append(_build_run([ctx.pkg]))
    return (*out, *extra_steps(ctx, "build"))
