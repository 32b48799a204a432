"""build_plan(workspace, config, target) -> BuildPlan: every decision about the Dockerfile, as data."""

from __future__ import annotations

import difflib

from dockergen.config.keys import ROOT_USER, SYSTEM_FOLDERS, is_root, system_folder
from dockergen.config.model import Config, TargetConfig
from dockergen.errors import ConfigError, UsageError
from dockergen.plan import (
    base_stage,
    build_stages,
    install_stages,
    nextjs,
    overlay,
    prod_install,
    runtime_stages,
    static_stages,
    tools,
)
from dockergen.plan.build_context import build_context
from dockergen.plan.images import choose_images
from dockergen.plan.layers import MAX_LAYERS_PER_STAGE, bounded, layers
from dockergen.plan.model import BuildPlan, Copy, Stage, Step
from dockergen.plan.stage_inputs import WORKDIR, StageInputs, copy_from
from dockergen.workspace import static_site
from dockergen.workspace.manifest import Package
from dockergen.workspace.scan import Workspace
from dockergen.workspace.start_command import StartCommand, resolve_start


def build_plan(ws: Workspace, config: Config, target_name: str, shared_libs: tuple[str, ...] = ()) -> BuildPlan:
    """Plan one target. Pure: reads nothing, writes nothing. `shared_libs`: libraries of the
    targets sharing its Dockerfile, built in the shared stages with its own."""
    cfg = config.target(target_name)
    if cfg is None:
        raise UsageError(
            f"unknown target {target_name!r}", hint=f"targets: {', '.join(t.name for t in config.targets)}"
        )
    pkg = _package(ws, cfg)
    cfg = _resolve_kind(cfg, pkg)
    standalone = cfg.kind == "node" and nextjs.standalone(ws, cfg, pkg)
    if standalone and not pkg.script("build"):
        raise ConfigError(
            f"target {cfg.name!r}: {pkg.name} is built standalone by Next.js but has no build script",
            path=pkg.manifest,
            hint='add "build": "next build" to its scripts, or set standalone: false in dockergen.yaml',
        )
    images = choose_images(ws, cfg, pkg)
    command = _command(ws, pkg, cfg, standalone, images.runtime_kind)
    if command.needs_shell and images.runtime_kind == "distroless":
        raise cfg.error(
            "runtime",
            f"{' '.join(command.argv)} is a /bin/sh shim, and distroless has no shell",
            hint=f"use `runtime: slim` or set `command:` to [node, <script file>] for target {cfg.name!r}",
        )
    warnings = [*ws.warnings, *images.warnings, *ws.cycle_warnings(pkg.name), *_unsafe_warnings(cfg)]
    warnings += [
        *(ws.versions.node_warnings if cfg.node is None else ()),
        *(ws.versions.pnpm_warnings if cfg.pnpm is None else ()),
    ]
    assets = tuple(_asset_package(ws, cfg, a.package).name for a in cfg.assets)
    libs, own_libs = _libraries(ws, cfg, pkg, assets, shared_libs, standalone)
    warnings += _prebuild_warnings(ws, cfg, (*libs, *own_libs, pkg))
    dockerfile, dockerignore = placement(cfg, pkg, len(config.targets))
    inputs = StageInputs(ws, cfg, pkg, images, command, libs, next_standalone=standalone, own_libs=own_libs)
    stages = _stages(inputs)
    warnings.extend(inputs.warnings)
    advice = nextjs.advice(inputs)
    if advice:
        warnings.append(advice)
    warnings.extend(f"target {cfg.name!r}: {note}" for note in command.notes)
    if command.inferred:
        warnings.append(
            f"target {cfg.name!r}: {' '.join(command.argv)} is {command.source}; "
            "set `command:` in dockergen.yaml if it differs"
        )
    context = build_context(stages, cfg.keep, (*libs, *own_libs, pkg), cfg.ignore, ws)
    return BuildPlan(
        target=cfg.name,
        package=pkg.name,
        package_dir=pkg.dir,
        dockerfile=dockerfile,
        dockerignore=dockerignore,
        node=images.node,
        node_source=images.node_source,
        pnpm=images.pnpm,
        pnpm_source=images.pnpm_source,
        images=images,
        stages=stages,
        build_context=context,
        warnings=tuple(dict.fromkeys(warnings)),
        lint_ignore=cfg.lint_ignore,
        libraries=tuple(p.name for p in (*libs, *own_libs)),
    )


