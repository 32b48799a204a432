"""Which files of the app the runtime image needs: package.json "files", a framework's layout, or
the folders its start command names."""

from __future__ import annotations

import posixpath
import re

from dockergen.plan.start_command import StartCommand
from dockergen.workspace.manifest import PROD_KINDS, Package

HTTP_FRAMEWORKS = (
    "express", "fastify", "hono", "@hono/node-server", "koa", "@nestjs/core", "@hapi/hapi",
    "restify", "polka", "h3", "elysia", "@trpc/server", "next", "nuxt", "@remix-run/serve",
    "@remix-run/express", "@react-router/serve", "@sveltejs/kit", "astro", "apollo-server",
    "@apollo/server", "graphql-yoga", "socket.io", "ws",
)  # fmt: skip
# Framework apps whose runtime files are not named by "files": (build output, sources needed at run time).
FRAMEWORK_FILES = {
    "next": ((".next",), ("public", "next.config.js", "next.config.mjs", "next.config.cjs", "next.config.ts")),
    "@remix-run/serve": (("build",), ("public",)),
    "@react-router/serve": (("build",), ("public",)),
    "nuxt": ((".output",), ()),
}


def http_frameworks(pkg: Package) -> tuple[str, ...]:
    """The HTTP frameworks among the production dependencies, in HTTP_FRAMEWORKS order."""
    names = {d.name for d in pkg.deps(PROD_KINDS)}
    return tuple(f for f in HTTP_FRAMEWORKS if f in names)


def runtime_paths(pkg: Package, command: StartCommand) -> tuple[tuple[str, ...], str]:
    """Package-relative paths the runtime image needs, and why: `files`, a framework's layout,
    else the entry point's folder; () means the whole package."""
    if pkg.files:
        paths = sorted({_static_prefix(f) for f in pkg.files if not f.startswith("!")} - {""})
        paths = [p for p in paths if not _missing_document(pkg, p)]
        if paths:
            return tuple(paths), '"files" in package.json'
    folders = _argument_folders(command)
    for framework in http_frameworks(pkg):
        # a framework's layout when its server runs the app, not when it is only a dependency
        # of a server that `node dist/main.js` starts (a Nest backend serving a Next app)
        if framework in FRAMEWORK_FILES and not (folders and command.entry and not command.bin_package):
            outputs, sources = FRAMEWORK_FILES[framework]
            found = [s for s in sources if s in pkg.entries]
            return (*outputs, *found), f"the usual layout of a {framework} app"
    if folders:
        return folders, f"the folders named by the start command ({' '.join(command.argv)})"
    return (), "the whole package (its entry point is at the package root)"


def _argument_folders(command: StartCommand) -> tuple[str, ...]:
    """Top folders of the relative paths a command names (`node dist/x.js`, `serve -s build/client`)."""
    found: list[str] = []
    for arg in command.argv[1:]:
        value = arg.split("=", 1)[1] if arg.startswith("-") and "=" in arg else arg
        path = posixpath.normpath(value)
        if value.startswith("-") or "/" not in path or path.startswith(("..", "/", "node_modules/")):
            continue
        if path.split("/", 1)[0] not in found:
            found.append(path.split("/", 1)[0])
    return tuple(found)


_DOCUMENTS = re.compile(r"^(readme|changelog|license|licence|notice|authors|history)(\.|$)|\.(md|txt)$", re.I)


def _missing_document(pkg: Package, path: str) -> bool:
    """A README/CHANGELOG/LICENSE that "files" lists but the package does not have: npm skips it,
    a COPY would fail (build outputs are not in the folder either, but they are not documents)."""
    return "/" not in path and path not in pkg.entries and bool(_DOCUMENTS.search(path))


def _static_prefix(pattern: str) -> str:
    """`dist/**/*.js` -> `dist`; `lib` -> `lib`; `*.js` -> `` (cannot be copied statically)."""
    parts = []
    for part in posixpath.normpath(pattern).split("/"):
        if any(ch in part for ch in "*?[{"):
            break
        parts.append(part)
    return "/".join(parts)
