"""tsdown as the oracle for the start command dockergen infers from a bare `tsdown` build: the same
table of packages (type, config file, flags) is built by tsdown 0.21.9 (latitude's version,
installed once with npm into ~/.cache/dockergen-tests) and read by dockergen; the file dockergen
would run must be the one tsdown wrote."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from dockergen.workspace.bundler_config import read_config
from dockergen.workspace.manifest import parse_manifest
from dockergen.workspace.start_command import resolve_start
from dockergen.workspace.tsconfig import BuildInfo
from tests.helpers import require_node
from tests.typescript_oracle import unavailable

VERSION = "0.21.9"
CACHE = Path.home() / ".cache" / "dockergen-tests" / f"tsdown-{VERSION}"

# (package type, tsdown.config.ts body or None, build script)
CASES = [
    ("module", None, "tsdown"),  # defaults: src/index.ts, ES modules, node: fixed .mjs
    ("commonjs", None, "tsdown"),
    ("module", '{ entry: ["src/server.ts"], format: ["cjs"] }', "tsdown"),  # latitude
    ("module", '{ entry: ["src/server.ts"], format: "esm" }', "tsdown"),
    ("module", '{ entry: ["src/server.ts"], format: "esm", fixedExtension: false }', "tsdown"),
    ("commonjs", '{ entry: ["src/server.ts"], format: "esm", fixedExtension: false }', "tsdown"),
    ("commonjs", '{ entry: "src/server.ts", format: "cjs", fixedExtension: false }', "tsdown"),
    ("module", '{ entry: { worker: "src/server.ts" } }', "tsdown"),
    ("commonjs", '{ entry: ["src/server.ts"], outDir: "build", format: ["cjs", "esm"] }', "tsdown"),
    ("module", '{ entry: ["src/server.ts"], platform: "neutral" }', "tsdown"),
    ("module", '{ entry: ["src/server.ts"], platform: "node", fixedExtension: true }', "tsdown"),
    ("commonjs", None, "tsdown src/server.ts --format cjs -d out"),
    ("module", '{ entry: ["src/index.ts"], format: "cjs" }', "tsdown src/server.ts -d out"),  # flags win
]


@pytest.fixture(scope="module")
def tsdown() -> Path:
    """The node_modules folder holding tsdown, installed on first use (npm, exact version)."""
    modules = CACHE / "node_modules"
    require_node()
    if (modules / "tsdown" / "package.json").is_file():
        return modules
    if not shutil.which("npm"):
        unavailable("npm is needed to install the tsdown oracle")
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{CACHE.name}.", dir=CACHE.parent))
    command = ["npm", "install", "--prefix", str(staging), "--no-save", "--no-audit", "--no-fund", f"tsdown@{VERSION}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        unavailable(f"npm could not install tsdown@{VERSION}: {result.stderr.strip()[-300:]}")
    try:
        staging.rename(CACHE)  # whole or not at all: a concurrent run may have won the race
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    return modules


def written(tsdown: Path, folder: Path, build: str) -> set[str]:
    """The JavaScript files tsdown writes for the package in `folder` (its build script's words)."""
    (folder / "node_modules").symlink_to(tsdown, target_is_directory=True)
    command = [require_node(), str(tsdown / "tsdown" / "dist" / "run.mjs"), *build.split()[1:]]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.suffix in (".js", ".mjs", ".cjs") and "node_modules" not in p.parts
    }


@pytest.mark.parametrize(("kind", "config", "build"), CASES)
def test_dockergen_runs_the_file_tsdown_writes(
    tsdown: Path, tmp_path: Path, kind: str, config: str | None, build: str
) -> None:
    manifest = {"name": "app", "type": kind, "scripts": {"dev": "tsx watch src/server.ts", "build": build}}
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "server.ts").write_text("export const server: number = 1;\nconsole.log(server);\n")
    (tmp_path / "src" / "index.ts").write_text("export const index: number = 2;\n")
    (tmp_path / "package.json").write_text(__import__("json").dumps(manifest))
    bundler = None
    if config is not None:
        text = f'import {{ defineConfig }} from "tsdown";\nexport default defineConfig({config});\n'
        (tmp_path / "tsdown.config.ts").write_text(text)
        bundler = read_config(text, ".", "tsdown")
    command, why = resolve_start(parse_manifest(manifest, ".", "package.json"), BuildInfo(bundler=bundler))
    assert command is not None, why
    files = written(tsdown, tmp_path, build)
    assert command.argv[1] in files, (command.argv, files)
