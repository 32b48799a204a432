from pathlib import Path
from typing import Any

import pytest

from dockergen import apps
from dockergen.init_config import find_health_path
from dockergen.plan.app_files import runtime_paths
from dockergen.plan.start_command import StartCommand
from dockergen.repo import Repo
from dockergen.workspace.manifest import parse_manifest
from tests.helpers import build_tree


def pkg(**fields: Any):  # type: ignore[no-untyped-def]
    return parse_manifest({"name": "app", **fields}, "apps/app", "apps/app/package.json")


@pytest.mark.parametrize(
    ("start", "argv", "env"),
    [
        ("node dist/index.js", ("node", "dist/index.js"), ()),
        ("node ./dist/main.js --port 3000", ("node", "dist/main.js", "--port", "3000"), ()),
        ("NODE_ENV=production node --enable-source-maps dist/index.js", ("node", "--enable-source-maps", "dist/index.js"), (("NODE_ENV", "production"),)),
        ("cross-env TZ=UTC node server.js", ("node", "server.js"), (("TZ", "UTC"),)),
    ],
)  # fmt: skip
def test_start_scripts_running_node_become_exec_form(start: str, argv: tuple[str, ...], env: tuple[Any, ...]) -> None:
    command = apps.start_command(pkg(scripts={"start": start}))
    assert command is not None and command.argv == argv and command.env == env


@pytest.mark.parametrize("start", ["next start", "node a.js && node b.js", "pnpm run serve", "node"])
def test_other_start_scripts_fall_back_to_main(start: str) -> None:
    command = apps.start_command(pkg(scripts={"start": start}, main="lib/index.js"))
    assert (
        command is not None and command.argv == ("node", "lib/index.js") and command.source == '"main": "lib/index.js"'
    )


def test_bin_is_the_last_resort_and_nothing_means_none() -> None:
    command = apps.start_command(pkg(bin={"app": "./bin/cli.js"}))
    assert command is not None and command.argv == ("node", "bin/cli.js")
    assert apps.start_command(pkg(scripts={"start": "next start"})) is None


def test_deployable_reasons() -> None:
    assert apps.deployable(pkg(scripts={"start": "node dist/index.js"})) is not None
    framework = apps.deployable(pkg(main="dist/index.js", dependencies={"fastify": "^5"}))
    assert framework is not None and "fastify" in framework.reason
    assert apps.deployable(pkg(main="dist/index.js", exports={".": "./dist/index.js"})) is None
    assert (
        apps.deployable(parse_manifest({"name": "root", "scripts": {"start": "node x.js"}}, ".", "package.json"))
        is None
    )


def test_default_port() -> None:
    assert apps.default_port(pkg(dependencies={"express": "^4"})) == 3000
    assert apps.default_port(pkg(scripts={"start": "node server.js --port 8080"})) == 8080
    assert apps.default_port(pkg(dependencies={"astro": "^4"})) == 4321
    assert apps.default_port(pkg(dependencies={"p-queue": "^8"})) is None


def test_runtime_paths_from_files_entry_or_whole_package() -> None:
    command = StartCommand(("node", "dist/index.js"), "x")
    assert runtime_paths(pkg(files=["dist", "README.md", "!dist/test"]), command)[0] == ("README.md", "dist")
    assert runtime_paths(pkg(files=["build/**/*.js"]), command)[0] == ("build",)
    assert runtime_paths(pkg(), command)[0] == ("dist",)
    assert runtime_paths(pkg(), StartCommand(("node", "server.js"), "x"))[0] == ()


def test_health_path_found_in_sources(tmp_path: Path) -> None:
    build_tree(tmp_path, {
        "apps/app/src/routes.ts": "app.get('/healthz', ok)\napp.get(\"/health\", ok)\n",
        "apps/app/test/x.test.ts": "get('/ready')",
        "apps/app/node_modules/x/index.js": "'/ping'",
    })  # fmt: skip
    assert find_health_path(Repo(tmp_path), pkg()) == "/health"
    build_tree(tmp_path / "b", {"apps/app/src/index.js": "const x = '/status'"})
    assert find_health_path(Repo(tmp_path / "b"), pkg()) is None
