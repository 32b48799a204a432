"""The ignore emulation against Docker itself: a build that copies the whole context into an
output folder shows exactly what Docker sent, for tricky patterns and for generated files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from dockergen.dockerignore import parse
from tests import scenarios
from tests.helpers import build_tree

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]

TREE = [
    "README.md", "docs/guide.md", "docs/deep/more.md", "docs.txt", "notes.md.bak",
    "src/index.ts", "src/secret.key", "src/nested/secret-token.txt", "src/nested/ok.ts",
    "app.log", "keep.log", "logs/x/important.log", "logs/x/other.log",
    "dist/a.js", "dist/keep.js", "build/out.js", "buildx/out.js",
    "a/b", "a/x/y/b", "a/x/y/c", "abc", "abd", "b.txt", "d.txt",
    "packages/p/node_modules/dep/index.js", "packages/p/.env.local", "packages/p/.npmrc", ".npmrc",
    "packages/p/package.json", "packages/q/package.json", ".git/HEAD", "x/.env",
]  # fmt: skip

PATTERNS = {
    "root anchored": "*.md\n",
    "double star": "**/*.md\n**/*.log\n!**/important.log\n",
    "last match wins": "*.log\n!keep.log\napp.log\n",
    "folders and files": "docs\nbuild/\n",
    "allow-list": "*\n!src\n!packages\nsrc/**/secret*\n**/node_modules\n",
    "re-include inside excluded folder": "dist\n!dist/keep.js\n",
    "zero-depth double star and classes": "a/**/b\nab?\n[b-c].txt\n",
    "dotfiles": "**/.env*\n*/**/.npmrc\n.git\n",
    "leading slash and dot": "/README.md\n./docs/deep\n",
}


def docker_sent(context: Path, dest: Path) -> set[str]:
    (context / "Dockerfile.copyall").write_text("FROM scratch\nCOPY . /\n")
    subprocess.run(
        ["docker", "build", "-q", "-f", str(context / "Dockerfile.copyall"), "-o", f"type=local,dest={dest}", str(context)],
        check=True, capture_output=True, env={**os.environ, "DOCKER_BUILDKIT": "1"},
    )  # fmt: skip
    return {str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file() or p.is_symlink()}


def emulated(context: Path, ignore_text: str) -> set[str]:
    rules = parse(ignore_text)
    files = {str(p.relative_to(context)) for p in context.rglob("*") if p.is_file()}
    return {f for f in files if not rules.is_ignored(f)}


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_emulation_matches_docker(name: str, tmp_path: Path) -> None:
    context = build_tree(tmp_path / "ctx", {f: f"content of {f}\n" for f in TREE})
    (context / ".dockerignore").write_text(PATTERNS[name])
    sent = docker_sent(context, tmp_path / "out")
    assert sent == emulated(context, PATTERNS[name])
    assert len(sent - {".dockerignore", "Dockerfile.copyall"}) < len(TREE)  # the patterns hid something


@pytest.mark.parametrize("workspace", scenarios.names())
def test_generated_ignore_files_match_docker(workspace: str, tmp_path: Path) -> None:
    root = scenarios.materialize(workspace, tmp_path / workspace)
    build_tree(root, {"node_modules/x/index.js": "x", "packages/any/.env": "SECRET=1", ".git/config": "x"})
    ignores = {p: text for p, text in scenarios.expected(workspace).items() if p.endswith("ignore")}
    assert ignores  # what dockergen writes (or `init` writes, for a scenario without dockergen.yaml)
    for i, (path, text) in enumerate(sorted(ignores.items())):
        (root / ".dockerignore").write_text(text)  # what the copy-all build reads
        sent = docker_sent(root, tmp_path / f"out-{i}")
        assert sent == emulated(root, text), path
        assert not any("node_modules" in s or s.endswith(".env") or s.startswith(".git/") for s in sent)
