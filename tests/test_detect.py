"""Detection: how a package starts in production, which members init offers, health routes."""

from pathlib import Path
from typing import Any

import pytest

from dockergen.init import detect as apps
from dockergen.init.health_route import find_health_route
from dockergen.plan.app_files import runtime_paths
from dockergen.repo import Repo
from dockergen.workspace.manifest import parse_manifest
from dockergen.workspace.scan import scan
from dockergen.workspace.start_command import StartCommand, resolve_start, start_command
from dockergen.workspace.tsconfig import BuildInfo, TsProject
from tests import scenarios
from tests.helpers import FIXTURES, build_tree, workspace


def pkg(directory: str = "apps/app", entries: tuple[str, ...] = (), **fields: Any):  # type: ignore[no-untyped-def]
    return parse_manifest({"name": "app", **fields}, directory, f"{directory}/package.json", entries)


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
    command = start_command(pkg(scripts={"start": start}))
    assert command is not None and command.argv == argv and command.env == env


@pytest.mark.parametrize("start", ["next start", "node a.js && echo b", "pnpm run serve", "node"])
def test_other_start_scripts_fall_back_to_main(start: str) -> None:
    command = start_command(pkg(scripts={"start": start}, main="lib/index.js"))
    assert (
        command is not None and command.argv == ("node", "lib/index.js") and command.source == '"main": "lib/index.js"'
    )


def test_bin_is_the_last_resort_and_nothing_means_none() -> None:
    command = start_command(pkg(bin={"app": "./bin/cli.js"}))
    assert command is not None and command.argv == ("node", "bin/cli.js")
    assert start_command(pkg(scripts={"start": "next start"})) is None


def test_production_start_scripts_win_over_development_ones() -> None:
    scripts = {"start": "cross-env NODE_ENV=development nest start", "start:prod": "node dist/main"}
    command = start_command(pkg(scripts=scripts, dependencies={"@nestjs/core": "^11"}))
    assert command is not None and command.argv == ("node", "dist/main") and command.source.startswith("start:prod")


def test_run_script_indirection_is_followed() -> None:
    scripts = {"start": "pnpm start:dev", "start:dev": "nest start --watch", "start:prod": "node dist/main.js"}
    assert start_command(pkg(scripts=scripts)) == StartCommand(
        ("node", "dist/main.js"), 'start:prod script "node dist/main.js"'
    )
    command = start_command(pkg(scripts={"start": "npm run serve", "serve": "node server.js"}))
    assert command is not None and command.argv == ("node", "server.js")


@pytest.mark.parametrize(
    ("scripts", "extra", "argv"),
    [
        ({"start": "tsx watch src/index.ts", "build": "tsup src/index.ts --format esm"}, {}, ("node", "dist/index.mjs")),
        ({"start": "tsx watch src/index.ts", "build": "tsup src/index.ts --format esm"}, {"type": "module"}, ("node", "dist/index.js")),
        ({"start": "tsx watch index.ts", "build": "tsdown"}, {}, ("node", "dist/index.mjs")),
        ({"start": "tsx watch index.ts", "build": "tsup"}, {}, ("node", "dist/index.js")),
        ({"dev": "nodemon src/server.ts", "build": "tsc -p tsconfig.build.json"}, {}, ("node", "out/server.js")),
        ({"start": "nest start --watch", "build": "nest build"}, {}, ("node", "out/main.js")),  # tsconfig.build.json
        ({"start": "ts-node src/main.ts", "build": "esbuild src/main.ts --bundle --outfile=build/app.js"}, {}, ("node", "build/app.js")),
    ],
)  # fmt: skip
def test_development_only_start_is_inferred_from_the_build(
    scripts: dict[str, str], extra: dict[str, str], argv: tuple[str, ...]
) -> None:
    projects = (TsProject("apps/app/tsconfig.build.json", "apps/app/out", "apps/app/src"),)
    command, _ = resolve_start(pkg(scripts=scripts, **extra), BuildInfo(projects))
    assert command is not None and command.argv == argv and command.inferred
    assert command.source.startswith("inferred:")


def test_nothing_to_infer_without_a_known_build() -> None:
    command, why = resolve_start(pkg(scripts={"start": "tsx watch src/index.ts", "build": "rollup -c"}))
    assert command is None and "development tool" in why


