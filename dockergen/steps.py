"""The steps of each stage; plan.py decides which stages exist, this module what they do."""

from __future__ import annotations

import json
import posixpath
import shlex
from dataclasses import dataclass, field

from dockergen import detect, graph
from dockergen.config import TargetConfig
from dockergen.errors import ConfigError
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

# Preloaded before the app: PID 1 gets no default signal handling from the kernel, so without a
# handler `docker stop` waits 10 s and kills. It exits only when the app has no handler of its own.
# No spaces, quotes, '#' or '%': it travels in CMD, NODE_OPTIONS and a data: URL.
SIGNALS = (
    "data:text/javascript,['SIGTERM','SIGINT'].forEach(s=>process.on(s,()=>"
    "{if(process.listenerCount(s)===1)process.exit(128+(s==='SIGTERM'?15:2))}))"
)
DATA_DIRS = "/data-dirs"

LIB_DEPS_COMMENT = "the libraries' dependencies alone, so a new dependency of the app does not rebuild them"
LIBS_COMMENT = "workspace libraries, built in dependency order, one cached step per package"
DEPS_COMMENT = "the app's dependencies, installed on top of the built libraries"
DEPLOY_COMMENT = "the production tree: prod dependencies and injected workspace libraries, no sources"
RUNTIME_COMMENT = "the image that ships: production tree and build output, non-root"

ALWAYS_DROP = (
    "**/node_modules", "**/.git", "**/.env", "**/.env.*", "**/*.pem", "**/*.key", "*/**/.npmrc",
    "**/*.log", "**/coverage", "**/.nyc_output", "**/.turbo", "**/.cache", "**/.eslintcache",
    "**/*.tsbuildinfo", "**/.DS_Store", "**/Thumbs.db", "**/.idea", "**/.vscode",
    "**/.next", "**/.nuxt", "**/.output", "**/.svelte-kit", "**/.vercel",
    "**/Dockerfile", "**/Dockerfile.*", "**/*.dockerignore", "**/.dockerignore",
)  # fmt: skip


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


def _extra(ctx: PlanContext, stage: str) -> list[Step]:
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
    return (install, workdir, *_extra(ctx, "base"))


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
    return posixpath.normpath(path).removeprefix("./").split("/", 1)[0]


def lib_deps_steps(ctx: PlanContext) -> tuple[Step, ...]:
    manifests = [*_manifest_steps(ctx, ctx.libs), *_bin_placeholders(ctx)]
    install = _install_run(
        ctx,
        [p.name for p in ctx.libs],
        ["pnpm-lock.yaml", *VOLATILE, "node_modules/.pnpm/lock.yaml"],
        "install for the libraries only; dropping the lockfile and pnpm's timestamps makes the result "
        "identical whenever their dependencies are",
    )
    return (*manifests, *_root_inputs(ctx), install, *_extra(ctx, "deps"))


def deps_steps(ctx: PlanContext) -> tuple[Step, ...]:
    manifests = _manifest_steps(ctx, (ctx.pkg,))
    filters = [f"{ctx.pkg.name}..."] if ctx.libs else [ctx.pkg.name]
    install = _install_run(ctx, filters, [], f"install {ctx.pkg.name} and its workspace dependencies (frozen lockfile)")
    extra = [] if ctx.libs else _extra(ctx, "deps")
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
    return (*out, *_extra(ctx, "build"))


# ------------------------------------------------------------------ deploy + runtime


