"""Differential tests with the TypeScript compiler as the oracle (tests/oracles/typescript.mjs):
the relative imports dockergen follows from build configs (`ts.preProcessFile` and the syntax
tree), whether a next.config sets `output: "standalone"` (the syntax tree), JSON with comments
(`ts.parseConfigFileTextToJson`), and tsconfig `extends` chains (`tsc --showConfig`)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

import pytest

from dockergen.repo import Repo
from dockergen.workspace.build_configs import import_specifiers
from dockergen.workspace.frameworks import standalone_and_tracing_root
from dockergen.workspace.scan import scan
from dockergen.workspace.tsconfig import ts_projects
from tests import typescript_oracle
from tests.helpers import workspace

RELATIVE = re.compile(r"\.\.?/")

IMPORTS: dict[str, str] = {
    "default": 'import a from "./a";',
    "side-effect": 'import "./side";',
    "named": "import { a, b as c } from '../lib/x';",
    "namespace": 'import * as ns from "./ns";',
    "default-and-named": 'import d, { e } from "./de";',
    "default-and-namespace": 'import x, * as y from "./combo";',
    "type-import": 'import type { T } from "./types";',
    "type-default": 'import type T from "./t";',
    "inline-type": 'import { type T, u } from "./mixed";',
    "export-from": 'export { a } from "./re";',
    "export-star": 'export * from "./all";',
    "export-star-as": 'export * as ns from "./ns2";',
    "export-type-from": 'export type { T } from "./t2";',
    "export-type-star": 'export type * from "./types2";',
    "dynamic": 'const m = await import("./dyn");',
    "dynamic-template": "const m = import(`./tpl`);",
    "dynamic-with-options": 'const j = import("./opts.json", { with: { type: "json" } });',
    "dynamic-then": 'import("./later").then((m) => m.default);',
    "dynamic-magic-comment": 'await import(/* webpackChunkName: "x" */ "./magic");',
    "require": 'const x = require("./req");',
    "require-template": "const x = require(`./reqtpl`);",
    "require-destructured": "const { a } = require('./destr');",
    "import-equals": 'import fs = require("./eq");',
    "export-import-equals": 'export import e = require("./eq2");',
    "import-attributes": 'import data from "./data.json" with { type: "json" };',
    "parent-folders": 'import x from "../../shared/config";',
    "packages-are-not-relative": 'import react from "react";\nimport "@scope/pkg/sub";\nrequire("node:path");',
    "line-comment": '// import "./commented";\nimport "./real";',
    "block-comment": '/* import a from "./c1"; */ import "./real2";',
    "block-comment-lines": '/*\n require("./c2")\n*/\nexport default {};',
    "jsdoc-import-type": "/** @type {import('./jsdoc').T} */\nexport default {};",
    "comment-in-clause": 'import { a /* , b */ } from "./cmt-in-clause";',
    "string-with-import": "const s = \"import './not'\";",
    "string-with-url": 'const url = "http://x.y/z"; import "./after-url";',
    "string-with-require": "const s = 'require(\"./not2\")';",
    "string-escaped-quote": 'const s = "\\"; import \'./esc\'"; import "./after-esc";',
    "template-with-import-text": 'const t = `import "./not3"`;',
    "template-with-url": "const u = `http://x/${y}`; import './after-tpl-url';",
    "template-substitution-import": "const t = `${await import('./insub')}`;",
    "template-substitution-require": 'const t = `${require("./insub2")}`;',
    "nested-templates": "const t = `a${`b${import('./deep')}c`}d`;",
    "template-then-import": "const t = `${a}`; import './after-tpl';",
    "regex-with-quote": 'const r = /"/; import "./after-regex";',
    "regex-with-slash-in-class": "const r = /[/]'/g; require('./after-regex2');",
    "regex-with-comment-text": 'const r = /\\/\\/ import ".\\/inregex"/; import "./r3";',
    "regex-after-return": 'function f(x) { return /"/.test(x); } import "./after-return-regex";',
    "regex-after-paren": "if (/'/.test(s)) require('./after-paren-regex');",
    "regex-after-if-paren": 'if (x) /"/.test(y); import "./after-if-regex";',
    "division": 'const half = a / 2; import "./after-div";',
    "divisions": 'x = a / b / c; import "./divdiv";',
    "require-concatenated": 'require("./prefix" + suffix);',
    "member-require": 'module.require("./mreq");',
    "member-import": 'obj.import("./mimp");',
    "import-meta": 'const u = import.meta.url; import "./after-meta";',
    "require-resolve": 'const p = require.resolve("./resolved");',
    "object-keys": 'const o = { import: "./notimport", from: "./notfrom", require: "./notreq" };',
    "hashbang": '#!/usr/bin/env node\nrequire("./hb");',
    "crlf-and-unicode": 'import "./ünï";\r\nimport x from "./crlf";\r\n',
    "declare-module": 'declare module "./ambient" {}\nexport {};',
    "amd-define": 'define(["./amd"], function (a) {});',
    "unterminated-string": 'import "./unterminated\nimport "./next";',
}

# ts.preProcessFile reads tokens without a parser: it is fooled where the syntax tree is not.
PREPROCESS_DIVERGES = {
    "export-star-as": "preProcessFile skips `export * as ns from`",
    "template-substitution-require": "preProcessFile looks only for `import` inside `${}`",
    "regex-with-quote": "preProcessFile reads the quote in a regular expression as a string",
    "regex-with-slash-in-class": "preProcessFile reads the quote in a regular expression as a string",
    "regex-with-comment-text": "preProcessFile reads `import` in a regular expression as code",
    "regex-after-return": "preProcessFile reads the quote in a regular expression as a string",
    "regex-after-paren": "preProcessFile reads the quote in a regular expression as a string",
    "require-concatenated": 'preProcessFile takes "./prefix" from `"./prefix" + suffix`',
    "member-require": "preProcessFile takes `x.require(...)` for `require(...)`",
    "declare-module": "preProcessFile lists ambient module declarations",
    "amd-define": "preProcessFile lists AMD define() dependencies",
    "unterminated-string": "an unterminated string is an error, not a specifier (tsc recovers and keeps it)",
}
# Where dockergen's tokenizer is wrong about the code (the syntax tree knows better).
TREE_DIVERGES = {
    "regex-after-if-paren": "a `/` after `)` is read as division (the usual heuristic); tsc's parser knows the `if`",
    "unterminated-string": "an unterminated string is an error, not a specifier (tsc recovers and keeps it)",
}

NEXT: dict[str, str] = {
    "commonjs": 'module.exports = { output: "standalone" };',
    "esm": "export default { output: 'standalone' };",
    "template": "export default { output: `standalone` };",
    "no-spaces": 'module.exports={output:"standalone"}',
    "quoted-key": 'export default { "output": "standalone" };',
    "escaped-value": 'export default { output: "stand\\u0061lone" };',
    "trailing-comma": 'export default {\n  output: "standalone",\n};',
    "after-spread": 'export default { ...base, output: "standalone" };',
    "nested": 'export default { experimental: { output: "standalone" } };',
    "call-argument": 'module.exports = withPlugin({ output: "standalone" });',
    "conditional-spread": 'export default { ...(prod ? { output: "standalone" } : {}) };',
    "as-const": 'export default { output: "standalone" as const };',
    "satisfies": 'export default { output: "standalone" satisfies Output };',
    "typed-config": 'import type { NextConfig } from "next";\nconst c: NextConfig = { output: "standalone" };\nexport default c;',
    "crlf": 'const c = {\r\n  output: "standalone",\r\n};\r\nexport default c;\r\n',
    "line-comment": 'export default {\n  // output: "standalone",\n};',
    "block-comment": 'export default { /* output: "standalone" */ };',
    "in-a-string": "const doc = 'output: \"standalone\"'; export default {};",
    "in-a-template": 'const doc = `{ output: "standalone" }`; export default {};',
    "in-a-regex": 'const r = /{ output: "standalone" }/; export default {};',
    "export-value": 'export default { output: "export" };',
    "ternary": 'export default { output: prod ? "standalone" : undefined };',
    "concatenated": 'export default { output: "standalone" + suffix };',
    "from-env": "export default { output: process.env.NEXT_OUTPUT };",
    "parameter-type": 'function f(output: "standalone") {}\nexport default {};',
    "shorthand": 'const output = "standalone";\nexport default { output };',
    "assignment": 'const c = {};\nc.output = "standalone";\nexport default c;',
    "top-level-label": 'output: "standalone";',
    "type-literal": 'type C = { output: "standalone" };\nexport default {};',
    "block-label": 'if (x) { output: "standalone" }\nexport default {};',
    "parenthesized": 'export default { output: ("standalone") };',
}
NEXT_DIVERGES = {
    "type-literal": "a type literal's `{ output: ... }` reads like an object literal's",
    "block-label": "a block's `{ output: ... }` (a label) reads like an object literal's",
    "parenthesized": "parentheses around the value are not taken off",
}

JSONC: dict[str, str] = {
    "plain": '{"compilerOptions": {"outDir": "dist", "rootDir": "src"}}',
    "trailing-commas": '{"a": {"b": [1, 2,],},}',
    "line-comments": '{\n  // the output\n  "outDir": "dist", // here\n}',
    "block-comments": '{"a": /* x */ 1 /* y */}',
    "comment-only": "/* only */",
    "line-comment-only": "// only",
    "empty": "",
    "whitespace": "  \n ",
    "bom": '\ufeff{"a": 1}',
    "comma-in-string": '{"a": "a, }", "b": ["x,]", ], }',
    "comment-in-string": '{"a": "// not a comment", "b": "/* nor */"}',
    "open-comments-in-string": '{"a": "' + "/* " * 50 + '"}',
    "url-in-string": '{"$schema": "https://json.schemastore.org/tsconfig"}',
    "escapes": '{"a": "\\n\\t\\\\\\"\\/", "b": "\\u00e9"}',
    "js-escapes": '{"a": "\\x41\\v\\0", "b": "\\u{1F600}", "c": "b\\z"}',
    "surrogate-pair": '{"a": "\\uD83D\\uDE00"}',
    "lone-surrogate": '{"a": "\\uD800"}',
    "line-continuation": '{"a": "x\\\ny"}',
    "raw-tab-and-bel": '{"a": "x\ty\u0007"}',
    "raw-line-separator": '{"a": "\u2028"}',
    "duplicate-keys": '{"a": 1, "a": 2}',
    "literals": '{"a": null, "b": true, "c": false}',
    "numbers": '{"a": -1, "b": .5, "c": 5., "d": 1.5e3, "e": -0, "f": 0.1}',
    "number-forms": '{"a": 0x10, "b": 0o17, "c": 0b11, "d": 1_000, "e": -0x10, "f": - 1}',
    "big-numbers": '{"a": 12345678901234567890, "b": 1e308, "c": 1e400}',
    "odd-whitespace": '{"a":\u00a01,"b":\u00851,"c":\u200b1}\u2028',
    "hashbang": "#!x\n{}",
    "deep": '{"a": ' * 30 + "1" + "}" * 30,
    "crlf": '{\r\n  "a": 1,\r\n}\r\n',
    "single-quotes": "{'a': 1}",
    "unquoted-key": "{a: 1}",
    "nan": '{"a": NaN}',
    "infinity": '{"a": -Infinity}',
    "plus": '{"a": +1}',
    "missing-comma": '{"a": 1 "b": 2}',
    "elision": '{"a": [1,,2]}',
    "double-comma": '{"a": 1,,}',
    "lone-comma": "{,}",
    "text-after": '{"a": 1} x',
    "array-top-level": "[1, 2]",
    "string-top-level": '"s"',
    "template-value": '{"a": `x`}',
    "unterminated-comment": '{"a": 1 /* open',
    "unterminated-comment-after": '{"a": 1}\n/* trailing',
    "unterminated-string": '{"a": "open}',
    "newline-in-string": '{"a": "x\ny"}',
    "legacy-octal-number": '{"a": 0123}',
    "octal-escape": '{"a": "\\101"}',
    "bigint": '{"a": 1n}',
    "partial-word": '{"a": tru}',
    "minus-string": '{"a": -"x"}',
    "ascii-separator": '{"a":\u001c1}',
    "proto-key": '{"__proto__": 1}',
}
JSONC_DIVERGES = {
    "proto-key": "JavaScript gives __proto__ its own meaning; it is an ordinary key to dockergen",
}


@pytest.fixture(scope="module")
def answers(typescript: Path) -> dict[str, Any]:
    return typescript_oracle.ask(
        typescript, imports=list(IMPORTS.values()), next=list(NEXT.values()), jsonc=list(JSONC.values())
    )


def _relative(specifiers: list[str]) -> list[str]:
    return [s for s in specifiers if RELATIVE.match(s)]


def test_the_tables_are_as_large_as_promised() -> None:
    assert len(IMPORTS) >= 40 and len(NEXT) >= 20 and len(JSONC) >= 30


@pytest.mark.parametrize("case", list(IMPORTS))
def test_relative_imports_agree_with_typescript(case: str, answers: dict[str, Any]) -> None:
    oracle = answers["imports"][list(IMPORTS).index(case)]
    ours = _relative(import_specifiers(IMPORTS[case]))
    tree, pre = _relative(oracle["tree"]), _relative(oracle["preProcessFile"])
    assert (ours == tree) != (case in TREE_DIVERGES), (case, ours, tree)
    assert (ours == pre) != (case in PREPROCESS_DIVERGES), (case, ours, pre)


@pytest.mark.parametrize("case", list(NEXT))
def test_output_standalone_agrees_with_the_syntax_tree(case: str, answers: dict[str, Any]) -> None:
    oracle = answers["next"][list(NEXT).index(case)]
    ours = standalone_and_tracing_root(NEXT[case])[0]
    assert (ours == oracle) != (case in NEXT_DIVERGES), (case, ours, oracle)


@pytest.mark.parametrize("case", list(JSONC))
def test_jsonc_agrees_with_parse_config_file_text_to_json(case: str, answers: dict[str, Any], tmp_path: Path) -> None:
    """What tsc reads without an error is read the same; what it reports as an error is None."""
    oracle = answers["jsonc"][list(JSONC).index(case)]
    (tmp_path / "tsconfig.json").write_bytes(JSONC[case].encode("utf-8", "surrogatepass"))
    ours = Repo(tmp_path).read_jsonc("tsconfig.json")
    expected = None if oracle["error"] else oracle["config"]
    assert (ours == expected) != (case in JSONC_DIVERGES), (case, ours, oracle)


def _chains(root: Path) -> Path:
    """A workspace whose packages' tsconfig files extend each other in the ways tsc allows."""
    latin1 = b'{\n  // r\xe9sum\xe9 in Latin-1: tsc reads it as U+FFFD\n  "compilerOptions": {"outDir": "build"}\n}\n'
    utf16 = '\ufeff{"extends": "../../tsconfig.base.json", "compilerOptions": {"rootDir": "src"}}'
    files: dict[str, Any] = {
        "tsconfig.base.json": '// base\n{\n  "compilerOptions": {\n    "outDir": "dist", // from the root\n    "strict": true,\n  },\n}\n',
        "packages/tsconfig/node.json": '{"compilerOptions": {"outDir": "out", "rootDir": "./src"},}',
        "packages/a/tsconfig.json": '{"extends": "../../tsconfig.base.json"}',
        "packages/b/tsconfig.json": (
            '{\n  "$schema": "https://example.com/a, }/* not a comment",\n  "extends": "../../tsconfig.base.json",\n'
            '  "compilerOptions": {"outDir": "./lib", "rootDir": "src",},\n}\n'
        ),
        "packages/c/tsconfig.json": '{"extends": "@acme/tsconfig/node.json"}',
        "packages/c/tsconfig.build.json": '{"extends": "./tsconfig.json", /* keeps out and rootDir */}',
        "packages/d/tsconfig.json": '{"extends": ["../../tsconfig.base.json", "./local.json"]}',
        "packages/d/local.json": '{"compilerOptions": {"outDir": "from-local"}}',
        "packages/e/tsconfig.json": latin1,
        "packages/f/tsconfig.json": '\ufeff{\r\n  "extends": "../a/tsconfig.json",\r\n  "compilerOptions": {"rootDir": "."},\r\n}\r\n',
        "packages/g/tsconfig.json": utf16.encode("utf-16-le"),
    }
    for name in "abcdefg":
        files[f"packages/{name}/src/index.ts"] = "export {};\n"
    members = {f"packages/{n}": {"name": f"@acme/{n}"} for n in ["tsconfig", *"abcdefg"]}
    workspace(root, members, files)
    (root / "packages/c/node_modules/@acme").mkdir(parents=True)
    (root / "packages/c/node_modules/@acme/tsconfig").symlink_to("../../../tsconfig")  # as pnpm links it
    return root


@pytest.mark.slow  # one tsc process per project, a few seconds in all
def test_extends_chains_agree_with_tsc_show_config(typescript: Path, tmp_path: Path) -> None:
    root = _chains(tmp_path)
    ws = scan(Repo(root))
    projects = ts_projects(Repo(root), ws.packages)
    assert len(projects) == 8
    for project in projects:
        shown = typescript_oracle.show_config(typescript, root / project.config)["compilerOptions"]
        folder = posixpath.dirname(project.config)
        out = posixpath.normpath(posixpath.join(folder, shown["outDir"])) if "outDir" in shown else None
        assert project.out_dir == out, (project, shown)
        if "rootDir" in shown:  # else tsc computes it from the inputs, which dockergen infers
            assert project.root_dir == posixpath.normpath(posixpath.join(folder, shown["rootDir"])), (project, shown)
