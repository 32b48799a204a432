"""Fixture scenarios, dockerfile-node style: `tests/fixtures/<scenario>/` is a workspace (or a
`base` file naming one, plus files laid over it) with `expected/` beside it: every file dockergen
writes, `plan-summary.json` (per target what the Dockerfile does not show: where versions come
from, the libraries, the stages and what each reads from the context), and `warnings.txt` when
there are warnings. A workspace without dockergen.yaml
is an `init` scenario: its expected/ holds the dockergen.yaml init writes too. `DOCKERGEN_UPDATE_EXPECTED=1 pytest tests/test_scenarios.py` re-captures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from dockergen.config.keys import SCHEMA_FILE
from dockergen.config.schema import json_schema
from dockergen.init.config_text import init_config
from dockergen.pipeline import Generated, generate_all
from dockergen.plan.model import BuildPlan
from dockergen.render import render_schema
from dockergen.repo import Repo
from dockergen.workspace.scan import scan
from tests.helpers import FIXTURES, ROOT

EXPECTED = "expected"
BASE = "base"  # one line: a fixture name, or a path relative to the repository root
NOT_COPIED = shutil.ignore_patterns(EXPECTED, BASE, "node_modules", "dist", "*.tsbuildinfo")


def names() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if (p / EXPECTED).is_dir())


def base_of(name: str) -> Path | None:
    marker = FIXTURES / name / BASE
    if not marker.is_file():
        return None
    text = marker.read_text().strip()
    return FIXTURES / text if (FIXTURES / text).is_dir() else ROOT / text


def materialize(name: str, dest: Path) -> Path:
    """The scenario's workspace in `dest`: its base (if any), then its own files on top."""
    base = base_of(name)
    if base is not None:
        shutil.copytree(base, dest, ignore=NOT_COPIED)
    shutil.copytree(FIXTURES / name, dest, ignore=NOT_COPIED, dirs_exist_ok=True)
    return dest


def outputs(generated: Generated, config: str | None = None) -> dict[str, str]:
    """What dockergen writes for a scenario, plus its plan, by path under `expected/`."""
    files = {f.path: f.content for f in generated.files}
    if SCHEMA_FILE in files:  # the same for every scenario: tests/test_config_schema.py checks its content
        assert files[SCHEMA_FILE] == render_schema(json_schema(), SCHEMA_FILE).content
        files[SCHEMA_FILE] = "(the JSON Schema of dockergen.yaml, as render_schema writes it)\n"
    if config is not None:
        files["dockergen.yaml"] = config
    files["plan-summary.json"] = json.dumps([summary(p) for p in generated.plans], indent=1, ensure_ascii=False) + "\n"
    if generated.warnings:
        files["warnings.txt"] = "".join(f"{w}\n" for w in generated.warnings)
    return files


def summary(plan: BuildPlan) -> dict[str, object]:
    """What a reviewer reads beside the Dockerfile: versions and their sources, images, the
    libraries built, and each stage's base and the context paths its steps read."""
    im = plan.images
    return {
        "target": plan.target, "package": plan.package, "files": [plan.dockerfile, plan.dockerignore],
        "build_target": plan.build_target,
        "node": f"{im.node} ({im.node_source})", "pnpm": f"{im.pnpm} ({im.pnpm_source})",
        "images": f"build {im.build}, runtime {im.runtime} ({im.runtime_kind}) as {im.user}",
        "libraries": list(plan.libraries),
        "stages": [
            f"{s.name} from {s.base}: {len(s.steps)} steps" + (f", reads {', '.join(reads)}" if reads else "")
            for s in plan.stages
            for reads in [sorted({r for step in s.steps for r in step.reads})]
        ],
    }  # fmt: skip


def generate(name: str, tmp: Path) -> dict[str, str]:
    """What `dockergen generate` writes; for a workspace without dockergen.yaml, what `dockergen
    init` writes (the config included)."""
    repo = Repo(materialize(name, tmp / name))
    if repo.is_file("dockergen.yaml"):
        return outputs(generate_all(repo))
    ws = scan(repo)
    config = init_config(repo, ws, None, ()).text
    return outputs(generate_all(repo, config_text=config, ws=ws), config)


def expected(name: str) -> dict[str, str]:
    folder = FIXTURES / name / EXPECTED
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_expected(name: str, files: dict[str, str]) -> None:
    folder = FIXTURES / name / EXPECTED
    shutil.rmtree(folder, ignore_errors=True)
    for rel, content in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(content)
