"""The workspace dependency graph: which specifiers point at members, closures, build order."""

from __future__ import annotations

import dataclasses
import posixpath
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from dockergen.errors import InputError
from dockergen.workspace import semver
from dockergen.workspace.manifest import Dependency, Package
from dockergen.workspace.pnpm_settings import Settings


@dataclass(frozen=True, slots=True)
class Link:
    """`source` depends on workspace member `target` through a dependency of `kind`."""

    source: str
    target: str
    kind: str
    spec: str


@dataclass(frozen=True, slots=True)
class LocalPath:
    """A `file:`/`link:` dependency on something that is not a member (a tarball, a folder)."""

    package: str
    path: str
    spec: str
    outside_root: bool


@dataclass(frozen=True, slots=True)
class Graph:
    """Links between members, local path dependencies, and warnings."""

    links: tuple[Link, ...]
    local_paths: tuple[LocalPath, ...]
    warnings: tuple[str, ...]


def build_graph(packages: tuple[Package, ...], settings: Settings, catalogs: dict[str, set[str]]) -> Graph:
    """Resolve every specifier that points into the workspace; unknown targets are errors."""
    named = by_name(packages)
    resolver = _Resolver(
        by_name=named,
        by_dir={p.dir: p for p in packages},
        link_plain=(settings.get("linkWorkspacePackages") or "false").lower() in ("true", "deep"),
        catalogs=catalogs,
    )
    links: list[Link] = []
    for pkg in packages:
        if pkg.name and named[pkg.name] is not pkg:
            continue  # a member pnpm never links (another has its name): nothing reaches it by name
        for dep in pkg.dependencies:
            target = resolver.resolve(dep, pkg)
            if target is not None and target != pkg.name:
                links.append(Link(pkg.name, target, dep.kind, dep.spec))
    return Graph(tuple(links), tuple(resolver.local), tuple(resolver.warnings))


def shared_names(root: Package, members: tuple[Package, ...]) -> tuple[Package, tuple[Package, ...]]:
    """pnpm accepts projects that share a name (`pnpm ls -r` lists each; `--filter=<name>` selects
    all of them, `--filter=./<folder>` one). Members that share a name are filtered by folder; a
    root named like a member is known by its folder only (a target naming it means the member,
    and a `workspace:` dependency on it links the member, as pnpm links it)."""
    counts = Counter(p.name for p in (root, *members) if p.name)
    if root.name and counts[root.name] > 1:
        root = dataclasses.replace(root, name="")
    shared = tuple(dataclasses.replace(p, name_shared=True) if counts[p.name] > 1 else p for p in members)
    return root, shared


def by_name(packages: Iterable[Package]) -> dict[str, Package]:
    """Each name's project as pnpm links it: where members share a name (pnpm accepts that), the
    highest version, then the last folder (a missing or unreadable version is the lowest)."""
    out: dict[str, Package] = {}
    for pkg in packages:
        current = out.get(pkg.name)
        if pkg.name and (current is None or _rank(pkg, current) >= 0):
            out[pkg.name] = pkg
    return out


def _rank(a: Package, b: Package) -> int:
    """> 0 when pnpm prefers `a` to `b` (two members with one name), < 0 when `b`, by version then folder."""
    va, vb = (semver.parse_exact(p.version or "", semver.WORKSPACE) for p in (a, b))
    if va is not None and vb is not None and semver.compare(va, vb) != 0:
        return semver.compare(va, vb)
    if (va is None) != (vb is None):
        return 1 if va is not None else -1
    return (a.dir > b.dir) - (a.dir < b.dir)


@dataclass(slots=True)
class _Resolver:
    """Which member (if any) a dependency specifier points at; local paths and warnings collect here."""

    by_name: dict[str, Package]
    by_dir: dict[str, Package]
    link_plain: bool
    catalogs: dict[str, set[str]]
    local: list[LocalPath] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def resolve(self, dep: Dependency, pkg: Package) -> str | None:
        protocol = dep.protocol
        if protocol == "workspace":
            return _workspace_target(dep, pkg, self.by_name, self.by_dir, self.warnings)
        if protocol in ("link", "file"):
            return self._local(dep, pkg)
        if protocol == "catalog":
            catalog = dep.spec.split(":", 1)[1] or "default"
            if dep.name not in self.catalogs.get(catalog, set()):
                self.warnings.append(
                    f"{pkg.manifest}: {dep.name} uses {dep.spec!r} but catalog {catalog!r} has no such entry"
                )
            return None
        if protocol == "range" and self.link_plain and dep.name in self.by_name and dep.kind != "peer":
            member = self.by_name[dep.name]
            if _pnpm_picks(member.version or "", dep.spec):
                return member.name
        return None

    def _local(self, dep: Dependency, pkg: Package) -> str | None:
        path = _join(pkg.dir, dep.spec.split(":", 1)[1])
        if path in self.by_dir:
            return self.by_dir[path].name or None
        self.local.append(LocalPath(pkg.name, path, dep.spec, path.startswith("..")))
        return None


