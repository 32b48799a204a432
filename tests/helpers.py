"""Shared helpers: inline workspace trees (copier's build_file_tree style), paths, docker probe."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample-monorepo"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# ../shared/corpus beside the checkout; a clone elsewhere falls back to the workspace's copy.
CORPUS = next((p for p in (ROOT.parent / "shared" / "corpus", Path("/work/shared/corpus")) if p.is_dir()), None)


def materialize_corpus_repo(src: Path, dest: Path) -> Path:
    """Copy a corpus repo; create the patch files PATCHES.txt names, a stub pnpmfile the lockfile
    expects and the maintainers' Dockerfiles APPS.txt names (the corpus keeps data files only)."""
    shutil.copytree(src, dest)
    for line in (src / "APPS.txt").read_text().splitlines():
        where = line.split("\t")[3].split()[0] if line.count("\t") >= 3 and not line.startswith("#") else ""
        if "Dockerfile" in where or "Containerfile" in where:
            (dest / where).parent.mkdir(parents=True, exist_ok=True)
            (dest / where).write_text("# the maintainers' Dockerfile (not in the corpus)\n")
    for line in (src / "PATCHES.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            patch = dest / line.split()[0]
            patch.parent.mkdir(parents=True, exist_ok=True)
            patch.write_text("")
    if "pnpmfileChecksum" in (src / "pnpm-lock.yaml").read_text() and not (dest / ".pnpmfile.cjs").exists():
        (dest / ".pnpmfile.cjs").write_text("module.exports = {}\n")
    return dest


def build_tree(root: Path, files: dict[str, Any]) -> Path:
    """Write `{relative path: content}`; dicts and lists become JSON, bytes are written raw."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, (dict, list)):
            path.write_text(json.dumps(content, indent=2) + "\n")
        else:
            path.write_text(content)
    return root


def lockfile(importers: list[str], version: str = "9.0", extra: str = "") -> str:
    """A pnpm-lock.yaml header naming the given importers (enough for the scanner)."""
    body = "".join(f"\n  {imp}: {{}}\n" for imp in importers)
    return (
        f"lockfileVersion: '{version}'\n\nsettings:\n  autoInstallPeers: true\n"
        f"  excludeLinksFromLockfile: false\n{extra}\nimporters:\n{body}\npackages: {{}}\n"
    )


def workspace(root: Path, members: dict[str, dict[str, Any]], extra: dict[str, Any] | None = None) -> Path:
    """A pnpm workspace: root manifest, `apps/*` + `packages/*` globs, lockfile, members, extra files."""
    files: dict[str, Any] = {
        "package.json": {"name": "root", "private": True, "packageManager": "pnpm@10.34.9"},
        "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n",
        "pnpm-lock.yaml": lockfile([".", *sorted(members)]),
        ".nvmrc": "22\n",
    }
    for directory, manifest in members.items():
        files[f"{directory}/package.json"] = manifest
    files.update(extra or {})
    return build_tree(root, files)


def api_workspace(root: Path, extra: dict[str, Any] | None = None) -> Path:
    """Two libraries and an HTTP app: the smallest interesting target."""
    return workspace(
        root,
        {
            "apps/api": {
                "name": "@t/api", "version": "1.0.0", "private": True, "type": "module",
                "files": ["dist"], "scripts": {"build": "tsc", "start": "node dist/index.js"},
                "dependencies": {"@t/core": "workspace:*", "hono": "^4.0.0"},
                "devDependencies": {"typescript": "^5.0.0"},
            },
            "packages/core": {
                "name": "@t/core", "version": "1.0.0", "main": "dist/index.js", "files": ["dist"],
                "scripts": {"build": "tsc"}, "dependencies": {"@t/util": "workspace:^"},
            },
            "packages/util": {"name": "@t/util", "version": "1.0.0", "main": "index.js"},
        },
        extra,
    )  # fmt: skip


def copy_tree(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("node_modules", "dist", "*.tsbuildinfo"))
    return dest


def docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def require_node() -> str:
    """The node binary for oracle tests: under CI=true its absence fails, elsewhere it skips."""
    import os

    import pytest

    found = shutil.which("node")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but node is not on PATH: the oracle tests need it")
    pytest.skip("node is not on PATH (oracle tests compare with the real tool; they always run under CI=true)")


def require_tool(name: str, module: bool = False) -> str:
    """A linter or tool of the `lint` extra (an executable beside the interpreter or on PATH, or a
    module): under CI=true its absence fails, elsewhere the test skips with the install command."""
    import importlib.util
    import os
    import sys

    import pytest

    if module:
        found = name if importlib.util.find_spec(name) is not None else None
    else:
        beside = Path(sys.executable).parent / name
        found = str(beside) if beside.is_file() else shutil.which(name)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {name} is missing: install the lint extra (pip install -e '.[test,lint]')")
    pytest.skip(f"{name} is not installed (pip install -e '.[lint]'; CI always runs it)")