def _unsafe_warnings(cfg: TargetConfig) -> list[str]:
    """What a target's `unsafe:` let through, said on every run (config_fields refused it without)."""
    out = []
    if cfg.user is not None and is_root(cfg.user):
        out.append(f"target {cfg.name!r}: the app runs as root (user {cfg.user}, `unsafe: [{ROOT_USER}]`)")
    for folder in cfg.data_dirs:
        if system_folder(folder):
            out.append(f"target {cfg.name!r}: the app user owns {folder} (`data_dirs`, `unsafe: [{SYSTEM_FOLDERS}]`)")
    return out


def _libraries(
    ws: Workspace, cfg: TargetConfig, pkg: Package, assets: tuple[str, ...], shared: tuple[str, ...], standalone: bool
) -> tuple[tuple[Package, ...], tuple[Package, ...]]:
    """(the libraries its libraries' stages build, those it builds in its own stage). Alone: every
    workspace library its build needs, and none of its own. In a shared Dockerfile: the `shared`
    ones (what two or more of its targets use, the same for each, in one order: the shared stages
    must match), and the rest of what it needs in its own stage, so an app does not pay for, or
    change with, libraries only a sibling uses. An app another target depends on is one of the
    shared libraries: built once, with them."""
    closure = ws.closure(pkg.name, prod=False, with_root=bool(ws.root.dependencies), also=assets)
    needed = tuple(p for p in closure if p.name != pkg.name and p.dir != ".")
    if not shared:
        return needed, ()
    with_self = pkg.name in shared and cfg.kind == "node" and not standalone
    names = {n for n in shared if n != pkg.name or with_self}
    own = tuple(p for p in needed if p.name not in names)
    return ws.in_order(names, prod=False), own


def placement(cfg: TargetConfig, pkg: Package, target_count: int) -> tuple[str, str]:
    """One target, or several sharing one file: root Dockerfile + .dockerignore; a target with
    `shared: false` among several: beside its package; config wins."""
    if cfg.dockerfile:
        dockerfile = cfg.dockerfile
    elif target_count == 1 or cfg.shared:
        dockerfile = "Dockerfile"
    else:
        dockerfile = "Dockerfile" if pkg.dir == "." else f"{pkg.dir}/Dockerfile"
    if cfg.dockerignore:
        return dockerfile, cfg.dockerignore
    return dockerfile, ".dockerignore" if dockerfile == "Dockerfile" else f"{dockerfile}.dockerignore"


def _package(ws: Workspace, cfg: TargetConfig) -> Package:
    pkg = ws.find(cfg.package)
    if pkg is not None and pkg.dir == ".":
        raise cfg.error(
            "package",
            f"{cfg.package} is the workspace root, not a member",
            hint="dockergen ships workspace members: move the app into a folder listed in pnpm-workspace.yaml",
        )
    if pkg is None and not ws.workspace_file:
        raise ConfigError(
            f"target {cfg.name!r}: no workspace package is named {cfg.package!r}: there is no pnpm-workspace.yaml, "
            "so the workspace holds only the root package",
            path="pnpm-workspace.yaml",
            hint="restore pnpm-workspace.yaml with the member folders under `packages:`",
        )
    if pkg is None:
        names = [p.name for p in ws.packages]
        close = difflib.get_close_matches(cfg.package, names, n=1)
        raise cfg.error(
            "package",
            f"no workspace package is named {cfg.package!r}",
            hint=f"did you mean {close[0]!r}?" if close else "check the name in the package's package.json",
        )
    return pkg