GLOBS = "packages:\n  - apps/*\n  - packages/*\n  - examples/*\n  - templates/*\n  - tools/*\n"


def survey(tmp_path: Path, members: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, apps.Finding]:
    """What init lists for a workspace of these members (by package name; libraries are absent)."""
    root = workspace(tmp_path, members, {"pnpm-workspace.yaml": GLOBS, **(extra or {})})
    repo = Repo(root)
    return {f.package.name: f for f in apps.survey(scan(repo), repo)}


def test_survey_skips_cli_packages_examples_and_libraries(tmp_path: Path) -> None:
    found = survey(tmp_path, {
        "apps/cli": {"name": "cli", "bin": {"tool": "bin/tool.js"}, "main": "lib/index.js", "scripts": {"start": "node ."}},
        "examples/demo": {"name": "demo", "scripts": {"start": "node server.js"}},
        "templates/blank": {"name": "blank", "scripts": {"start": "node server.js"}},
        "packages/lib": {"name": "lib", "main": "dist/index.js"},
        "apps/server": {"name": "server", "main": "dist/index.js", "dependencies": {"fastify": "^5"}},
    }, {"templates/blank/Dockerfile": "FROM scratch\n"})  # fmt: skip
    assert not found["cli"].offered and "command-line tool" in found["cli"].reason
    assert not found["demo"].offered and "examples/" in found["demo"].reason
    assert found["blank"].offered and "own Dockerfile" in found["blank"].reason
    assert "lib" not in found  # a library
    assert found["server"].offered and "fastify" in found["server"].reason


def test_default_port() -> None:
    assert apps.default_port(pkg(dependencies={"express": "^4"})) == 3000
    assert apps.default_port(pkg(scripts={"start": "node server.js --port 8080"})) == 8080
    assert apps.default_port(pkg(dependencies={"astro": "^4"})) == 4321
    assert apps.default_port(pkg(dependencies={"p-queue": "^8"})) is None


def test_runtime_paths_from_files_entry_or_whole_package() -> None:
    command = StartCommand(("node", "dist/index.js"), "x")
    assert runtime_paths(pkg(entries=("README.md",), files=["dist", "README.md", "!dist/test"]), command)[0] == (
        "README.md",
        "dist",
    )
    assert runtime_paths(pkg(files=["build/**/*.js"]), command)[0] == ("build",)
    assert runtime_paths(pkg(), command)[0] == ("dist",)
    assert runtime_paths(pkg(), StartCommand(("node", "server.js"), "x"))[0] == ()


def test_health_route_found_and_certain_only_when_routed_without_prefix(tmp_path: Path) -> None:
    build_tree(tmp_path / "a", {
        "apps/app/src/routes.ts": "app.get('/healthz', ok)\napp.get(\"/health\", ok)\n",
        "apps/app/test/x.test.ts": "get('/ready')",
        "apps/app/node_modules/x/index.js": "'/ping'",
    })  # fmt: skip
    route = find_health_route(Repo(tmp_path / "a"), pkg())
    assert route is not None and route.path == "/health" and route.certain
    build_tree(tmp_path / "b", {"apps/app/src/index.js": "const x = '/status'"})
    assert find_health_route(Repo(tmp_path / "b"), pkg()) is None
    mounted = {"apps/app/src/app.ts": "r.get('/health', ok)\napp.use('/live', r)\n"}
    route = find_health_route(Repo(build_tree(tmp_path / "c", mounted)), pkg())
    assert route is not None and not route.certain and "prefix" in route.doubt
    nest = {"apps/app/src/health.controller.ts": "@Controller()\nclass H { @Get('/health') ok() {} }\n"}
    route = find_health_route(Repo(build_tree(tmp_path / "d", nest)), pkg(dependencies={"@nestjs/core": "^11"}))
    assert route is not None and not route.certain and "Nest" in route.doubt


# ------------------------------------------------------------------ static front-ends


