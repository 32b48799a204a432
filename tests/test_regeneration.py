"""Safe regeneration: the check cache is never wrong, output is identical everywhere, and
dockergen's own edits to dockergen.yaml keep the user's comments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dockergen import check_record
from tests.helpers import SAMPLE, api_workspace, build_tree, copy_tree
from tests.test_cli import run, snapshot_tree

CACHED = "nothing they depend on changed"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_tree(SAMPLE, tmp_path / "sample")


def check(capsys: pytest.CaptureFixture[str], root: Path) -> tuple[int, str, str]:
    return run(capsys, "check", "--root", str(root))


def test_second_check_answers_from_the_cache(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, sample)[0] == 0
    code, out, _ = check(capsys, sample)
    assert code == 0 and CACHED in out


@pytest.mark.parametrize(
    "change",
    [
        "edit a manifest",  # a file the scan read
        "add a member package",  # a folder listing
        "create .node-version",  # an existence probe that said "missing"
        "edit a generated file",  # an output
        "upgrade dockergen",  # the code fingerprint
    ],
)
def test_any_change_to_what_the_run_read_invalidates_the_cache(
    sample: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    assert check(capsys, sample)[0] == 0
    if change == "edit a manifest":
        manifest = json.loads((sample / "packages/core/package.json").read_text())
        manifest["dependencies"]["@acme/queue"] = "workspace:*"
        (sample / "packages/core/package.json").write_text(json.dumps(manifest))
    elif change == "add a member package":
        build_tree(sample, {"packages/extra/package.json": {"name": "@acme/extra"}})
    elif change == "create .node-version":
        (sample / ".node-version").write_text("24.1.0\n")
    elif change == "edit a generated file":
        (sample / "Dockerfile").write_text((sample / "Dockerfile").read_text() + "# edited\n")
    else:  # another version's files: new stamps, new content
        monkeypatch.setattr(check_record, "_code_stamp", lambda: "another stamp")
        monkeypatch.setattr(check_record, "code_fingerprint", lambda: "another version")
    code, out, _ = check(capsys, sample)
    assert CACHED not in out
    expected = 1 if change in ("edit a manifest", "edit a generated file") else 0
    assert code == expected, change


def test_generate_leaves_a_record_and_no_cache_disables_it(
    sample: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (sample / "Dockerfile").unlink()
    assert run(capsys, "generate", "--root", str(sample))[0] == 0
    assert CACHED in check(capsys, sample)[1]
    monkeypatch.setenv("DOCKERGEN_NO_CACHE", "1")
    assert CACHED not in check(capsys, sample)[1]


def test_unwritable_cache_is_ignored(
    sample: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = sample.parent / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("DOCKERGEN_CACHE_DIR", str(blocker / "cache"))
    assert check(capsys, sample)[0] == 0 and check(capsys, sample)[0] == 0


def test_second_generate_writes_nothing_and_keeps_mtimes(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (sample / ".dockerignore").unlink()
    assert run(capsys, "generate", "--root", str(sample))[0] == 0
    stamps = {p: p.stat().st_mtime_ns for p in sample.rglob("*") if p.is_file()}
    code, out, _ = run(capsys, "generate", "--root", str(sample))
    assert code == 0 and "already up to date" in out
    assert {p: p.stat().st_mtime_ns for p in sample.rglob("*") if p.is_file()} == stamps


def _generate_in_subprocess(root: Path, cwd: Path, env: dict[str, str]) -> dict[str, bytes]:
    for rel in ("Dockerfile", ".dockerignore"):
        (root / rel).unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "dockergen", "generate", "--root", str(root)], cwd=cwd,
                   env={**os.environ, "DOCKERGEN_NO_CACHE": "1", **env}, check=True, capture_output=True)  # fmt: skip
    return {rel: (root / rel).read_bytes() for rel in ("Dockerfile", ".dockerignore")}


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONHASHSEED": "1"},
        {"PYTHONHASHSEED": "4242"},
        {"LC_ALL": "C"},
        {"LC_ALL": "C.UTF-8", "LANG": "tr_TR.UTF-8"},
        {"TZ": "Pacific/Chatham"},
    ],
    ids=["hashseed-1", "hashseed-4242", "locale-C", "locale-tr", "timezone"],
)
def test_output_is_byte_identical_under_another_environment(sample: Path, tmp_path: Path, env: dict[str, str]) -> None:
    reference = {rel: (SAMPLE / rel).read_bytes() for rel in ("Dockerfile", ".dockerignore")}
    assert _generate_in_subprocess(sample, tmp_path, env) == reference


def test_output_does_not_depend_on_where_the_repository_lives(tmp_path: Path) -> None:
    first = _generate_in_subprocess(copy_tree(SAMPLE, tmp_path / "a" / "x"), tmp_path, {})
    second = _generate_in_subprocess(copy_tree(SAMPLE, tmp_path / "deep" / "er" / "y"), tmp_path / "deep", {})
    assert first == second and all(str(tmp_path).encode() not in content for content in first.values())


def test_output_does_not_depend_on_directory_listing_order(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dockergen.pipeline import generate_all
    from dockergen.repo import Repo

    expected = generate_all(Repo(sample)).files
    real_scandir = os.scandir

    class Reversed:
        def __init__(self, path: object) -> None:
            self.entries = list(real_scandir(path))[::-1]  # type: ignore[arg-type]

        def __enter__(self) -> list[os.DirEntry[str]]:
            return self.entries

        def __exit__(self, *args: object) -> None:
            return None

    monkeypatch.setattr(os, "scandir", Reversed)
    assert generate_all(Repo(sample)).files == expected


def test_init_on_an_existing_config_keeps_comments_and_adds_the_new_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = "# ours: do not reorder\nversion: 1\ntargets:\n  api:   # the public API\n    package: '@t/api'\n    port: 3000   # behind nginx\n"
    repo = api_workspace(tmp_path, {
        "dockergen.yaml": config,
        "apps/admin/package.json": {"name": "@t/admin", "scripts": {"start": "node server.js"}},
    })  # fmt: skip
    code, out, _ = run(capsys, "init", "--root", str(repo))
    assert code == 0 and "+ admin: @t/admin" in out and "+ api: @t/api (already in dockergen.yaml)" in out
    text = (repo / "dockergen.yaml").read_text()
    assert text.startswith(config) and '  admin:\n    package: "@t/admin"' in text
    # the api stays at the root, where a lone target goes: the new app shares its Dockerfile
    assert "dockerfile:" not in text and not (repo / "apps/admin/Dockerfile").exists()
    assert "targets 'admin' (@t/admin), 'api' (@t/api)" in (repo / "Dockerfile").read_text()
    before = snapshot_tree(repo)
    assert run(capsys, "init", "--root", str(repo))[0] == 0 and snapshot_tree(repo) == before


def test_main_uses_no_typer_on_the_cached_check_path(sample: Path, tmp_path: Path) -> None:
    env = {**os.environ, "DOCKERGEN_CACHE_DIR": str(tmp_path / "c")}
    command = [sys.executable, "-X", "importtime", "-m", "dockergen", "check", "--root", str(sample)]
    subprocess.run(command, env=env, check=True, capture_output=True)
    second = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    imported = second.stderr
    assert CACHED in second.stdout
    for heavy in ("typer", "ruamel", "jinja2", "pathspec", "pydantic"):
        assert f" {heavy}\n" not in imported and f"| {heavy}" not in imported, heavy


def test_generate_and_check_never_touch_the_network(
    sample: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("dockergen opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    config = (
        (sample / "dockergen.yaml")
        .read_text()
        .replace("targets:\n", "defaults:\n  digests: {'node:22-slim': 'sha256:" + "b" * 64 + "'}\ntargets:\n", 1)
    )
    (sample / "dockergen.yaml").write_text(config)
    assert run(capsys, "generate", "--root", str(sample))[0] == 0
    assert "node:22-slim@sha256:" + "b" * 64 in (sample / "Dockerfile").read_text()
    assert check(capsys, sample)[0] == 0 and check(capsys, sample)[0] == 0


@pytest.mark.parametrize("module", ["plan/planner.py", "workspace/scan.py", "render.py"])
def test_code_fingerprint_covers_every_module_by_content(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copy = tmp_path / "dockergen"
    shutil.copytree(check_record._PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(check_record, "_PACKAGE", copy)
    before = check_record.code_fingerprint()
    target = copy / module
    stat = target.stat()
    target.write_text(target.read_text().replace("def ", "def  ", 1))  # same size class, new content
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime
    assert check_record.code_fingerprint() != before
