"""Two runs at once on one workspace: the second waits for the first (an exclusive lock from the
first read to the last write), or stops with a one-line error when it waits too long."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dockergen.lock import workspace_lock
from tests.helpers import api_workspace

CONFIG = "targets:\n  api: {package: '@t/api', port: 3000}\n  worker: {package: '@t/core', command: [node, x.js]}\n"


def _env(cache: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DOCKERGEN_CACHE_DIR": str(cache), **extra}


def _generate(root: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "dockergen", "generate", "--root", str(root)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.slow  # two real processes and their lock
def test_two_generates_at_once_both_succeed_and_agree(tmp_path: Path) -> None:
    """Without the lock the second compared with files the first was replacing and refused to
    overwrite them as `edited by hand` (exit 3)."""
    for attempt in range(3):
        root = api_workspace(tmp_path / f"ws{attempt}")
        (root / "dockergen.yaml").write_text(CONFIG)
        runs = [_generate(root, _env(tmp_path / "cache")) for _ in range(2)]
        results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
        assert [code for code, _, _ in results] == [0, 0], results
        check = subprocess.run(
            [sys.executable, "-m", "dockergen", "check", "--root", str(root)],
            capture_output=True, text=True, env=_env(tmp_path / "cache", DOCKERGEN_NO_CACHE="1"),
        )  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.slow  # two real processes and their lock
def test_generate_waiting_too_long_for_the_lock_fails_cleanly(tmp_path: Path) -> None:
    root = api_workspace(tmp_path / "ws")
    (root / "dockergen.yaml").write_text(CONFIG)
    cache = tmp_path / "cache"
    with workspace_lock(root, cache / "locks", exclusive=True, timeout=1):
        run = _generate(root, _env(cache, DOCKERGEN_LOCK_TIMEOUT="0.5"))
        code, (out, err) = run.wait(timeout=60), run.communicate()
    assert code == 3, (out, err)
    assert err.strip().splitlines()[-1].startswith("dockergen: error: another dockergen run has been writing")
    assert not (root / "Dockerfile").exists()
    after = _generate(root, _env(cache, DOCKERGEN_LOCK_TIMEOUT="0.5"))
    assert after.wait(timeout=120) == 0, after.communicate()


def test_a_bad_lock_timeout_is_a_usage_error(tmp_path: Path) -> None:
    root = api_workspace(tmp_path / "ws")
    (root / "dockergen.yaml").write_text(CONFIG)
    run = _generate(root, _env(tmp_path / "cache", DOCKERGEN_LOCK_TIMEOUT="nan"))
    code, (_, err) = run.wait(timeout=60), run.communicate()
    assert code == 2 and "DOCKERGEN_LOCK_TIMEOUT" in err.strip().splitlines()[-1]
