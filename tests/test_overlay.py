"""The app's install beside the libraries' builds (plan/overlay.py): when it may, and what is laid over it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dockergen.config.model import parse_config
from dockergen.plan.model import BuildPlan, Copy
from dockergen.plan.planner import build_plan
from dockergen.repo import Repo
from dockergen.workspace.scan import scan
from tests.helpers import api_workspace

API_CONFIG = "targets:\n  api:\n    package: '@t/api'\n    port: 3000\n"


def plan_for(root: Path, config: str = API_CONFIG) -> BuildPlan:
    return build_plan(scan(Repo(root)), parse_config(config), "api")


def deps_stage(plan: BuildPlan) -> tuple[str, str, list[str]]:
    """(base, comment, the COPY --from=libs sources) of stage `deps`."""
    deps = next(s for s in plan.stages if s.name == "deps")
    overlays = [s.sources[0] for s in deps.steps if isinstance(s, Copy) and s.from_stage == "libs"]
    return deps.base, deps.comment, overlays


def edit(root: Path, rel: str, change: dict[str, Any]) -> None:
    path = root / rel
    data = json.loads(path.read_text())
    for key, value in change.items():
        if isinstance(value, dict):
            data.setdefault(key, {}).update(value)
        else:
            data[key] = value
    path.write_text(json.dumps(data))


def test_app_installs_beside_the_library_builds_then_takes_their_folders(tmp_path: Path) -> None:
    plan = plan_for(api_workspace(tmp_path, {"tsconfig.base.json": "{}"}))
    base, comment, overlays = deps_stage(plan)
    assert base == "lib-deps" and "while the libraries build" in comment
    # every top-level name the libraries' stage copied from the context, never node_modules
    assert overlays == ["/repo/packages", "/repo/tsconfig.base.json"]
    deps = next(s for s in plan.stages if s.name == "deps")
    kinds = [s.kind if not isinstance(s, Copy) or s.from_stage is None else "overlay" for s in deps.steps]
    assert kinds[-3:] == ["run", "overlay", "overlay"]  # after the install: it runs without them


def test_the_overlay_covers_folders_outside_packages(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {"libs/extra/package.json": {"name": "@t/extra", "scripts": {"build": "tsc"}}})
    (root / "pnpm-workspace.yaml").write_text("packages:\n  - apps/*\n  - packages/*\n  - libs/*\n")
    edit(root, "apps/api/package.json", {"dependencies": {"@t/extra": "workspace:*"}})
    assert deps_stage(plan_for(root))[2] == ["/repo/libs", "/repo/packages"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"packages/core/package.json": {"dependencies": {"prisma": "^6.0.0"}}}, "@t/core uses prisma, a code generator"),
        ({"packages/core/package.json": {"scripts": {"build": "tsc", "gen": "x"}},
          "turbo.json": {"tasks": {"build": {"dependsOn": ["gen"]}}}}, "@t/core runs a script before its build"),
        ({"apps/api/package.json": {"dependenciesMeta": {"@t/core": {"injected": True}}}}, "@t/api injects @t/core"),
        ({"pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\ninjectWorkspacePackages: true\n"},
         "injectWorkspacePackages"),
        ({"packages/core/tsconfig.json": {"compilerOptions": {"outDir": "../../dist/core"}}},
         "@t/core's build writes dist/core, outside the folders"),
        ({"packages/core/package.json": {"scripts": {"build": "tsup src/index.ts -d ../../out/core"}}},
         "@t/core's build writes out/core"),
    ],
    ids=["generator", "turbo prerequisite", "injected", "injectWorkspacePackages", "tsc outDir", "bundler out dir"],
)  # fmt: skip
def test_the_app_installs_after_the_libraries_when_their_builds_may_write_elsewhere(
    tmp_path: Path, change: dict[str, Any], reason: str
) -> None:
    root = api_workspace(tmp_path)
    for rel, value in change.items():
        if isinstance(value, str):
            (root / rel).write_text(value)
        elif (root / rel).exists():
            edit(root, rel, value)
        else:
            (root / rel).write_text(json.dumps(value))
    base, comment, overlays = deps_stage(plan_for(root))
    assert base == "libs" and overlays == [] and reason in comment, comment


def test_a_configured_prebuild_script_keeps_the_install_after_the_builds(tmp_path: Path) -> None:
    root = api_workspace(tmp_path)
    edit(root, "packages/core/package.json", {"scripts": {"build": "tsc", "codegen": "x"}})
    config = API_CONFIG + "    prebuild:\n      '@t/core': [codegen]\n"
    base, comment, _ = deps_stage(plan_for(root, config))
    assert base == "libs" and "@t/core runs a script before its build" in comment


def test_outputs_inside_the_laid_over_folders_keep_the_install_beside(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {"packages/core/tsconfig.json": {"compilerOptions": {"outDir": "dist"}}})
    edit(root, "packages/core/package.json", {"scripts": {"build": "tsc -d -p tsconfig.json"}})  # -d: declarations
    assert deps_stage(plan_for(root))[0] == "lib-deps"


def test_an_app_using_a_library_bin_gets_its_placeholder_in_the_libraries_install(tmp_path: Path) -> None:
    """The app installs before the library is built: pnpm links a bin only when its file exists."""
    root = api_workspace(tmp_path)
    edit(root, "packages/core/package.json", {"bin": {"core-gen": "dist/gen.js"}})
    plan = plan_for(root)
    lib_deps = next(s for s in plan.stages if s.name == "lib-deps")
    assert any("packages/core/dist/gen.js" in str(step) for step in lib_deps.steps)
