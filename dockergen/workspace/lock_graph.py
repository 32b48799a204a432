"""The part of pnpm-lock.yaml that one target installs: its importers (the app, the workspace
members it builds with, the root), every package they reach, and the lockfile's other keys
(settings, overrides, catalogs...). Two lockfiles that agree on this part resolve the same
packages for the target, so `affected` reads a lockfile change through it: a dependency bump of
one app alters that app, a bump elsewhere (or a reformatted lockfile) none."""

from __future__ import annotations

from typing import Any

from dockergen.errors import InputError
from dockergen.repo import parse_yaml

_GRAPH = ("importers", "packages", "snapshots")
_DEPENDENCY_KEYS = ("dependencies", "devDependencies", "optionalDependencies")


def parse(text: str, path: str) -> dict[str, Any] | None:
    """The lockfile's main document (pnpm 11 writes an env document first), or None if unreadable."""
    documents = [[]]  # type: list[list[str]]
    for line in text.splitlines():
        if line.rstrip() == "---":
            documents.append([])
        else:
            documents[-1].append(line)
    try:
        data = parse_yaml("\n".join(documents[-1]), path, positions=False)
    except InputError:
        return None
    return data if isinstance(data, dict) else None


def installed_part(doc: dict[str, Any], importers: tuple[str, ...]) -> dict[str, Any] | None:
    """What the importers install, as comparable data; None when the lockfile has a shape this
    reader does not know (no `importers:`, a reference it cannot resolve): then any change counts."""
    found = doc.get("importers")
    if not isinstance(found, dict):
        return None
    packages, snapshots = doc.get("packages") or {}, doc.get("snapshots") or {}
    if not isinstance(packages, dict) or not isinstance(snapshots, dict):
        return None
    part: dict[str, Any] = {"header": {k: v for k, v in doc.items() if k not in _GRAPH}, "packages": {}}
    part["importers"] = {i: found.get(i) for i in sorted(importers)}
    stack = [ref for i in importers for ref in _references(found.get(i))]
    while stack:
        name, version = stack.pop()
        key = next((k for k in _keys(name, version) if k in snapshots or k in packages), None)
        if key is None:
            return None
        if key in part["packages"]:
            continue
        node = snapshots.get(key) if key in snapshots else packages.get(key)
        part["packages"][key] = (packages.get(_without_peers(key)), snapshots.get(key), packages.get(key))
        stack += _references(node)
    return part


def _references(node: Any) -> list[tuple[str, str]]:
    """(name, version) of every dependency a node lists; workspace links are importers of their own."""
    if not isinstance(node, dict):
        return []
    out = []
    for kind in _DEPENDENCY_KEYS:
        for name, value in (node.get(kind) or {}).items():
            version = value.get("version") if isinstance(value, dict) else value
            if isinstance(version, str) and not version.startswith("link:"):
                out.append((str(name), version))
    return out


def _keys(name: str, version: str) -> tuple[str, ...]:
    """Where the lockfile formats keep a resolved package: an alias or absolute key as written,
    `name@version` (v9), `/name@version` (v6), `/name/version` (v5)."""
    return (version, f"/{version}", f"{name}@{version}", f"/{name}@{version}", f"/{name}/{version}")


def _without_peers(key: str) -> str:
    """v9 keeps metadata under the key without its peer suffix: `a@1.0.0(react@18.2.0)` -> `a@1.0.0`."""
    cut = key.find("(", 1)
    return key if cut < 0 else key[:cut]
