"""Members that build or start like apps but are not services to ship: browser extensions (a
web-extension manifest, an extension build tool) and command-line tools without a `bin` (an
argument parser or prompt library and no HTTP framework or job queue, a `cli` name or entry, a
Nest application that runs a command). `init` lists them as skipped, with the evidence."""

from __future__ import annotations

import posixpath
import re

from dockergen.errors import InputError
from dockergen.repo import Repo
from dockergen.workspace.frameworks import http_frameworks
from dockergen.workspace.manifest import PROD_KINDS, Package
from dockergen.workspace.start_command import StartCommand
from dockergen.workspace.tsconfig import BuildInfo

# Where web-extension manifests live: the package folder, or the folders bundlers copy from.
MANIFESTS = ("manifest.json", "public/manifest.json", "src/manifest.json", "static/manifest.json")
_MANIFEST_VERSION = re.compile(r'"manifest_version"\s*:')  # a web app manifest (PWA) has none
EXTENSION_TOOLS = (
    "wxt", "plasmo", "@crxjs/vite-plugin", "vite-plugin-web-extension", "@samrum/vite-plugin-web-extension",
    "web-ext", "webextension-polyfill", "vite-plugin-chrome-extension", "@bedframe/cli",
)  # fmt: skip
# Argument parsers and prompt libraries: what a command-line tool is built on.
CLI_LIBRARIES = (
    "commander", "yargs", "cac", "citty", "meow", "clipanion", "@oclif/core", "oclif", "sade",
    "@drizzle-team/brocli", "cleye", "gunshi", "@effect/cli", "nest-commander", "nestjs-command",
    "inquirer", "@inquirer/prompts", "prompts", "enquirer", "@clack/prompts",
)  # fmt: skip
# Job queues and workflow engines: a long-running worker may parse arguments too.
WORKER_LIBRARIES = (
    "bullmq", "bull", "bee-queue", "agenda", "pg-boss", "graphile-worker", "@temporalio/worker",
    "kafkajs", "amqplib", "@google-cloud/pubsub", "@aws-sdk/client-sqs", "node-cron", "cron", "croner",
)  # fmt: skip
_CLI_NAME = re.compile(r"(^|[/-])(cli|cmd|commands?)$")
_CLI_ENTRY = re.compile(r"(^|/)(cli|bin)(/|\.[cm]?[jt]s$)")
# A Nest entry that runs a command (nest-commander, nestjs-command) and exits.
_NEST_COMMAND = re.compile(r"\bCommandFactory\.run(?:WithoutClosing)?\(|\bCommandService\b")
_NEST_CONTEXT = re.compile(r"\bNestFactory\.createApplicationContext\(")
_LISTENS = re.compile(r"\.listen\(|\bNestFactory\.create\(|\.connectMicroservice\(|createMicroservice\(")
MAX_READ = 1 << 20  # bytes: larger files are not read for these signals


def browser_extension(repo: Repo, pkg: Package) -> str | None:
    """Why the member is a browser extension (to load into a browser, not to serve), or None."""
    for rel in MANIFESTS:
        text = _text(repo, f"{pkg.dir}/{rel}")
        if text is not None and _MANIFEST_VERSION.search(text):
            return f"a browser extension ({rel} has manifest_version)"
    tool = next((d.name for d in (*pkg.dependencies, *pkg.root_dependencies) if d.name in EXTENSION_TOOLS), None)
    return f"a browser extension (built with {tool})" if tool else None


def command_line_tool(repo: Repo, pkg: Package, command: StartCommand | None, info: BuildInfo) -> str | None:
    """Why the member is a command-line tool without a `bin`, or None: it runs a command and exits."""
    nest = nest_entry_kind(repo, pkg, info)
    if nest == "command":
        return "a command-line tool (its Nest entry runs a command: nest-commander or nestjs-command)"
    deps = {d.name for d in pkg.deps_with_root(PROD_KINDS)}
    library = next((name for name in CLI_LIBRARIES if name in deps), None)
    servers = [f for f in http_frameworks(pkg) if f != "ws" or not library]  # ws: a CLI's websocket client, too
    if nest is not None or servers or deps & set(WORKER_LIBRARIES):
        return None
    strong = [f"depends on {library}"] if library else []
    if re.search(r"(^|[/-])cli$", pkg.name):
        strong.append(f"named {pkg.name}")
    weak = [f"in {pkg.dir}/"] if _CLI_NAME.search(posixpath.basename(pkg.dir)) else []
    entry = _entry(command)
    if entry and _CLI_ENTRY.search(entry):
        weak.append(f"its entry is {entry}")
    if not strong and len(weak) < 2:
        return None  # a folder or an entry name alone is not enough: a worker may live in `jobs-cli/`
    signs = strong + weak
    return f"a command-line tool without a bin ({', '.join(signs)}; no HTTP framework or job queue)"


def nest_entry_kind(repo: Repo, pkg: Package, info: BuildInfo) -> str | None:
    """For a Nest app, what its entry file does: "command" (runs a CLI command), "context" (an
    application context that listens nowhere: a worker), "http"; None when not a Nest app or unread."""
    if "nest-cli.json" not in pkg.entries and all(d.name != "@nestjs/core" for d in pkg.deps_with_root(PROD_KINDS)):
        return None
    text = _text(repo, f"{pkg.dir}/{info.nest_source_root}/{info.nest_entry_file}.ts")
    if text is None:
        return None
    if _NEST_COMMAND.search(text):
        return "command"
    if _NEST_CONTEXT.search(text) and not _LISTENS.search(text):
        return "context"
    return "http"


def _entry(command: StartCommand | None) -> str | None:
    if command is None:
        return None
    return command.entry or next((w for w in command.argv[1:] if not w.startswith("-")), None)


def _text(repo: Repo, rel: str) -> str | None:
    """A small regular file's text, or None (missing, too large, not UTF-8, not a regular file)."""
    if repo.kind(rel) != "file" or repo.size(rel) > MAX_READ:
        return None
    try:
        return repo.read_text(rel)
    except InputError:
        return None