@pytest.mark.parametrize(
    ("entries", "fields", "expected"),
    [
        # a start script serving a folder with a file server (React Router SPA mode, CRA)
        (("app", "public"), {"scripts": {"build": "react-router build", "start": "serve -s build/client -l 3000"},
                             "dependencies": {"serve": "14"}}, ("build/client", True)),
        (("src",), {"scripts": {"build": "react-scripts build", "start": "http-server build -p 8080"}}, ("build", False)),
        # a Vite site without a start script, its bin called by path
        (("index.html", "src"), {"scripts": {"build": "node ./node_modules/vite/bin/vite.js build"}}, ("dist", True)),
        (("index.html",), {"scripts": {"build": "vue-tsc && vite build --outDir out/site"}}, ("out/site", True)),
        (("astro.config.mjs", "src"), {"scripts": {"build": "astro build"}}, ("dist", True)),
        # web apps that use Tauri's JS API are still sites; only a src-tauri folder makes a desktop app
        (("index.html",), {"scripts": {"build": "vite build"}, "dependencies": {"@tauri-apps/api": "2"}}, ("dist", True)),
        (("index.html", "src-tauri"), {"scripts": {"build": "vite build"}}, None),
        (("index.html",), {"scripts": {"build": "vite build"}, "devDependencies": {"electron": "30"}}, None),
        # libraries and servers are not sites
        (("index.html",), {"scripts": {"build": "vite build"}, "main": "dist/index.js"}, None),
        (("src",), {"scripts": {"build": "vite build"}}, None),  # no entry page: a library build
        (("astro.config.mjs",), {"scripts": {"build": "astro build"}, "dependencies": {"@astrojs/node": "8"}}, None),
        (("index.html",), {"scripts": {"build": "vite build", "start": "node server.js"}}, None),
        (("index.html",), {"scripts": {"build": "vite build"}, "dependencies": {"express": "4"}}, None),
        (("public",), {"scripts": {"start": "serve ../other"}}, None),  # outside the package
    ],
)  # fmt: skip
def test_static_front_ends_are_recognised(entries: tuple[str, ...], fields: dict[str, Any], expected: Any) -> None:
    from dockergen.workspace import static_site

    site = static_site.detect(pkg(entries=entries, **fields))
    assert (None if site is None else (site.folder, site.spa)) == expected


def test_init_offers_a_static_site_with_kind_static(tmp_path: Path) -> None:
    from dockergen.init.config_text import init_config
    from dockergen.workspace.scan import scan

    root = build_tree(tmp_path, {
        "pnpm-workspace.yaml": "packages: ['apps/*']\n",
        "package.json": '{"name": "root", "private": true, "packageManager": "pnpm@10.34.9"}',
        "apps/web/package.json": '{"name": "web", "scripts": {"build": "vite build"}, "devDependencies": {"vite": "6"}}',
        "apps/web/index.html": "<!doctype html>",
        "apps/admin/package.json": '{"name": "admin", "scripts": {"build": "react-router build", '
                                   '"start": "serve build/client -l 3001"}, "dependencies": {"serve": "14"}}',
        "apps/admin/react-router.config.ts": "export default {ssr: false}",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/web: {}\n  apps/admin: {}\n",
    })  # fmt: skip
    repo = Repo(root)
    result = init_config(repo, scan(repo), None, ())
    assert {p.package for p in result.picks} == {"web", "admin"}
    assert "kind: static" in result.text and "spa: false" in result.text and "port: 3001" in result.text
    assert "port: 8080" in result.text and "health: /  #" in result.text


def test_files_entries_naming_absent_documents_are_not_copied() -> None:
    """novu's providers list CHANGELOG.md in "files" without having one: npm skips it, COPY would fail."""
    package = pkg(
        entries=("README.md", "src"),
        files=["build/main", "CHANGELOG.md", "README.md", "LICENSE"],
        main="build/main/index.js",
    )
    paths, why = runtime_paths(package, StartCommand(("node", "build/main/index.js"), "x"))
    assert paths == ("README.md", "build/main") and why == '"files" in package.json'


# ------------------------------------------------------------------ issue 24: what real monorepos showed


