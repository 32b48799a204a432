"""Workspace membership exactly as pnpm computes it from `packages:` globs.

pnpm appends `/package.{json,yaml,json5}` to each pattern, globs with `dot: false`, ignores
`**/node_modules/**` and `**/bower_components/**`, treats every `!pattern` as a global
exclusion (order does not matter), follows symlinked folders, and always adds the root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dockergen.repo import Repo

MANIFEST_NAMES = ("package.json", "package.yaml", "package.json5")
NEVER_DESCEND = frozenset({"node_modules", "bower_components"})


@dataclass(frozen=True, slots=True)
class Pattern:
    """One glob from `packages:`, split into path segments after brace expansion."""

    segments: tuple[str, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class MemberSearch:
    """Folders holding a member manifest (root first), plus what the walk had to skip."""

    dirs: tuple[str, ...]
    warnings: tuple[str, ...]


def compile_patterns(raw: list[str]) -> tuple[Pattern, ...]:
    """Split globs into segments; `{a,b}` braces expand into several patterns."""
    out: list[Pattern] = []
    for text in raw:
        negated = text.startswith("!")
        body = text[1:] if negated else text
        for expanded in _expand_braces(body):
            segments = tuple(s for s in expanded.strip("/").split("/") if s not in ("", "."))
            out.append(Pattern(segments, negated))
    return tuple(out)


def escapes_root(text: str) -> bool:
    """True for globs that point outside the workspace root (`../x`, `/abs`)."""
    body = text[1:] if text.startswith("!") else text
    return body.startswith("/") or ".." in body.split("/")


def find_members(repo: Repo, raw_patterns: list[str]) -> MemberSearch:
    """Walk only the folders a pattern can reach; return member folders sorted like pnpm."""
    patterns = compile_patterns(raw_patterns)
    positive = [p.segments for p in patterns if not p.negated]
    negative = [p.segments for p in patterns if p.negated]
    found, warnings = _walk(repo, positive, negative)
    dirs = sorted(set(found) - {"."})
    return MemberSearch((".", *tuple(dirs)), tuple(warnings))


def _walk(repo: Repo, positive: list[tuple[str, ...]], negative: list[tuple[str, ...]]) -> tuple[list[str], list[str]]:
    """Depth-first over the folders a positive pattern can reach (iterative: any depth)."""
    found: list[str] = []
    warnings: list[str] = []
    stack: list[tuple[tuple[str, ...], frozenset[str]]] = [((), frozenset())]
    while stack:
        parts, ancestors = stack.pop()
        rel = "/".join(parts) or "."
        real = repo.realpath(rel)
        if real in ancestors:
            warnings.append(f"{rel}: symlink loop, not followed")
            continue
        entries, skipped = repo.scan_dir(rel)
        names = {e.name for e in entries if not e.is_dir}
        if any(m in names for m in MANIFEST_NAMES) and _is_member(parts, positive, negative):
            found.append(rel)
        if skipped:
            warnings.append(f"{rel}: skipped {skipped} file name(s) that are not valid UTF-8")
        below = ancestors | {real}
        children = [(*parts, e.name) for e in entries if e.is_dir and e.name not in NEVER_DESCEND]
        stack.extend((child, below) for child in reversed(children) if any(_may_reach(p, child) for p in positive))
    return found, warnings


def _is_member(parts: tuple[str, ...], positive: list[tuple[str, ...]], negative: list[tuple[str, ...]]) -> bool:
    if not any(_full_match(p, parts) for p in positive):
        return False
    return not any(_full_match(n, parts) for n in negative)


def _full_match(pat: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """Does the whole folder path match the pattern (`**` = zero or more visible folders)?"""
    return len(pat) in _states(pat, path)


def _may_reach(pat: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """Could something at or below this folder match the pattern?"""
    return bool(_states(pat, path))


def _states(pat: tuple[str, ...], path: tuple[str, ...]) -> set[int]:
    """Positions in the pattern reachable after matching the path's segments (an NFA over
    segments: linear in both lengths, no recursion, no cache)."""
    states = _closure(pat, {0})
    for name in path:
        advanced: set[int] = set()
        for i in states:
            if i == len(pat):
                continue
            if pat[i] == "**":
                if not name.startswith("."):  # dot: false
                    advanced.add(i)
            elif _segment_match(pat[i], name):
                advanced.add(i + 1)
        states = _closure(pat, advanced)
        if not states:
            break
    return states


def _closure(pat: tuple[str, ...], states: set[int]) -> set[int]:
    """`**` also matches zero folders: a state before it reaches the one after it."""
    out = set(states)
    for i in sorted(states):
        while i < len(pat) and pat[i] == "**":
            i += 1
            out.add(i)
    return out


@lru_cache(maxsize=1024)
def _segment_regex(seg: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(seg):
        c = seg[i]
        if c == "*":
            while i + 1 < len(seg) and seg[i + 1] == "*":
                i += 1
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = seg.find("]", i + 2)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = seg[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif c == "\\" and i + 1 < len(seg):
            i += 1
            out.append(re.escape(seg[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def _segment_match(pat: str, name: str) -> bool:
    # dot: false: a wildcard never matches a leading dot; only a literal "." does.
    if name.startswith(".") and not pat.startswith("."):
        return False
    if not any(ch in pat for ch in "*?[\\"):
        return pat == name
    return _segment_regex(pat).match(name) is not None


def _expand_braces(text: str) -> list[str]:
    """`a/{b,c}/*` -> [`a/b/*`, `a/c/*`]; nested braces expand too."""
    depth = 0
    start = -1
    for i, c in enumerate(text):
        if c == "{":
            if depth == 0:
                start = i
            depth += 1
        elif c == "}" and depth:
            depth -= 1
            if depth == 0:
                options = _split_top_level(text[start + 1 : i])
                if len(options) < 2:
                    continue
                head, tail = text[:start], text[i + 1 :]
                return [e for opt in options for e in _expand_braces(head + opt + tail)]
    return [text]


def _split_top_level(body: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current = ""
    for c in body:
        if c == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += (c == "{") - (c == "}")
        current += c
    parts.append(current)
    return parts
