"""What a framework's own configuration says about its build output: Next.js's `output:
"standalone"` (and whether the tracing root is the workspace), Nest CLI's `nest-cli.json`."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from dockergen.errors import InputError
from dockergen.repo import Repo
from dockergen.workspace.manifest import Package

NEXT_CONFIGS = ("next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs", "next.config.mts")
_STANDALONE = re.compile(r"""\boutput\s*:\s*["'`]standalone["'`]""")
_TRACING_ROOT = re.compile(r"\boutputFileTracingRoot\s*:")
# Standalone behind an environment variable, the usual ways:
#   output: process.env.SELF_HOST === "true" ? "standalone" : undefined
#   const OUT = process.env.NEXT_OUTPUT ?? "classic"; ...(OUT === "standalone" ? {output: "standalone"} : {})
#   output: process.env.NEXT_OUTPUT
_ENV = r"process\.env\??\.([A-Za-z_][A-Za-z0-9_]*)"
_ENV_EQUALS_THEN = re.compile(_ENV + r"""\s*===?\s*(["'])([^"'\n]{0,64})\2\s*\?\s*["'`]standalone["'`]""")
_NAME_EQUALS_STANDALONE = re.compile(r"""\b([A-Za-z_][A-Za-z0-9_]*)\s*===?\s*["'`]standalone["'`]""")
_OUTPUT_FROM_ENV = re.compile(r"\boutput\s*:\s*" + _ENV + r"\s*[,}\n]")


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
        name = next((n for n in NEXT_CONFIGS if n in pkg.entries), None)
        if name is None:
            continue
        path = f"{pkg.dir}/{name}"
        text = _text(repo, path)
        standalone = bool(_STANDALONE.search(text))
        switch = None if standalone else standalone_switch(text)
        out.append(NextConfig(pkg.dir, path, standalone, bool(_TRACING_ROOT.search(text)), switch))
    return tuple(out)


def standalone_switch(text: str) -> tuple[str, str] | None:
    """The environment variable (and value) a next.config compares to turn standalone on, when
    it does so in one of the usual ways; None when it does not or dockergen cannot tell."""
    found = _ENV_EQUALS_THEN.search(text)
    if found:
        return found.group(1), found.group(3)
    found = _OUTPUT_FROM_ENV.search(text)
    if found:
        return found.group(1), "standalone"
    for match in _NAME_EQUALS_STANDALONE.finditer(text):
        name = match.group(1)
        if re.search(_ENV.replace("([A-Za-z_][A-Za-z0-9_]*)", re.escape(name)) + r"\b", text):
            return name, "standalone"
        source = re.search(rf"\b(?:const|let|var)\s+{re.escape(name)}\s*=\s*{_ENV}", text)
        if source:
            return source.group(1), "standalone"
    return None


def nest_configs(repo: Repo, packages: Iterable[Package]) -> tuple[NestConfig, ...]:
    out = []
    for pkg in packages:
        if "nest-cli.json" not in pkg.entries:
            continue
        data = repo.read_jsonc(f"{pkg.dir}/nest-cli.json")
        data = data if isinstance(data, dict) else {}
        options = data.get("compilerOptions") if isinstance(data.get("compilerOptions"), dict) else {}
        source_root = _plain(data.get("sourceRoot"), "src")
        entry = _plain(data.get("entryFile"), "main")
        tsconfig = _plain(options.get("tsConfigPath") if options else None, "tsconfig.build.json")
        out.append(NestConfig(pkg.dir, source_root, entry, tsconfig))
    return tuple(out)


def _plain(value: object, default: str) -> str:
    if not isinstance(value, str) or not value.strip():
        return default
    normal = posixpath.normpath(value.strip())
    return default if normal.startswith(("..", "/")) else normal


def _text(repo: Repo, path: str) -> str:
    try:
        return repo.read_text(path)
    except InputError:  # a config we cannot read is one we know nothing about
        return ""
