"""Files outside a package that its build tools' config files import: found by the scanner,
copied by the planner in the stage whose build reads them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dockergen.errors import InputError
from dockergen.pipeline import generate_all
from dockergen.repo import AccessLog, Repo
from dockergen.workspace.build_configs import build_configs
from dockergen.workspace.js_source import MAX_SOURCE_BYTES
from dockergen.workspace.manifest import Package, parse_manifest
from dockergen.workspace.scan import scan
from tests.helpers import api_workspace, build_tree
from tests.test_plan import instructions, plan_for
from tests.test_shared import two_apps


def imports_of(root: Path, pkg_dir: str) -> tuple[str, ...]:
    ws = scan(Repo(root))
    pkg = next(p for p in ws.packages if p.dir == pkg_dir)
    return build_configs(Repo(root), pkg).imports


def test_follows_relative_imports_out_of_the_package_and_through_the_files_they_import(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "apps/api/vite.config.ts": 'import { shared } from "../../vite.shared.config";\nexport default shared;\n',
        "vite.shared.config.ts": 'import { stamp } from "./tools/vite/stamp.js";\nexport const shared = { plugins: [stamp()] };\n',
        "tools/vite/stamp.ts": 'import data from "./data.json";\nexport const stamp = () => ({ name: "x", data });\n',
        "tools/vite/data.json": '{"a": 1}\n',
    })  # fmt: skip
    # `./stamp.js` is the TypeScript source stamp.ts; the JSON file is read, not followed
    assert imports_of(root, "apps/api") == ("tools/vite/data.json", "tools/vite/stamp.ts", "vite.shared.config.ts")


def test_files_of_the_package_itself_are_followed_not_reported(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "packages/core/tsup.config.mts": "import { entries } from './build/entries';\nexport default { entry: entries };\n",
        "packages/core/build/entries.ts": "export { base as entries } from '../../../config/build';\n",
        "config/build/index.mjs": "export const base = ['src/index.ts'];\n",
    })  # fmt: skip
    assert imports_of(root, "packages/core") == ("config/build/index.mjs",)  # a folder's index


def test_bare_missing_node_modules_and_out_of_root_specifiers_are_ignored(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "apps/api/rollup.config.js": (
            'import ts from "@rollup/plugin-typescript";\n'  # a package: pnpm installs it
            'const gone = require("../../missing.config");\n'  # no such file: nothing to copy
            'import x from "../../node_modules/foo/index.js";\n'  # installed, never copied
            'import y from "../../../outside.js";\n'  # outside the workspace root
            "export default { plugins: [ts()] };\n"
        ),
        "node_modules/foo/index.js": "module.exports = 1;\n",
    })  # fmt: skip
    (tmp_path.parent / "outside.js").write_text("export default 1;\n")
    assert imports_of(root, "apps/api") == ()


def test_import_cycles_end(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "apps/api/postcss.config.cjs": 'module.exports = require("../../shared/a.cjs");\n',
        "shared/a.cjs": 'require("./b.cjs"); module.exports = {};\n',
        "shared/b.cjs": 'require("./a.cjs"); require("./c.cjs");\n',
        "shared/c.cjs": "module.exports = 1;\n",
    })  # fmt: skip
    assert imports_of(root, "apps/api") == ("shared/a.cjs", "shared/b.cjs", "shared/c.cjs")


def test_an_imported_file_that_is_not_utf8_is_an_error_naming_it(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "apps/api/postcss.config.cjs": 'module.exports = require("../../shared/a.cjs");\n',
        "shared/a.cjs": b"// caf\xe9 in Latin-1\nmodule.exports = {};\n",
    })  # fmt: skip
    with pytest.raises(InputError) as caught:
        imports_of(root, "apps/api")
    assert caught.value.one_line() == "shared/a.cjs:1: file is not valid UTF-8 (hint: save it as UTF-8)"


def test_imports_in_comments_and_strings_are_not_followed(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "apps/api/vite.config.ts": (
            '// import "../../commented.ts";\n'
            '/* import { x } from "../../block.ts"; */\n'
            'const help = "import \'../../string.ts\'";\n'
            "const re = /\"/; import '../../after-regex.ts';\n"
            'export default { define: { help: `require("../../template.ts")` } };\n'
        ),
        "commented.ts": "", "block.ts": "", "string.ts": "", "template.ts": "", "after-regex.ts": "",
    })  # fmt: skip
    assert imports_of(root, "apps/api") == ("after-regex.ts",)


def test_only_build_tool_configs_are_read(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "apps/api/vitest.config.ts": 'import "../../test/setup";\n',  # tests do not run in the image
        "apps/api/eslint.config.js": 'import "../../lint/rules";\n',
        "test/setup.ts": "", "lint/rules.js": "",
    })  # fmt: skip
    assert imports_of(root, "apps/api") == ()
    assert build_configs(Repo(root), parse_manifest({"name": "x"}, "none", "none/package.json")).imports == ()


def test_a_librarys_imports_go_in_the_libraries_stage_the_apps_in_its_build_stage(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "packages/core/tsup.config.ts": 'import { base } from "../../tsup.shared.config";\nexport default base;\n',
        "tsup.shared.config.ts": "export const base = {};\n",
        "apps/api/vite.config.ts": 'import "../../vite.shared.config.ts";\n',
        "vite.shared.config.ts": 'import "./tsup.shared.config";\n',  # also the library's: copied once, earlier
    })  # fmt: skip
    plan = plan_for(root)
    libs, build = instructions(plan, "libs"), instructions(plan, "build")
    assert "COPY tsup.shared.config.ts ./" in libs and "COPY vite.shared.config.ts ./" not in libs
    assert build[0] == "COPY vite.shared.config.ts ./" and not any("tsup.shared" in step for step in build)
    ignore = next(f.content for f in generate_all(Repo(build_tree(root, {"dockergen.yaml": API}))).files
                  if f.path == ".dockerignore")  # fmt: skip
    assert "!tsup.shared.config.ts" in ignore and "!vite.shared.config.ts" in ignore


def test_one_targets_config_imports_do_not_unshare_the_libraries_stages(tmp_path: Path) -> None:
    root = two_apps(tmp_path, extra={
        "apps/api/vite.config.ts": 'import "../../tools/api-only.ts";\n', "tools/api-only.ts": "",
    })  # fmt: skip
    generated = generate_all(Repo(root))
    web = generated.plans[1]
    assert [s.name for s in web.stages][:4] == ["base", "lib-manifests", "lib-deps", "libs"]
    dockerfile = next(f.content for f in generated.files if f.path == "Dockerfile")
    assert dockerfile.count("COPY tools/api-only.ts tools/") == 1
    assert dockerfile.index("COPY tools/api-only.ts") > dockerfile.index(" AS api-build")


API = "targets:\n  api:\n    package: '@t/api'\n    port: 3000\n"


def test_a_file_inside_a_library_is_copied_early_only_when_its_sources_may_come_later(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "packages/util/tsup.config.ts": 'import "../core/build/shared.ts";\n',  # core builds after util
        "packages/util/package.json": {"name": "@t/util", "version": "1.0.0", "scripts": {"build": "tsup"}},
        "packages/core/build/shared.ts": "",
    })  # fmt: skip
    copy = "COPY packages/core/build/shared.ts packages/core/build/"
    # default: one step builds every library after all their sources are copied
    assert copy not in instructions(plan_for(root), "libs")
    # one step per level: util's level builds before core's sources are copied
    levels = plan_for(root, "defaults:\n  optimize: libraries\n" + API)
    assert instructions(levels, "libs")[1] == copy


def test_out_folders_outside_the_package_from_literals_and_dirname_paths(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "packages/core/vite.config.ts": (
            'import { shared } from "../../vite.shared.config";\n'
            'export default { build: { outDir: "../../dist/core", emptyOutDir: true } };\n'
        ),
        # a shared config's literal is relative to the package the tool runs in: inside it here
        "vite.shared.config.ts": 'export const shared = { build: { outDir: "dist" } };\n',
        "packages/util/rollup.config.mjs": (
            'export default { input: "src/index.ts", output: { file: "../../public/util/index.js" } };\n'
        ),
        "apps/api/webpack.config.cjs": (
            'const path = require("path");\n'
            'module.exports = { resolve: { alias: { ui: path.resolve(__dirname, "../../packages/ui") } },\n'
            '  output: { path: path.resolve(__dirname, "../../build/api") } };\n'  # the alias is not an output
        ),
    })  # fmt: skip
    ws = scan(Repo(root))
    assert sorted(ws.config_out_dirs) == [("@t/api", "build/api"), ("@t/core", "dist/core"), ("@t/util", "public/util")]


def test_a_library_writing_outside_the_folders_laid_over_makes_the_app_install_after_it(tmp_path: Path) -> None:
    config = {"packages/core/vite.config.ts": 'export default { build: { outDir: "../../dist/core" } };\n'}
    plan = plan_for(api_workspace(tmp_path / "out", config))
    deps = next(s for s in plan.stages if s.name == "deps")
    assert deps.base == "libs" and "dist/core" in deps.comment
    inside = plan_for(
        api_workspace(
            tmp_path / "in", {"packages/core/vite.config.ts": 'export default { build: { outDir: "lib" } };\n'}
        )
    )
    assert next(s for s in inside.stages if s.name == "deps").base == "lib-deps"  # beside the libraries' builds


def test_vite_config_with_60000_blank_lines_reads_in_well_under_a_second(tmp_path: Path) -> None:
    """`^\\s*import` at each of 60,000 line starts rescanned the rest of the file (6-9 s)."""
    root = api_workspace(tmp_path, {
        "apps/api/vite.config.ts": "\n" * 60_000 + 'import "../../shared.ts";\n' + "\n" * 60_000 + "export default {};\n",
        "shared.ts": "",
    })  # fmt: skip
    member = _member(root, "apps/api")
    start = time.perf_counter()
    assert build_configs(Repo(root), member).imports == ("shared.ts",)
    assert time.perf_counter() - start < 1


def test_out_folders_in_comments_strings_or_with_control_characters_are_not_outputs(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "packages/core/vite.config.ts": (
            '// build: { outDir: "../../commented" }\n'
            'const doc = "build: { outDir: \'../../in-a-string\' }";\n'
            'export default { build: { outDir: "../../bel\\u0007" }, other: { dir: "../../real" } };\n'
        ),
    })  # fmt: skip
    assert build_configs(Repo(root), _member(root, "packages/core")).out_dirs == ("real",)


def test_an_imported_file_too_large_to_read_is_kept_but_not_followed_with_a_warning(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {
        "apps/api/vite.config.ts": 'import data from "../../data.js";\nexport default {};\n',
        "data.js": 'import "./never-followed.js";\nexport default [' + "0," * MAX_SOURCE_BYTES + "];\n",
        "never-followed.js": "",
    })  # fmt: skip
    log = AccessLog()
    found = build_configs(Repo(root, log), _member(root, "apps/api"))
    assert found.imports == ("data.js",)
    assert "data.js" in log.files  # unread, but a cached check must still see it change
    assert found.warnings == ("data.js is larger than 1 MiB: the files it imports are not followed",)
    assert found.warnings[0] in scan(Repo(root)).warnings


def _member(root: Path, pkg_dir: str) -> Package:
    return next(p for p in scan(Repo(root)).packages if p.dir == pkg_dir)
