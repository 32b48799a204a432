"""What a framework's own configuration says about its build output: Next.js's `output:
"standalone"` (and whether the tracing root is the workspace), Nest CLI's `nest-cli.json`.
next.config is read as tokens (js_source.py): what a comment or a string says does not count."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from dockergen.errors import InputError
from dockergen.repo import Repo
from dockergen.validate import control_chars
from dockergen.workspace.js_source import Window, key, literal, name, punct, read_source, windows
from dockergen.workspace.manifest import PROD_KINDS, Package

# HTTP servers and frameworks: a package depending on one serves HTTP.
HTTP_FRAMEWORKS = (
    "express", "fastify", "hono", "@hono/node-server", "koa", "@nestjs/core", "@hapi/hapi",
    "restify", "polka", "h3", "elysia", "@trpc/server", "next", "nuxt", "@remix-run/serve",
    "@remix-run/express", "@react-router/serve", "@sveltejs/kit", "astro", "apollo-server",
    "@apollo/server", "graphql-yoga", "socket.io", "ws", "@tanstack/react-start", "@tanstack/solid-start",
    "@tanstack/start", "@solidjs/start", "nitropack", "nitro",
)  # fmt: skip


def http_frameworks(pkg: Package) -> tuple[str, ...]:
    """The HTTP frameworks among the production dependencies (the root's it uses too), in
    HTTP_FRAMEWORKS order."""
    names = {d.name for d in pkg.deps_with_root(PROD_KINDS)}
    return tuple(f for f in HTTP_FRAMEWORKS if f in names)


NEXT_CONFIGS = ("next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs", "next.config.mts")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_SWITCH_VALUE = 64  # characters of the value an environment variable is compared to


@dataclass(frozen=True, slots=True)
class NextConfig:
    """A Next.js app's config file and what it sets."""

    dir: str
    file: str
    standalone: bool
    tracing_root: bool  # outputFileTracingRoot is set (to the workspace root, as monorepos need)
    standalone_env: tuple[str, str] | None = None  # (variable, value) that turns standalone on


@dataclass(frozen=True, slots=True)
class NestConfig:
    """nest-cli.json: where `nest build` starts and with which tsconfig."""

    dir: str
    source_root: str
    entry_file: str
    tsconfig: str


def next_configs(repo: Repo, packages: Iterable[Package]) -> tuple[NextConfig, ...]:
    out = []
    for pkg in packages:
        file = next((n for n in NEXT_CONFIGS if n in pkg.entries), None)
        if file is None:
            continue
        path = f"{pkg.dir}/{file}"
        text = read_source(repo, path) or ""
        standalone, tracing_root = standalone_and_tracing_root(text)
        switch = None if standalone else standalone_switch(text)
        out.append(NextConfig(pkg.dir, path, standalone, tracing_root, switch))
    return tuple(out)


def standalone_and_tracing_root(text: str) -> tuple[bool, bool]:
    """Whether an object literal in the code sets `output: "standalone"` (the literal alone, or
    with `as`/`satisfies` a type), and whether one sets `outputFileTracingRoot` (to anything)."""
    standalone = tracing_root = False
    for w in windows(text, 3):
        prop = key(w[1]) if punct(w[0], "{", ",") and punct(w[2], ":") else None
        whole = w[4] is None or punct(w[4], ",", "}", ")") or name(w[4], "as", "satisfies")
        standalone = standalone or (prop == "output" and literal(w[3]) == "standalone" and whole)
        tracing_root = tracing_root or prop == "outputFileTracingRoot"
    return standalone, tracing_root


def standalone_switch(text: str) -> tuple[str, str] | None:
    """The environment variable (and value) a next.config compares to turn standalone on, when
    it does so in one of the usual ways; None when it does not or dockergen cannot tell:
      output: process.env.SELF_HOST === "true" ? "standalone" : undefined
      const OUT = process.env.NEXT_OUTPUT ?? "classic"; ...(OUT === "standalone" ? {output: "standalone"} : {})
      output: process.env.NEXT_OUTPUT"""
    then: list[tuple[str, str]] = []  # process.env.VARIABLE === "value" ? "standalone"
    output: list[str] = []  # output: process.env.VARIABLE
    compared: list[str] = []  # NAME === "standalone"
    read: set[str] = set()  # process.env.NAME
    assigned: dict[str, str] = {}  # const NAME = process.env.VARIABLE
    for w in windows(text, 8):
        variable = _env_variable(w[1:])
        if variable is not None:
            read.add(variable)
            then.extend(_then_standalone(variable, w[6:]))
        output.extend(_output_from_env(w))
        compared.extend(_compared_to_standalone(w))
        assigned.update((k, v) for k, v in _assigned_from_env(w) if k not in assigned)
    if then or output:
        return then[0] if then else (output[0], "standalone")
    for compared_name in compared:
        if compared_name in read:
            return compared_name, "standalone"
        if compared_name in assigned:
            return assigned[compared_name], "standalone"
    return None


def _env_variable(w: Window) -> str | None:
    """VARIABLE when the window starts with `process.env.VARIABLE` (or `process.env?.VARIABLE`)."""
    if name(w[0], "process") and punct(w[1], ".") and name(w[2], "env") and punct(w[3], ".", "?."):
        return w[4].text if w[4] is not None and w[4].kind == "name" else None
    return None


def _then_standalone(variable: str, w: Window) -> list[tuple[str, str]]:
    """(variable, value) for `=== "value" ? "standalone"` after process.env.VARIABLE; a value the
    Dockerfile cannot set as it is (control characters, too long) is not one."""
    if not (punct(w[0], "==", "===") and punct(w[2], "?") and literal(w[3]) == "standalone"):
        return []
    value = w[1].text if w[1] is not None and w[1].kind == "string" else None
    if value is None or len(value) > MAX_SWITCH_VALUE or control_chars(value) or not _ENV_NAME.fullmatch(variable):
        return []
    return [(variable, value)]


def _output_from_env(w: Window) -> list[str]:
    """VARIABLE for the property `output: process.env.VARIABLE` (followed by `,` or `}`)."""
    if not (punct(w[0], "{", ",") and key(w[1]) == "output" and punct(w[2], ":")):
        return []
    variable = _env_variable(w[3:])
    end = w[8] if len(w) > 8 else None
    ok = variable is not None and (end is None or punct(end, ",", "}")) and _ENV_NAME.fullmatch(variable)
    return [variable] if ok and variable else []


def _compared_to_standalone(w: Window) -> list[str]:
    if w[1] is None or w[1].kind != "name" or not _ENV_NAME.fullmatch(w[1].text):
        return []
    return [w[1].text] if punct(w[2], "==", "===") and literal(w[3]) == "standalone" else []


def _assigned_from_env(w: Window) -> list[tuple[str, str]]:
    """(NAME, VARIABLE) for `const NAME = process.env.VARIABLE` (or let, var)."""
    if not (name(w[1], "const", "let", "var") and w[2] is not None and w[2].kind == "name" and punct(w[3], "=")):
        return []
    variable = _env_variable(w[4:])
    return [(w[2].text, variable)] if variable is not None and _ENV_NAME.fullmatch(variable) else []


def nest_configs(repo: Repo, packages: Iterable[Package]) -> tuple[NestConfig, ...]:
    out = []
    for pkg in packages:
        if "nest-cli.json" not in pkg.entries:
            continue
        path = f"{pkg.dir}/nest-cli.json"
        data = repo.read_jsonc(path) or {}
        options = data.get("compilerOptions") if isinstance(data.get("compilerOptions"), dict) else {}
        source_root = _plain(data.get("sourceRoot"), "src", path, "sourceRoot")
        entry = _plain(data.get("entryFile"), "main", path, "entryFile")
        tsconfig = _plain(options.get("tsConfigPath") if options else None, "tsconfig.build.json", path, "tsConfigPath")
        out.append(NestConfig(pkg.dir, source_root, entry, tsconfig))
    return tuple(out)


def _plain(value: object, default: str, path: str, field: str) -> str:
    """A relative path from nest-cli.json, normalized; the default when unset or outside the package."""
    if not isinstance(value, str) or not value.strip():
        return default
    reason = control_chars(value)
    if reason:  # it would end up in the image's start command
        raise InputError(f"{field} {reason}", path=path, hint=f"set {field} to a plain relative path")
    normal = posixpath.normpath(value.strip())
    return default if normal.startswith(("..", "/")) else normal
