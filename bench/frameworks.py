"""Benchmark: the framework fixtures of issue 13, built with real docker: dockergen's image against
the framework's own documented Dockerfile (adapted to the workspace) where one exists, and against
dockergen's previous layout; each image is run and must answer before its size counts.

    bash ../shared/e2e/setup-docker && .venv/bin/python bench/frameworks.py [--only NAME ...]

Per variant: image size, size above its base image, the cold build (builder cache emptied first),
the rebuild after an app-source change, and whether the container answered its probe. The limit
row of the Next.js standalone fixture is its base image plus the bytes the runtime copies
(.next/standalone, .next/static, public), counted the way Docker sizes a layer. Budgets (MB above
the base image) are checked at the end: the script exits 1 when one is exceeded. Prints a Markdown
table (paste it into the README) and writes bench/results/frameworks.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import scenarios  # noqa: E402
from tests.dockerutil import (  # noqa: E402
    build,
    docker,
    empty_builder_cache,
    host_port,
    inspect,
    remove,
    remove_images_named,
    run_detached,
)

RECIPES = ROOT / "bench" / "recipes"


@dataclass(frozen=True)
class Variant:
    fixture: str
    name: str
    port: int
    probe: str  # path that must answer 200 with `needle` in the body
    needle: str
    edit: str  # app source file changed for the rebuild
    config: str = ""  # lines added to the target in dockergen.yaml
    recipe: str = ""  # a Dockerfile of bench/recipes instead of dockergen's
    budget_mb: float | None = None  # at most this many MB above the base image


VARIANTS = (
    Variant("next-standalone", "dockergen: standalone, slim", 3000, "/", "@nx/ui 1.0.0",
            "apps/web/app/page.tsx", budget_mb=70),
    Variant("next-standalone", "dockergen: standalone, distroless", 3000, "/", "@nx/ui 1.0.0",
            "apps/web/app/page.tsx", config="    runtime: distroless\n", budget_mb=70),
    Variant("next-standalone", "Next.js with-docker recipe, adapted", 3000, "/", "@nx/ui 1.0.0",
            "apps/web/app/page.tsx", recipe="next-with-docker"),
    Variant("next-standalone", "dockergen before: .next + pnpm deploy + next start", 3000, "/", "@nx/ui 1.0.0",
            "apps/web/app/page.tsx", config="    standalone: false\n"),
    Variant("next-classic", "dockergen: no standalone configured", 3000, "/", "@nx/ui 1.0.0",
            "apps/web/app/page.tsx", budget_mb=340),
    Variant("react-router", "dockergen", 3000, "/", "Hello, React Router!",
            "apps/site/app/routes/home.tsx", budget_mb=45),
    Variant("react-router", "React Router node template, adapted", 3000, "/", "Hello, React Router!",
            "apps/site/app/routes/home.tsx", recipe="react-router"),
    Variant("nest-vite", "dockergen: API + the client's dist (`assets`)", 3000, "/", "<h1>@nv/client</h1>",
            "apps/api/src/health.controller.ts", budget_mb=25),
    Variant("vite-static", "dockergen: nginx (default)", 8080, "/about", "<title>vs spa</title>",
            "apps/spa/src/main.ts", budget_mb=20),
    Variant("vite-static", "dockergen: Node file server, distroless", 8080, "/about", "<title>vs spa</title>",
            "apps/spa/src/main.ts", config="    runtime: distroless\n", budget_mb=1),
)  # fmt: skip


@dataclass
class Row:
    fixture: str
    variant: str
    base: str
    size: int
    above_base: int
    cold: float
    rebuild: float
    answered: bool
    budget_mb: float | None


def context(work: Path, v: Variant) -> tuple[Path, str]:
    """The fixture in its own folder with the variant's Dockerfile; (folder, Dockerfile path)."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{v.fixture} {v.name}".lower()).strip("-")
    ctx = scenarios.materialize(v.fixture, work / slug)
    if v.recipe:
        shutil.copy(RECIPES / f"{v.recipe}.Dockerfile", ctx / "Dockerfile")
        shutil.copy(RECIPES / f"{v.recipe}.Dockerfile.dockerignore", ctx / "Dockerfile.dockerignore")
        return ctx, "Dockerfile"
    config = ctx / "dockergen.yaml"
    config.write_text(config.read_text() + v.config)
    subprocess.run([sys.executable, "-m", "dockergen", "generate", "--root", str(ctx)], check=True, capture_output=True)
    return ctx, "Dockerfile"


def answers(tag: str, v: Variant) -> bool:
    container = run_detached(tag, "-p", f"127.0.0.1::{v.port}")
    try:
        url = f"http://127.0.0.1:{host_port(container, v.port)}{v.probe}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    return response.status == 200 and v.needle in response.read().decode()
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        return False
    finally:
        remove(container)


def base_of(ctx: Path, dockerfile: str) -> str:
    """The image the final stage starts from, through `FROM <stage>` chains."""
    froms = re.findall(r"^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", (ctx / dockerfile).read_text(), re.M | re.I)
    stages = {name.lower(): image for image, name in froms if name}
    image = froms[-1][0]
    while image.lower() in stages:
        image = stages[image.lower()]
    return image


