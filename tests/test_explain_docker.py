"""`dockergen explain` against BuildKit: for five kinds of change to the sample, the steps BuildKit
actually re-runs, stage by stage, are at least the ones predicted to re-run and at most those plus
the ones predicted to re-run only if the files they copy changed; a predicted "same image" keeps
the image ID."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from dockergen.report.explain import RERUN, SAME
from tests import dockerutil as d
from tests import scenarios
from tests.test_explain import _explain

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]


# Each run's changes are new content: a change a previous run made would come from BuildKit's cache.
RUN_ID = uuid.uuid4().hex


def _append(path: str, text: str) -> Callable[[Path], str]:
    def change(root: Path) -> str:
        (root / path).write_text((root / path).read_text() + text.replace("RUN_ID", RUN_ID))
        return path

    return change


def _describe(root: Path) -> str:
    path = "packages/db/package.json"
    text = (root / path).read_text()
    (root / path).write_text(
        text.replace('"name":', f'"description": "changed by the explain test {RUN_ID}",\n  "name":', 1)
    )
    return path


CHANGES: dict[str, Callable[[Path], str]] = {
    "app source": _append("apps/api/src/app.ts", '\nexport const explainMarker = "RUN_ID";\n'),
    "library source": _append("packages/db/src/index.ts", '\nexport const explainMarker = "RUN_ID";\n'),
    "manifest": _describe,
    "lockfile": _append("pnpm-lock.yaml", "\n# changed by the explain test RUN_ID\n"),
    "outside every closure": _append("README.md", "\nchanged by the explain test RUN_ID\n"),
}


def test_explain_predicts_what_buildkit_reruns(tmp_path: Path) -> None:
    root = scenarios.materialize("sample", tmp_path / "sample")
    dockerfile = "Dockerfile"  # shared by the api and the worker
    tag = d.build(root, dockerfile, None, "--target", "api").tag
    for kind, change in CHANGES.items():
        before = d.inspect(tag)["Id"]
        path = change(root)
        predicted = _explain(root, "api", path)
        rebuild = d.build(root, dockerfile, tag, "--target", "api")
        actual = Counter(step.split(" ", 1)[0].lstrip("[") for step in rebuild.executed)
        sure: Counter[str] = Counter()
        maybe: Counter[str] = Counter()
        for s in predicted.steps:
            (sure if s.status == RERUN else maybe)[s.stage] += 1
        assert set(actual) <= set(sure) | set(maybe), (kind, actual, predicted.steps)
        for stage, _ in predicted.executed:
            assert sure[stage] <= actual[stage] <= sure[stage] + maybe[stage], (kind, stage, actual, sure, maybe)
        if predicted.image == SAME:
            assert d.inspect(tag)["Id"] == before, kind
        assert (predicted.steps == ()) == (kind == "outside every closure"), (kind, predicted.steps)
