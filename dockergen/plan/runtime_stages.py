"""The last stages: the production tree (`pnpm deploy`) and the runtime image that ships it."""

from __future__ import annotations

import posixpath

from dockergen.config.keys import CONFIG_FILE, SYSTEM_FOLDERS, system_folder
from dockergen.errors import InputError
from dockergen.plan import nextjs, static_stages
from dockergen.plan.app_files import runtime_paths
from dockergen.plan.model import Cmd, Command, Copy, Env, Expose, Healthcheck, Label, Run, Step, User, Workdir
from dockergen.plan.prod_install import HIDE_PROJECT_SCRIPTS, workspace_layout
from dockergen.plan.stage_inputs import (
    APP,
    NO_SIDE_EFFECTS_CACHE,
    OUT,
    SIDE_EFFECTS_WHY,
    STORE,
    VOLATILE,
    WORKDIR,
    StageInputs,
    bin_link,
    copy,
    copy_from,
    extra_steps,
    package_path,
)
from dockergen.programs import program
from dockergen.validate import control_chars
from dockergen.workspace import pnpm_releases
from dockergen.workspace.semver_version import parse_exact

# Preloaded before the app: PID 1 gets no default signal handling from the kernel, so without a
# handler `docker stop` waits 10 s and kills. It exits only when the app has no handler of its own.
# No spaces, double quotes, '#', '%' or '?': it travels in CMD, NODE_OPTIONS and a data: URL, and
# Node 20 cuts a data: URL at '?' (its query), which left a syntax error that stopped every app.
SIGNALS = "data:text/javascript," + program("signals.js")
IN_TURN = program("in-turn.js")
# The health check's script: the URL arrives as its argument, never inside the code.
HEALTH_SCRIPT = program("health-check.js")
# Without node (nginx's image): bash's /dev/tcp, the port and path as arguments; 2xx passes.
TCP_HEALTH_SCRIPT = program("tcp-health.sh")
DATA_DIRS = "/data-dirs"
ROOT_OUT = "/root-out"

# pnpm >= 10's deploy writes the workspace's whole lockfile (every app's dependencies) into the
# deployed folder; nothing reads it at run time
DEPLOYED_LOCKFILE = "pnpm-lock.yaml"
DEPLOY_COMMENT = "the production tree: prod dependencies and injected workspace libraries, no sources"
RUNTIME_COMMENT = "the image that ships: production tree and build output, non-root"


# pnpm 10.0 to 10.11.0 end `deploy` of a workspace whose packages are injected with
# ERR_PNPM_LOCKFILE_CONFIG_MISMATCH when the lockfile records overrides: the deployment's install
# does not inherit them (pnpm#9283, fixed in 10.11.1 by pnpm#9546; seen on postiz, pnpm 10.6.1).
DEPLOY_OVERRIDES_SINCE = (10, 11, 1)


