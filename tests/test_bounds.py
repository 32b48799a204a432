"""Every bound on a walk or an expansion that is hit says so: a warning naming the bound (or, where
going on would be wrong, a refusal with the reason), never a silent cut."""

from __future__ import annotations

import json
from pathlib import Path

from dockergen.init.health_route import MAX_SOURCE_FILES, find_health_route
from dockergen.plan.tools import MAX_SCRIPT_HOPS, build_commands
from dockergen.repo import Repo
from dockergen.workspace.hooks import MAX_SCRIPTS
from dockergen.workspace.manifest import parse_manifest
from dockergen.workspace.scan import scan
from dockergen.workspace.shell_words import MAX_NESTING, expansions
from dockergen.workspace.tsconfig import MAX_EXTENDS, MAX_FILES, MAX_PATHS
from tests.helpers import api_workspace, build_tree


def _warnings(root: Path) -> tuple[str, ...]:
    return scan(Repo(root)).warnings


def test_root_hook_scripts_past_the_bound_warn(tmp_path: Path) -> None:
    """`postinstall` runs `run-s step:*` with 60 steps: the files past the 50th were not looked for."""
    scripts = {"postinstall": "run-s step:*", **{f"step:{i:02d}": f"node tools/s{i}.js" for i in range(60)}}
    root = api_workspace(tmp_path, {f"tools/s{i}.js": "" for i in range(60)})
    manifest = json.loads((root / "package.json").read_text())
    (root / "package.json").write_text(json.dumps({**manifest, "scripts": scripts}))
    found = [w for w in _warnings(root) if f"more than {MAX_SCRIPTS} scripts" in w]
    assert found and found[0].startswith("package.json:"), _warnings(root)
    within = dict(list(scripts.items())[:10])
    (root / "package.json").write_text(json.dumps({**manifest, "scripts": within}))
    assert not [w for w in _warnings(root) if "more than" in w]


def test_tsconfig_extends_chain_past_the_bound_warns(tmp_path: Path) -> None:
    chain = {f"configs/t{i}.json": {"extends": f"./t{i + 1}.json"} for i in range(MAX_EXTENDS + 5)}
    root = api_workspace(tmp_path, {"packages/core/tsconfig.json": {"extends": "../../configs/t0.json"}, **chain})
    assert any(f"longer than {MAX_EXTENDS} files" in w for w in _warnings(root))


def test_tsconfig_extends_walk_past_the_bound_warns(tmp_path: Path) -> None:
    chain = {f"configs/t{i}.json": {"extends": f"./t{i + 1}.json"} for i in range(MAX_FILES + 10)}
    root = api_workspace(tmp_path, {"packages/core/tsconfig.json": {"extends": "../../configs/t0.json"}, **chain})
    assert any(f"reach more than {MAX_FILES} files" in w for w in _warnings(root))


def test_tsconfig_links_of_2100_packages_are_all_read(tmp_path: Path) -> None:
    """The walk's bound counts files reached through `extends`, not the packages' own tsconfigs
    (with one per package, 2,000 of them turned the walk off without a word)."""
    members = {f"packages/l{i}/package.json": {"name": f"l{i}"} for i in range(2_100)}
    configs = {f"packages/l{i}/tsconfig.json": {"references": [{"path": "../../shared"}]} for i in range(2_100)}
    root = build_tree(tmp_path, {"shared/tsconfig.json": {}, **members, **configs})
    api_workspace(root)
    links = scan(Repo(root)).ts_links
    assert len([link for link in links if link.kind == "references"]) == 2_100


def test_tsconfig_paths_past_the_bound_warn(tmp_path: Path) -> None:
    paths = {f"@x/p{i}": [f"libraries/p{i}/src"] for i in range(MAX_PATHS + 1)}
    root = api_workspace(tmp_path, {"packages/core/tsconfig.json": {"compilerOptions": {"paths": paths}}})
    found = [w for w in _warnings(root) if f"more than {MAX_PATHS} entries" in w]
    assert found and found[0].startswith("packages/core/tsconfig.json:")


def test_build_scripts_nested_past_the_bound_warn() -> None:
    scripts = {"build": "pnpm run b0", **{f"b{i}": f"pnpm run b{i + 1}" for i in range(10)}, "b10": "tsc"}
    pkg = parse_manifest({"name": "x", "scripts": scripts}, "packages/x", "packages/x/package.json")
    warnings: list[str] = []
    build_commands(pkg, warnings)
    assert warnings and f"more than {MAX_SCRIPT_HOPS} deep" in warnings[0]


def test_shell_c_nested_past_the_bound_is_not_taken_for_plain() -> None:
    script = "node server.js"
    for _ in range(MAX_NESTING + 2):
        script = "sh -c " + json.dumps(script)
    assert any(f"nested more than {MAX_NESTING} deep" in e for e in expansions(script))
    assert expansions("sh -c 'node server.js'") == ()


def test_health_route_guess_past_the_file_bound_is_not_certain(tmp_path: Path) -> None:
    files = {f"apps/api/src/m{i:03}.ts": "export const x = 1;\n" for i in range(MAX_SOURCE_FILES + 5)}
    files["apps/api/src/a.ts"] = 'app.get("/health", (c) => c.text("ok"));\n'
    root = api_workspace(tmp_path, files)
    pkg = next(p for p in scan(Repo(root)).packages if p.name == "@t/api")
    found = find_health_route(Repo(root), pkg)
    assert found is not None and not found.certain and f"first {MAX_SOURCE_FILES} source files" in found.doubt
