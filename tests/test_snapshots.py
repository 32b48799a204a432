"""Snapshots of every generated file and plan, per fixture monorepo (dockerfile-node style)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from dockergen.model import to_json
from dockergen.pipeline import generate_all
from dockergen.repo import Repo
from tests.helpers import FIXTURES, SAMPLE

WORKSPACES = {"sample": SAMPLE, **{p.name: p for p in sorted(FIXTURES.iterdir()) if (p / "dockergen.yaml").is_file()}}


class TextSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "txt"


@pytest.fixture
def text_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(TextSnapshot)


@pytest.mark.parametrize("name", sorted(WORKSPACES))
def test_generated_files(name: str, text_snapshot: SnapshotAssertion) -> None:
    generated = generate_all(Repo(WORKSPACES[name]))
    for f in generated.files:
        assert f.content == text_snapshot(name=f.path.replace("/", "__"))


@pytest.mark.parametrize("name", sorted(WORKSPACES))
def test_plans(name: str, text_snapshot: SnapshotAssertion) -> None:
    generated = generate_all(Repo(WORKSPACES[name]))
    text = json.dumps(to_json(generated.plans), indent=2, ensure_ascii=False) + "\n"
    assert text == text_snapshot(name="plan.json")


def test_committed_sample_files_are_in_sync() -> None:
    generated = generate_all(Repo(SAMPLE))
    for f in generated.files:
        assert (SAMPLE / f.path).read_text() == f.content, (
            f"{f.path} is stale: run dockergen generate --root sample-monorepo"
        )


def test_fixtures_have_no_warnings() -> None:
    for name, root in WORKSPACES.items():
        assert generate_all(Repo(root)).warnings == (), name


def test_output_is_identical_from_another_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = generate_all(Repo(SAMPLE)).files
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LC_ALL", "tr_TR.UTF-8")
    assert generate_all(Repo(SAMPLE.resolve())).files == first