def deploy_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `deploy`: `pnpm deploy --prod` into /out, made reproducible."""
    _check_deploy_overrides(inputs)
    flags = ["--prod", f"--store-dir={STORE}", "--prefer-offline"]
    why = "pnpm deploy"
    if inputs.images.pnpm_major >= 10 and not inputs.ws.settings.flag("injectWorkspacePackages"):
        flags.append("--config.inject-workspace-packages=true")
        why = "pnpm >= 10 deploys from the lockfile only with injected workspace packages (scoped to this command)"
    comment = (
        f"{why}; pnpm's timestamps and the copy of the whole workspace's lockfile are removed so identical "
        "trees give identical layers (another app's dependency bump changes no byte here), and identical "
        "files are hardlinked again (pnpm's store shares them, a cache-mounted store cannot)"
    )
    if inputs.ws.dependency_builds:
        flags.append(NO_SIDE_EFFECTS_CACHE)
        comment += SIDE_EFFECTS_WHY
    hide: list[Command] = []
    if inputs.pkg.install_scripts:
        # deploy runs the deployed package's own lifecycle scripts in /out, where its devDependencies
        # (the code generators they call) are absent; what they generated is in the build output
        scripts = "/".join(inputs.pkg.install_scripts)
        if inputs.ws.dependency_builds:  # --ignore-scripts would skip the dependencies' builds too
            hide = [Command(("node", "-e", HIDE_PROJECT_SCRIPTS, inputs.pkg.dir))]
            comment += f"; {inputs.pkg.name}'s own {scripts} ran in the build: taken out of its package.json here"
        else:
            flags = [*flags, "--ignore-scripts"]
            comment += f"; --ignore-scripts: {inputs.pkg.name}'s own {scripts} ran in the build"
    app = inputs.pnpm_run([*hide, *_deploy(inputs.pkg.selector, flags, OUT)], comment)
    link = bin_link(inputs, f"{OUT}/node_modules", f"{ROOT_OUT}/node_modules")
    if not inputs.root_ships_dependencies:
        return (app, *link)
    why_root = (
        "the workspace root declares production dependencies the app resolves from its folder's parents: "
        f"deployed apart, its node_modules goes above the app ({ROOT_OUT}/node_modules -> {APP}/node_modules)"
    )
    root = inputs.pnpm_run(_deploy(".", flags, ROOT_OUT), why_root)
    return (app, root, *link) if inputs.bin_from_root else (app, *link, root)


def _check_deploy_overrides(inputs: StageInputs) -> None:
    """Refuses, with the fix, a deploy that this pnpm cannot run (see DEPLOY_OVERRIDES_SINCE)."""
    version = parse_exact(inputs.images.pnpm)
    if version is None or version.major != 10 or not inputs.ws.lockfile.overrides:
        return
    if (version.major, version.minor, version.patch) >= DEPLOY_OVERRIDES_SINCE:
        return
    newest = pnpm_releases.choose("10", inputs.ws.lockfile)  # the newest 10.x that installs this lockfile
    fix = newest.version if newest else ".".join(map(str, DEPLOY_OVERRIDES_SINCE))
    raise inputs.cfg.error(
        "pnpm",
        f"pnpm {inputs.images.pnpm} cannot deploy this workspace: its packages are injected and the lockfile "
        "records overrides, which pnpm deploy before 10.11.1 does not inherit (ERR_PNPM_LOCKFILE_CONFIG_MISMATCH, "
        "pnpm#9283)",
        hint=f'set `pnpm: "{fix}"` for this target in dockergen.yaml (the newest 10.x; 10.11.1 deploys the app '
        "but not a workspace root's own dependencies), or raise packageManager in package.json",
    )


def _deploy(selector: str, flags: list[str], out: str) -> list[Command]:
    return [
        Command(("pnpm", f"--filter={selector}", "deploy", *flags, out)),
        Command(("rm", "-f", *(f"{out}/{v}" for v in (*VOLATILE, DEPLOYED_LOCKFILE)))),
        Command(("hardlink", "--quiet", "--ignore-time", out), if_available="hardlink"),
    ]


def _signal_handling(inputs: StageInputs, env: list[tuple[str, str]]) -> tuple[list[str], str]:
    """The CMD argv with the signal preload, or the preload added to NODE_OPTIONS (for shims)."""
    argv = list(inputs.command.argv)
    if inputs.images.runtime_kind == "nginx":
        return argv, "exec form: nginx is PID 1 and stops on SIGTERM"
    if inputs.command.before:
        commands = [word for c in (*inputs.command.before, inputs.command.argv) for word in ("&&", *c)][1:]
        return ["node", "-e", IN_TURN, *commands], (
            "exec form: node is PID 1 and runs the start script's commands in turn, each to success, "
            "passing SIGTERM/SIGINT on to the one running"
        )
    if not inputs.cfg.handle_signals:
        return argv, "exec form: node is PID 1 and receives SIGTERM (the app must handle it)"
    if inputs.images.node_major < 18:
        inputs.warnings.append(
            f"target {inputs.cfg.name!r}: Node {inputs.images.node_major} lacks --import; the app must handle SIGTERM"
        )
        return argv, "exec form: node is PID 1 and receives SIGTERM (the app must handle it)"
    why = "exec form: node is PID 1; the preload makes SIGTERM/SIGINT end it unless the app handles them"
    if argv[:1] == ["node"]:
        return ["node", "--import", SIGNALS, *argv[1:]], why
    options = dict(env).get("NODE_OPTIONS", "")
    env.append(("NODE_OPTIONS", f"{options} --import={SIGNALS}".strip()))
    return argv, why.replace("the preload", "the NODE_OPTIONS preload")


def runtime_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `runtime`: env, the production tree, the app files, non-root user, health, CMD."""
    im, cfg = inputs.images, inputs.cfg
    env = _runtime_env(inputs)
    argv, why = _signal_handling(inputs, env)
    out: list[Step] = [
        *([Env(tuple(_dedupe(env)), "production mode; PORT tells the app where to listen")] if env else []),
        *_production_tree(inputs),
        *_app_files(inputs),
        *(copy_from("data-dirs", why, f"{DATA_DIRS}{d}", d, chown=im.user) for d, why in writable_dirs(inputs).items()),
        *extra_steps(inputs, "runtime"),
    ]
    if cfg.labels:
        out.append(Label(cfg.labels, "from `labels` in dockergen.yaml"))
    out.append(User(im.user, "numeric uid:gid: Kubernetes runAsNonRoot can verify it"))
    if cfg.port is not None:
        out.append(Expose(cfg.port, "the port from dockergen.yaml"))
    out.append(_healthcheck(inputs))
    if im.runtime_kind == "distroless" and argv[:1] == ["node"]:
        argv = argv[1:]  # distroless's ENTRYPOINT is node itself
    out.append(Cmd(tuple(argv), f"{why} ({inputs.command.source})"))
    return tuple(out)


