"""`init`'s guess at an app's health route, from its sources: certain only when a route handler
registers a well-known path and nothing mounts routes under a prefix."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dockergen.errors import InputError
from dockergen.repo import Repo
from dockergen.workspace.manifest import PROD_KINDS, Package

HEALTH_PATHS = ("/health", "/healthz", "/api/health", "/healthcheck", "/ready", "/readyz", "/livez", "/ping")
SOURCE_SUFFIXES = (".ts", ".js", ".mjs", ".cjs", ".mts", ".cts", ".tsx", ".jsx")
SKIP_DIRS = frozenset({"node_modules", "dist", "build", "coverage", "test", "tests", "__tests__", ".git"})
MAX_SOURCE_FILES = 400
MAX_SOURCE_BYTES = 2**20  # a larger file is generated code, not where a route is registered
_ALTERNATIVES = "|".join(re.escape(p) for p in HEALTH_PATHS)
_LITERAL = re.compile(rf"""["'`]({_ALTERNATIVES})["'`]""")
# `.get("/health"`, `.route("/health"`, `.all("/health"`: a handler registered at that path.
_ROUTE = re.compile(rf"""\.(?:get|all|head|route)\(\s*["'`]({_ALTERNATIVES})["'`]""")
# Anything that mounts routes below a path: the literal path is then not the URL.
_PREFIX = re.compile(
    r"""setGlobalPrefix\(|basePath\s*[(:=]|\bprefix\s*:|\.use\(\s*["'`]/|\.route\(\s*["'`]/\w|\.register\([^)]{0,200}prefix"""
)


@dataclass(frozen=True, slots=True)
class HealthRoute:
    """A path found in `source`; `certain` when nothing suggests it is mounted elsewhere."""

    path: str
    source: str
    certain: bool
    doubt: str = ""


def find_health_route(repo: Repo, pkg: Package) -> HealthRoute | None:
    """The first well-known health path the app's sources name, and how sure that is."""
    found: dict[str, tuple[str, bool]] = {}
    prefixed = ""
    files, truncated = _walk(repo, pkg.dir)
    unread = f"only its first {MAX_SOURCE_FILES} source files were read" if truncated else ""
    for rel in files:
        try:
            text = repo.read_text(rel, limit=MAX_SOURCE_BYTES)
        except InputError:
            continue  # not UTF-8, or too large: not a source file worth reading
        registered = {m.group(1) for m in _ROUTE.finditer(text)}
        for m in _LITERAL.finditer(text):
            path = m.group(1)
            if path not in found or (path in registered and not found[path][1]):
                found[path] = (rel, path in registered)
        if not prefixed and _PREFIX.search(text):
            prefixed = rel
    path = next((p for p in HEALTH_PATHS if p in found), None)
    if path is None:
        return None
    source, routed = found[path]
    doubt = _doubt(pkg, routed, prefixed) or unread
    return HealthRoute(path, source, not doubt, doubt)


def _doubt(pkg: Package, routed: bool, prefixed: str) -> str:
    if any(d.name == "@nestjs/core" for d in pkg.deps_with_root(PROD_KINDS)):
        return "a Nest app composes routes from controllers and global prefixes"
    if prefixed:
        return f"{prefixed} mounts routes under a prefix"
    if not routed:
        return "the path appears as text, not as a registered route"
    return ""


def source_files(repo: Repo, directory: str) -> list[str]:
    """The package's source files (not tests, dependencies or build output), at most MAX_SOURCE_FILES."""
    return _walk(repo, directory)[0]


def _walk(repo: Repo, directory: str) -> tuple[list[str], bool]:
    """The package's source files, at most MAX_SOURCE_FILES, and whether there were more."""
    out: list[str] = []
    stack = [directory]
    while stack and len(out) <= MAX_SOURCE_FILES:
        current = stack.pop()
        for entry in repo.list_dir(current):
            rel = entry.name if current == "." else f"{current}/{entry.name}"
            if entry.is_dir and not entry.is_symlink and entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                stack.append(rel)
            elif not entry.is_dir and entry.name.endswith(SOURCE_SUFFIXES) and ".test." not in entry.name:
                out.append(rel)
    return sorted(out)[:MAX_SOURCE_FILES], len(out) > MAX_SOURCE_FILES or bool(stack)
