"""Start scripts become exec-form commands that keep their meaning: node's own options and their
values as written, the script file found as node finds it, the script's arguments untouched."""

from __future__ import annotations

from typing import Any

import pytest

from dockergen.plan.app_files import runtime_paths
from dockergen.workspace.manifest import Package, parse_manifest
from dockergen.workspace.start_command import resolve_start


def app(start: str, **fields: Any) -> Package:
    data = {"name": "@t/app", "version": "1.0.0", "scripts": {"start": start}, **fields}
    return parse_manifest(data, "apps/app", "apps/app/package.json", ("package.json", "src", "config"))


@pytest.mark.parametrize(
    ("start", "argv"),
    [
        # OpenTelemetry's way: the preload stays a relative specifier (a bare one is a package name)
        (
            "node --import ./instrumentation.mjs dist/index.js",
            ("node", "--import", "./instrumentation.mjs", "dist/index.js"),
        ),
        ("node -r ./tracing.cjs dist/index.js", ("node", "-r", "./tracing.cjs", "dist/index.js")),
        ("node --require=./tracing.cjs ./dist/index.js", ("node", "--require=./tracing.cjs", "dist/index.js")),
        ("node -r dotenv/config dist/index.js", ("node", "-r", "dotenv/config", "dist/index.js")),
        ("node -C production dist/index.js", ("node", "-C", "production", "dist/index.js")),
        ("node --max-old-space-size=4096 dist/main.js", ("node", "--max-old-space-size=4096", "dist/main.js")),
        # the script's arguments are not paths: never normalised
        (
            "node dist/index.js --upstream http://upstream//api ../x",
            ("node", "dist/index.js", "--upstream", "http://upstream//api", "../x"),
        ),
        ("node -- dist/index.js --flag", ("node", "dist/index.js", "--flag")),
    ],
)
def test_node_options_keep_their_values_and_the_script_is_found_as_node_finds_it(
    start: str, argv: tuple[str, ...]
) -> None:
    command, why = resolve_start(app(start))
    assert command is not None, why
    assert command.argv == argv


def test_the_entry_is_the_script_not_a_preload() -> None:
    command, _ = resolve_start(app("node --import ./instrumentation.mjs -r ./tracing.cjs dist/index.js"))
    assert command is not None
    assert command.entry == "dist/index.js"
    assert command.preload_files == ("instrumentation.mjs", "tracing.cjs")


def test_env_file_options_are_dropped_with_their_value_and_a_note() -> None:
    for start in ("node --env-file .env dist/index.js", "node --env-file=.env dist/index.js"):
        command, _ = resolve_start(app(start))
        assert command is not None and command.argv == ("node", "dist/index.js")
        assert command.notes and ".env" in command.notes[0]


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        ("node dist/index.js --port $PORT", "uses $PORT, which only a shell expands"),
        ('node dist/index.js --port "${PORT:-3000}"', "uses ${PORT:-3000}, which only a shell expands"),
        ("PORT=$APP_PORT node dist/index.js", "uses $APP_PORT"),
        ("sh -c 'node dist/index.js $HOME'", "uses $HOME"),
        ("node dist/*.js", "uses *"),
        ("node -e 'require(\"./dist\")'", "runs node without a script file"),
        ("node --inspect dist/index.js", "uses --inspect, which is for development"),
        ("node --watch=true dist/index.js", "uses --watch=true, which is for development"),
        ("node -r", "node: -r requires an argument"),
        ("node --import ../../otel.mjs dist/index.js", "preloads ../../otel.mjs, outside the package"),
    ],
)
def test_commands_that_would_not_keep_their_meaning_are_refused_with_the_reason(start: str, reason: str) -> None:
    command, why = resolve_start(app(start))
    assert command is None and reason in why


def test_a_single_quoted_dollar_is_a_literal_word() -> None:
    command, _ = resolve_start(app("node dist/index.js '$PORT'"))
    assert command is not None and command.argv[-1] == "$PORT"