def _runtime_env(inputs: StageInputs) -> list[tuple[str, str]]:
    cfg = inputs.cfg
    if inputs.images.runtime_kind == "nginx":  # nginx reads its configuration, not the environment
        return list(cfg.env)
    env = [("NODE_ENV", "production"), *_command_env(inputs), *nextjs.runtime_env(inputs)]
    if cfg.port is not None:
        env.append(("PORT", str(cfg.port)))
    if cfg.kind == "static" and not cfg.spa:
        env.append(("SPA", "0"))
    return env + [kv for kv in cfg.env if kv[0] not in {k for k, _ in env}]


def _production_tree(inputs: StageInputs) -> list[Step]:
    """The deployed app in /app; or, when the root ships dependencies too, the app in its
    workspace folder below /app and the root's node_modules in /app, as in the repository."""
    owned = "files below are owned by root: the app cannot modify itself"
    deployed = "production dependencies (changes only when dependencies or libraries do)"
    if inputs.cfg.kind == "static":
        return [Workdir(APP, owned)]
    if inputs.next_standalone:
        return nextjs.runtime_files(inputs)
    if not inputs.deploys:
        return workspace_layout(inputs)
    if not inputs.root_ships_dependencies:
        return [Workdir(APP, owned), copy_from("deploy", deployed, f"{OUT}/")]
    root_modules = f"the workspace root's production dependencies, where the app finds them ({APP}/node_modules)"
    return [
        Workdir(f"{APP}/{inputs.pkg.dir}", f"{owned}; the app keeps its place in the workspace"),
        copy_from("deploy", root_modules, f"{ROOT_OUT}/node_modules/", f"{APP}/node_modules/"),
        copy_from("deploy", deployed, f"{OUT}/"),
    ]


def _command_env(inputs: StageInputs) -> list[tuple[str, str]]:
    """Variables the start script sets; its NODE_ENV never overrides production in the image."""
    out = []
    for key, value in inputs.command.env:
        if key == "NODE_ENV":
            if value != "production":
                inputs.warnings.append(
                    f"target {inputs.cfg.name!r}: the start script sets NODE_ENV={value}; the image keeps production"
                )
            continue
        if control_chars(value):
            raise InputError(
                f"the start script sets {key} to a value with a control character",
                path=inputs.pkg.manifest,
                hint=f"set `command:` and `env:` for target {inputs.cfg.name!r} in dockergen.yaml",
            )
        out.append((key, value))
    return out


def writable_dirs(inputs: StageInputs) -> dict[str, str]:
    """Folders the app may write to, and why: `data_dirs`, and Next's cache."""
    out = {d: "a folder the app may write to (`data_dirs`)" for d in inputs.cfg.data_dirs}
    cache = nextjs.cache_dir(inputs)
    if cache is not None and cache not in out:
        out[cache] = "Next.js writes optimized images and regenerated pages here"
    return out


