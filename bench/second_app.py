"""Benchmark: what a second app costs when it depends on the first, with the shared Dockerfile.

    bash ../shared/e2e/setup-docker && .venv/bin/python bench/second_app.py [--rounds 3]

multi-app fixture: the API imports the worker's package (one target is a library of another).
Each round empties the builder cache, builds one app cold, then the other, in both orders (the
app depended on first, then the one that depends on it; and the reverse). Prints the medians and
the second build's cost as a share of the first's cold build (goal: at most 30%).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import scenarios  # noqa: E402
from tests.dockerutil import build, empty_builder_cache, remove_images_named  # noqa: E402

ORDERS = (("worker", "api"), ("api", "worker"))


def one_round(root: Path, first: str, second: str) -> tuple[float, float]:
    empty_builder_cache()
    one = build(root, "Dockerfile", f"dockergen-bench/second-{first}", "--target", first)
    two = build(root, "Dockerfile", f"dockergen-bench/second-{second}", "--target", second)
    return one.seconds, two.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dockergen-second-") as work:
        root = scenarios.materialize("multi-app", Path(work) / "multi-app")
        generate = [sys.executable, "-m", "dockergen", "generate", "--root", str(root)]
        subprocess.run(generate, check=True, capture_output=True)
        times: dict[tuple[str, str], list[tuple[float, float]]] = {order: [] for order in ORDERS}
        try:
            for _ in range(args.rounds):
                for order in ORDERS:
                    times[order].append(one_round(root, *order))
        finally:
            remove_images_named("dockergen-bench/second-")
    print(f"multi-app, shared Dockerfile, builder cache emptied before each pair; medians of {args.rounds} rounds")
    print("| first (cold) | then | first cold | second | second / first |")
    print("|---|---|---:|---:|---:|")
    for (first, second), pairs in times.items():
        cold = statistics.median(p[0] for p in pairs)
        then = statistics.median(p[1] for p in pairs)
        share = statistics.median(p[1] / p[0] for p in pairs)
        print(f"| {first} | {second} | {cold:.1f} s | {then:.1f} s | {share:.0%} |")


if __name__ == "__main__":
    main()