def deploy_steps(ctx: PlanContext) -> tuple[Step, ...]:
    flags = ["--prod", f"--store-dir={STORE}", "--prefer-offline"]
    why = "pnpm deploy"
    if ctx.images.pnpm_major >= 10 and not ctx.ws.settings.flag("injectWorkspacePackages"):
        flags.append("--config.inject-workspace-packages=true")
        why = "pnpm >= 10 deploys from the lockfile only with injected workspace packages (scoped to this command)"
    volatile = " ".join(f"{OUT}/{v}" for v in VOLATILE)
    return (
        run(
            [
                ctx.with_secrets(f"pnpm --filter={shlex.quote(ctx.pkg.name)} deploy {' '.join(flags)} {OUT}"),
                f"&& rm -f {volatile}",
                f"&& if command -v hardlink >/dev/null; then hardlink --quiet --ignore-time {OUT}; fi",
            ],
            f"{why}; pnpm's timestamps are removed so identical trees give identical layers, and identical "
            "files are hardlinked again (pnpm's store shares them, a cache-mounted store cannot)",
        ),
    )


def _signal_handling(ctx: PlanContext, env: list[tuple[str, str]]) -> tuple[list[str], str]:
    """The CMD argv with the signal preload, or the preload added to NODE_OPTIONS (for shims)."""
    argv = list(ctx.command.argv)
    if not ctx.cfg.handle_signals:
        return argv, "exec form: node is PID 1 and receives SIGTERM (the app must handle it)"
    if ctx.images.node_major < 18:
        ctx.warnings.append(
            f"target {ctx.cfg.name!r}: Node {ctx.images.node_major} lacks --import; the app must handle SIGTERM"
        )
        return argv, "exec form: node is PID 1 and receives SIGTERM (the app must handle it)"
    why = "exec form: node is PID 1; the preload makes SIGTERM/SIGINT end it unless the app handles them"
    if argv[:1] == ["node"]:
        return ["node", "--import", SIGNALS, *argv[1:]], why
    options = dict(env).get("NODE_OPTIONS", "")
    env.append(("NODE_OPTIONS", f"{options} --import={SIGNALS}".strip()))
    return argv, why.replace("the preload", "the NODE_OPTIONS preload")


def runtime_steps(ctx: PlanContext) -> tuple[Step, ...]:
    im, cfg = ctx.images, ctx.cfg
    env = [("NODE_ENV", "production"), *ctx.command.env]
    if cfg.port is not None:
        env.append(("PORT", str(cfg.port)))
    env += [kv for kv in cfg.env if kv[0] not in {k for k, _ in env}]
    argv, why = _signal_handling(ctx, env)
    out = [
        Step(
            "ENV",
            tuple(f"{k}={_env_value(v)}" for k, v in _dedupe(env)),
            "production mode; PORT tells the app where to listen",
        ),
        Step("WORKDIR", (APP,), "files below are owned by root: the app cannot modify itself"),
        copy_from(
            "deploy", "production dependencies (changes only when dependencies or libraries do)", f"{OUT}/", "./"
        ),
        *_app_files(ctx),
        *(
            copy_from("data-dirs", "a folder the app may write to (`data_dirs`)", f"{DATA_DIRS}{d}", d, chown=im.user)
            for d in cfg.data_dirs
        ),
        *_extra(ctx, "runtime"),
    ]
    if cfg.labels:
        out.append(
            Step("LABEL", tuple(f"{k}={json.dumps(v)}" for k, v in cfg.labels), "from `labels` in dockergen.yaml")
        )
    out.append(Step("USER", (im.user,), "numeric uid:gid: Kubernetes runAsNonRoot can verify it"))
    if cfg.port is not None:
        out.append(Step("EXPOSE", (str(cfg.port),), "the port from dockergen.yaml"))
    out.append(_healthcheck(ctx))
    if im.runtime_kind == "distroless" and argv[:1] == ["node"]:
        argv = argv[1:]  # distroless's ENTRYPOINT is node itself
    out.append(Step("CMD", (json.dumps(argv),), f"{why} ({ctx.command.source})"))
    return tuple(out)


def data_dir_steps(ctx: PlanContext) -> tuple[Step, ...]:
    dirs = " ".join(shlex.quote(f"{DATA_DIRS}{d}") for d in ctx.cfg.data_dirs)
    return (run([f"mkdir -p {dirs}"], "empty folders, copied into the runtime owned by the app user"),)


