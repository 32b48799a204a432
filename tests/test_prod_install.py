"""prod_install: pnpm < 10's production tree, without the workspace's own lifecycle scripts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from dockergen.plan.prod_install import HIDE_PROJECT_SCRIPTS, KEPT_MANIFESTS
from tests.helpers import api_workspace, require_node
from tests.test_plan import instructions, plan_for

ROOT = {"name": "r", "packageManager": "pnpm@9.15.9"}


def deploy(tmp_path: Path, root: dict[str, Any], app_scripts: dict[str, str] | None = None) -> list[str]:
    ws = api_workspace(tmp_path, {"package.json": root})
    if app_scripts:
        manifest = ws / "apps/api/package.json"
        data = json.loads(manifest.read_text())
        data["scripts"].update(app_scripts)
        manifest.write_text(json.dumps(data))
    return instructions(plan_for(ws), "deploy")


def test_the_roots_prepare_does_not_run_in_the_production_install(tmp_path: Path) -> None:
    """`"prepare": "husky install"` with husky a devDependency: `husky: not found` on pnpm 8/9."""
    root = {**ROOT, "scripts": {"prepare": "husky install"}, "devDependencies": {"husky": "^8.0.3"}}
    install = next(i for i in deploy(tmp_path, root) if "pnpm install" in i)
    hide, rest = install.split(" && pnpm install ", 1)
    assert hide.endswith(" .") and "node -e" in hide
    assert "--ignore-scripts" not in rest  # dependencies' install scripts (native addons) still run
    assert f"&& cp -a {KEPT_MANIFESTS}/. ./ && rm -rf pnpm-lock.yaml" in rest and f" {KEPT_MANIFESTS} " in rest


def test_the_apps_own_scripts_are_hidden_not_every_script_ignored(tmp_path: Path) -> None:
    steps = deploy(tmp_path, ROOT, {"postinstall": "prisma generate", "prepare": "tsc"})
    install = next(i for i in steps if "pnpm install" in i)
    assert "--ignore-scripts" not in install and install.split(" && pnpm install ", 1)[0].endswith(" apps/api")
    # its manifest alone reaches the production stage: its scripts do not run there
    assert "COPY apps/api/package.json apps/api/" in steps and "COPY apps/api/ apps/api/" not in steps


def test_nothing_is_hidden_without_lifecycle_scripts(tmp_path: Path) -> None:
    install = next(i for i in deploy(tmp_path, ROOT) if "pnpm install" in i)
    assert install.startswith("RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install")
    assert KEPT_MANIFESTS not in install


def test_hide_keeps_the_manifest_and_cp_puts_it_back_byte_for_byte(tmp_path: Path) -> None:
    """The program runs in the image; here on the host's node, with the same `cp -a` after it."""
    node = require_node()
    text = '{\n  "name": "r",\n  "scripts": {"prepare": "husky install", "build": "tsc", "postinstall": "x"}\n}\n'
    (tmp_path / "package.json").write_text(text)
    (tmp_path / "apps/api").mkdir(parents=True)
    (tmp_path / "apps/api/package.json").write_text('{"name":"a","scripts":{"preinstall":"y","start":"node ."}}')
    kept = tmp_path / "kept"
    program = HIDE_PROJECT_SCRIPTS.replace(json.dumps(KEPT_MANIFESTS), json.dumps(str(kept)))
    subprocess.run([node, "-e", program, ".", "apps/api"], cwd=tmp_path, check=True)
    assert json.loads((tmp_path / "package.json").read_text())["scripts"] == {"build": "tsc"}
    assert json.loads((tmp_path / "apps/api/package.json").read_text())["scripts"] == {"start": "node ."}
    subprocess.run(["cp", "-a", f"{kept}/.", "./"], cwd=tmp_path, check=True)
    assert (tmp_path / "package.json").read_text() == text
    assert "preinstall" in (tmp_path / "apps/api/package.json").read_text()