def measure(work: Path, v: Variant) -> Row:
    ctx, dockerfile = context(work, v)
    tag = f"dockergen-bench/{ctx.name}"
    empty_builder_cache()
    cold = build(ctx, dockerfile, tag)
    base = base_of(ctx, dockerfile)
    size, base_size = inspect(tag)["Size"], inspect(base)["Size"]
    answered = answers(tag, v)
    source = ctx / v.edit
    source.write_text(source.read_text() + "\n// an app-source change\n")
    again = build(ctx, dockerfile, tag)
    return Row(v.fixture, v.name, base, size, size - base_size, round(cold.seconds, 1), round(again.seconds, 1),
               answered, v.budget_mb)  # fmt: skip


def standalone_limit(work: Path) -> tuple[str, int, int]:
    """node:22-slim + the bytes of what the standalone runtime copies, files and links as Docker counts them."""
    ctx = scenarios.materialize("next-standalone", work / "limit")
    subprocess.run([sys.executable, "-m", "dockergen", "generate", "--root", str(ctx)], check=True, capture_output=True)
    tag = "dockergen-bench/next-standalone-build"
    build(ctx, "Dockerfile", tag, "--target", "build")
    web = "/repo/apps/web"
    script = (
        rf"find {web}/.next/standalone {web}/.next/static {web}/public \( -type f -o -type l \) -printf '%s\n'"
        " | awk '{s += $1} END {print s}'"
    )
    out = docker("run", "--rm", "--entrypoint", "sh", tag, "-c", script).stdout.split()[0]
    base = base_of(ctx, "Dockerfile")
    return base, inspect(base)["Size"], int(out)


def mb(n: float) -> str:
    return f"{n / 1e6:.1f}"


def table(rows: list[Row], limit: tuple[str, int, int] | None) -> str:
    lines = [
        "| fixture | variant | image MB | above base MB | cold build | rebuild after an app change | answers |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(f"| {r.fixture} | {r.variant} (`{r.base}`) | {mb(r.size)} | {mb(r.above_base)} | {r.cold:.0f} s "
                     f"| {r.rebuild:.1f} s | {'yes' if r.answered else '**no**'} |")  # fmt: skip
    if limit:
        base, base_size, copied = limit
        lines.append(f"| next-standalone | limit: `{base}` + bytes of standalone, static, public | "
                     f"{mb(base_size + copied)} | {mb(copied)} | | | |")  # fmt: skip
    return "\n".join(lines)


def budgets(rows: list[Row], limit: tuple[str, int, int] | None) -> list[str]:
    """Failed budgets, as lines to print."""
    failed = [
        f"{r.fixture} / {r.variant}: {mb(r.above_base)} MB above base > budget {r.budget_mb} MB"
        for r in rows
        if r.budget_mb is not None and r.above_base > r.budget_mb * 1e6
    ]
    failed += [f"{r.fixture} / {r.variant}: did not answer" for r in rows if not r.answered]
    if limit:
        slack = 1e6  # the empty, writable .next/cache folder and image metadata
        failed += [
            f"{r.variant}: {mb(r.above_base)} MB above base > the traced output's {mb(limit[2])} MB"
            for r in rows
            if r.fixture == "next-standalone" and "dockergen: standalone, slim" in r.variant
            and r.above_base > limit[2] + slack
        ]  # fmt: skip
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="fixtures to measure (default: all)")
    parser.add_argument("--resume", action="store_true", help="reuse the rows of an interrupted run")
    args = parser.parse_args()
    only = set(args.only or ())
    chosen = [v for v in VARIANTS if not only or v.fixture in only]
    work = Path(tempfile.mkdtemp(prefix="dockergen-frameworks-"))
    partial = ROOT / "bench" / "results" / "frameworks.partial.json"
    done = (
        {(r["fixture"], r["variant"]): Row(**r) for r in json.loads(partial.read_text())}
        if args.resume and partial.is_file()
        else {}
    )
    try:
        rows = []
        for v in chosen:  # each row saved as soon as it is measured, for --resume
            rows.append(done.get((v.fixture, v.name)) or _logged(measure, work, v))
            partial.parent.mkdir(exist_ok=True)
            partial.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n")
        limit = standalone_limit(work) if any(v.fixture == "next-standalone" for v in chosen) else None
        print(f"framework fixtures, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
        print(table(rows, limit))
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        data = {"rows": [asdict(r) for r in rows], "limit": list(limit) if limit else None}
        (results / "frameworks.json").write_text(json.dumps(data, indent=2) + "\n")
        partial.unlink(missing_ok=True)
        failed = budgets(rows, limit)
        for line in failed:
            print(f"BUDGET FAILED: {line}")
        if not failed:
            print("every budget met")
        sys.exit(1 if failed else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        remove_images_named("dockergen-bench/")


def _logged(fn: Callable[[Path, Variant], Row], work: Path, v: Variant) -> Row:
    print(f"... {v.fixture}: {v.name}", file=sys.stderr, flush=True)
    row = fn(work, v)
    print(f"    {mb(row.size)} MB, {mb(row.above_base)} above base, answered: {row.answered}", file=sys.stderr)
    return row


if __name__ == "__main__":
    main()
