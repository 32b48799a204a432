"""`dotenv ... command` read as dotenv-cli reads it, with dotenv-cli itself as the oracle: each
line runs the real dotenv-cli (installed once into a cache folder), whose command is a stand-in
that prints what it was given (tests/oracles/print_args.sh)."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from dockergen.workspace import dotenv_cli
from dockergen.workspace.shell_words import split, unwrap
from tests.helpers import ROOT, require_node

VERSION = "11.0.0"
PROGRAMS = ("node", "next", "tsx", "x.js")  # x.js: the command when dotenv-cli takes `node` as a value
VARIABLES = ("NODE_ENV", "X", "Y", "PORT")

# Start scripts as repositories write them, and the corners of dotenv-cli's argument parser.
CASES = [
    "dotenv -e ../../.env node dist/index.js",
    "dotenv -e ../../.env -- node dist/index.js",
    "dotenv -e .env -e .env.local node dist/index.js",
    "dotenv -v NODE_ENV=production -e ../../.env -- node server.mjs",
    "dotenv -v X=1 -v Y=2 node x.js",
    "dotenv -c node x.js",
    "dotenv -c -- node x.js",
    "dotenv -c production node x.js",
    "dotenv -e .env node --enable-source-maps dist/index.js",
    "dotenv -e .env node dist/index.js --port 3000",
    "dotenv -e .env node dist/index.js 3000",
    "dotenv -e .env node dist/index.js 08",
    "dotenv -e .env node dist/index.js 1e3",
    "dotenv -e .env node dist/index.js 0x10",
    "dotenv -e .env next start -p 4200",
    "dotenv -e ../../.env -- next start -p 4200",
    "dotenv -o -e .env node x.js",
    "dotenv --override node x.js",
    "dotenv --no-expand node x.js",
    "dotenv --debug node x.js",
    "dotenv --quiet=false -e .env node x.js",
    "dotenv -e=.env node x.js",
    "dotenv -eo .env node x.js",
    "dotenv -e .env -p X",
    "dotenv",
    "dotenv -e .env",
    "dotenv -v NOEQUALS node x.js",
    "dotenv -e ../../.env tsx watch src/index.ts",
    "dotenv -e .env node -- x.js --flag",
    "dotenv -c -o node x.js",
    "dotenv -e .env node ./dist/main.js -- --inspect",
    "dotenv -e .env node dist/x.js -",
    "dotenv -e .env node dist/x.js -0",
    "dotenv -e .env -- node dist/x.js 08",
    "dotenv -v PORT=8080 -- node dist/x.js",
    "dotenv -v X=a=b node x.js",
]


@pytest.fixture(scope="module")
def dotenv(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """(node, dotenv-cli's cli.js, a folder of stand-in programs)."""
    node = require_node()
    cache = Path(os.path.expanduser("~/.cache/dockergen-tests")) / f"dotenv-cli-{VERSION}"
    cli = cache / "node_modules" / "dotenv-cli" / "cli.js"
    if not cli.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        npm = [
            "npm",
            "install",
            "--prefix",
            str(cache),
            "--no-save",
            "--no-audit",
            "--no-fund",
            f"dotenv-cli@{VERSION}",
        ]
        subprocess.run(npm, check=True, capture_output=True, timeout=300)
    programs = tmp_path_factory.mktemp("programs")
    for name in PROGRAMS:
        (programs / name).symlink_to(ROOT / "tests" / "oracles" / "print_args.sh")
    return node, cli, programs


def _oracle(dotenv: tuple[str, Path, Path], words: list[str], cwd: Path) -> tuple[list[str] | None, list[str]]:
    """(the command dotenv-cli started, or None; the variables it set, NAME=value)."""
    node, cli, programs = dotenv
    env = {"PATH": f"{programs}{os.pathsep}{os.environ['PATH']}", "ORACLE_VARS": " ".join(VARIABLES)}
    done = subprocess.run([node, str(cli), *words], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    lines = done.stdout.splitlines()
    started = [line[4:] for line in lines if line.startswith("cmd ")]
    if not started:
        return None, []
    argv = [started[0], *(line[4:] for line in lines if line.startswith("arg "))]
    return argv, [line[4:] for line in lines if line.startswith("env ")]


@pytest.mark.parametrize("line", CASES)
def test_the_command_and_variables_are_the_ones_dotenv_cli_uses(
    dotenv: tuple[str, Path, Path], line: str, tmp_path: Path
) -> None:
    words = shlex.split(line)
    env: list[tuple[str, str]] = []
    ours, why = dotenv_cli.command(words[1:], env)
    theirs, variables = _oracle(dotenv, words[1:], tmp_path)
    if ours is None:  # refused: dotenv-cli starts nothing, or rewrites a word of the command
        assert why
        if theirs is not None:
            assert "number" in why and any(w not in theirs for w in words[2:] if not w.startswith("-")), theirs
        return
    assert ours == theirs
    assert [f"{k}={v}" for k, v in env] == variables


def test_unwrap_peels_dotenv_and_says_why_it_cannot() -> None:
    env: list[tuple[str, str]] = []
    assert unwrap(split("dotenv -e ../../.env node dist/index.js"), env) == ["node", "dist/index.js"]
    why: list[str] = []
    assert unwrap(split("dotenv -e .env next start -p 4200"), env, why) is None
    assert why == ["uses dotenv-cli's -p, with which it runs no command"]