def test_root_declared_frameworks_count_for_the_members_that_use_them(tmp_path: Path) -> None:
    """Every dependency at the root (postiz): the Nest API gets its port, the Next app `next start`
    from the root's next, a member that shows no use of them stays a worker."""
    root_manifest = {
        "name": "root", "private": True,
        "dependencies": {"@nestjs/core": "^11", "next": "15.5.29", "bullmq": "^5"},
    }  # fmt: skip
    found = survey(tmp_path, {
        "apps/api": {"name": "api", "scripts": {"build": "nest build", "start": "node dist/main.js"}},
        "apps/web": {"name": "web", "scripts": {"build": "next build", "start": "next start -p 4200"}},
        "apps/jobs": {"name": "jobs", "scripts": {"build": "tsc", "start": "node dist/index.js"}},
    }, {"package.json": root_manifest, "apps/api/nest-cli.json": "{}", "apps/web/next.config.mjs": ""})  # fmt: skip
    assert (
        found["api"].offered and found["api"].port == 3000 and "(declared by the workspace root)" in found["api"].reason
    )
    web = found["web"]
    assert web.offered and web.port == 4200 and web.command is not None and web.command.bin_package == "next"
    assert found["jobs"].offered and found["jobs"].port is None  # bullmq at the root says nothing about it


def test_a_next_app_without_a_start_script_starts_with_next_start() -> None:
    command = start_command(pkg(scripts={"build": "next build", "dev": "next dev"}, dependencies={"next": "15"}))
    assert command is not None and command.argv == ("node", "node_modules/.dockergen-bin/next", "start")
    assert not command.inferred  # a Next app's production start is not a guess
    assert start_command(pkg(scripts={"build": "next build"})) is None  # no next to run it


@pytest.mark.parametrize(
    ("scripts", "argv"),
    [
        # dotenv-cli without `--` (openpanel's API), with -v (an environment variable for the image)
        ({"start": "dotenv -e ../../.env node dist/index.js"}, ("node", "dist/index.js")),
        ({"start": "dotenv -v TZ=UTC -e ../../.env -- node dist/index.js"}, ("node", "dist/index.js")),
        # the words after a script's name are the runner's arguments to it (homarr's with-env)
        ({"start": "pnpm with-env node dist/index.js", "with-env": "dotenv -e ../../.env --"}, ("node", "dist/index.js")),
        ({"start": "pnpm run serve -- --port 3000", "serve": "node server.js"}, ("node", "server.js", "--port", "3000")),
    ],
)  # fmt: skip
def test_wrapped_start_scripts_are_unwrapped(scripts: dict[str, str], argv: tuple[str, ...]) -> None:
    command = start_command(pkg(scripts=scripts))
    assert command is not None and command.argv == argv


def test_a_wrapper_that_runs_no_command_says_so() -> None:
    command, why = resolve_start(
        pkg(scripts={"start": "dotenv -e .env next start -p 4200"}, dependencies={"next": "1"})
    )
    assert command is None and "dotenv-cli's -p" in why  # without `--`, -p 4200 is dotenv's own flag
    command, why = resolve_start(pkg(scripts={"start": "npm run server --port 3000", "server": "node s.js"}))
    assert command is None and "options npm takes as its own" in why


def test_browser_extensions_are_skipped_not_served(tmp_path: Path) -> None:
    vite = {"build": "vite build", "dev": "vite"}
    found = survey(tmp_path, {
        "apps/extension": {"name": "ext", "scripts": vite, "devDependencies": {"vite": "7"}},
        "apps/wxt": {"name": "wxt-ext", "scripts": {"build": "wxt build", "dev": "wxt"}, "devDependencies": {"wxt": "0.20"}},
        "apps/pwa": {"name": "pwa", "scripts": vite, "devDependencies": {"vite": "7"}},
    }, {
        "apps/extension/index.html": "", "apps/extension/public/manifest.json": '{"manifest_version": 3, "name": "x"}',
        "apps/pwa/index.html": "", "apps/pwa/public/manifest.json": '{"name": "x", "display": "standalone"}',
    })  # fmt: skip
    assert not found["ext"].offered and "public/manifest.json has manifest_version" in found["ext"].reason
    assert not found["wxt-ext"].offered and "built with wxt" in found["wxt-ext"].reason
    assert found["pwa"].offered and found["pwa"].site is not None  # a web app manifest is no extension


