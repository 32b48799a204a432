"""Benchmark: scan + plan + render on the largest corpus repo and on generated workspaces.

    .venv/bin/python bench/scan.py [--runs 7]

Prints median wall times (in-process, imports warm) and the cost per package, to show growth is
linear. The corpus repo is pnpm/pnpm (215 projects); its `pnpm` CLI package is the target because
its build closure is the largest in the corpus.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dockergen.pipeline import generate_all  # noqa: E402
from dockergen.repo import Repo  # noqa: E402
from tests.helpers import CORPUS, materialize_corpus_repo  # noqa: E402

PNPM_CONFIG = "targets:\n  pnpm:\n    package: pnpm\n    command: [node, bin/pnpm.mjs]\n"


def synthetic(root: Path, count: int, seed: int = 7, app_uses: int | None = 40, realistic: bool = False) -> Path:
    """`count` libraries with up to 3 dependencies each on earlier ones, and an app using `app_uses`
    of them (None: all, so the app's closure is the whole workspace). `realistic`: each library
    also has a tsconfig.json (extending the root's, `references` to its dependencies) and a build
    config (tsup.config.ts importing a shared one at the root), the shapes real monorepos have."""
    rng = random.Random(seed)
    importers = [".", "apps/app"]
    (root / "apps/app").mkdir(parents=True)
    for i in range(count):
        deps = {f"@s/lib{j}": "workspace:*" for j in rng.sample(range(i), min(i, rng.randint(0, 3)))}
        manifest = {"name": f"@s/lib{i}", "version": "1.0.0", "main": "dist/index.js", "files": ["dist"],
                    "scripts": {"build": "tsc"}, "dependencies": deps}  # fmt: skip
        (root / f"packages/lib{i}").mkdir(parents=True)
        (root / f"packages/lib{i}/package.json").write_text(json.dumps(manifest))
        importers.append(f"packages/lib{i}")
        if realistic:
            _realistic_library(root / f"packages/lib{i}", [int(d.removeprefix("@s/lib")) for d in deps])
    used = range(count) if app_uses is None else rng.sample(range(count), app_uses)
    app_deps = {f"@s/lib{j}": "workspace:*" for j in used}
    app = {"name": "@s/app", "private": True, "scripts": {"start": "node dist/index.js"}, "dependencies": app_deps}
    (root / "apps/app/package.json").write_text(json.dumps(app))
    (root / "package.json").write_text(json.dumps({"name": "root", "packageManager": "pnpm@10.34.9"}))
    (root / "pnpm-workspace.yaml").write_text("packages:\n  - apps/*\n  - packages/*\n")
    (root / ".nvmrc").write_text("22\n")
    lock = "lockfileVersion: '9.0'\n\nimporters:\n" + "".join(f"\n  {i}: {{}}\n" for i in importers)
    (root / "pnpm-lock.yaml").write_text(lock)
    (root / "dockergen.yaml").write_text("targets:\n  app:\n    package: '@s/app'\n    port: 3000\n")
    if realistic:
        tsconfig = {"compilerOptions": {"strict": True, "composite": True, "declaration": True}}
        (root / "tsconfig.base.json").write_text(json.dumps(tsconfig))
        (root / "tsup.shared.ts").write_text("export const shared = { format: ['esm'], dts: true };\n")
    return root


def _realistic_library(folder: Path, deps: list[int]) -> None:
    tsconfig = {
        "extends": "../../tsconfig.base.json",
        "compilerOptions": {"outDir": "dist", "rootDir": "src"},
        "include": ["src"],
        "references": [{"path": f"../lib{d}"} for d in deps],
    }
    (folder / "tsconfig.json").write_text(json.dumps(tsconfig, indent=2))
    (folder / "tsup.config.ts").write_text(
        'import { defineConfig } from "tsup";\nimport { shared } from "../../tsup.shared";\n'
        'export default defineConfig({ ...shared, entry: ["src/index.ts"], outDir: "dist" });\n'
    )
    (folder / "src").mkdir()
    (folder / "src/index.ts").write_text("export const x = 1;\n")


def median_seconds(
    root: Path, runs: int, config: str | None = None, cpu: list[float] | None = None
) -> tuple[float, int, int]:
    """Median wall time of `runs` in-process runs (their CPU times appended to `cpu`)."""
    times = []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        generated = generate_all(Repo(root), config_text=config)
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)
    plan = generated.plans[0]
    steps = sum(len(s.steps) for s in plan.stages)
    return statistics.median(times), steps, len(generated.plans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dockergen-bench-"))
    try:
        rows = []
        if CORPUS is not None:
            repo = materialize_corpus_repo(CORPUS / "pnpm__pnpm", tmp / "pnpm")
            seconds, steps, _ = median_seconds(repo, args.runs, PNPM_CONFIG)
            members = len(
                [p for p in (CORPUS / "pnpm__pnpm" / "MEMBERS.txt").read_text().splitlines() if p and p[0] != "#"]
            )
            rows.append(("pnpm/pnpm (corpus)", members, seconds, steps))
        for count in (250, 500, 1000):
            seconds, steps, _ = median_seconds(synthetic(tmp / f"s{count}", count), args.runs)
            rows.append((f"generated, {count} libraries", count + 2, seconds, steps))
        for count in (1000, 5000, 10000):  # the app's closure is every library (issue 12)
            root = synthetic(tmp / f"c{count}", count, app_uses=None)
            seconds, steps, _ = median_seconds(root, max(1, min(args.runs, 3)))
            rows.append((f"app using all {count} libraries", count + 2, seconds, steps))
        realistic = []
        for count in (1000, 10000):  # a tsconfig, references and a build config per library (issue 23)
            root = synthetic(tmp / f"r{count}", count, app_uses=None, realistic=True)
            cpu: list[float] = []
            seconds, steps, _ = median_seconds(root, max(1, min(args.runs, 3)), cpu=cpu)
            rows.append((f"realistic, all {count} libraries", count + 2, seconds, steps))
            realistic.append((seconds, statistics.median(cpu)))
        print(f"scan + plan + render, median of {args.runs} runs (imports warm)")
        print(f"{'workspace':34} {'projects':>8} {'median s':>9} {'ms/project':>11} {'plan steps':>10}")
        for name, projects, seconds, steps in rows:
            print(f"{name:34} {projects:8d} {seconds:9.3f} {seconds * 1000 / projects:11.2f} {steps:10d}")
        (small, small_cpu), (large, large_cpu) = realistic
        print(
            f"realistic 1,000 -> 10,000 libraries: {small:.2f} s -> {large:.2f} s wall ({large / small:.1f}x), "
            f"{small_cpu:.2f} s -> {large_cpu:.2f} s CPU ({large_cpu / small_cpu:.1f}x)"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
