"""Benchmark: the sample's API built side by side by a naive Dockerfile, the tutorial's recipe
(made to work), and dockergen's output (slim and distroless), in one run with real docker.

    bash ../shared/e2e/setup-docker && .venv/bin/python bench/images.py

The sample has two apps (api, worker): dockergen writes one Dockerfile for both (`--target api`);
the `shared: false` row is the API alone in its own Dockerfile, the `optimize: cold` row the layout
for builds without a layer cache. For each variant: image size, size above its base image, dive's
efficiency and wasted bytes, the cold build (builder cache and pnpm store emptied first; the median
of three), then three rebuilds: (a) an app-source change, (b) a change in a package
outside the API's closure (a library only the worker uses), (c) a dependency added to the API.
Each rebuild reports its time and how many Dockerfile steps ran (FROM lines are not counted).
Cold builds are interleaved: each round builds every variant once, so a machine whose speed drifts
during the run slows every variant alike; `x naive` is the median of the rounds' ratios to the
naive recipe's build in the same round.
The limit row is the base image plus the bytes of `pnpm deploy --prod`'s output. Prints a Markdown
table (paste it into the README) and writes the raw numbers to bench/results/images.json.

Then "all apps, cold" on the multi-app fixture (three apps sharing libraries): one app, then every
app one after another, from an empty builder cache, with the shared Dockerfile and with one
Dockerfile per app (`shared: false`), and the naive recipe there; and every app with `docker buildx
bake` and the generated bake file. The machine's load average is printed before and after.
`--all-apps-only` runs just that table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import scenarios  # noqa: E402
from tests.dockerutil import (  # noqa: E402
    Build,
    bake,
    build,
    docker,
    empty_builder_cache,
    inspect,
    remove_images_named,
)
from tests.helpers import SAMPLE, copy_tree  # noqa: E402

RECIPES = ROOT / "bench" / "recipes"
PNPM = "pnpm@10.34.9"
ADDED_DEPENDENCY = "dayjs@1.11.13"  # not in the sample's lockfile: a real download


@dataclass
class Rebuild:
    seconds: float
    ran: int
    total: int
    same_image: bool
    downloaded: int


@dataclass
class Row:
    variant: str
    base: str
    size: int
    above_base: int
    efficiency: float
    wasted: int
    cold: float
    cold_x_naive: float
    a: Rebuild
    b: Rebuild
    c: Rebuild


@dataclass
class AllApps:
    layout: str
    one_app: float
    all_apps: float
    ratio: float  # median of the rounds' all-apps / one-app
    together: float | None = None  # every app with `docker buildx bake` and the generated bake file
    together_ratio: float | None = None


Cold = dict[str, list[float]]  # variant -> its cold build seconds, one per round


Variant = tuple[Path, str, str]  # context, Dockerfile path in it, stage to build ("" = the last)


COLD_RUNS = 3


def target_args(stage: str) -> tuple[str, ...]:
    return ("--target", stage) if stage else ()


def dockergen(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "dockergen", *args], check=True, capture_output=True)


def with_recipe(ctx: Path, recipe: str) -> Path:
    """The context with `bench/recipes/<recipe>.Dockerfile` (and its ignore file) as its Dockerfile."""
    shutil.copy(RECIPES / f"{recipe}.Dockerfile", ctx / "Dockerfile")
    shutil.copy(RECIPES / f"{recipe}.Dockerfile.dockerignore", ctx / "Dockerfile.dockerignore")
    return ctx


def with_defaults(root: Path, lines: str) -> None:
    """Adds `lines` (indented keys) under `defaults:` in the root's dockergen.yaml."""
    config = root / "dockergen.yaml"
    config.write_text(config.read_text().replace("targets:\n", f"defaults:\n{lines}targets:\n", 1))