def test_preload_files_ship_beside_the_folders_the_runtime_takes() -> None:
    pkg = app("node --import ./instrumentation.mjs dist/index.js", files=["dist"])
    command, _ = resolve_start(pkg)
    assert command is not None
    paths, why = runtime_paths(pkg, command)
    assert paths == ("dist", "instrumentation.mjs") and "preloads" in why
    pkg = app("node --import ./dist/otel.mjs dist/index.js", files=["dist"])
    command, _ = resolve_start(pkg)
    assert command is not None and runtime_paths(pkg, command)[0] == ("dist",)


def test_a_url_argument_names_no_runtime_folder() -> None:
    command, _ = resolve_start(app("node dist/index.js --upstream http://upstream//api"))
    assert command is not None
    assert runtime_paths(app("x"), command)[0] == ("dist",)


def test_node_commands_in_turn_run_the_last_after_the_others() -> None:
    """Dokploy's start script: a migration, then the server; both node, neither needs a shell."""
    pkg = app("node -r dotenv/config dist/migration.mjs && node -r dotenv/config dist/server.mjs")
    command, _ = resolve_start(pkg)
    assert command is not None
    assert command.argv == ("node", "-r", "dotenv/config", "dist/server.mjs")
    assert command.before == (("node", "-r", "dotenv/config", "dist/migration.mjs"),)
    assert command.scripts == ("dist/migration.mjs", "dist/server.mjs") and command.entry == "dist/server.mjs"
    assert "its commands in turn" in command.source
    three, _ = resolve_start(app("node a.js && node --import ./otel.mjs b.js && pnpm serve"))
    assert three is None  # pnpm serve: a script that does not exist
    pkg = app("node ./scripts/a.js && node -r ./pre.cjs lib/b.js")
    command, _ = resolve_start(pkg)
    assert command is not None and command.before == (("node", "scripts/a.js"),)
    assert command.preload_files == ("pre.cjs",)
    assert runtime_paths(pkg, command)[0] == ("lib", "scripts", "pre.cjs")


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        # only a shell sets a variable for one command of several
        ("NODE_ENV=production node a.js && node b.js", "needs a shell to run in turn"),
        ("node a.js && PORT=1 node b.js", "needs a shell to run in turn"),
        # a program before the last that is not node (a bin, a tool) is not run in turn
        ("prisma migrate deploy && node dist/main.js", "'prisma migrate deploy' runs prisma"),
        ("node a.js && tsx b.ts", "runs tsx, a development tool"),
        # `&&` as an argument would be read as the separator
        ("node a.js '&&' && node b.js", "chains several shell commands"),
        # other operators stay refused
        ("node a.js || node b.js", "chains several shell commands"),
        ("node a.js; node b.js", "chains several shell commands"),
    ],
)
def test_commands_in_turn_that_need_a_shell_are_refused(start: str, reason: str) -> None:
    command, why = resolve_start(app(start))
    assert command is None and reason in why, why


def test_a_custom_next_server_ships_its_own_next_builds_layout_and_drizzles_migrations() -> None:
    pkg = parse_manifest(
        {
            "name": "web", "scripts": {"build": "tsx esbuild.ts && npm run build-next", "build-next": "next build",
                                      "start": "node dist/migrate.mjs && node dist/server.mjs"},
            "dependencies": {"next": "16.0.0", "drizzle-orm": "^0.44.0"},
        },
        "apps/web", "apps/web/package.json", ("package.json", "dist", "public", "next.config.mjs", "drizzle", "pages"),
    )  # fmt: skip
    command, _ = resolve_start(pkg)
    assert command is not None
    paths, why = runtime_paths(pkg, command)
    assert paths == ("dist", ".next", "public", "next.config.mjs", "drizzle") and "custom server" in why
    # a Nest backend that only depends on next (its build does not run next build) ships its dist
    backend = parse_manifest(
        {"name": "api", "scripts": {"build": "nest build", "start": "node dist/main.js"}, "dependencies": {"next": "16"}},
        "apps/api", "apps/api/package.json", ("package.json", "dist", "public"),
    )  # fmt: skip
    command, _ = resolve_start(backend)
    assert command is not None and runtime_paths(backend, command)[0] == ("dist",)
