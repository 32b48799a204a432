"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit tool (`pre-commit try-repo`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ROOT, SAMPLE, build_tree, copy_tree, require_tool

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree as a fresh git repository: what try-repo installs, uncommitted edits included."""
    repo = tmp_path_factory.mktemp("hooks") / "dockergen"
    shutil.copytree(
        ROOT, repo, ignore=shutil.ignore_patterns(".git", ".venv", "*.egg-info", "__pycache__", "node_modules")
    )
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "snapshot")
    return repo


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, hooks_repo: Path) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {**os.environ, "PRE_COMMIT_HOME": str(home), "DOCKERGEN_CACHE_DIR": str(home / "dockergen-cache"),
            "HOOKS_REPO": str(hooks_repo)}  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    repo = copy_tree(SAMPLE, tmp_path / "project")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "sample")
    yield repo


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True)


def hook(repo: Path, hook_id: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    require_tool("pre_commit", module=True)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", env["HOOKS_REPO"], hook_id, "--all-files", "--verbose"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def add_package(repo: Path) -> None:
    build_tree(
        repo, {"packages/metrics/package.json": {"name": "@acme/metrics", "version": "1.0.0", "main": "dist/index.js"}}
    )
    manifest = json.loads((repo / "apps/api/package.json").read_text())
    manifest["dependencies"]["@acme/metrics"] = "workspace:*"
    (repo / "apps/api/package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    git(repo, "add", "-A")


def test_check_hook_passes_in_sync_and_fails_with_a_diff_after_a_new_package(
    project: Path, env: dict[str, str]
) -> None:
    in_sync = hook(project, "dockergen-check", env)
    assert in_sync.returncode == 0, in_sync.stdout + in_sync.stderr
    add_package(project)
    drift = hook(project, "dockergen-check", env)
    assert drift.returncode == 1
    assert "+COPY packages/metrics/package.json packages/metrics/" in drift.stdout  # the API's own library
    assert "run `dockergen generate`" in drift.stdout
    assert not (project / "Dockerfile").read_text().count("metrics")  # read-only


def test_check_hook_fails_after_a_generated_file_is_edited(project: Path, env: dict[str, str]) -> None:
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("USER 1000:1000", "USER 0"))
    git(project, "add", "-A")
    result = hook(project, "dockergen-check", env)
    assert result.returncode == 1 and "-USER 0" in result.stdout


def test_generate_hook_fails_when_it_changes_files_then_passes(project: Path, env: dict[str, str]) -> None:
    add_package(project)
    first = hook(project, "dockergen", env)
    assert first.returncode == 1 and "files were modified by this hook" in first.stdout
    assert "packages/metrics" in (project / "Dockerfile").read_text()
    git(project, "add", "-A")
    second = hook(project, "dockergen", env)
    assert second.returncode == 0, second.stdout
