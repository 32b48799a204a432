"""Layers per stage stay under MAX_LAYERS_PER_STAGE (Docker refuses more than 127 per image):
COPYs into one folder merge, build stages continue in fresh ones, the runtime refuses with the fix.
Counted on what BuildKit's parser reads from the generated Dockerfile."""

from __future__ import annotations

import json
from pathlib import Path

import dockerfile
import pytest

from dockergen.config.model import parse_config
from dockergen.errors import ConfigError
from dockergen.pipeline import generate_all
from dockergen.plan.layers import MAX_LAYERS_PER_STAGE, merge_copies
from dockergen.plan.model import Copy, Run
from dockergen.plan.planner import build_plan
from dockergen.repo import Repo
from dockergen.workspace.scan import scan
from tests.helpers import api_workspace

CONFIG = "targets:\n  api: {package: '@t/api', port: 3000}\n"
LAYER_KEYWORDS = ("COPY", "ADD", "RUN", "WORKDIR")


def _layers_per_stage(text: str) -> dict[str, int]:
    """Stage name -> instructions that make a layer, as BuildKit's parser reads the file."""
    counts: dict[str, int] = {}
    stage = ""
    for command in dockerfile.parse_string(text):
        if command.cmd.upper() == "FROM":
            stage = command.value[-1]
            counts[stage] = 0
        elif command.cmd.upper() in LAYER_KEYWORDS:
            counts[stage] += 1
    return counts


def _importing(root: Path, imported: list[str]) -> Path:
    """The app's vite config imports every one of `imported` (files it creates)."""
    for path in imported:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("export const x = 1;\n")
    lines = "".join(f'import "../../{p}";\n' for p in imported)
    (root / "apps/api/vite.config.ts").write_text(lines + "export default {};\n")
    (root / "dockergen.yaml").write_text(CONFIG)
    return root


def test_config_importing_3000_root_files_gives_one_copy_not_3000_layers(tmp_path: Path) -> None:
    root = _importing(api_workspace(tmp_path), [f"shared{i}.ts" for i in range(3000)])
    generated = generate_all(Repo(root))
    text = generated.files[0].content
    counts = _layers_per_stage(text)
    assert max(counts.values()) <= MAX_LAYERS_PER_STAGE, counts
    copies = [c for c in dockerfile.parse_string(text) if c.cmd == "COPY" and "shared0.ts" in c.value]
    assert len(copies) == 1 and len(copies[0].value) == 3001 and copies[0].value[-1] == "./"
    assert set(copies[0].value[:-1]) == {f"shared{i}.ts" for i in range(3000)}


def test_config_importing_files_in_200_folders_continues_in_new_build_stages(tmp_path: Path) -> None:
    """Different folders cannot share one COPY: the build stage goes on in fresh stages, each
    carrying /repo over, and the last one keeps the name the runtime copies from."""
    root = _importing(api_workspace(tmp_path), [f"shared/d{i}/x.ts" for i in range(200)])
    generated = generate_all(Repo(root))
    counts = _layers_per_stage(generated.files[0].content)
    assert max(counts.values()) <= MAX_LAYERS_PER_STAGE, counts
    parts = [name for name in counts if name.startswith("build-part")]
    assert len(parts) >= 3 and list(counts).index("build") > list(counts).index(parts[-1])
    stages = {s.name: s for s in generated.plans[0].stages}
    carry = stages["build"].steps[0]
    assert isinstance(carry, Copy) and (carry.from_stage, carry.sources, carry.dest) == (parts[-1], ("/repo/",), "./")
    copied = {s for st in stages.values() for step in st.steps if isinstance(step, Copy) for s in step.sources}
    assert {f"shared/d{i}/x.ts" for i in range(200)} <= copied


def test_runtime_with_100_files_entries_is_refused_with_the_fix(tmp_path: Path) -> None:
    root = api_workspace(tmp_path)
    files = [f"dist/part{i}.js" for i in range(100)]
    config = parse_config(f"targets:\n  api: {{package: '@t/api', port: 3000, files: {json.dumps(files)}}}\n")
    with pytest.raises(ConfigError) as err:
        build_plan(scan(Repo(root)), config, "api")
    assert "stage 'runtime' would have" in err.value.message and "127" in err.value.message
    assert "fewer, broader `files:`" in (err.value.hint or "")


def test_merge_copies_joins_only_copies_into_the_same_folder() -> None:
    a, b = Copy(("a.ts",), "./", "a"), Copy(("b.ts",), "./", "b")
    into_x = Copy(("c",), "x/", "c")
    file_dest = Copy(("d",), "./d", "d")
    run = Run((), "build")
    merged = merge_copies((a, b, into_x, file_dest, Copy(("e",), "./d", "e"), run, a, a))
    assert [getattr(s, "sources", None) for s in merged] == [("a.ts", "b.ts"), ("c",), ("d",), ("e",), None, ("a.ts",)]
    assert merge_copies((a, Copy(("b",), "./", "b", from_stage="libs"))) == (a, Copy(("b",), "./", "b", "libs"))