def data_dir_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `data-dirs`: empty folders the app may write to."""
    dirs = tuple(f"{DATA_DIRS}{d}" for d in writable_dirs(inputs))
    return (Run((Command(("mkdir", "-p", *dirs)),), "empty folders, copied into the runtime owned by the app user"),)


def _app_files(inputs: StageInputs) -> list[Step]:
    if inputs.cfg.kind == "static":
        return static_stages.runtime_files(inputs)
    if inputs.next_standalone:
        return _asset_files(inputs)
    return [*_node_app_files(inputs), *_asset_files(inputs)]


def _asset_files(inputs: StageInputs) -> list[Step]:
    """Other members' build output the app serves, placed as in the workspace relative to the app."""
    out: list[Step] = []
    for asset in inputs.cfg.assets:
        member = inputs.ws.find(asset.package)
        assert member is not None  # the planner checked `assets`
        where = asset.to or posixpath.normpath(posixpath.join(member.dir, asset.path))
        dest = _asset_destination(inputs, asset.package, inputs.image_path(where))
        comment = f"{asset.package}'s {asset.path}, served by {inputs.pkg.name} (`assets`)"
        if member.script("build"):
            source = _join(WORKDIR, member.dir, asset.path)
            out.append(Copy((source,), dest, comment, from_stage="libs"))
        else:
            out.append(copy([f"{member.dir}/{asset.path}"], dest, comment, CONFIG_FILE))
    return out


def _asset_destination(inputs: StageInputs, package: str, dest: str) -> str:
    """Where an asset lands in the image: never over the image's system (`to: etc` is /etc for
    an app at the top of /app) unless the target allows it, with a warning."""
    reason = system_folder(dest)
    if reason is None:
        return dest
    if SYSTEM_FOLDERS not in inputs.cfg.unsafe:
        raise inputs.cfg.error(
            "assets",
            f"`assets` puts {package}'s files at {dest}: {reason}",
            hint=f"choose a `to:` beside the app (its files land relative to it), or allow it with "
            f"`unsafe: [{SYSTEM_FOLDERS}]`",
        )
    inputs.warnings.append(f"target {inputs.cfg.name!r}: `assets` writes into {dest} (`unsafe: [{SYSTEM_FOLDERS}]`)")
    return dest


def _node_app_files(inputs: StageInputs) -> list[Step]:
    pkg = inputs.pkg
    if inputs.cfg.files:
        paths, why, origin = tuple(inputs.cfg.files), f"`files` in {CONFIG_FILE}", CONFIG_FILE
    else:
        paths, why = runtime_paths(pkg, inputs.command)
        origin = pkg.manifest
    paths = tuple(package_path(p, origin, pkg.dir) for p in paths)
    if not pkg.script("build"):
        # Nothing to build: the sources are the runtime files, straight from the context.
        if not paths:
            return [copy([f"{pkg.dir}/"], "./", f"{pkg.name} itself ({why})", pkg.manifest)]
        return [copy([f"{pkg.dir}/{p}"], f"./{p}", f"{pkg.name} runtime files ({why})", origin) for p in paths]
    if not paths:
        raise inputs.cfg.error(
            "files",
            f"cannot tell which files of {pkg.name} the runtime needs "
            f"(it has a build script and its entry point {inputs.command.entry or '?'} is at the package root)",
            hint=f'list them under `files:` for target {inputs.cfg.name!r}, or add a "files" field to its package.json',
        )
    return [
        Copy(
            (_join(WORKDIR, pkg.dir, p),),
            f"./{p}".rstrip("/.") or "./",
            f"{pkg.name} build output ({why})",
            from_stage="build",
        )
        for p in paths
    ]


def _join(*parts: str) -> str:
    return posixpath.normpath(posixpath.join(*parts))


def _healthcheck(inputs: StageInputs) -> Healthcheck:
    cfg = inputs.cfg
    if not cfg.health:
        why = "no port, a worker" if cfg.port is None else "no `health:` path in dockergen.yaml"
        return Healthcheck((), f"no health endpoint ({why}): set `health:` (and `port:`) to enable one")
    if cfg.port is None:
        inputs.warnings.append(f"target {cfg.name!r}: `health` needs `port`; no HEALTHCHECK generated")
        return Healthcheck((), "no health check: `health` is set but `port` is not")
    url = f"http://127.0.0.1:{cfg.port}{cfg.health}"
    if inputs.images.runtime_kind == "nginx":
        argv = ("bash", "-c", TCP_HEALTH_SCRIPT, "health", str(cfg.port), cfg.health)
        return Healthcheck(argv, f"GET {cfg.health} must answer 2xx; bash's /dev/tcp: no curl, no node in the image")
    return Healthcheck(
        (inputs.images.node_binary, "-e", HEALTH_SCRIPT, url),
        f"GET {cfg.health} must answer 2xx; node's fetch needs no curl in the image",
    )


def _dedupe(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for key, value in pairs:
        seen[key] = value
    return list(seen.items())