def variants(work: Path) -> dict[str, Variant]:
    """variant -> (context folder, Dockerfile path in it, stage)."""
    out: dict[str, Variant] = {}
    for name, recipe in (("naive, 1 stage", "naive"), ("tutorial, 3 stages (made to work)", "tutorial")):
        ctx = with_recipe(copy_tree(SAMPLE, work / recipe), recipe)
        out[name] = (ctx, "Dockerfile", "")
    for name, key in (
        ("dockergen, slim", ""),
        ("dockergen, slim, own Dockerfile (`shared: false`)", "shared: false"),
        ("dockergen, distroless", "runtime: distroless"),
        ("dockergen, `optimize: cold`", "optimize: cold"),
    ):
        ctx = copy_tree(SAMPLE, work / f"dockergen-{len(out)}")
        config = (ctx / "dockergen.yaml").read_text()
        if key:
            config = config.replace("    health: /health", f"    health: /health\n    {key}", 1)
        (ctx / "dockergen.yaml").write_text(config)
        for old in ("Dockerfile", ".dockerignore"):
            (ctx / old).unlink(missing_ok=True)
        dockergen("generate", "--root", str(ctx))
        out[name] = (ctx, "apps/api/Dockerfile", "") if key == "shared: false" else (ctx, "Dockerfile", "api")
    return out


def dependency_change(work: Path) -> dict[str, str]:
    """The lockfile and manifest after `pnpm add ms --filter @acme/api`, made once with real pnpm."""
    ctx = copy_tree(SAMPLE, work / "add-dependency")
    subprocess.run(
        ["npx", "-y", PNPM, "add", ADDED_DEPENDENCY, "--filter", "@acme/api", "--lockfile-only"],
        cwd=ctx, check=True, capture_output=True,
    )  # fmt: skip
    return {rel: (ctx / rel).read_text() for rel in ("pnpm-lock.yaml", "apps/api/package.json")}


def dive(image: str) -> tuple[float, int]:
    exe = shutil.which("dive") or str(Path(sys.executable).parent / "dive")
    result = subprocess.run([exe, "--ci", "--source", "docker", image], capture_output=True, text=True,
                            env={**os.environ, "CI": "true"})  # fmt: skip
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    efficiency = float(re.search(r"efficiency:\s*([\d.]+)\s*%", text).group(1))  # type: ignore[union-attr]
    wasted = int(re.search(r"wastedBytes:\s*(\d+)", text).group(1))  # type: ignore[union-attr]
    return efficiency, wasted


def base_of(ctx: Path, dockerfile: str, stage: str = "") -> str:
    text = (ctx / dockerfile).read_text()
    if stage:
        return re.findall(rf"^FROM\s+(\S+)\s+AS\s+{re.escape(stage)}$", text, re.M)[0]
    return re.findall(r"^FROM\s+(\S+)", text, re.M)[-1]


def rebuild(ctx: Path, dockerfile: str, stage: str, tag: str, previous: str) -> Rebuild:
    result: Build = build(ctx, dockerfile, tag, *target_args(stage))
    downloaded = sum(counts[2] for counts in result.pnpm_totals.values())  # summed over the build's steps
    return Rebuild(round(result.seconds, 2), len(result.executed), len(result.steps),
                   result.image_id == previous, downloaded)  # fmt: skip


def interleaved(runs: dict[str, Callable[[], float]], rounds: int = COLD_RUNS) -> Cold:
    """Each run `rounds` times, round by round (every run once per round), each from an empty
    builder cache (no layer cache, empty pnpm store and npm cache mounts)."""
    times: Cold = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            empty_builder_cache()
            times[name].append(run())
    return times


def median(xs: list[float]) -> float:
    return round(statistics.median(xs), 2)


def ratio(xs: list[float], ys: list[float]) -> float:
    """The median of the rounds' x / y."""
    return round(statistics.median(x / y for x, y in zip(xs, ys, strict=True)), 3)


def tag_of(name: str) -> str:
    return f"dockergen-bench/{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"


def cold_build(name: str, variant: Variant) -> float:
    ctx, dockerfile, stage = variant
    return build(ctx, dockerfile, tag_of(name), *target_args(stage)).seconds


def measure(name: str, variant: Variant, change: dict[str, str], cold: list[float], naive: list[float]) -> Row:
    """Size, dive and the three rebuilds, after a cold build of this variant alone (no other
    variant's layers or pnpm store in the cache: they would serve this one's rebuilds)."""
    ctx, dockerfile, stage = variant
    tag = tag_of(name)
    empty_builder_cache()
    build(ctx, dockerfile, tag, *target_args(stage))
    base = base_of(ctx, dockerfile, stage)
    image, size, base_size = inspect(tag)["Id"], inspect(tag)["Size"], inspect(base)["Size"]
    efficiency, wasted = dive(tag)
    app = ctx / "apps/api/src/app.ts"
    app.write_text(app.read_text() + '\nexport const benchMarker = "(a) an app-source change";\n')
    a = rebuild(ctx, dockerfile, stage, tag, image)
    queue = ctx / "packages/queue/src/index.ts"
    queue.write_text(queue.read_text() + "\n// (b) a change outside the API's closure\n")
    b = rebuild(ctx, dockerfile, stage, tag, inspect(tag)["Id"])
    for rel, text in change.items():
        (ctx / rel).write_text(text)
    c = rebuild(ctx, dockerfile, stage, tag, inspect(tag)["Id"])
    return Row(name, base, size, size - base_size, efficiency, wasted, median(cold), ratio(cold, naive), a, b, c)


