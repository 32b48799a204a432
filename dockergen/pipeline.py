"""The one pipeline behind generate, check and plan: scan -> plan -> render (+ ignore validation)."""

from __future__ import annotations

from dataclasses import dataclass

from dockergen import dockerignore
from dockergen.config.model import BAKE_FILE, CI_FILES, CONFIG_FILE, SCHEMA_FILE, Config, load_config, parse_config
from dockergen.errors import ConfigError, DockergenError
from dockergen.plan import shared
from dockergen.plan.bake import bake_plan
from dockergen.plan.model import BuildPlan
from dockergen.plan.planner import build_plan
from dockergen.plan.workflow import workflow_plan
from dockergen.render import RenderedFile, render, render_bake, render_schema, render_workflow, split_generated
from dockergen.repo import Repo
from dockergen.workspace.scan import Workspace, scan


@dataclass(frozen=True, slots=True)
class Generated:
    """Every target's plan and rendered files, plus the warnings to show once."""

    plans: tuple[BuildPlan, ...]
    files: tuple[RenderedFile, ...]
    warnings: tuple[str, ...]


def generate_all(repo: Repo, config_text: str | None = None, ws: Workspace | None = None) -> Generated:
    """Plan and render every target of dockergen.yaml (or of `config_text`); validate ignore files.
    `ws` is the workspace when the caller has scanned it already."""
    ws = ws if ws is not None else scan(repo)
    try:
        config = parse_config(config_text) if config_text is not None else load_config(repo)
        plans, files_of = _shared_plans(ws, config)
    except DockergenError as exc:
        exc.warnings = ws.warnings
        raise
    files: list[RenderedFile] = []
    for plan in files_of:
        dockerfile, ignore_file = render(plan)
        dockerignore.validate(dockerignore.parse(ignore_file.content, ignore_file.path), plan.reads, plan.dockerfile)
        files += [dockerfile, ignore_file]
    extra, notes = _bake_and_ci(repo, ws, config, plans)
    files += extra
    if config.schema is not None:  # asked for by dockergen.yaml's modeline
        from dockergen.config.schema import json_schema

        files.append(render_schema(json_schema(), config.schema))
    _check_paths(files, ws)
    warnings = tuple(
        dict.fromkeys([*(w for p in plans for w in p.warnings), *notes, *_left_behind(repo, plans, files)])
    )
    return Generated(plans, tuple(files), warnings)


def _bake_and_ci(
    repo: Repo, ws: Workspace, config: Config, plans: tuple[BuildPlan, ...]
) -> tuple[list[RenderedFile], list[str]]:
    """The bake file and the CI workflow, when configured. A bake file written by default (several
    targets, no `bake:`) gives way to a file of the user's at its place, with a warning."""
    bake = bake_plan(config, plans, {p.name: p.version for p in ws.packages})
    if bake is None:
        return [], []
    if config.bake_implicit and repo.kind(bake.path) != "missing" and not _ours(repo, bake.path):
        note = (
            f"{bake.path} is not dockergen's: no bake file written; set `bake: dockergen-bake.hcl` "
            "in dockergen.yaml to write one beside it (or `bake: false`)"
        )
        return [], [note]
    files = [render_bake(bake)]
    if config.ci is not None:
        files.append(render_workflow(workflow_plan(config, bake)))
    return files, []


def _ours(repo: Repo, path: str) -> bool:
    return repo.kind(path) == "file" and split_generated(repo.read_text(path))[0]


def _left_behind(repo: Repo, plans: tuple[BuildPlan, ...], files: list[RenderedFile]) -> list[str]:
    """dockergen's files at a target's other default place (beside its package, or the root) that
    no target writes any more: left by an earlier version, or before targets shared a Dockerfile."""
    written = {f.path for f in files}
    candidates = ["Dockerfile", ".dockerignore", BAKE_FILE, *CI_FILES.values(), SCHEMA_FILE]
    for plan in plans:
        folder = f"{plan.package_dir}/" if plan.package_dir != "." else ""
        candidates += [f"{folder}Dockerfile", f"{folder}Dockerfile.dockerignore"]
    out = []
    for path in dict.fromkeys(candidates):
        if path not in written and _ours(repo, path):
            why = (
                "dockergen.yaml has no schema line any more" if path == SCHEMA_FILE else "no target writes it any more"
            )
            out.append(f"{path} was written by dockergen and {why}: delete it")
    return out


