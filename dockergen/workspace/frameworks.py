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


@dataclass(frozen=True, slots=True)
class NextConfig:
    """A Next.js app's config file and what it sets."""

    dir: str
    file: str
    standalone: bool
    tracing_root: bool  # outputFileTracingRoot is set (to the workspace root, as monorepos need)


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
        out.append(NextConfig(pkg.dir, path, bool(_STANDALONE.search(text)), bool(_TRACING_ROOT.search(text))))
    return tuple(out)


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