def limit(variant: Variant) -> tuple[str, int, int]:
    """Base image + bytes of the `pnpm deploy --prod` tree: file and symlink sizes counted the way
    Docker sizes a layer (folders not counted), every name counted as pnpm writes it."""
    ctx, dockerfile, stage = variant
    tag = "dockergen-bench/deploy-stage"
    build(ctx, dockerfile, tag, "--target", f"{stage}-deploy" if stage else "deploy")
    script = r"find /out \( -type f -o -type l \) -printf '%s\n' | awk '{s += $1} END {print s}'"
    out = docker("run", "--rm", "--entrypoint", "sh", tag, "-c", script).stdout.split()[0]
    base = base_of(ctx, dockerfile, stage)
    return base, inspect(base)["Size"], int(out)


APPS = ("admin", "api", "worker")


NAIVE_MULTI = "naive recipe (every app in one image)"
LAYOUTS = (("one Dockerfile for all apps (default)", False), ("one Dockerfile per app", True))


def all_apps_runs(work: Path) -> dict[str, Callable[[], float]]:
    """multi-app: the API alone, then every app one after another, with the shared Dockerfile and
    with one Dockerfile per app; and the naive recipe there (it builds every app into one image)."""
    runs: dict[str, Callable[[], float]] = {}
    for layout, own in LAYOUTS:
        root = scenarios.materialize("multi-app", work / f"multi-app-{own}")
        if own:
            with_defaults(root, "  shared: false\n")
        dockergen("generate", "--root", str(root))
        runs[f"{layout}: one"] = partial(cold_app, root, own, "api")
        runs[f"{layout}: all"] = partial(cold_apps, root, own)
        if not own:
            runs[f"{layout}: together"] = partial(cold_bake, root)
    naive = with_recipe(scenarios.materialize("multi-app", work / "multi-app-naive"), "naive")
    runs[NAIVE_MULTI] = lambda: build(naive, "Dockerfile", "dockergen-bench/all-naive").seconds
    return runs


def bake_runs(work: Path) -> dict[str, Callable[[], float]]:
    """multi-app, shared Dockerfile: the API alone (`docker build --target api`) and every app with
    `docker buildx bake`: the issue's goal is the second at most 1.25x the first."""
    root = scenarios.materialize("multi-app", work / "multi-app-bake")
    dockergen("generate", "--root", str(root))
    return {
        "one app (api), docker build": partial(cold_app, root, False, "api"),
        "all 3, docker buildx bake": partial(cold_bake, root),
    }


def cold_bake(root: Path) -> float:
    """Every app with the generated bake file: `docker buildx bake` (the docker driver here)."""
    return bake(root, {"REGISTRY": "dockergen-bench/bake-", "TAG": "cold"}).seconds


def all_apps(times: Cold) -> tuple[list[AllApps], float]:
    rows = []
    for layout, _ in LAYOUTS:
        one, every, together = times[f"{layout}: one"], times[f"{layout}: all"], times.get(f"{layout}: together")
        row = AllApps(layout, median(one), median(every), ratio(every, one))
        if together:
            row.together, row.together_ratio = median(together), ratio(together, one)
        rows.append(row)
    return rows, median(times[NAIVE_MULTI])


def cold_app(root: Path, own: bool, app: str) -> float:
    dockerfile, stage = (f"apps/{app}/Dockerfile", "") if own else ("Dockerfile", app)
    return build(root, dockerfile, f"dockergen-bench/all-{app}", *target_args(stage)).seconds


def cold_apps(root: Path, own: bool) -> float:
    return sum(cold_app(root, own, app) for app in APPS)


