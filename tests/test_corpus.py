"""The scanner and planner on 12 real pnpm monorepos (../shared/corpus): members exactly as pnpm
computes them, install inputs and versions pinned by snapshots, and a plan for every app init finds."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import dockerfile
import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from dockergen.config.keys import CONFIG_FILE
from dockergen.init.config_text import init_config
from dockergen.pipeline import generate_all
from dockergen.plan.model import BuildPlan, Mount, Run
from dockergen.repo import Repo
from dockergen.workspace.scan import Workspace, scan
from tests.helpers import CORPUS, materialize_corpus_repo

REPOS = sorted(p.name for p in CORPUS.iterdir() if (p / "MEMBERS.txt").is_file()) if CORPUS else []

if CORPUS is None and os.environ.get("CI") == "true":
    raise RuntimeError("CI=true but ../shared/corpus is missing")
pytestmark = pytest.mark.skipif(CORPUS is None, reason="../shared/corpus not found")


class TextSnapshot(SingleFileSnapshotExtension):
    """One readable text file per snapshot (the corpus scans are JSON)."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    assert CORPUS is not None
    base = tmp_path_factory.mktemp("corpus")
    yield {name: materialize_corpus_repo(CORPUS / name, base / name) for name in REPOS}


def expected_members(name: str) -> list[tuple[str, str]]:
    assert CORPUS is not None
    rows = (CORPUS / name / "MEMBERS.txt").read_text().splitlines()
    return sorted(tuple(r.split("\t")[:2]) for r in rows if r and not r.startswith("#"))  # type: ignore[misc]


def test_corpus_is_there() -> None:
    assert len(REPOS) >= 12


@pytest.mark.parametrize("name", REPOS)
def test_members_match_pnpm(name: str, corpus: dict[str, Path]) -> None:
    ws = scan(Repo(corpus[name]))
    assert sorted((p.dir, p.name) for p in ws.all_packages) == expected_members(name)


def _inputs_and_versions(ws: Workspace) -> dict[str, object]:
    v = ws.versions
    return {
        "install_inputs": [f"{i.path}: {i.reason}" for i in ws.install_inputs],
        "root_script_files": list(ws.root_script_files),
        "node": f"{v.node_version} (major {v.node_major}) from {v.node_source}",
        "pnpm": f"{v.pnpm_version} (major {v.pnpm_major}) from {v.pnpm_source}"
        + (" +integrity" if v.pnpm_integrity else ""),
        "lockfile": ws.lockfile.version,
        "links": len(ws.links),
        "warnings": [*ws.warnings, *ws.versions.node_warnings, *ws.versions.pnpm_warnings],
    }


@pytest.mark.parametrize("name", REPOS)
def test_install_inputs_and_versions(name: str, corpus: dict[str, Path], snapshot: SnapshotAssertion) -> None:
    ws = scan(Repo(corpus[name]))
    text = json.dumps(_inputs_and_versions(ws), indent=2) + "\n"
    assert text == snapshot.use_extension(TextSnapshot)(name="scan.json")


@pytest.mark.parametrize("name", REPOS)
def test_every_detected_app_plans_and_copies_every_install_input(name: str, corpus: dict[str, Path]) -> None:
    repo = Repo(corpus[name])
    ws = scan(repo)
    try:
        result = init_config(repo, ws, None, ())
        text, picks = result.text, result.picks
    except Exception as exc:  # a repo with no node-startable app is fine; it must say so cleanly
        assert "no deployable app found" in str(exc), exc
        return
    generated = generate_all(repo, config_text=text)
    assert {p.target for p in generated.plans} == {p.target for p in picks}
    dockerfiles = {f.path: f.content for f in generated.files if not f.path.endswith("ignore")}
    for plan in generated.plans:
        content = dockerfiles[plan.dockerfile]
        # what the plan's steps read from the context, and BuildKit's own reading of the file
        copied = {r for r in plan.reads}
        parsed = dockerfile.parse_string(content)
        assert all(c.cmd.upper() != "FROM" or "syntax" not in c.original for c in parsed)
        for item in ws.install_inputs:
            if item.path == ".npmrc" and any(m.type == "secret" and m.id == "npmrc" for m in _mounts(plan)):
                continue  # read through a build secret instead of a COPY
            assert item.path in copied or any(item.path.startswith(f"{r}/") for r in copied), (plan.target, item.path)
        assert any(c.cmd.upper() == "RUN" and "--frozen-lockfile" in c.value[0] for c in parsed)
    assert not (corpus[name] / CONFIG_FILE).exists()  # planning wrote nothing


def _mounts(plan: BuildPlan) -> list[Mount]:
    return [m for stage in plan.stages for step in stage.steps if isinstance(step, Run) for m in step.mounts]


@pytest.mark.parametrize("name", REPOS)
def test_init_offers_every_shipped_node_app_and_at_most_one_other(name: str) -> None:
    """Measured against APPS.txt (the maintainers' images); bench/detection.py prints the table."""
    from bench.detection import score

    assert CORPUS is not None
    result = score(CORPUS / name)
    assert result.found == result.shipped, f"missed: {sorted(result.shipped - result.offered)}"
    assert len(result.false_positives) <= 1, sorted(result.false_positives)
