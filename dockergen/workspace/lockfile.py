"""pnpm-lock.yaml headers, read line by line: lockfiles run to megabytes, we need a few keys."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from dockergen.errors import InputError

_TOP_KEY = re.compile(r"^([A-Za-z][\w-]*):\s*(.*?)\s*$")
_CHILD_KEY = re.compile(r"^  ((?:'[^']*')|(?:\"[^\"]*\")|[^\s:][^:]*?):(?:\s+(.*?))?\s*$")


@dataclass(frozen=True, slots=True)
class Lockfile:
    """What dockergen needs from the lockfile: its format, importers and recorded settings."""

    path: str
    version: str
    importers: tuple[str, ...]
    settings: tuple[tuple[str, str], ...]
    patched: tuple[str, ...]
    has_pnpmfile_checksum: bool
    package_names: frozenset[str] = frozenset()  # every package name in `packages:`

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def setting(self, key: str) -> str | None:
        return dict(self.settings).get(key)


def parse_lockfile(text: str, path: str) -> Lockfile:
    """Parse the main document (the last one; pnpm 11+ puts an env document first)."""
    main_start, blocks = _main_document(text)
    version = blocks.get("lockfileVersion", ("", []))[0].strip("'\"")
    if not version or not re.match(r"^\d+(\.\d+)?$", version):
        raise InputError(
            "lockfileVersion is missing or unreadable",
            path=path,
            line=main_start + 1,
            hint="regenerate the lockfile with `pnpm install`",
        )
    return Lockfile(
        path=path,
        version=version,
        importers=tuple(sorted(_child_keys(blocks.get("importers", ("", []))[1]))),
        settings=tuple(sorted(_child_items(blocks.get("settings", ("", []))[1]))),
        patched=tuple(sorted(_child_keys(blocks.get("patchedDependencies", ("", []))[1]))),
        has_pnpmfile_checksum="pnpmfileChecksum" in blocks,
        package_names=frozenset(_package_name(k) for k in _child_keys(blocks.get("packages", ("", []))[1])),
    )


Blocks = dict[str, tuple[str, list[str]]]  # top-level key -> (inline value, its child key lines)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _main_document(text: str) -> tuple[int, Blocks]:
    """(first line, blocks) of the last document with content, in one pass over the lines. Only
    the lines of child keys (two spaces, then a key) are kept: a lockfile is mostly deeper lines
    (each package's resolution and dependencies), which dockergen never needs."""
    main: tuple[int, Blocks] = (0, {})
    start, content = 0, False
    blocks: Blocks = {}
    current: list[str] | None = None
    for number, match in enumerate(_LINE.finditer(text)):
        line = match.group().rstrip("\r\n")
        if not match.group() and match.start() == len(text):
            break
        if line.rstrip() == "---":
            if content:
                main = (start, blocks)
            start, content, current = number + 1, False, None
            blocks = {}
            continue
        content = content or bool(line.strip())
        top = _TOP_KEY.match(line)
        if top:
            current = []
            blocks[top.group(1)] = (top.group(2), current)
        elif current is not None and line.startswith("  ") and not line.startswith("   "):
            current.append(line)
    return (start, blocks) if content else main


def _child_keys(lines: list[str]) -> list[str]:
    return [key for key, _ in _child_items(lines)]


def _child_items(lines: list[str]) -> list[tuple[str, str]]:
    items = []
    for line in lines:
        m = _CHILD_KEY.match(line)
        if m:
            items.append((_unquote(m.group(1)), _unquote(m.group(2) or "")))
    return items


def _unquote(text: str) -> str:
    """A YAML scalar as written on one line: 'single' ('' is a quote), "double" (JSON escapes), plain."""
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            return str(json.loads(text))
        except ValueError:
            return text[1:-1]
    return text


def _package_name(key: str) -> str:
    """`name@1.0.0`, `'@s/n@1.0.0(peer@2)'` (v9), `/name@1.0.0` (v6), `/name/1.0.0` (v5) -> the name."""
    key = key.lstrip("/").split("(", 1)[0]
    at = key.rfind("@")
    if at > 0:
        return key[:at]
    return key.rsplit("/", 1)[0] if key.count("/") > (1 if key.startswith("@") else 0) else key