def all_apps_table(rows: list[AllApps], naive: float) -> str:
    lines = [
        "| multi-app, cold | one app (api) | all 3 apps, one after another | ratio "
        "| all 3, `docker buildx bake` | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        together = f"{r.together:.1f} s | {r.together_ratio:.2f}x" if r.together and r.together_ratio else " |"
        lines.append(f"| {r.layout} | {r.one_app:.1f} s | {r.all_apps:.1f} s | {r.ratio:.2f}x | {together} |")
    lines.append(f"| naive recipe (every app in one image) | {naive:.1f} s | | | | |")
    return "\n".join(lines)


def mb(n: int) -> str:
    return f"{n / 1e6:.1f}"


def steps(r: Rebuild) -> str:
    return f"{r.seconds:.1f} s, {r.ran}/{r.total}"


def table(rows: list[Row], lim: tuple[str, int, int]) -> str:
    lines = [
        "| variant | image MB | above base MB | dive efficiency | wasted | cold build | x naive "
        "| (a) app change: rebuild, steps run | (b) outside change: steps run, same image "
        "| (c) added dependency: rebuild, steps run, downloaded |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.variant} (`{r.base}`) | {mb(r.size)} | {mb(r.above_base)} | {r.efficiency:.4f} % | "
            f"{r.wasted / 1000:.1f} kB | {r.cold:.1f} s | {r.cold_x_naive:.2f}x | {steps(r.a)} | "
            f"{r.b.ran}/{r.b.total}, {'yes' if r.b.same_image else 'no'} | {steps(r.c)}, {r.c.downloaded} pkg |"
        )
    base, base_size, deploy = lim
    lines.append(f"| limit: `{base}` + `pnpm deploy --prod` output | {mb(base_size + deploy)} | {mb(deploy)} "
                 "| | | | | | | |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--all-apps-only", action="store_true", help="only the all-apps table (updates its results)")
    parser.add_argument("--bake-only", action="store_true", help="only one app against `docker buildx bake` of all")
    parser.add_argument("--rounds", type=int, default=COLD_RUNS, help="cold builds of each variant (interleaved)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dockergen-images-"))
    results = ROOT / "bench" / "results"
    try:
        if args.bake_only:
            print(f"load before: {os.getloadavg()}")
            times = interleaved(bake_runs(work), args.rounds)
            print(f"load after: {os.getloadavg()}")
            (one, one_times), (every, every_times) = times.items()
            print(f"{one}: {one_times}\n{every}: {every_times}")
            print(f"medians {median(one_times)} s, {median(every_times)} s; ratio {ratio(every_times, one_times)}x")
            data = json.loads((results / "images.json").read_text())
            data["bake_vs_one_app"] = {"rounds": times, "ratio": ratio(every_times, one_times)}
            (results / "images.json").write_text(json.dumps(data, indent=2) + "\n")
            return
        if args.all_apps_only:
            print(f"load before: {os.getloadavg()}")
            times = interleaved(all_apps_runs(work), args.rounds)
            apps, naive = all_apps(times)
            print(f"load after: {os.getloadavg()}")
            print(all_apps_table(apps, naive))
            data = json.loads((results / "images.json").read_text())
            data["all_apps"] = [asdict(r) for r in apps]
            data["multi_app_naive"] = naive
            data["all_apps_rounds"] = times
            (results / "images.json").write_text(json.dumps(data, indent=2) + "\n")
            return
        change = dependency_change(work)
        found = variants(work)
        cold = interleaved({name: partial(cold_build, name, variant) for name, variant in found.items()}, args.rounds)
        naive_times = cold["naive, 1 stage"]
        rows = [measure(name, variant, change, cold[name], naive_times) for name, variant in found.items()]
        slim = found["dockergen, slim"]
        for rel in change:  # the limit is measured on the unchanged sample
            shutil.copy(SAMPLE / rel, slim[0] / rel)
        lim = limit(slim)
        apps, naive = all_apps(interleaved(all_apps_runs(work), args.rounds))
        print(f"sample API, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
        print(table(rows, lim))
        print()
        print(all_apps_table(apps, naive))
        results.mkdir(exist_ok=True)
        data = {
            "rows": [asdict(r) for r in rows],
            "limit": {"base": lim[0], "base_size": lim[1], "deploy": lim[2]},
            "all_apps": [asdict(r) for r in apps],
            "multi_app_naive": naive,
            "cold_runs": cold,
        }
        (results / "images.json").write_text(json.dumps(data, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        remove_images_named("dockergen-bench/")


if __name__ == "__main__":
    main()
