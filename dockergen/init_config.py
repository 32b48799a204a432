"""`dockergen init`: pick deployable apps, say why, and write them into dockergen.yaml."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass

from dockergen import apps
from dockergen.config import parse_config
from dockergen.config_edit import NewTarget, add_targets
from dockergen.errors import InputError, UsageError
from dockergen.plan.start_command import start_command
from dockergen.repo import Repo
from dockergen.workspace.manifest import Package
from dockergen.workspace.scan import Workspace

HEALTH_PATHS = ("/health", "/healthz", "/api/health", "/healthcheck", "/ready", "/readyz", "/livez", "/ping")
SOURCE_SUFFIXES = (".ts", ".js", ".mjs", ".cjs", ".mts", ".cts", ".tsx", ".jsx")
SKIP_DIRS = frozenset({"node_modules", "dist", "build", "coverage", "test", "tests", "__tests__", ".git"})
MAX_SOURCE_FILES = 400


@dataclass(frozen=True, slots=True)
class Pick:
    """A package init adds as a target, and the sentence that explains why."""

    target: str
    package: str
    reason: str


def init_config(
    repo: Repo, ws: Workspace, existing: str | None, requested: tuple[str, ...]
) -> tuple[str, tuple[Pick, ...]]:
    """New dockergen.yaml text (existing comments kept) and what was added; nothing is written here."""
    taken = {t.package: t.name for t in parse_config(existing).targets} if existing else {}
    names = set(taken.values())
    packages = _requested(ws, requested) if requested else _detected(ws)
    picks: list[Pick] = []
    new: list[NewTarget] = []
    for pkg, reason in packages:
        if pkg.name in taken:
            picks.append(Pick(taken[pkg.name], pkg.name, "already in dockergen.yaml"))
            continue
        name = _target_name(pkg, names)
        names.add(name)
        new.append(_new_target(repo, ws, pkg, name))
        picks.append(Pick(name, pkg.name, reason))
    text = add_targets(existing, new) if new or existing is None else existing
    return text, tuple(picks)


def _requested(ws: Workspace, requested: tuple[str, ...]) -> list[tuple[Package, str]]:
    out = []
    for name in requested:
        pkg = ws.find(name)
        if pkg is None or pkg.dir == ".":
            close = difflib.get_close_matches(name, [p.name for p in ws.packages], n=1)
            raise UsageError(
                f"unknown --package {name!r}: no workspace package has that name",
                hint=f"did you mean {close[0]!r}?" if close else "pass the `name` from the app's package.json",
            )
        out.append((pkg, "named with --package"))
    return out


def _detected(ws: Workspace) -> list[tuple[Package, str]]:
    found = [c for c in (apps.deployable(p) for p in ws.packages) if c is not None]
    if not found:
        raise InputError(
            "no deployable app found (no member has a start script running node, or an HTTP framework with a main)",
            path="package.json",
            hint="name the app to ship: dockergen init --package <package name>",
        )
    return [(c.package, c.reason) for c in found]


def _target_name(pkg: Package, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9._-]+", "-", pkg.name.split("/")[-1].lower()).strip("-._") or "app"
    name = base
    if name in taken:
        name = re.sub(r"[^a-z0-9._-]+", "-", pkg.name.lower()).strip("-._")
    suffix = 2
    while name in taken:
        name = f"{base}-{suffix}"
        suffix += 1
    return name


def _new_target(repo: Repo, ws: Workspace, pkg: Package, name: str) -> NewTarget:
    port = apps.default_port(pkg)
    command = start_command(pkg)
    v = ws.versions
    notes = []
    if command is not None:
        notes.append(("command", f"{json.dumps(list(command.argv))}  # detected from the {command.source}"))
    notes += [
        ("node", f'"{v.node_version}"  # detected from {v.node_source}'),
        ("pnpm", f'"{v.pnpm_version}"  # detected from {v.pnpm_source}'),
        ("runtime", "slim  # default"),
    ]
    return NewTarget(
        name=name,
        package=pkg.name,
        port=port,
        health=find_health_path(repo, pkg) if port is not None else None,
        command=None,
        notes=tuple(notes),
    )


def find_health_path(repo: Repo, pkg: Package) -> str | None:
    """The first well-known health route that appears as a string literal in the app's sources."""
    alternatives = "|".join(re.escape(p) for p in HEALTH_PATHS)
    pattern = re.compile(rf"""["'`]({alternatives})["'`]""")
    seen: set[str] = set()
    for rel in _source_files(repo, pkg.dir):
        try:
            seen.update(m.group(1) for m in pattern.finditer(repo.read_text(rel)))
        except InputError:
            continue  # not UTF-8: not a source file worth reading
    return next((p for p in HEALTH_PATHS if p in seen), None)


def _source_files(repo: Repo, directory: str) -> list[str]:
    out: list[str] = []
    stack = [directory]
    while stack and len(out) < MAX_SOURCE_FILES:
        current = stack.pop()
        for entry in repo.list_dir(current):
            rel = entry.name if current == "." else f"{current}/{entry.name}"
            if entry.is_dir and not entry.is_symlink and entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                stack.append(rel)
            elif not entry.is_dir and entry.name.endswith(SOURCE_SUFFIXES) and ".test." not in entry.name:
                out.append(rel)
    return sorted(out)[:MAX_SOURCE_FILES]
