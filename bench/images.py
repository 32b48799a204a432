"""Benchmark: the sample's API built side by side by a naive Dockerfile, the tutorial's recipe
(made to work), and dockergen's output (slim and distroless), in one run with real docker.

    bash ../shared/e2e/setup-docker && .venv/bin/python bench/images.py

For each variant: image size, size above its base image, dive's efficiency and wasted bytes, the
cold build (builder cache and pnpm store emptied first), then three rebuilds: (a) an app-source
change, (b) a change in a package outside the API's closure, (c) a dependency added to the API.
Each rebuild reports its time and how many Dockerfile steps ran (FROM lines are not counted).
The limit row is the base image plus the bytes of `pnpm deploy --prod`'s output. Prints a Markdown
table (paste it into the README) and writes the raw numbers to bench/results/images.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.dockerutil import Build, build, docker, empty_builder_cache, inspect, remove_images_named  # noqa: E402
from tests.helpers import SAMPLE, copy_tree  # noqa: E402

RECIPES = ROOT / "bench" / "recipes"
PNPM = "pnpm@10.34.9"
ADDED_DEPENDENCY = "dayjs@1.11.13"  # not in the sample's lockfile: a real download
_PROGRESS = re.compile(r"resolved (\d+), reused (\d+), downloaded (\d+)")


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
    a: Rebuild
    b: Rebuild
    c: Rebuild


def dockergen(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "dockergen", *args], check=True, capture_output=True)


def variants(work: Path) -> dict[str, tuple[Path, str]]:
    """variant -> (context folder, Dockerfile path in it)."""
    out: dict[str, tuple[Path, str]] = {}
    for name, recipe in (("naive, 1 stage", "naive"), ("tutorial, 3 stages (made to work)", "tutorial")):
        ctx = copy_tree(SAMPLE, work / recipe)
        shutil.copy(RECIPES / f"{recipe}.Dockerfile", ctx / "Dockerfile")
        shutil.copy(RECIPES / f"{recipe}.Dockerfile.dockerignore", ctx / "Dockerfile.dockerignore")
        out[name] = (ctx, "Dockerfile")
    for name, runtime in (("dockergen, slim", "slim"), ("dockergen, distroless", "distroless")):
        ctx = copy_tree(SAMPLE, work / f"dockergen-{runtime}")
        config = (ctx / "dockergen.yaml").read_text()
        if runtime == "distroless":
            config = config.replace("    health: /health", "    health: /health\n    runtime: distroless", 1)
        (ctx / "dockergen.yaml").write_text(config)
        dockergen("generate", "--root", str(ctx))
        out[name] = (ctx, "apps/api/Dockerfile")
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


def base_of(ctx: Path, dockerfile: str) -> str:
    froms = re.findall(r"^FROM\s+(\S+)", (ctx / dockerfile).read_text(), re.M)
    return froms[-1]


def downloaded(log: str) -> int:
    return sum(int(m.group(3)) for m in _PROGRESS.finditer(log))


def rebuild(ctx: Path, dockerfile: str, tag: str, previous: str) -> Rebuild:
    result: Build = build(ctx, dockerfile, tag)
    return Rebuild(round(result.seconds, 2), len(result.executed), len(result.steps),
                   result.image_id == previous, downloaded(result.log))  # fmt: skip


def measure(name: str, ctx: Path, dockerfile: str, change: dict[str, str]) -> Row:
    tag = f"dockergen-bench/{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"
    empty_builder_cache()  # cold: no layer cache, empty pnpm store and npm cache mounts
    cold = build(ctx, dockerfile, tag)
    base = base_of(ctx, dockerfile)
    size, base_size = inspect(tag)["Size"], inspect(base)["Size"]
    efficiency, wasted = dive(tag)
    image = cold.image_id
    app = ctx / "apps/api/src/app.ts"
    app.write_text(app.read_text() + '\nexport const benchMarker = "(a) an app-source change";\n')
    a = rebuild(ctx, dockerfile, tag, image)
    queue = ctx / "packages/queue/src/index.ts"
    queue.write_text(queue.read_text() + "\n// (b) a change outside the API's closure\n")
    b = rebuild(ctx, dockerfile, tag, inspect(tag)["Id"])
    for rel, text in change.items():
        (ctx / rel).write_text(text)
    c = rebuild(ctx, dockerfile, tag, inspect(tag)["Id"])
    return Row(name, base, size, size - base_size, efficiency, wasted, round(cold.seconds, 2), a, b, c)


def limit(ctx: Path, dockerfile: str) -> tuple[str, int, int]:
    """Base image + bytes of the `pnpm deploy --prod` tree: file and symlink sizes counted the way
    Docker sizes a layer (folders not counted), every name counted as pnpm writes it."""
    tag = "dockergen-bench/deploy-stage"
    build(ctx, dockerfile, tag, "--target", "deploy")
    script = r"find /out \( -type f -o -type l \) -printf '%s\n' | awk '{s += $1} END {print s}'"
    out = docker("run", "--rm", "--entrypoint", "sh", tag, "-c", script).stdout.split()[0]
    base = base_of(ctx, dockerfile)
    return base, inspect(base)["Size"], int(out)


def mb(n: int) -> str:
    return f"{n / 1e6:.1f}"


def steps(r: Rebuild) -> str:
    return f"{r.seconds:.1f} s, {r.ran}/{r.total}"


def table(rows: list[Row], lim: tuple[str, int, int]) -> str:
    lines = [
        "| variant | image MB | above base MB | dive efficiency | wasted | cold build "
        "| (a) app change: rebuild, steps run | (b) outside change: steps run, same image "
        "| (c) added dependency: rebuild, steps run, downloaded |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.variant} (`{r.base}`) | {mb(r.size)} | {mb(r.above_base)} | {r.efficiency:.4f} % | "
            f"{r.wasted / 1000:.1f} kB | {r.cold:.1f} s | {steps(r.a)} | {r.b.ran}/{r.b.total}, "
            f"{'yes' if r.b.same_image else 'no'} | {steps(r.c)}, {r.c.downloaded} pkg |"
        )
    base, base_size, deploy = lim
    lines.append(f"| limit: `{base}` + `pnpm deploy --prod` output | {mb(base_size + deploy)} | {mb(deploy)} "
                 "| | | | | | |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="dockergen-images-"))
    try:
        change = dependency_change(work)
        found = variants(work)
        rows = [measure(name, ctx, dockerfile, change) for name, (ctx, dockerfile) in found.items()]
        slim_ctx, slim_dockerfile = found["dockergen, slim"]
        for rel in change:  # the limit is measured on the unchanged sample
            shutil.copy(SAMPLE / rel, slim_ctx / rel)
        lim = limit(slim_ctx, slim_dockerfile)
        print(f"sample API, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
        print(table(rows, lim))
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        data = {"rows": [asdict(r) for r in rows], "limit": {"base": lim[0], "base_size": lim[1], "deploy": lim[2]}}
        (results / "images.json").write_text(json.dumps(data, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        remove_images_named("dockergen-bench/")


if __name__ == "__main__":
    main()
