import json
from pathlib import Path

import pytest

from dockergen.cli import main
from dockergen.dockerignore import parse
from dockergen.pipeline import generate_all
from dockergen.repo import Repo
from dockergen.report.context import measure
from tests import scenarios
from tests.helpers import SAMPLE, build_tree, copy_tree

TREE = {
    "apps/api/src/index.ts": "x" * 100, "apps/api/package.json": "{}", "apps/web/src/index.ts": "y" * 50,
    "node_modules/big/index.js": "z" * 10_000, "apps/api/node_modules/dep/index.js": "z" * 500,
    "packages/a/dist/index.js": "d" * 10, "README.md": "r", "logs/deep/keep.log": "k" * 7,
}  # fmt: skip
RULES = "*\n!apps/api\n!README.md\n**/node_modules\n!**/keep.log\n"


def test_measure_matches_deciding_every_file(tmp_path: Path) -> None:
    build_tree(tmp_path, TREE)
    rules = parse(RULES)
    kept = [f for f in TREE if not rules.is_ignored(f)]
    sent = measure(Repo(tmp_path), rules)
    assert (sent.files, sent.bytes) == (len(kept), sum(len(TREE[f]) for f in kept))
    assert sorted(kept) == ["README.md", "apps/api/package.json", "apps/api/src/index.ts", "logs/deep/keep.log"]
    everything = measure(Repo(tmp_path), None)
    assert (everything.files, everything.bytes) == (len(TREE), sum(len(v) for v in TREE.values()))


def test_context_command_reports_both_sizes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_tree(SAMPLE, tmp_path / "s")
    build_tree(root, {"node_modules/.pnpm/huge/index.js": "x" * 1_000_000, "apps/api/dist/index.js": "y" * 1000})
    with pytest.raises(SystemExit) as exit_info:
        main(["context", "--root", str(root), "--format", "json", "--target", "api"])
    assert exit_info.value.code == 0
    [report] = json.loads(capsys.readouterr().out)
    assert report["target"] == "api" and report["ignore_file"] == ".dockerignore"
    assert report["unfiltered"]["bytes"] > 1_000_000 > report["sent"]["bytes"] > 0
    assert report["sent"]["files"] < report["unfiltered"]["files"]


def test_a_main_pointing_into_sources_keeps_them_in_the_context(tmp_path: Path) -> None:
    """`"main": "src/index.ts"` with a `tsc --noEmit` build: src/ is the build's input, not its output."""
    root = scenarios.materialize("ts-source-lib", tmp_path / "ws")
    ignore = next(f.content for f in generate_all(Repo(root)).files if f.path == ".dockerignore")
    assert "packages/shared/src" not in ignore.splitlines()
    manifest = root / "packages/shared/package.json"
    manifest.write_text(manifest.read_text().replace('"main": "src/index.ts"', '"main": "lib/index.js"'))
    ignore = next(f.content for f in generate_all(Repo(root)).files if f.path == ".dockerignore")
    assert "packages/shared/lib" in ignore.splitlines()  # not in the repository: what the build writes
