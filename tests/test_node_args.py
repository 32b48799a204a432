"""node's command line as Node splits it, with node itself as the oracle."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from dockergen.workspace import node_args
from tests.helpers import ROOT, build_tree, require_node

ORACLES = ROOT / "tests" / "oracles"

# Start commands as repositories write them (the words after `node`).
CASES = [
    "dist/index.js",
    "./dist/index.js --port 3000",
    "--import ./instrumentation.mjs dist/index.js",
    "--import=./instrumentation.mjs dist/index.js",
    "-r ./tracing.cjs dist/index.js",
    "--require ./tracing.cjs dist/index.js",
    "--require=./tracing.cjs dist/index.js",
    "-r dotenv/config dist/index.js",
    "--loader ./loader.mjs dist/index.js",
    "--experimental-loader=./loader.mjs dist/index.js",
    "-C production dist/index.js",
    "--conditions production dist/index.js",
    "--conditions=production dist/index.js",
    "--max-old-space-size=4096 dist/index.js",
    "--max_old_space_size=4096 dist/index.js",
    "--enable-source-maps dist/index.js",
    "--no-warnings dist/index.js",
    "--title api dist/index.js",
    "--title=api dist/index.js",
    "--unhandled-rejections strict dist/index.js",
    "--dns-result-order ipv4first dist/index.js",
    "--disable-warning ExperimentalWarning dist/index.js",
    "--expose-gc --import ./instrumentation.mjs -r ./tracing.cjs dist/index.js a b",
    "--stack-size=2000 dist/index.js",
    "dist/index.js --import ./x.mjs -r y",
    "dist/index.js -- --flag",
    "-- dist/index.js --flag",
    "--enable-source-maps -- dist/index.js",
    "dist/index.js http://upstream//api ../x",
    "--trace-warnings --require ./tracing.cjs --import ./instrumentation.mjs dist/index.js",
]


def _run_node(node: str, tree: Path, words: list[str]) -> dict[str, object]:
    done = subprocess.run([node, *words], cwd=tree, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files the cases name: the script is the oracle, preloads are empty modules."""
    oracle = (ORACLES / "node_argv.cjs").read_text()
    return build_tree(
        tmp_path_factory.mktemp("node-args"),
        {
            "dist/index.js": oracle,
            "instrumentation.mjs": "",
            "tracing.cjs": "",
            "loader.mjs": "",
            "node_modules/dotenv/package.json": {"name": "dotenv", "version": "1.0.0"},
            "node_modules/dotenv/config.js": "",
        },
    )


@pytest.mark.parametrize("line", CASES)
def test_options_script_and_arguments_split_as_node_splits_them(tree: Path, line: str) -> None:
    node = require_node()
    words = line.split()
    seen = _run_node(node, tree, words)
    parsed = node_args.parse(words)
    assert parsed.problem == ""
    assert [w for o in parsed.options for w in o.words] == seen["options"]
    assert parsed.script is not None and str((tree / parsed.script).resolve()) == seen["script"]
    assert list(parsed.args) == seen["args"]


@pytest.mark.parametrize("line", ["-r", "--import", "--title -x dist/index.js", "-C"])
def test_an_option_without_its_value_is_a_problem_as_node_says(tree: Path, line: str) -> None:
    node = require_node()
    done = subprocess.run([node, *line.split()], cwd=tree, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and "requires an argument" in done.stderr
    assert "requires an argument" in node_args.parse(line.split()).problem


def test_value_options_agree_with_the_running_nodes_own_table() -> None:
    node = require_node()
    done = subprocess.run(
        [node, "--expose-internals", str(ORACLES / "node_options.cjs")], capture_output=True, text=True, check=True
    )
    table = json.loads(done.stdout)
    assert set(table["value"]) <= node_args.VALUE_OPTIONS
    # an option that takes no value here and one elsewhere (V8's in Node 20, Node's own in 22)
    assert set(table["flag"]) & node_args.VALUE_OPTIONS <= {"--stack-trace-limit"}
    assert len(table["value"]) > 40


def test_preloads_and_the_script() -> None:
    parsed = node_args.parse(
        ["--import", "./instrumentation.mjs", "-r", "dotenv/config", "dist/index.js", "--port", "1"]
    )
    assert parsed.preloads == ("./instrumentation.mjs", "dotenv/config")
    assert parsed.script == "dist/index.js" and parsed.args == ("--port", "1") and parsed.runs_script


@pytest.mark.parametrize("line", ["-e 1", "-p 1+1", "--eval=1", "--run build", "--test", "-i"])
def test_code_on_the_command_line_runs_no_script(line: str) -> None:
    assert not node_args.parse(line.split()).runs_script