def test_command_line_tools_without_a_bin_are_skipped(tmp_path: Path) -> None:
    found = survey(tmp_path, {
        # openpanel's admin: prompts, run with jiti (a development runner)
        "apps/admin": {"name": "admin", "scripts": {"start": "dotenv -e .env -c -- jiti src/cli.ts"},
                       "dependencies": {"inquirer": "^9", "jiti": "^2"}},
        # homarr's CLI: an argument parser, named cli, its bundle at the package root
        "packages/cli": {"name": "@x/cli", "scripts": {"build": "esbuild src/index.ts --bundle --outfile=cli.cjs"},
                         "dependencies": {"@drizzle-team/brocli": "^0.11"}},
        # novu's CLI: a bin, commander and a websocket client
        "packages/novu": {"name": "novu", "bin": {"novu": "./dist/src/index.js"},
                          "scripts": {"start:prod": "node dist/src/index.js"}, "dependencies": {"commander": "^12", "ws": "^8"}},
        # a worker that parses its arguments is still a worker
        "apps/jobs": {"name": "jobs", "scripts": {"start": "node dist/index.js"}, "dependencies": {"commander": "^12", "bullmq": "^5"}},
    })  # fmt: skip
    assert not found["admin"].offered and "depends on inquirer" in found["admin"].reason
    assert not found["@x/cli"].offered and "named @x/cli" in found["@x/cli"].reason
    assert not found["novu"].offered and "bin novu" in found["novu"].reason
    assert found["jobs"].offered and found["jobs"].port is None


def test_nest_entries_that_run_a_command_or_listen_nowhere(tmp_path: Path) -> None:
    nest = {"@nestjs/core": "^11"}
    found = survey(tmp_path, {
        "apps/commands": {"name": "commands", "scripts": {"build": "nest build", "start": "node dist/main.js"}, "dependencies": nest},
        "apps/worker": {"name": "worker", "scripts": {"build": "nest build", "start": "node dist/main.js"}, "dependencies": nest},
        "apps/api": {"name": "api", "scripts": {"build": "nest build", "start": "node dist/main.js"}, "dependencies": nest},
    }, {
        "apps/commands/src/main.ts": "const app = await NestFactory.createApplicationContext(M);\n"
                                     "await app.select(M).get(CommandService).exec();\n",
        "apps/worker/src/main.ts": "const app = await NestFactory.createApplicationContext(WorkerModule);\n",
        "apps/api/src/main.ts": "const app = await NestFactory.create(AppModule);\nawait app.listen(3000);\n",
    })  # fmt: skip
    assert not found["commands"].offered and "runs a command" in found["commands"].reason
    assert found["worker"].offered and found["worker"].port is None and "listens on no port" in found["worker"].reason
    assert found["api"].offered and found["api"].port == 3000


def test_members_meant_to_run_are_listed_and_libraries_are_not(tmp_path: Path) -> None:
    found = survey(tmp_path, {
        # a start script dockergen cannot use: listed with the reason, not dropped
        "apps/start": {"name": "start", "scripts": {"build": "vite build", "serve": "vite preview"},
                       "dependencies": {"@tanstack/react-start": "1"}},
        "apps/tasks": {"name": "tasks", "main": "./src/main.ts", "scripts": {"dev": "pnpm with-env tsx ./src/main.ts",
                       "with-env": "dotenv -e ../../.env --"}, "dependencies": {"fastify": "5"}},
        # libraries: a watcher as `start` beside a main; a build bundling a script other members' code needs
        "packages/dal": {"name": "dal", "main": "dist/index.js", "scripts": {"start": "tsc -w", "build": "tsc"}},
        "packages/db": {"name": "db", "main": "./index.ts",
                        "scripts": {"build": "esbuild migrate.ts --bundle --outfile=migrations/migrate.cjs"}},
        "apps/web": {"name": "web", "scripts": {"start": "node server.js"}, "dependencies": {"db": "workspace:*"}},
        # TanStack Start listens on HTTP
        "apps/app": {"name": "app", "scripts": {"start": "node .output/server/index.mjs"},
                     "dependencies": {"@tanstack/react-start": "1"}},
        "apps/testbed": {"name": "testbed", "scripts": {"build": "vite build"}},
    }, {"apps/testbed/index.html": ""})  # fmt: skip
    assert not found["start"].offered and "vite preview" in found["start"].reason
    assert not found["tasks"].offered and "TypeScript source" in found["tasks"].reason
    assert "dal" not in found and "db" not in found
    assert found["app"].offered and found["app"].port == 3000
    assert not found["testbed"].offered and "testbed/" in found["testbed"].reason


def test_an_astro_site_without_an_ssr_adapter_is_static() -> None:
    from dockergen.workspace import static_site

    astro = {"scripts": {"build": "astro build", "dev": "astro dev"}, "dependencies": {"astro": "5"}}
    assert static_site.detect(pkg(entries=("astro.config.ts", "src"), **astro)) is not None
    with_node = {**astro, "dependencies": {"astro": "5", "@astrojs/node": "9"}}
    assert static_site.detect(pkg(entries=("astro.config.ts", "src"), **with_node)) is None


