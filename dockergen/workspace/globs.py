"""Workspace membership as pnpm 10 computes it from the `packages:` globs of pnpm-workspace.yaml.

pnpm globs `<glob>/package.{json,yaml,json5}` with tinyglobby (picomatch inside, `dot: false`,
symbolic links followed, `**/node_modules/**` and `**/bower_components/**` ignored) and always
adds the root. The walk enters the folders tinyglobby enters: those whose names match a glob's
leading names one by one, or everything below a leading `**` that matched (so `**/.x` misses a
top-level `.x`, as pnpm does); not those an ignore glob matches, nor a symbolic link leading
where a linked folder above it leads (fdir's loop rule: a link back up is followed once). A
manifest there makes a member when a glob matches its whole path and no ignore glob does.

One deliberate difference: the walk never enters node_modules or bower_components, where pnpm,
whose ignore globs cannot see past a dot folder, enters them below one a glob names
(`.config/**` reaches `.config/node_modules/x`). Each folder reads one name per glob state set,
each glob read is bounded (glob_match.MAX_STEPS), and at most MAX_FOLDERS folders are visited.
"""

from __future__ import annotations

from dataclasses import dataclass

from dockergen.errors import InputError
from dockergen.repo import DirEntry, Repo
from dockergen.workspace.glob_nodes import GlobSyntaxError
from dockergen.workspace.glob_patterns import Globs, Pattern, compile_globs

MANIFEST_NAMES = ("package.json", "package.yaml", "package.json5")
NEVER_DESCEND = frozenset({"node_modules", "bower_components"})
MAX_FOLDERS = 200_000
_DEAD, _PREFIX, _ALL = 0, 1, 2  # tinyglobby's crawl test for one glob: no, so far yes, yes from here down


@dataclass(frozen=True, slots=True)
class MemberSearch:
    """Folders holding a member manifest (root first), plus what the walk had to skip."""

    dirs: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Folder:
    parts: tuple[str, ...]
    crawl: tuple[int, ...]  # per match glob: _DEAD, _PREFIX or _ALL
    states: tuple[frozenset[int], ...]  # per glob (match globs, then ignore globs): after reading the path
    links: tuple[str, ...]  # where the linked folders above it (below the crawl root) lead

    @property
    def rel(self) -> str:
        return "/".join(self.parts) or "."


def find_members(repo: Repo, raw_patterns: list[str]) -> MemberSearch:
    """Walk only the folders pnpm would; return member folders sorted, the root first."""
    try:
        globs = compile_globs(raw_patterns)
    except GlobSyntaxError as exc:
        raise InputError(exc.message, path="pnpm-workspace.yaml", hint=exc.hint) from None
    try:
        found, warnings = _walk(repo, globs)
    except GlobSyntaxError as exc:  # a glob too costly to read one name with
        raise InputError(f"a `packages:` glob {exc.message}", path="pnpm-workspace.yaml", hint=exc.hint) from None
    dirs = sorted(set(found) - {"."})
    return MemberSearch((".", *dirs), (*globs.warnings, *warnings))


def _walk(repo: Repo, globs: Globs) -> tuple[list[str], list[str]]:
    """Depth-first over the folders tinyglobby crawls (iterative: any depth)."""
    patterns = (*globs.match, *globs.ignore)
    start = tuple(p.full.start if p.full else frozenset() for p in patterns)
    stack = [_Folder((), (_PREFIX,) * len(globs.match), start, ())]
    found: list[str] = []
    warnings: list[str] = []
    visited = 0
    while stack:
        folder = stack.pop()
        visited += 1
        if visited > MAX_FOLDERS:
            warnings.append(f"pnpm-workspace.yaml: stopped looking for members after {MAX_FOLDERS} folders")
            break
        entries, skipped = repo.scan_dir(folder.rel)
        if skipped:
            warnings.append(f"{folder.rel}: skipped {skipped} file name(s) that are not valid UTF-8")
        if _holds_manifest(repo, folder, entries, globs):
            found.append(folder.rel)
        children = [e for e in entries if e.is_dir and e.name not in NEVER_DESCEND]
        for entry in reversed(children):
            child = _child(repo, folder, entry, globs, warnings)
            if child is not None:
                stack.append(child)
    return found, warnings


def _holds_manifest(repo: Repo, folder: _Folder, entries: list[DirEntry], globs: Globs) -> bool:
    for entry in entries:
        if entry.is_dir or entry.name not in MANIFEST_NAMES:
            continue
        if _matches(folder, entry.name, globs) and repo.kind(f"{folder.rel}/{entry.name}") == "file":
            return True
    return False


def _matches(folder: _Folder, name: str, globs: Globs) -> bool:
    """Does a match glob, and no ignore glob, match the folder's path plus this name?"""
    count = len(globs.match)
    hits = [_accepts(p, s, name) for p, s in zip((*globs.match, *globs.ignore), folder.states, strict=True)]
    return any(hits[:count]) and not any(hits[count:])


def _child(repo: Repo, folder: _Folder, entry: DirEntry, globs: Globs, warnings: list[str]) -> _Folder | None:
    """The child folder with its states, or None when tinyglobby would not crawl it."""
    depth = len(folder.parts)
    crawl = tuple(_crawl_step(p, c, entry.name, depth) for p, c in zip(globs.match, folder.crawl, strict=True))
    if all(c == _DEAD for c in crawl):
        return None
    patterns = (*globs.match, *globs.ignore)
    ignore_states = folder.states[len(globs.match) :]
    if any(_accepts(p, s, entry.name) for p, s in zip(globs.ignore, ignore_states, strict=True)):
        return None  # tinyglobby's ignore globs apply to folders too
    states = tuple(_step(p, s, entry.name) for p, s in zip(patterns, folder.states, strict=True))
    parts = (*folder.parts, entry.name)
    links = folder.links
    if entry.is_symlink:
        target = repo.realpath("/".join(parts))
        if any(t == target or t.startswith(target) or target.startswith(t) for t in links):
            warnings.append(f"{'/'.join(parts)}: not followed: it leads where a linked folder above it leads")
            return None
        if depth >= len(globs.root):  # fdir sees only links below the folder it starts from
            links = (*links, target)
    return _Folder(parts, crawl, states, links)


def _crawl_step(pattern: Pattern, state: int, name: str, depth: int) -> int:
    """tinyglobby's partial match, one name deeper: names must match the glob's names in place;
    a `**` that matches, or a brace holding `/`, lets everything below in."""
    if state != _PREFIX:
        return state
    if depth >= pattern.opaque_from:
        return _ALL
    if depth >= len(pattern.names):
        return _DEAD
    automaton = pattern.names[depth]
    if automaton is None:
        return _DEAD if name.startswith(".") else _ALL
    return _PREFIX if automaton.matches(name) else _DEAD


def _step(pattern: Pattern, states: frozenset[int], name: str) -> frozenset[int]:
    return pattern.full.step(states, name) if pattern.full and states else frozenset()


def _accepts(pattern: Pattern, states: frozenset[int], name: str) -> bool:
    return bool(pattern.full and states and pattern.full.accepts(states, name))
