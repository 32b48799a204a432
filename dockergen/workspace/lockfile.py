"""pnpm-lock.yaml headers, read line by line: lockfiles run to megabytes, we need a few keys."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from dockergen.errors import InputError

_TOP_KEY = re.compile(r"^([A-Za-z][\w-]*):\s*(.*?)\s*$")
# A two-space-indented key: quoted, or plain (a `:` inside it is not followed by a space, as in a
# local package's `greeter@file:vendor/greeter:`), and its value on the same line if any.
_CHILD_KEY = re.compile(r"^  ((?:'[^']*')|(?:\"[^\"]*\")|[^\s:](?:[^:]|:(?=\S))*?):(?:\s+(.*?))?\s*$")


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
    env_document: bool = False  # pnpm >= 11 wrote a first document (packageManager, config dependencies)
    env_pnpm: str | None = None  # the pnpm version that document records (packageManagerDependencies)
    overrides: bool = False  # it records `overrides:` (pnpm.overrides, or overrides in pnpm-workspace.yaml)
    # package name -> names it depends on (dependencies and optionalDependencies of every version;
    # `snapshots:` in format 9, `packages:` before)
    dependencies: tuple[tuple[str, frozenset[str]], ...] = ()

    def dependents(self, names: frozenset[str]) -> frozenset[str]:
        """Packages that depend on any of `names`."""
        return frozenset(pkg for pkg, deps in self.dependencies if deps & names)

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def setting(self, key: str) -> str | None:
        return dict(self.settings).get(key)


def parse_lockfile(text: str, path: str) -> Lockfile:
    """Parse the main document (the last one; pnpm 11+ puts an env document first)."""
    documents = _split_documents(text)
    main_start, main_lines = documents[-1]
    blocks = _top_level_blocks(main_lines)
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
        overrides=bool(_child_keys(blocks.get("overrides", ("", []))[1])),
        package_names=frozenset(_package_name(k) for k in _child_keys(blocks.get("packages", ("", []))[1])),
        dependencies=_dependencies(blocks.get("snapshots" if version.startswith("9") else "packages", ("", []))[1]),
        env_document=len(documents) > 1,
        env_pnpm=_recorded_pnpm(documents[0][1]) if len(documents) > 1 else None,
    )


_PM_DEPS = re.compile(r"^(\s+)packageManagerDependencies:\s*$")
_PNPM_ENTRY = re.compile(r"^(\s+)pnpm:\s*$")
_VERSION = re.compile(r"^\s+version:\s*['\"]?([^'\"\s]+)['\"]?\s*$")


def _recorded_pnpm(lines: list[str]) -> str | None:
    """`packageManagerDependencies: {pnpm: {version: X}}` of the env document's root importer."""
    state = 0  # 0: looking for packageManagerDependencies, 1: for its pnpm entry, 2: for the version
    for line in lines:
        if state == 0 and _PM_DEPS.match(line):
            state = 1
        elif state == 1 and _PNPM_ENTRY.match(line):
            state = 2
        elif state == 2 and (m := _VERSION.match(line)):
            return m.group(1)
    return None


_DEPS_FIELD = re.compile(r"^    (dependencies|optionalDependencies):\s*$")


def _dependencies(lines: list[str]) -> tuple[tuple[str, frozenset[str]], ...]:
    """Package name -> the names in its `dependencies`/`optionalDependencies` (4 and 6 spaces in)."""
    found: dict[str, set[str]] = {}
    current: set[str] | None = None
    in_deps = False
    for line in lines:
        if not line.startswith("    "):  # a package entry (2 spaces in)
            m = _CHILD_KEY.match(line)
            current = found.setdefault(_package_name(_unquote(m.group(1))), set()) if m else None
            in_deps = False
        elif not line.startswith("      "):  # one of its fields
            in_deps = bool(_DEPS_FIELD.match(line))
        elif in_deps and current is not None and (m := _CHILD_KEY.match(line[4:])):
            current.add(_unquote(m.group(1)))
    return tuple(sorted((name, frozenset(deps)) for name, deps in found.items() if deps))


def _split_documents(text: str) -> list[tuple[int, list[str]]]:
    docs: list[tuple[int, list[str]]] = [(0, [])]
    for number, line in enumerate(text.splitlines()):
        if line.rstrip() == "---":
            docs.append((number + 1, []))
        else:
            docs[-1][1].append(line)
    return [d for d in docs if any(line.strip() for line in d[1])] or [(0, [])]


def _top_level_blocks(lines: list[str]) -> dict[str, tuple[str, list[str]]]:
    """Top-level key -> (inline value, indented lines below it)."""
    blocks: dict[str, tuple[str, list[str]]] = {}
    current: list[str] | None = None
    for line in lines:
        m = _TOP_KEY.match(line)
        if m:
            current = []
            blocks[m.group(1)] = (m.group(2), current)
        elif current is not None and line.startswith("  "):
            current.append(line)
    return blocks


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