INIT_SCENARIOS = [
    n for n in scenarios.names() if not (FIXTURES / n / "dockergen.yaml").is_file() and not scenarios.base_of(n)
]


@pytest.mark.parametrize("name", INIT_SCENARIOS)
def test_init_package_writes_what_detection_writes(name: str, tmp_path: Path) -> None:
    """`init --package` for the apps detection offers writes the same keys and detected-value
    comments (command, health, node, pnpm, runtime) as detection, and says what detection found."""
    from dockergen.init.config_text import init_config

    repo = Repo(scenarios.materialize(name, tmp_path / name))
    ws = scan(repo)
    detected = init_config(repo, ws, None, ())
    named = init_config(repo, ws, None, tuple(p.package for p in detected.picks))
    assert named.text == detected.text
    assert [p.reason for p in named.picks] == [f"named with --package; detection: {p.reason}" for p in detected.picks]


def test_init_package_on_a_skipped_member_keeps_what_detection_found(tmp_path: Path) -> None:
    from dockergen.init.config_text import init_config

    root = workspace(tmp_path, {
        "examples/api": {"name": "demo-api", "scripts": {"start": "node server.js"}, "dependencies": {"express": "^5"}},
    }, {"pnpm-workspace.yaml": GLOBS})  # fmt: skip
    repo = Repo(root)
    result = init_config(repo, scan(repo), None, ("demo-api",))
    assert "port: 3000" in result.text and '# command: ["node", "server.js"]' in result.text
    assert result.picks[0].reason.startswith("named with --package; detection: it lives in examples/")


def test_root_declared_frameworks_an_app_imports_give_it_a_port(tmp_path: Path) -> None:
    """Only the imports tell an Express API from a worker when the root declares every dependency."""
    root_manifest = {
        "name": "root",
        "private": True,
        "dependencies": {"express": "^5", "commander": "^14", "zod": "^4"},
    }
    found = survey(tmp_path, {
        "apps/api": {"name": "api", "scripts": {"start": "node src/server.js"}},
        "apps/jobs": {"name": "jobs", "scripts": {"start": "node src/jobs.js"}},
        "apps/tool": {"name": "tool", "scripts": {"start": "node src/main.js"}},
    }, {
        "package.json": root_manifest,
        "apps/api/src/server.js": 'import express from "express";\nexpress().listen(3000);\n',
        "apps/jobs/src/jobs.js": 'import type { Express } from "express";\nimport { z } from "zod";\n',
        "apps/tool/src/main.js": 'const { Command } = require("commander");\n',
    })  # fmt: skip
    assert (
        found["api"].offered
        and found["api"].port == 3000
        and "express (declared by the workspace root)" in found["api"].reason
    )
    assert found["jobs"].offered and found["jobs"].port is None  # a type-only import is no server
    assert not found["tool"].offered and "depends on commander" in found["tool"].reason


def test_a_published_sdk_built_like_an_app_is_a_library(tmp_path: Path) -> None:
    """Openpanel's SDKs (packages/sdks/*): no start script, a tsup build writing dist/index.js, and
    `"module": "index.ts"`, an entry for importers that a program run by node never needs. They
    were offered as workers; a member with the same build and no such field still is."""
    sdk = {"scripts": {"build": "rm -rf dist && tsup"}, "devDependencies": {"tsup": "8"}}
    config = "import { defineConfig } from 'tsup';\nexport default defineConfig({ entry: ['index.ts'] });\n"
    found = survey(tmp_path, {
        "packages/express": {"name": "@o/express", "module": "index.ts", **sdk},
        "packages/node": {"name": "@o/node", "types": "dist/index.d.ts", **sdk},
        "apps/jobs": {"name": "jobs", **sdk},
    }, {f"{d}/{f}": config if f.startswith("tsup") else "" for d in ("packages/express", "packages/node", "apps/jobs")
        for f in ("index.ts", "tsup.config.ts")})  # fmt: skip
    assert "@o/express" not in found and "@o/node" not in found
    assert found["jobs"].offered and found["jobs"].command is not None and found["jobs"].command.inferred