def _app_files(ctx: PlanContext) -> list[Step]:
    pkg = ctx.pkg
    if ctx.cfg.files:
        paths, why = tuple(ctx.cfg.files), "`files` in dockergen.yaml"
    else:
        paths, why = detect.runtime_paths(pkg, ctx.command)
    if not pkg.script("build"):
        # Nothing to build: the sources are the runtime files, straight from the context.
        if not paths:
            return [copy([f"{pkg.dir}/"], "./", f"{pkg.name} itself ({why})")]
        return [copy([f"{pkg.dir}/{p}"], f"./{p}", f"{pkg.name} runtime files ({why})") for p in paths]
    if not paths:
        raise ConfigError(
            f"target {ctx.cfg.name!r}: cannot tell which files of {pkg.name} the runtime needs "
            f"(it has a build script and its entry point {ctx.command.entry or '?'} is at the package root)",
            path="dockergen.yaml",
            hint=f'list them under `files:` for target {ctx.cfg.name!r}, or add a "files" field to its package.json',
        )
    return [
        copy_from(
            "build", f"{pkg.name} build output ({why})", _join(WORKDIR, pkg.dir, p), f"./{p}".rstrip("/.") or "./"
        )
        for p in paths
    ]


def _join(*parts: str) -> str:
    return posixpath.normpath(posixpath.join(*parts))


def _healthcheck(ctx: PlanContext) -> Step:
    cfg = ctx.cfg
    if not cfg.health:
        why = "no port, a worker" if cfg.port is None else "no `health:` path in dockergen.yaml"
        return Step("HEALTHCHECK", ("NONE",), f"no health endpoint ({why}): set `health:` (and `port:`) to enable one")
    if cfg.port is None:
        ctx.warnings.append(f"target {cfg.name!r}: `health` needs `port`; no HEALTHCHECK generated")
        return Step("HEALTHCHECK", ("NONE",), "no health check: `health` is set but `port` is not")
    url = f"http://127.0.0.1:{cfg.port}{cfg.health}"
    script = f"fetch('{url}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
    argv = [ctx.images.node_binary, "-e", script]
    return Step(
        "HEALTHCHECK",
        ("--interval=30s --timeout=5s --start-period=10s --retries=3", f"CMD {json.dumps(argv)}"),
        f"GET {cfg.health} must answer 2xx; node's fetch needs no curl in the image",
    )


def _env_value(value: str) -> str:
    return value if value and all(c.isalnum() or c in "._-/:@" for c in value) else json.dumps(value)


def _dedupe(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for key, value in pairs:
        seen[key] = value
    return list(seen.items())


# ------------------------------------------------------------------ context


def drop_patterns(ws: Workspace, packages: tuple[Package, ...]) -> tuple[str, ...]:
    """Ignore-file exclusions inside kept folders: secrets, caches, local build output."""
    outputs = set()
    for pkg in packages:
        if not pkg.script("build"):
            continue
        for path in _output_dirs(pkg):
            outputs.add(f"{pkg.dir}/{path}" if pkg.dir != "." else path)
    return ALWAYS_DROP + tuple(sorted(outputs))


def _output_dirs(pkg: Package) -> set[str]:
    """Folders a build writes: where main/bin point, and conventional output names in `files`."""
    out = set()
    for path in (pkg.main or "", *(b for _, b in pkg.bin)):
        parts = posixpath.normpath(path).removeprefix("./").split("/") if path else []
        if len(parts) > 1 and parts[0] not in ("", "."):
            out.add(parts[0])
    for entry in pkg.files or ():
        first = posixpath.normpath(entry).removeprefix("./").split("/", 1)[0]
        if first in OUTPUT_NAMES:
            out.add(first)
    return out


OUTPUT_NAMES = frozenset({"dist", "build", "out", ".next", ".output"})