def _prebuild_warnings(ws: Workspace, cfg: TargetConfig, built: tuple[Package, ...]) -> list[str]:
    """`prebuild` entries that name a package outside the build, or a script its package lacks
    (pnpm would stop the build on it): refused; outside the build: a warning, nothing runs."""
    names = {p.name for p in built}
    out = []
    for name, scripts in cfg.prebuild:
        pkg = ws.find(name)
        if pkg is None or name not in names:
            out.append(f"target {cfg.name!r}: `prebuild` names {name}, which its build does not include; ignored")
            continue
        missing = next((s for s in scripts if not pkg.script(s)), None)
        if missing is not None:
            raise cfg.error(
                "prebuild",
                f"`prebuild` runs {missing!r} in {name}, whose package.json has no such script",
                hint=f"name one of its scripts: {', '.join(sorted(n for n, _ in pkg.scripts)) or 'it has none'}",
            )
    return out


def _resolve_kind(cfg: TargetConfig, pkg: Package) -> TargetConfig:
    """`kind` and `spa` as configured, else as detected: a static front-end (a file server on its
    build output, or a site build and no server) is `static`."""
    site = static_site.detect(pkg) if cfg.kind in (None, "static") and cfg.command is None else None
    kind = cfg.kind or ("static" if site else "node")
    spa = cfg.spa if cfg.spa is not None else (site.spa if site else True)
    return cfg.model_copy(update={"kind": kind, "spa": spa})


def _asset_package(ws: Workspace, cfg: TargetConfig, name: str) -> Package:
    found = ws.find(name)
    if found is None or found.dir == ".":
        raise cfg.error(
            "assets",
            f"`assets` names {name!r}, which is not a workspace member",
            hint="name the member whose build output the app serves, as in its package.json",
        )
    if found.name == cfg.package:  # it would be copied from the libraries' stage, which does not build it
        raise cfg.error(
            "assets",
            f"`assets` names {name!r}, the package the target ships",
            hint="its own build output goes in with `files:`; `assets` is for other members' output",
        )
    return found


def _command(ws: Workspace, pkg: Package, cfg: TargetConfig, standalone: bool, images_kind: str) -> StartCommand:
    if cfg.command:
        return StartCommand(cfg.command, "command in dockergen.yaml")
    if standalone:
        return nextjs.start_command(pkg)
    if cfg.kind == "static":
        return StartCommand(static_stages.command(images_kind), "kind: static, the file server")
    command, why = resolve_start(pkg, ws.build_info(pkg))
    if command is None:
        raise ConfigError(
            f"target {cfg.name!r}: package {pkg.name} has no way to start: {why}",
            path=pkg.manifest,
            hint=f"set `command:` for target {cfg.name!r} in dockergen.yaml, e.g. [node, dist/index.js]",
        )
    return command


def _stages(inputs: StageInputs) -> tuple[Stage, ...]:
    base = Stage("base", inputs.images.build, base_stage.BASE_COMMENT, base_stage.base_steps(inputs))
    single = inputs.ws.hoisted or inputs.cfg.optimize == "cold"
    installed, ready = _single_install(inputs) if single else _split_installs(inputs)
    out = [base, *installed]
    if inputs.pkg.script("build") and inputs.built_with_libraries:
        comment = f"{inputs.pkg.name} was built with the libraries (another target depends on it): its checks"
        out.append(Stage("build", ready, comment, build_stages.check_steps(inputs)))
    elif inputs.pkg.script("build"):
        comment = f"build {inputs.pkg.name} from its sources"
        out.append(Stage("build", ready, comment, build_stages.build_steps(inputs)))
    elif dict(inputs.cfg.instructions).get("build"):
        raise inputs.cfg.error(
            "instructions",
            f"`instructions.build` has no stage to go in ({inputs.pkg.name} has no build script)",
            hint="put them under `deps` (after the install) or `runtime`",
        )
    out += _production_stages(inputs, ready)
    if runtime_stages.writable_dirs(inputs):
        out.append(Stage("data-dirs", "base", "folders the app may write to", runtime_stages.data_dir_steps(inputs)))
    runtime = runtime_stages.runtime_steps(inputs)
    out.append(Stage("runtime", inputs.images.runtime, runtime_stages.RUNTIME_COMMENT, runtime))
    return bounded(tuple(out), inputs.cfg.name)


