"""Heuristics about a package: is it a deployable app, how does it start, what does it listen on."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from dockergen.manifest import PROD_KINDS, Package
from dockergen.startcmd import StartCommand, start_command

HTTP_FRAMEWORKS = (
    "express", "fastify", "hono", "@hono/node-server", "koa", "@nestjs/core", "@hapi/hapi",
    "restify", "polka", "h3", "elysia", "@trpc/server", "next", "nuxt", "@remix-run/serve",
    "@remix-run/express", "@react-router/serve", "@sveltejs/kit", "astro", "apollo-server",
    "@apollo/server", "graphql-yoga", "socket.io", "ws",
)  # fmt: skip
# Defaults of frameworks that ignore PORT or default to something else.
_FRAMEWORK_PORTS = {"next": 3000, "@nestjs/core": 3000, "nuxt": 3000, "astro": 4321}
_PORT_FLAG = re.compile(r"(?:--port[= ]|-p[= ]?|-l |PORT=)(\d{2,5})\b")
# Framework apps whose runtime files are not named by "files": (build output, sources needed at run time).
FRAMEWORK_FILES = {
    "next": ((".next",), ("public", "next.config.js", "next.config.mjs", "next.config.cjs", "next.config.ts")),
    "@remix-run/serve": (("build",), ("public",)),
    "@react-router/serve": (("build",), ("public",)),
    "nuxt": ((".output",), ()),
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member that looks deployable, with the reason shown to the user."""

    package: Package
    reason: str


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
    if command.source.startswith("start script"):
        return Candidate(pkg, f"it has a {command.source}")
    if frameworks:
        return Candidate(pkg, f"it depends on {frameworks[0]} and starts with {' '.join(command.argv)}")
    return None


def runtime_paths(pkg: Package, command: StartCommand) -> tuple[tuple[str, ...], str]:
    """Package-relative paths the runtime image needs, and why: `files`, a framework's layout,
    else the entry point's folder; () means the whole package."""
    if pkg.files:
        paths = sorted({_static_prefix(f) for f in pkg.files if not f.startswith("!")} - {""})
        if paths:
            return tuple(paths), '"files" in package.json'
    for framework in http_frameworks(pkg):
        if framework in FRAMEWORK_FILES:
            outputs, sources = FRAMEWORK_FILES[framework]
            found = [s for s in sources if s in pkg.entries]
            return (*outputs, *found), f"the usual layout of a {framework} app"
    folders = _argument_folders(command)
    if folders:
        return folders, f"the folders named by the start command ({' '.join(command.argv)})"
    return (), "the whole package (its entry point is at the package root)"


def _argument_folders(command: StartCommand) -> tuple[str, ...]:
    """Top folders of the relative paths a command names (`node dist/x.js`, `serve -s build/client`)."""
    found: list[str] = []
    for arg in command.argv[1:]:
        value = arg.split("=", 1)[1] if arg.startswith("-") and "=" in arg else arg
        path = posixpath.normpath(value)
        if value.startswith("-") or "/" not in path or path.startswith(("..", "/")):
            continue
        if path.split("/", 1)[0] not in found:
            found.append(path.split("/", 1)[0])
    return tuple(found)


def _static_prefix(pattern: str) -> str:
    """`dist/**/*.js` -> `dist`; `lib` -> `lib`; `*.js` -> `` (cannot be copied statically)."""
    parts = []
    for part in posixpath.normpath(pattern).split("/"):
        if any(ch in part for ch in "*?[{"):
            break
        parts.append(part)
    return "/".join(parts)
