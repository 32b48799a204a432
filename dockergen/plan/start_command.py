"""How a package starts in production: its `start` script turned into an exec-form command."""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass

from dockergen.workspace.manifest import PROD_KINDS, Package

_ENV_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SHELL_OPERATORS = re.compile(r"&&|\|\||[;|&<>`]|\$\(")
TS_SOURCE = (".ts", ".tsx", ".mts", ".cts")
# Tools that only make sense while developing, or that are not node.
DEV_TOOLS = frozenset({
    "tsx", "ts-node", "ts-node-dev", "nodemon", "vite", "tsc", "tsgo", "webpack", "rollup", "esbuild",
    "pnpm", "npm", "yarn", "npx", "bun", "deno", "turbo", "expo", "react-scripts", "react-app-rewired",
    "docusaurus", "web-dev-server", "concurrently", "run-p", "run-s",
})  # fmt: skip
# bin name -> the package that provides it, where the two differ.
KNOWN_BINS = {"remix-serve": "@remix-run/serve", "react-router-serve": "@react-router/serve", "srvx": "srvx"}
_DEV_FLAGS = ("--watch", "--inspect", "--inspect-brk")


@dataclass(frozen=True, slots=True)
class StartCommand:
    """Exec-form argv relative to the package folder, where it came from, and what it needs."""

    argv: tuple[str, ...]
    source: str
    env: tuple[tuple[str, str], ...] = ()
    needs_shell: bool = False  # node_modules/.bin shims are /bin/sh scripts
    notes: tuple[str, ...] = ()

    @property
    def entry(self) -> str | None:
        """The script file node runs (first non-flag argument after `node`)."""
        if not self.argv or self.argv[0] != "node":
            return None
        return next((arg for arg in self.argv[1:] if not arg.startswith("-")), None)


def resolve_start(pkg: Package) -> tuple[StartCommand | None, str]:
    """The production start command, or None and the reason none was found."""
    reason = "it has no start script, main or bin"
    script = pkg.script("start")
    if script:
        command, reason = _from_script(script, pkg)
        if command is not None:
            return command, ""
        reason = f'its start script "{script}" {reason}'
    for field, value in (("main", pkg.main), ("bin", pkg.bin[0][1] if len(pkg.bin) == 1 else None)):
        normal = posixpath.normpath(value) if value else ""
        if normal.startswith(("/", "../")) or normal == "..":
            reason += f'; its "{field}" ({value}) points outside the package'
            continue
        if value and not value.endswith(TS_SOURCE):
            return StartCommand(("node", posixpath.normpath(value)), f'"{field}": "{value}"'), ""
        if value:
            reason += f'; its "{field}" is TypeScript source ({value})'
    return None, reason


def start_command(pkg: Package) -> StartCommand | None:
    """The production start command, or None."""
    return resolve_start(pkg)[0]


def _from_script(script: str, pkg: Package) -> tuple[StartCommand | None, str]:
    env: list[tuple[str, str]] = []
    words = _unwrap(_split(script), env)
    if words is None:
        return None, "chains several shell commands"
    if not words:
        return None, "runs nothing dockergen recognises"
    return _program(words, pkg, f'start script "{script}"', env)


def _unwrap(words: list[str] | None, env: list[tuple[str, str]]) -> list[str] | None:
    """Peel `VAR=x`, `cross-env`, `env`, `dotenv --` and `sh -c '...'` off a command (None: a
    shell construct dockergen cannot turn into exec form)."""
    while words is not None:
        words = _strip_env(words, env)
        if words[:1] in (["cross-env"], ["env"]):
            words = words[1:]
        elif words[:1] == ["dotenv"]:
            words = words[words.index("--") + 1 :] if "--" in words else []
        elif len(words) == 3 and words[0] in ("sh", "bash") and words[1] == "-c":
            words = _split(words[2])
        else:
            return words
    return None


def _program(
    words: list[str], pkg: Package, source: str, env: list[tuple[str, str]]
) -> tuple[StartCommand | None, str]:
    """The exec-form command for a plain program invocation: node, Nest's CLI, or a dependency's bin."""
    if words[0] == "node":
        return _node(words, pkg, source, env)
    if words[0] == "nest" and words[1:2] == ["start"] and _has_prod_dep(pkg, "@nestjs/core"):
        argv = ("node", "dist/main.js")
        return StartCommand(argv, f"{source}, Nest CLI's default output dist/main.js", tuple(env)), ""
    if words[0] in DEV_TOOLS or words[1:2] in (["dev"], ["--watch"]):
        return None, f"runs {words[0]}, a development tool"
    provider = _bin_provider(pkg, words[0])
    if provider is None:
        return None, f"runs {words[0]}, which no production dependency provides"
    shim = (f"node_modules/.bin/{words[0]}", *words[1:])
    return StartCommand(shim, f"{source}, the {words[0]} bin of {provider}", tuple(env), needs_shell=True), ""


def _node(words: list[str], pkg: Package, source: str, env: list[tuple[str, str]]) -> tuple[StartCommand | None, str]:
    args: list[str] = []
    notes: list[str] = []
    skip = False
    for word in words[1:]:
        if skip:
            skip = False
            continue
        if word.startswith("--env-file"):
            notes.append(f"dropped `{word}`: a container gets its environment from the runtime")
            skip = word in ("--env-file", "--env-file-if-exists")
            continue
        if word.split("=", 1)[0] in _DEV_FLAGS:
            return None, f"uses {word}, which is for development"
        args.append(word)
    entry = next((a for a in args if not a.startswith("-")), None)
    if entry is None:
        return None, "runs node without a script"
    if entry in (".", "./") and pkg.main:
        args[args.index(entry)] = posixpath.normpath(pkg.main)
    elif entry.endswith(TS_SOURCE):
        return None, f"runs TypeScript source ({entry}) directly"
    argv = ("node", *(a if a.startswith("-") else posixpath.normpath(a) for a in args))
    return StartCommand(argv, source, tuple(env), notes=tuple(notes)), ""


def _split(script: str) -> list[str] | None:
    if any(ch in script for ch in "\n\r"):  # a newline separates shell commands
        return None
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|<>")
        lexer.whitespace_split = True
        words = list(lexer)
    except ValueError:
        return None
    if any(_SHELL_OPERATORS.fullmatch(w) or w.startswith("$(") for w in words):
        return None
    return words


def _strip_env(words: list[str], env: list[tuple[str, str]]) -> list[str]:
    while words and _ENV_ASSIGN.match(words[0]):
        key, value = words[0].split("=", 1)
        env.append((key, value))
        words = words[1:]
    return words


def _has_prod_dep(pkg: Package, name: str) -> bool:
    return any(d.name == name for d in pkg.deps(PROD_KINDS))


def _bin_provider(pkg: Package, binary: str) -> str | None:
    names = [d.name for d in pkg.deps(PROD_KINDS)]
    for name in names:
        if name == binary or name.rsplit("/", 1)[-1] == binary or KNOWN_BINS.get(binary) == name:
            return name
    return None