def _production_stages(inputs: StageInputs, ready: str) -> list[Stage]:
    """What the runtime takes besides the build: the production tree, or the static file server;
    nothing for a Next.js standalone build (its output carries the node_modules files it loads)."""
    if inputs.cfg.kind == "static":
        return [Stage("server", "base", "the file server that serves the site", static_stages.server_steps(inputs))]
    if inputs.next_standalone:
        return []
    if not inputs.deploys:
        deploy = Stage("deploy", "base", prod_install.comment(inputs), prod_install.prod_install_steps(inputs))
        gathered = prod_install.lib_files_steps(inputs)
        if not gathered:
            return [deploy]
        why = "the libraries' built runtime files, gathered in one folder"
        return [deploy, Stage(prod_install.LIB_FILES, ready if inputs.own_libs else "libs", why, gathered)]
    return [Stage("deploy", ready, runtime_stages.DEPLOY_COMMENT, runtime_stages.deploy_steps(inputs))]


def _split_installs(inputs: StageInputs) -> tuple[list[Stage], str]:
    """The libraries' install alone (lib-deps), their builds (libs), then the app's install (deps):
    a new dependency of the app reinstalls but does not rebuild the libraries. The libraries build
    in one step (each RUN adds about 0.6 s to a cold build here); `optimize: libraries`, one per level."""
    if not inputs.libs:
        return [Stage("deps", "base", install_stages.DEPS_ALONE_COMMENT, install_stages.deps_steps(inputs))], "deps"
    providers = tools.tool_providers(inputs)
    stages = _gathered(
        install_stages.LIB_MANIFESTS, install_stages.LIB_MANIFESTS_COMMENT, inputs, (*inputs.libs, *providers)
    )
    why = install_stages.LIB_DEPS_WITH_TOOLS_COMMENT if providers else install_stages.LIB_DEPS_COMMENT
    stages += _chain(install_stages.LIB_DEPS, why, install_stages.lib_deps_steps(inputs), None, "base")
    head = copy_from(
        install_stages.LIB_DEPS, "the libraries' installed dependencies (content-addressed: cached when unchanged)"
    )
    libs, comment = _lib_builds(inputs)
    stages += _chain("libs", comment, libs, head, "base")
    if inputs.built_with_libraries:  # the libraries' install and builds were the app's too
        return stages, "libs"
    built, after = overlay.built_libraries(inputs, libs, "libs")
    if inputs.own_libs and not after:
        own = _own_libraries(inputs, libs, built)
        if own:
            return [*stages, *own], "deps"
    if not after:  # the app installs while the libraries build; then they are laid over it
        steps = install_stages.deps_steps(inputs, built)
        stages.append(Stage("deps", install_stages.LIB_DEPS, install_stages.DEPS_BESIDE_COMMENT, steps))
    else:
        comment = f"{install_stages.DEPS_COMMENT}: {after}"
        stages.append(Stage("deps", "libs", comment, install_stages.deps_steps(inputs)))
    return _own_libraries_after(inputs, stages, "deps")


def _own_libraries(inputs: StageInputs, libs: tuple[Step, ...], built: tuple[Step, ...]) -> list[Stage]:
    """The libraries only this target uses, a level below the shared ones: their install from the
    shared install (`own-deps`), their builds on the shared ones laid over it (`own-libs`), and the
    app's install from theirs, with every built library laid over it; [] when one of their builds
    may write elsewhere (they then build after the app's install)."""
    head = (copy_from(install_stages.OWN_DEPS, "the installed dependencies of the libraries only this app uses"),)
    own = build_stages.own_lib_steps(inputs, (*head, *built))
    laid, after = overlay.built_libraries(inputs, (*libs, *own), "own-libs", (*inputs.libs, *inputs.own_libs))
    if after:
        return []
    deps = install_stages.deps_steps(inputs, laid, install_stages.OWN_DEPS)
    return [
        Stage(install_stages.OWN_DEPS, install_stages.LIB_DEPS, install_stages.OWN_DEPS_COMMENT,
              install_stages.own_deps_steps(inputs)),
        Stage("own-libs", "base", build_stages.OWN_LIBS_COMMENT, own),
        Stage("deps", install_stages.OWN_DEPS, install_stages.DEPS_BESIDE_COMMENT, deps),
    ]  # fmt: skip