def _workspace_target(
    dep: Dependency, pkg: Package, by_name: dict[str, Package], by_dir: dict[str, Package], warnings: list[str]
) -> str:
    body = dep.spec[len("workspace:") :]
    if body.startswith((".", "/")):
        path = _join(pkg.dir, body)
        if path not in by_dir:
            raise _no_member(dep, pkg, f"no member lives in {path!r}")
        return by_dir[path].name
    name, wanted = dep.name, body
    at = body.rfind("@")
    if at > 0:  # workspace:<alias>@<range>
        name, wanted = body[:at], body[at + 1 :]
    if name not in by_name:
        raise _no_member(dep, pkg, f"no workspace member is named {name!r}")
    checkable = wanted not in ("*", "^", "~", "") and semver.parse_range(wanted, semver.WORKSPACE) is not None
    if checkable and not _pnpm_picks(by_name[name].version or "0.0.0", wanted):
        warnings.append(
            f"{pkg.manifest}: {dep.name}@{dep.spec} does not match {name}@{by_name[name].version} in the workspace"
        )
    return name


def _pnpm_picks(member_version: str, wanted: str) -> bool:
    """Does pnpm take this member for a version or range? An exact version (read loosely, as
    version-selector-type does) must equal the member's version text once cleaned (`=v1.0.0` is
    `1.0.0`); a range must be satisfied as resolve-workspace-range checks it (loose), so a member
    whose version node-semver cannot read matches no range."""
    exact = semver.parse_exact(wanted, semver.WORKSPACE)
    if exact is not None:
        return member_version == exact.text
    version = semver.parse_exact(member_version, semver.WORKSPACE)
    return version is not None and semver.satisfies(version, wanted, semver.WORKSPACE)


def _no_member(dep: Dependency, pkg: Package, why: str) -> InputError:
    return InputError(
        f'dependency "{dep.name}": "{dep.spec}" points into the workspace but {why}',
        path=pkg.manifest,
        hint="add the package's folder to `packages:` in pnpm-workspace.yaml, or fix the specifier",
    )


def _join(base: str, rel: str) -> str:
    joined = posixpath.normpath(posixpath.join(base, rel))
    return "." if joined in ("", ".") else joined


def closure(links: Iterable[Link], start: str, kinds: frozenset[str]) -> set[str]:
    """Names reachable from `start` (included) following links of `kinds`."""
    out_edges: dict[str, list[str]] = {}
    for link in links:
        if link.kind in kinds:
            out_edges.setdefault(link.source, []).append(link.target)
    seen = {start}
    stack = [start]
    while stack:
        for target in out_edges.get(stack.pop(), []):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def topological(
    links: Iterable[Link], names: set[str], kinds: frozenset[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Dependencies before dependents, ties by name; cycles are broken deterministically.

    Returns (order, cycle warnings).
    """
    deps: dict[str, set[str]] = {n: set() for n in names}
    for link in links:
        if link.kind in kinds and link.source in names and link.target in names:
            deps[link.source].add(link.target)
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    warnings: set[str] = set()
    for start in sorted(names):
        if state.get(start):
            continue
        # Depth-first, iteratively: `path` holds the names being visited, `pending` their
        # not-yet-visited dependencies (sorted), so deep chains cannot exhaust the stack.
        path: list[str] = [start]
        position: dict[str, int] = {start: 0}
        pending: list[list[str]] = [sorted(deps[start], reverse=True)]
        state[start] = 1
        while path:
            if not pending[-1]:
                done = path.pop()
                pending.pop()
                del position[done]
                state[done] = 2
                order.append(done)
                continue
            dep = pending[-1].pop()
            if state.get(dep) == 2:
                continue
            if state.get(dep) == 1:
                warnings.add("dependency cycle: " + " -> ".join([*path[position[dep] :], dep]))
                continue
            state[dep] = 1
            position[dep] = len(path)
            path.append(dep)
            pending.append(sorted(deps[dep], reverse=True))
    return tuple(order), tuple(sorted(warnings))


def levels(links: Iterable[Link], order: tuple[str, ...], kinds: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    """Group a topological order into levels whose members do not depend on each other."""
    deps: dict[str, set[str]] = {n: set() for n in order}
    for link in links:
        if link.kind in kinds and link.source in deps and link.target in deps:
            deps[link.source].add(link.target)
    level: dict[str, int] = {}
    for name in order:  # cycle edges to not-yet-levelled names count as level 0
        level[name] = 1 + max((level.get(d, -1) for d in deps[name]), default=-1)
    buckets: dict[int, list[str]] = {}
    for name in order:
        buckets.setdefault(level[name], []).append(name)
    return tuple(tuple(sorted(buckets[lv])) for lv in sorted(buckets))