def _shared_plans(ws: Workspace, config: Config) -> tuple[tuple[BuildPlan, ...], list[BuildPlan]]:
    """(every target's plan, the plans of the files to write). Targets whose Dockerfile is the
    same path (several targets and no `shared: false`) share one file: those using libraries two or
    more of them use are planned again, building those in the shared stages and the rest of theirs
    in their own."""
    alone = tuple(build_plan(ws, config, t.name) for t in config.targets)
    sharing = {t.name for t in config.targets if t.shared}
    # an `optimize: cold` target installs its app with its libraries: no stage to share, no others'
    # libraries, and the others' shared stages do not build its libraries
    cold = {t.name for t in config.targets if t.optimize == "cold"}
    by_target: dict[str, BuildPlan] = {}
    files_of: list[BuildPlan] = []
    for group in shared.group_by_file(tuple(p for p in alone if p.target in sharing)):
        if len(group) == 1:
            by_target[group[0].target] = group[0]
            files_of.append(group[0])
            continue
        libs = shared.libraries(tuple(p for p in group if p.target not in cold))
        # a target that uses none of them keeps its own stages (it shares only the base)
        joins = {p.target for p in group if p.target not in cold and {*p.libraries, p.package} & set(libs)}
        views = shared.views(tuple(build_plan(ws, config, p.target, libs) if p.target in joins else p for p in group))
        by_target.update((v.target, v) for v in views)
        files_of.append(shared.merged(views))
    for plan in alone:
        if plan.target not in sharing:
            by_target[plan.target] = plan
            files_of.append(plan)
    return tuple(by_target[p.target] for p in alone), files_of


# Files dockergen reads to plan: it never writes one of them, whatever --force says.
_INPUTS = (CONFIG_FILE, "pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc", ".pnpmfile.cjs", ".pnpmfile.mjs")
_MANIFESTS = ("package.json", "package.yaml", "package.json5")


def _check_paths(files: list[RenderedFile], ws: Workspace) -> None:
    """Each path written by one file only, and none an input of dockergen or of the build."""
    installs = {i.path for i in ws.install_inputs}
    owner: dict[str, str] = {}
    for f in files:
        who = f"target {f.target!r}" if f.target else "`bake:`"
        reason = _input_reason(f.path, installs)
        if reason:
            raise ConfigError(
                f"{who} would write {f.path}, which is {reason}",
                path=CONFIG_FILE,
                hint="choose another `dockerfile:`, `dockerignore:` or `bake:` path: dockergen never writes "
                "over its inputs, even with --force",
            )
        if f.path in owner:
            both = [f"target {t!r}" if t else "`bake:`" for t in (owner[f.path], f.target)]
            what = f"{both[0]} and {both[1]} would both write" if owner[f.path] != f.target else f"{who} would write"
            raise ConfigError(
                f"{what} {f.path}"
                + (" twice (its Dockerfile and its ignore file)" if owner[f.path] == f.target else ""),
                path=CONFIG_FILE,
                hint="give each file its own path: `dockerfile:` and `dockerignore:` (and `bake:`) must differ",
            )
        owner[f.path] = f.target


def _input_reason(path: str, installs: set[str]) -> str | None:
    parts = path.split("/")
    if ".git" in parts:
        return "inside a .git folder"
    if path == CONFIG_FILE:
        return "dockergen's configuration"
    if parts[-1] in _MANIFESTS:
        return "a package manifest"
    if path in _INPUTS or path in installs:
        return "an input of the install"
    return None
