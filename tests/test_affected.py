"""`dockergen affected`: the targets whose image a change can alter, from git (NUL-separated, so
non-ASCII names match), for five kinds of change to the multi-app fixture; the JSON a CI matrix
reads; `--base`; bad input. The docker test (test_affected_docker.py) holds the same predictions
against the image IDs BuildKit really produces."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from dockergen import commands
from tests import lock_changes, scenarios
from tests.test_cli import run

# change -> (files appended to, the targets whose image it can alter)
KINDS: dict[str, tuple[tuple[str, ...], set[str]]] = {
    "an app's source": (("apps/api/src/app.ts",), {"api"}),
    "a library every app uses": (("packages/core/src/index.ts",), {"admin", "api", "worker"}),
    # the API imports the worker's package: the worker's library reaches the API's image too
    "a library of the app another app depends on": (("packages/queue/src/index.ts",), {"api", "worker"}),
    "the app another app depends on": (("apps/worker/src/jobs.ts",), {"api", "worker"}),
    "a library only the api uses": (("packages/db/src/index.ts",), {"api"}),
    "the lockfile, reformatted (nothing resolves differently)": (("pnpm-lock.yaml",), set()),
    "a file outside every closure": (("README.md",), set()),
    "the shared Dockerfile": (("Dockerfile",), {"admin", "api", "worker"}),
}


def git(root: Path, *args: str) -> str:
    command = ["git", "-C", str(root), "-c", "user.email=t@example.com", "-c", "user.name=t", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def committed(name: str, dest: Path) -> Path:
    """The scenario, generated, in a git repository with one commit."""
    root = scenarios.materialize(name, dest)
    commands.generate(root, force=False, cache_dir=None)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


@pytest.fixture(scope="module")
def multi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return committed("multi-app", tmp_path_factory.mktemp("affected") / "ws")


def _affected(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capsys, "affected", "--root", str(root), "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_of_change_affects_exactly_its_targets(
    kind: str, multi: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, expected = KINDS[kind]
    originals = {p: (multi / p).read_bytes() for p in paths}
    try:
        for p in paths:
            (multi / p).write_text((multi / p).read_text() + "\n# changed\n")
        data = _affected(capsys, multi)
    finally:
        for p, content in originals.items():
            (multi / p).write_bytes(content)
    assert set(data["targets"]) == expected, (kind, data)
    assert data["changed"] == sorted(paths) and data["base"] == "HEAD"
    assert [i["target"] for i in data["include"]] == data["targets"] == sorted(expected)
    for entry in data["include"]:
        assert set(entry) == {"target", "dockerfile", "stage", "image", "reason"}
        assert entry["dockerfile"] == "Dockerfile" and entry["stage"] == entry["target"]
        assert entry["reason"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [(lock_changes.bump_p_queue, ["api", "worker"]), (lock_changes.change_settings, ["admin", "api", "worker"])],
    ids=["a dependency bump the worker's library installs (the api imports the worker)", "the lockfile's settings"],
)
def test_a_lockfile_change_affects_the_targets_that_install_it(
    edit: Callable[[Path], tuple[str, ...]], expected: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = committed("multi-app", tmp_path / "ws")
    paths = edit(root)
    data = _affected(capsys, root)
    assert data["changed"] == sorted(paths) and data["targets"] == expected, data


def test_untracked_non_ascii_names_match_and_explain_reads_them_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """git quotes such names (core.quotePath) unless asked for NUL-separated output."""
    root = committed("multi-app", tmp_path / "ws")
    folder = root / "packages/queue/src/dé jà"
    folder.mkdir()
    (folder / 'ünïcode "q".ts').write_text("export const x = 1;\n")
    data = _affected(capsys, root)
    assert data["changed"] == ['packages/queue/src/dé jà/ünïcode "q".ts']
    assert data["targets"] == ["api", "worker"]
    code, out, _ = run(capsys, "explain", "--root", str(root), "--target", "worker", "--format", "json")
    assert code == 0 and json.loads(out)[0]["sent"] == data["changed"]
    git(root, "add", "-A")
    git(root, "commit", "-qm", "unicode")  # committed and then edited: `git diff` names it too
    (folder / 'ünïcode "q".ts').write_text("export const x = 2;\n")
    assert _affected(capsys, root)["changed"] == data["changed"]


def test_base_compares_with_an_older_commit_and_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = committed("multi-app", tmp_path / "ws")
    first = git(root, "rev-parse", "HEAD").strip()
    (root / "packages/db/src/index.ts").write_text((root / "packages/db/src/index.ts").read_text() + "\n// x\n")
    git(root, "commit", "-qam", "db")
    assert _affected(capsys, root)["targets"] == []  # nothing since HEAD
    data = _affected(capsys, root, "--base", first)
    assert data["targets"] == ["api"] and data["base"] == first
    code, out, _ = run(capsys, "affected", "--root", str(root), "--base", first)
    assert code == 0 and out.startswith("api (Dockerfile, --target api): the image may change; stage libs:")
    assert "packages/db/src/index.ts" in out
    code, out, _ = run(capsys, "affected", "--root", str(root))
    assert code == 0 and "no target's image can change" in out
    every = _affected(capsys, root, "--base", "4b825dc642cb6eb9a060e54bf8d69288fbee4904")  # git's empty tree
    assert every["targets"] == ["admin", "api", "worker"]  # what CI builds when there is no base


@pytest.mark.parametrize(
    ("base", "needle"),
    [("no-such-ref", "--base no-such-ref: not a commit or tree"), ("--output=/tmp/x", "not a git revision")],
)
def test_bad_base_is_a_usage_error(base: str, needle: str, multi: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "affected", "--root", str(multi), f"--base={base}")
    assert code == 2 and needle in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not Path("/tmp/x").exists() or base != "--output=/tmp/x"


def test_outside_a_git_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = scenarios.materialize("multi-app", tmp_path / "plain")
    code, _, err = run(capsys, "affected", "--root", str(root))
    assert code == 2 and "not in a git repository with a commit" in err and "fetch-depth" in err
