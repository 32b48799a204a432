"""Heuristics about a package: is it a deployable app, how does it start, what does it listen on."""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass

from dockergen.manifest import PROD_KINDS, Package

HTTP_FRAMEWORKS = (
    "express", "fastify", "hono", "@hono/node-server", "koa", "@nestjs/core", "@hapi/hapi",
    "restify", "polka", "h3", "elysia", "@trpc/server", "next", "nuxt", "@remix-run/serve",
    "@remix-run/express", "@react-router/serve", "@sveltejs/kit", "astro", "apollo-server",
    "@apollo/server", "graphql-yoga", "socket.io", "ws",
)  # fmt: skip
# Defaults of frameworks that ignore PORT or default to something else.
_FRAMEWORK_PORTS = {"next": 3000, "@nestjs/core": 3000, "nuxt": 3000, "astro": 4321}
_ENV_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PORT_FLAG = re.compile(r"(?:--port[= ]|-p[= ]?|PORT=)(\d{2,5})\b")


@dataclass(frozen=True, slots=True)
class StartCommand:
    """How to start a package: exec-form argv relative to the package folder, and where it came from."""

    argv: tuple[str, ...]
    source: str
    env: tuple[tuple[str, str], ...] = ()

    @property
    def entry(self) -> str | None:
        """The script file node runs (first non-flag argument after `node`)."""
        if not self.argv or self.argv[0] != "node":
            return None
        for arg in self.argv[1:]:
            if not arg.startswith("-"):
                return arg
        return None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member that looks deployable, with the reason shown to the user."""

    package: Package
    reason: str


def start_command(pkg: Package) -> StartCommand | None:
    """`start` script running node, else `main`, else a single `bin`; None when nothing starts it."""
    script = pkg.script("start")
    if script:
        parsed = _parse_node_script(script)
        if parsed is not None:
            argv, env = parsed
            return StartCommand(argv, f'start script "{script}"', env)
    if pkg.main:
        return StartCommand(("node", _norm(pkg.main)), f'"main": "{pkg.main}"')
    if len(pkg.bin) == 1:
        return StartCommand(("node", _norm(pkg.bin[0][1])), f'"bin": "{pkg.bin[0][1]}"')
    return None


def _parse_node_script(script: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | None:
    if any(op in script for op in ("&&", "||", ";", "|", "$(", "`", ">")):
        return None
    try:
        words = shlex.split(script)
    except ValueError:
        return None
    env: list[tuple[str, str]] = []
    while words and _ENV_ASSIGN.match(words[0]):
        key, value = words.pop(0).split("=", 1)
        env.append((key, value))
    if words[:1] == ["cross-env"]:
        words.pop(0)
        while words and _ENV_ASSIGN.match(words[0]):
            key, value = words.pop(0).split("=", 1)
            env.append((key, value))
    if not words or words[0] != "node" or len(words) < 2:
        return None
    argv = ["node"] + [w if w.startswith("-") else _norm(w) for w in words[1:]]
    return tuple(argv), tuple(env)


def _norm(path: str) -> str:
    return posixpath.normpath(path).removeprefix("./")


def http_frameworks(pkg: Package) -> tuple[str, ...]:
    names = {d.name for d in pkg.deps(PROD_KINDS)}
    return tuple(f for f in HTTP_FRAMEWORKS if f in names)


def default_port(pkg: Package) -> int | None:
    """A port stated in the start script, else 3000 for HTTP frameworks, else None (a worker)."""
    script = pkg.script("start") or ""
    m = _PORT_FLAG.search(script)
    if m:
        return int(m.group(1))
    frameworks = http_frameworks(pkg)
    if not frameworks:
        return None
    return _FRAMEWORK_PORTS.get(frameworks[0], 3000)


def deployable(pkg: Package) -> Candidate | None:
    """Why this member looks like an app to ship, or None for libraries and tooling."""
    if pkg.dir == ".":
        return None
    command = start_command(pkg)
    if command is None:
        return None
    frameworks = http_frameworks(pkg)
    if pkg.script("start") and command.source.startswith("start script"):
        return Candidate(pkg, f"it has a {command.source}")
    if frameworks:
        return Candidate(pkg, f"it depends on {frameworks[0]} and starts with {' '.join(command.argv)}")
    if pkg.private and pkg.bin:
        return Candidate(pkg, f"it is private and has a bin ({pkg.bin[0][1]})")
    return None


def runtime_paths(pkg: Package, command: StartCommand) -> tuple[tuple[str, ...], str]:
    """Package-relative paths the runtime image needs, and why: `files`, else the entry's folder."""
    if pkg.files:
        paths = sorted({_static_prefix(f) for f in pkg.files if not f.startswith("!")} - {""})
        if paths:
            return tuple(paths), '"files" in package.json'
    entry = command.entry
    if entry and "/" in entry:
        return (entry.split("/", 1)[0],), f"the folder of the entry point {entry}"
    return (), "the whole package (its entry point is at the package root)"


def _static_prefix(pattern: str) -> str:
    """`dist/**/*.js` -> `dist`; `lib` -> `lib`; `*.js` -> `` (cannot be copied statically)."""
    parts = []
    for part in _norm(pattern).split("/"):
        if any(ch in part for ch in "*?[{"):
            break
        parts.append(part)
    return "/".join(parts)
