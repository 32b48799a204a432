"""Benchmark: the sample API's cold build, the naive recipe against dockergen's layouts, interleaved.

    bash ../shared/e2e/setup-docker && .venv/bin/python bench/cold.py [--rounds 3]

Each round builds every variant once, one after another, each from an empty builder cache (layer
cache, pnpm store and npm cache mounts emptied): a machine that slows down mid-run slows every
variant alike, so the ratios hold better than in separate runs. Prints each variant's times, its
median and the median of its per-round ratios to the naive recipe (the fastest recipe in
bench/images.py).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.images import (  # noqa: E402
    Variant,
    cold_build,
    dockergen,
    interleaved,
    median,
    ratio,
    with_defaults,
    with_recipe,
)
from tests.dockerutil import remove_images_named  # noqa: E402
from tests.helpers import SAMPLE, copy_tree  # noqa: E402

LAYOUTS = {  # variant -> the `defaults:` line added to the sample's dockergen.yaml ("" = none)
    "dockergen default": "",
    "dockergen, optimize: libraries": "  optimize: libraries\n",
    "dockergen, optimize: cold": "  optimize: cold\n",
}


def variants(work: Path) -> dict[str, Variant]:
    """variant -> (context, Dockerfile in it, stage)."""
    out: dict[str, Variant] = {
        "naive recipe": (with_recipe(copy_tree(SAMPLE, work / "naive"), "naive"), "Dockerfile", "")
    }
    for index, (name, defaults) in enumerate(LAYOUTS.items()):
        ctx = copy_tree(SAMPLE, work / f"layout-{index}")
        if defaults:
            with_defaults(ctx, defaults)
        dockergen("generate", "--root", str(ctx))
        out[name] = (ctx, "Dockerfile", "api")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dockergen-cold-"))
    try:
        runs = {name: partial(cold_build, name, variant) for name, variant in variants(work).items()}
        times = interleaved(runs, args.rounds)
        naive = times["naive recipe"]
        print("| variant | cold builds (s) | median | x naive (median of the rounds' ratios) |\n|---|---|---:|---:|")
        for name, xs in times.items():
            print(f"| {name} | {', '.join(f'{x:.1f}' for x in xs)} | {median(xs):.1f} s | {ratio(xs, naive):.2f}x |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        remove_images_named("dockergen-bench/")


if __name__ == "__main__":
    main()