def _own_libraries_after(inputs: StageInputs, stages: list[Stage], ready: str) -> tuple[list[Stage], str]:
    """The libraries only this target uses, built after the app's install (when a library's build
    may write into node_modules, or the install is one for all): a new app dependency rebuilds them."""
    if not inputs.own_libs:
        return stages, ready
    comment = f"{build_stages.OWN_LIBS_COMMENT}, after the app's install"
    return [*stages, Stage("own-libs", ready, comment, build_stages.own_lib_steps(inputs))], "own-libs"


def _single_install(inputs: StageInputs) -> tuple[list[Stage], str]:
    """One install for the app and its libraries, the libraries built on top of it: with
    node-linker=hoisted (pnpm installs every package of the lockfile whatever the filter), or with
    `optimize: cold` (fewest steps)."""
    if inputs.ws.hoisted:
        inputs.warnings.append(
            "nodeLinker is hoisted: pnpm installs every package of the lockfile whatever the filter, "
            "so the build installs once, for the whole workspace"
        )
        stages, comment = [], install_stages.HOISTED_COMMENT
    else:
        closure = (*inputs.libs, inputs.pkg)
        stages = _gathered(install_stages.MANIFESTS, install_stages.MANIFESTS_COMMENT, inputs, closure)
        comment = install_stages.COLD_COMMENT
    stages.append(Stage("deps", "base", comment, install_stages.single_install_steps(inputs)))
    if not inputs.libs:
        return stages, "deps"
    libs, comment = _lib_builds(inputs)
    return _own_libraries_after(inputs, [*stages, *_chain("libs", comment, libs, None, "deps")], "libs")


def _lib_builds(inputs: StageInputs) -> tuple[tuple[Step, ...], str]:
    """The libraries' sources and builds: one build step for all (every RUN adds to a cold build),
    or with `optimize: libraries` one per level (a library change re-runs the builds from its level on)."""
    if inputs.cfg.optimize == "libraries":
        return build_stages.lib_build_steps(inputs, together=False), build_stages.LIBS_COMMENT
    return build_stages.lib_build_steps(inputs, together=True), build_stages.LIBS_TOGETHER_COMMENT


def _gathered(name: str, comment: str, inputs: StageInputs, packages: tuple[Package, ...]) -> list[Stage]:
    """A stage from scratch holding the packages' manifests, gathered while `base` installs pnpm."""
    return _chain(name, comment, install_stages.gathered_manifest_steps(inputs, packages), None, "scratch")


def _chain(name: str, comment: str, body: tuple[Step, ...], head: Step | None, first_base: str) -> list[Stage]:
    """One stage, or several when long: each later one starts fresh from `base` and copies the
    previous one's /repo, so no image nears Docker's layer limit (the copy is content-addressed)."""
    chunks = _chunk(body)
    stages: list[Stage] = []
    later_base, carry_to = ("scratch", f"{WORKDIR}/") if first_base == "scratch" else ("base", "./")
    for index, chunk in enumerate(chunks):
        stage_name = name if index == len(chunks) - 1 else f"{name}-{index + 1}"
        carry = f"{name}: the work of the previous stage"
        first = head if index == 0 else copy_from(stages[-1].name, carry, dest=carry_to)
        stage_base = first_base if index == 0 else later_base
        stages.append(Stage(stage_name, stage_base, comment, (first, *chunk) if first else chunk))
    return stages


def _chunk(body: tuple[Step, ...]) -> list[tuple[Step, ...]]:
    """Split steps into runs of MAX_LAYERS_PER_STAGE layers at most (the head or the carry
    included), cutting only before a COPY from the context (the next stage carries everything
    before the cut over with one COPY --from): the steps from one such COPY to the next stay
    together, packed greedily."""
    segments: list[list[Step]] = [[]]
    for step in body:
        if isinstance(step, Copy) and step.reads and segments[-1]:
            segments.append([])
        segments[-1].append(step)
    chunks: list[list[Step]] = [[]]
    count = 0  # layers of the last chunk
    for segment in segments:
        size = layers(tuple(segment))
        if chunks[-1] and count + size > MAX_LAYERS_PER_STAGE - 1:
            chunks.append([])
            count = 0
        chunks[-1].extend(segment)
        count += size
    return [tuple(c) for c in chunks]
