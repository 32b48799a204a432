"""tsup/tsdown config files: the entry, out folder and format they set, and the start command
inferred from them (latitude's shape: a bare `tsdown` whose config asks for CommonJS)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockergen.repo import Repo
from dockergen.workspace.bundler_config import BundlerConfig, read_config
from dockergen.workspace.manifest import parse_manifest
from dockergen.workspace.scan import scan
from dockergen.workspace.start_command import resolve_start
from dockergen.workspace.tsconfig import BuildInfo
from tests.helpers import workspace


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('export default defineConfig({ entry: ["src/server.ts"], format: ["cjs"], outDir: "out" })',
         {"entry": "src/server.ts", "format": "cjs", "out_dir": "out"}),
        ("export default { entry: 'src/a.ts', format: 'esm', fixedExtension: true }",
         {"entry": "src/a.ts", "format": "esm", "fixed_extension": True}),
        ('defineConfig({ entry: { worker: "./src/main.ts" }, format: "cjs" })',
         {"entry": "src/main.ts", "entry_name": "worker", "format": "cjs"}),
        # only literals in code count: a comment, a string, a computed value do not
        ('// format: "cjs"\nconst s = "format: \'cjs\'"\nexport default { format: process.env.F, outDir: `dist` }',
         {"out_dir": "dist"}),
        # a glob entry, a path leaving the package, a template with a substitution: unknown
        ('export default { entry: ["src/*.ts"], outDir: "../../dist", format: `${x}` }', {}),
        # the first literal of each key wins (a second config object's keys are ignored)
        ('export default [{ format: ["esm", "cjs"] }, { format: "iife", fixedExtension: false }]',
         {"format": "esm", "fixed_extension": False}),
    ],
)  # fmt: skip
def test_config_literals_are_read_from_code(text: str, expected: dict[str, object]) -> None:
    assert read_config(text, "apps/api", "tsdown") == BundlerConfig("apps/api", "tsdown", **expected)  # type: ignore[arg-type]


def _app(scripts: dict[str, str], **fields: object):  # type: ignore[no-untyped-def]
    return parse_manifest({"name": "@x/api", "scripts": scripts, **fields}, "apps/api", "apps/api/package.json")


@pytest.mark.parametrize(
    ("config", "module", "build", "argv"),
    [
        # latitude: CommonJS in a module package -> .cjs
        (BundlerConfig("apps/api", "tsdown", entry="src/server.ts", format="cjs", out_dir="dist"), True, "tsdown",
         ("node", "dist/server.cjs")),
        # tsdown on its default platform (node) fixes the extension: .mjs even in a module package,
        # .js only with fixedExtension: false (or another platform)
        (BundlerConfig("apps/api", "tsdown", entry="src/server.ts", format="esm"), True, "tsdown",
         ("node", "dist/server.mjs")),
        (BundlerConfig("apps/api", "tsdown", entry="src/server.ts", format="esm", fixed_extension=False), True, "tsdown",
         ("node", "dist/server.js")),
        (BundlerConfig("apps/api", "tsdown", entry="src/server.ts", platform="neutral"), True, "tsdown",
         ("node", "dist/server.js")),
        # an object entry names the output file; the out folder from the config; tsup's extension
        # follows the package type
        (BundlerConfig("apps/api", "tsup", entry="src/main.ts", entry_name="worker", out_dir="build"), False, "tsup",
         ("node", "build/worker.js")),
        # flags win over the config file
        (BundlerConfig("apps/api", "tsdown", entry="src/server.ts", format="cjs"), True,
         "tsdown src/other.ts --format esm -d out", ("node", "out/other.mjs")),
        # another tool's config says nothing about this build: tsdown's defaults (src/index.ts)
        (BundlerConfig("apps/api", "tsup", entry="src/server.ts", format="cjs"), True, "tsdown",
         ("node", "dist/index.mjs")),
    ],
)  # fmt: skip
def test_the_inferred_start_follows_the_config(
    config: BundlerConfig, module: bool, build: str, argv: tuple[str, ...]
) -> None:
    extra = {"type": "module"} if module else {}
    app = _app({"dev": "tsx watch src/index.ts", "build": build}, **extra)
    command, _ = resolve_start(app, BuildInfo(bundler=config))
    assert command is not None and command.argv == argv and command.inferred


def test_the_scan_reads_the_packages_config_file(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "apps/api": {
                "name": "@x/api",
                "type": "module",
                "scripts": {"dev": "tsx watch src/server.ts", "build": "tsdown"},
            }
        },
        {"apps/api/tsdown.config.ts": 'export default { entry: ["src/server.ts"], format: ["cjs"] }\n'},
    )
    ws = scan(Repo(root))
    api = ws.find("@x/api")
    assert api is not None
    info = ws.build_info(api)
    assert info.bundler == BundlerConfig("apps/api", "tsdown", entry="src/server.ts", format="cjs")
    command, _ = resolve_start(api, info)
    assert command is not None and command.argv == ("node", "dist/server.cjs")
