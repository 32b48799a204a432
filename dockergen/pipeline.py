"""The one pipeline behind generate, check and plan: scan -> plan -> render (+ ignore validation)."""

from __future__ import annotations

from dataclasses import dataclass

from dockergen import dockerignore
from dockergen.config import load_config, parse_config
from dockergen.errors import ConfigError, DockergenError
from dockergen.plan.bake import bake_plan
from dockergen.plan.model import BuildPlan
from dockergen.plan.planner import build_plan
from dockergen.render import RenderedFile, render, render_bake
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
        plans = tuple(build_plan(ws, config, t.name) for t in config.targets)
    except DockergenError as exc:
        exc.warnings = ws.warnings
        raise
    files: list[RenderedFile] = []
    for plan in plans:
        dockerfile, ignore_file = render(plan)
        dockerignore.validate(dockerignore.parse(ignore_file.content, ignore_file.path), plan.reads, plan.dockerfile)
        files += [dockerfile, ignore_file]
    bake = bake_plan(config, plans)
    if bake is not None:
        files.append(render_bake(bake))
    _check_paths(files)
    warnings = tuple(dict.fromkeys(w for p in plans for w in p.warnings))
    return Generated(plans, tuple(files), warnings)


def _check_paths(files: list[RenderedFile]) -> None:
    owner: dict[str, str] = {}
    for f in files:
        if f.path in owner and owner[f.path] != f.target:
            who = [f"target {t!r}" if t else "`bake:`" for t in (owner[f.path], f.target)]
            raise ConfigError(
                f"{who[0]} and {who[1]} would both write {f.path}",
                path="dockergen.yaml",
                hint="give one of them its own `dockerfile:` (and `dockerignore:`) path",
            )
        owner[f.path] = f.target
