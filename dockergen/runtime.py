"""The last stages: the production tree (`pnpm deploy`) and the runtime image that ships it."""

from __future__ import annotations

import json
import posixpath
import shlex

from dockergen import detect
from dockergen.errors import ConfigError
from dockergen.steps import APP, OUT, STORE, VOLATILE, WORKDIR, PlanContext, Step, copy, copy_from, extra_steps, run

# Preloaded before the app: PID 1 gets no default signal handling from the kernel, so without a
# handler `docker stop` waits 10 s and kills. It exits only when the app has no handler of its own.
# No spaces, quotes, '#' or '%': it travels in CMD, NODE_OPTIONS and a data: URL.
SIGNALS = (
    "data:text/javascript,['SIGTERM','SIGINT'].forEach(s=>process.on(s,()=>"
    "{if(process.listenerCount(s)===1)process.exit(128+(s==='SIGTERM'?15:2))}))"
)
DATA_DIRS = "/data-dirs"

DEPLOY_COMMENT = "the production tree: prod dependencies and injected workspace libraries, no sources"
RUNTIME_COMMENT = "the image that ships: production tree and build output, non-root"


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
        *extra_steps(ctx, "runtime"),
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
