"""Benchmark: wall time of `dockergen check` on the sample when in sync (the pre-commit case).

    .venv/bin/python bench/check.py [--runs 41] [--editable]

Installs dockergen into a fresh virtual environment the way pre-commit does (`pip install .`, not
editable; `--editable` measures this checkout's .venv instead), then prints the median of each
command run as a subprocess, interleaved round by round so a machine whose speed drifts slows
them alike: the hooks' command (`python -c ...`, see .pre-commit-hooks.yaml) and the console
script with the record of the last in-sync run, the full check without it, and a bare
`python -c pass` beside them for scale. Goal: the hooks' cached check within 1.5x of the bare start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOOK = "from dockergen.cli import main; main()"


def install(where: Path) -> Path:
    """A virtual environment with dockergen installed as pre-commit installs a hook's repository."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    pip = [str(where / "bin" / "python"), "-m", "pip", "install", "-q", str(ROOT)]
    subprocess.run(pip, check=True, capture_output=True)
    return where / "bin"


def median_ms(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, env) in commands.items():
            start = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) * 1000 for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=41)
    parser.add_argument("--editable", action="store_true", help="measure this checkout's .venv")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="dockergen-check-bench-"))
    try:
        bin_dir = Path(sys.executable).parent if args.editable else install(scratch / "venv")
        python = str(bin_dir / "python")
        sample = shutil.copytree(ROOT / "sample-monorepo", scratch / "sample")
        warm = {**os.environ, "DOCKERGEN_CACHE_DIR": str(scratch / "cache")}
        hook = [python, "-I", "-c", HOOK, "check", "--root", str(sample)]
        first = subprocess.run(hook, env=warm, capture_output=True, text=True)  # leaves the record
        if first.returncode != 0:
            sys.exit(f"dockergen check failed:\n{first.stdout}{first.stderr}")
        commands = {
            "hook command (python -I -c), record present": (hook, warm),
            "console script `dockergen check`, record present": (
                [str(bin_dir / "dockergen"), "check", "--root", str(sample)],
                warm,
            ),
            "dockergen check, no record (full check)": (hook, {**os.environ, "DOCKERGEN_NO_CACHE": "1"}),
            "python -c pass (interpreter start)": ([python, "-c", "pass"], dict(os.environ)),
        }
        found = median_ms(commands, args.runs)
        bare = found["python -c pass (interpreter start)"]
        print(f"median wall time of {args.runs} interleaved runs ({'editable' if args.editable else 'pip install .'})")
        for name, ms in found.items():
            print(f"{name:52} {ms:7.1f} ms  {ms / bare:5.2f}x bare")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
