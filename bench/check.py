"""Benchmark: wall time of `dockergen check` on the sample when in sync (the pre-commit case).

    .venv/bin/python bench/check.py [--runs 21]

Prints the median of the console script run as a subprocess: with the cache record of the last
in-sync run (what a developer's pre-commit hits), without it (a fresh clone, or after a change to
an input), and a bare `python -c pass` for scale.
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
SCRIPT = Path(sys.executable).parent / "dockergen"


def median_ms(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="dockergen-check-cache-"))
    try:
        check = [str(SCRIPT), "check", "--root", str(ROOT / "sample-monorepo")]
        warm_env = {**os.environ, "DOCKERGEN_CACHE_DIR": str(cache)}
        subprocess.run(check, env=warm_env, check=True, capture_output=True)  # leaves the record
        rows = [
            ("dockergen check, in sync, cache record present", median_ms(check, warm_env, args.runs)),
            (
                "dockergen check, in sync, no cache record",
                median_ms(check, {**os.environ, "DOCKERGEN_NO_CACHE": "1"}, args.runs),
            ),
            (
                "python -c pass (interpreter start)",
                median_ms([sys.executable, "-c", "pass"], dict(os.environ), args.runs),
            ),
        ]
        print(f"median wall time of {args.runs} runs")
        for name, ms in rows:
            print(f"{name:50} {ms:7.1f} ms")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
