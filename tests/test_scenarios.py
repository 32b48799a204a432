"""One test per fixture scenario: what dockergen writes (and its plan) equals `expected/`, byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dockergen.pipeline import generate_all
from dockergen.repo import Repo
from tests import scenarios
from tests.helpers import SAMPLE

UPDATE = os.environ.get("DOCKERGEN_UPDATE_EXPECTED") == "1"


@pytest.mark.parametrize("name", scenarios.names())
def test_scenario_output_matches_expected(name: str, tmp_path: Path) -> None:
    got = scenarios.generate(name, tmp_path)
    if UPDATE:
        scenarios.write_expected(name, got)
    want = scenarios.expected(name)
    assert sorted(got) == sorted(want), "files differ: re-capture with DOCKERGEN_UPDATE_EXPECTED=1"
    for path, content in got.items():
        assert content == want[path], f"{name}/expected/{path} differs: re-capture with DOCKERGEN_UPDATE_EXPECTED=1"


def test_there_are_enough_scenarios() -> None:
    assert len(scenarios.names()) >= 12


def test_committed_sample_files_are_in_sync() -> None:
    generated = generate_all(Repo(SAMPLE))
    for f in generated.files:
        assert (SAMPLE / f.path).read_text() == f.content, (
            f"{f.path} is stale: run dockergen generate --root sample-monorepo"
        )


def test_output_is_identical_from_another_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = generate_all(Repo(SAMPLE)).files
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LC_ALL", "tr_TR.UTF-8")
    assert generate_all(Repo(SAMPLE.resolve())).files == first
