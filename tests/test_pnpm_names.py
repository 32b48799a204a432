"""Projects that share a name, with pnpm itself as the oracle (installed once into a cache folder):
pnpm accepts a root named like a member and members named alike; dockergen must see the same
members, link each `workspace:` dependency to the member pnpm links, and select exactly one project
with each `--filter` it writes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dockergen.repo import Repo, parse_yaml
from dockergen.workspace import graph
from dockergen.workspace.scan import Workspace, scan
from tests.helpers import build_tree, require_node

pytestmark = pytest.mark.slow  # runs the real pnpm on five workspaces (~15 s)

PNPM = "10.34.9"
GLOBS = "packages:\n  - apps/*\n  - packages/*\n"

# name -> members (folder -> manifest) beside a root manifest; no registry dependencies, so
# pnpm installs offline.
CASES: dict[str, dict[str, dict[str, Any]]] = {
    "root named like a member": {
        ".": {"name": "x", "private": True, "dependencies": {"y": "workspace:*"}},
        "apps/x": {"name": "x", "version": "2.0.0", "dependencies": {"y": "workspace:*"}},
        "packages/y": {"name": "y", "version": "1.0.0"},
        "apps/z": {"name": "z", "version": "1.0.0", "dependencies": {"x": "workspace:*"}},
    },
    "members named alike, higher version later": {
        ".": {"name": "root", "private": True},
        "apps/a": {"name": "dup", "version": "1.0.0"},
        "packages/b": {"name": "dup", "version": "2.0.0", "dependencies": {"y": "workspace:*"}},
        "packages/y": {"name": "y", "version": "1.0.0"},
        "apps/c": {"name": "c", "version": "1.0.0", "dependencies": {"dup": "workspace:*"}},
    },
    "members named alike, higher version first": {
        ".": {"name": "root", "private": True},
        "apps/a": {"name": "dup", "version": "2.0.0"},
        "packages/b": {"name": "dup", "version": "1.0.0"},
        "apps/c": {"name": "c", "version": "1.0.0", "dependencies": {"dup": "workspace:^"}},
    },
    "members named alike, same version": {
        ".": {"name": "root", "private": True},
        "apps/a": {"name": "dup", "version": "1.0.0"},
        "packages/b": {"name": "dup", "version": "1.0.0"},
        "apps/c": {"name": "c", "version": "1.0.0", "dependencies": {"dup": "workspace:*"}},
    },
    "members named alike, one without a version": {
        ".": {"name": "root", "private": True},
        "apps/a": {"name": "dup", "version": "1.0.0"},
        "packages/b": {"name": "dup"},
        "apps/c": {"name": "c", "version": "1.0.0", "dependencies": {"dup": "workspace:*"}},
    },
}


@pytest.fixture(scope="module")
def pnpm() -> list[str]:
    """The command that runs pnpm PNPM with this machine's node."""
    node = require_node()
    cache = Path(os.path.expanduser("~/.cache/dockergen-tests")) / f"pnpm-{PNPM}"
    cli = cache / "node_modules" / "pnpm" / "bin" / "pnpm.cjs"
    if not cli.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        npm = ["npm", "install", "--prefix", str(cache), "--no-save", "--no-audit", "--no-fund", f"pnpm@{PNPM}"]
        subprocess.run(npm, check=True, capture_output=True, timeout=300)
    return [node, str(cli)]


def _run(pnpm: list[str], root: Path, *args: str) -> str:
    env = {**os.environ, "npm_config_store_dir": str(root.parent / "store"), "CI": "true"}
    done = subprocess.run([*pnpm, *args], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _paths(listing: str, root: Path) -> set[str]:
    """Folders (relative to root, "." for it) of `pnpm ls --json` output."""
    return {Path(p["path"]).relative_to(root).as_posix() or "." for p in json.loads(listing)}


def _workspace(tmp_path: Path, case: str) -> Path:
    files: dict[str, Any] = {"pnpm-workspace.yaml": GLOBS}
    for folder, manifest in CASES[case].items():
        files["package.json" if folder == "." else f"{folder}/package.json"] = manifest
    return build_tree(tmp_path / "ws", files)


def _pnpm_links(root: Path) -> set[tuple[str, str]]:
    """(importer folder, linked folder) of every `link:` in the lockfile pnpm wrote."""
    lock = parse_yaml((root / "pnpm-lock.yaml").read_text(), "pnpm-lock.yaml", positions=False)
    out = set()
    for importer, body in (lock.get("importers") or {}).items():
        for dep in (body or {}).get("dependencies", {}).values():
            version = dep["version"]
            if version.startswith("link:"):
                linked = os.path.normpath(os.path.join(importer, version[5:]))
                out.add((importer, linked))
    return out


def _our_links(ws: Workspace) -> set[tuple[str, str]]:
    named = {**graph.by_name(ws.packages), ws.root.name: ws.root}
    return {(named[link.source].dir, named[link.target].dir) for link in ws.links}


@pytest.mark.parametrize("case", sorted(CASES))
def test_members_links_and_filters_agree_with_pnpm(pnpm: list[str], tmp_path: Path, case: str) -> None:
    root = _workspace(tmp_path, case)
    _run(pnpm, root, "install", "--offline")
    ws = scan(Repo(root))
    assert {p.dir for p in ws.all_packages} == _paths(_run(pnpm, root, "ls", "-r", "--json", "--depth", "-1"), root)
    assert _our_links(ws) == _pnpm_links(root)
    for pkg in ws.packages:  # each --filter dockergen writes selects that project and no other
        selected = _run(pnpm, root, f"--filter={pkg.selector}", "ls", "--json", "--depth", "-1")
        assert _paths(selected, root) == {pkg.dir}, pkg.selector
