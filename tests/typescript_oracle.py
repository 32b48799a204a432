"""The TypeScript compiler as a test oracle: installed once with npm into a cache folder keyed by
its version, asked through tests/oracles/typescript.mjs (or run as `tsc`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

VERSION = "5.9.3"  # the last 5.x, whose tsconfig reading most projects build with
CACHE = Path.home() / ".cache" / "dockergen-tests" / f"typescript-{VERSION}"
SCRIPT = Path(__file__).resolve().parent / "oracles" / "typescript.mjs"


def unavailable(reason: str) -> None:
    """Under CI=true a missing tool fails the test; elsewhere it skips with the reason."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def install() -> Path:
    """The typescript package folder, installed on first use (npm, exact version, no lockfile)."""
    package = CACHE / "node_modules" / "typescript"
    if not shutil.which("node") or not shutil.which("npm"):
        unavailable("node and npm are needed for the TypeScript oracle")
    if (package / "package.json").is_file():
        return package
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{CACHE.name}.", dir=CACHE.parent))
    command = [
        "npm",
        "install",
        "--prefix",
        str(staging),
        "--no-save",
        "--no-audit",
        "--no-fund",
        f"typescript@{VERSION}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        unavailable(f"npm could not install typescript@{VERSION}: {result.stderr.strip()[-300:]}")
    try:
        staging.rename(CACHE)  # whole or not at all: a concurrent run may have won the race
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    return package


def ask(package: Path, **tables: list[str]) -> dict[str, Any]:
    """The compiler's answers for tables of texts: imports, next, jsonc (see the script)."""
    result = subprocess.run(
        ["node", str(SCRIPT), str(package)], input=json.dumps(tables), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout, object_hook=_numbers, parse_int=_js_number)  # type: ignore[no-any-return]


def show_config(package: Path, project: Path) -> dict[str, Any]:
    """`tsc --showConfig -p project`: the options tsc computes through `extends`."""
    tsc = package / "bin" / "tsc"
    result = subprocess.run(["node", str(tsc), "--showConfig", "-p", str(project)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _numbers(obj: dict[str, Any]) -> Any:
    return float(obj["$number"]) if obj.keys() == {"$number"} else obj


def _js_number(digits: str) -> int | float:
    value = int(digits)
    return value if abs(value) <= 2**53 else float(value)
