"""Tools a library's build runs that only another package declares (shamefullyHoist)."""

from __future__ import annotations

from pathlib import Path

from dockergen.pipeline import generate_all
from dockergen.plan.tools import build_commands, undeclared_tools
from dockergen.repo import Repo
from dockergen.workspace.manifest import parse_manifest
from tests import scenarios


def lib(build: str, **fields: object) -> object:
    return parse_manifest(
        {"name": "@t/lib", "scripts": {"build": build, "compile": "tsc -b"}, **fields}, "l", "l/package.json"
    )


def test_build_commands_follow_chains_and_pnpm_run() -> None:
    assert build_commands(lib("rimraf dist && pnpm run compile && node x.mjs")) == ("rimraf", "tsc")  # type: ignore[arg-type]


def test_only_tools_no_library_nor_the_root_declares_are_missing() -> None:
    root = parse_manifest({"name": "root", "devDependencies": {"rimraf": "^6"}}, ".", "package.json")
    found = undeclared_tools((lib("rimraf dist && tsc"),), root)  # type: ignore[arg-type]
    assert found == (("@t/lib", "tsc", "typescript"),)
    declared = lib("tsc", devDependencies={"typescript": "^5"})
    assert undeclared_tools((declared,), root) == ()  # type: ignore[arg-type]


def test_the_libraries_install_takes_the_declaring_apps_own_dependencies_only_with_hoisting(tmp_path: Path) -> None:
    root = scenarios.materialize("hoisted-tool", tmp_path / "ws")
    (plan,) = generate_all(Repo(root)).plans
    install = next(s for s in plan.stages if s.name == "lib-deps").steps[-1]
    assert "--filter=@h/api" in install.commands[0].argv  # type: ignore[union-attr]
    assert any("declare typescript in @h/util's devDependencies" in w for w in plan.warnings)
    (root / "pnpm-workspace.yaml").write_text('packages:\n  - "apps/*"\n  - "packages/*"\n')
    (plan,) = generate_all(Repo(root)).plans
    install = next(s for s in plan.stages if s.name == "lib-deps").steps[-1]
    assert "--filter=@h/api" not in install.commands[0].argv  # type: ignore[union-attr]
