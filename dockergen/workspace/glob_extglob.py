"""Which `+(...)` and `*(...)` picomatch declines to compile as repetitions.

picomatch 4 guards against slow regular expressions: a repetition whose alternatives overlap
(`+(a|aa)`), include an empty or wildcard-only one (`*(a|)`, `+(*|b)`), nest another repetition
(`+(*(a))`) or are a run of `*(x)` is matched as plain text (or, for the last, rewritten).
dockergen refuses those globs rather than copy either behaviour.
"""

from __future__ import annotations

import re

_ONLY_WILDCARDS = re.compile(r"[*?]+")
_AT_WRAPPED = re.compile(r"@\(([^\\()[\]{}|]+)\)")
_GLOB_CHARS = frozenset("?*+@!()[]{}")


def risky_repetition(body: str) -> bool:
    """True when picomatch would not compile `+(body)` / `*(body)` as a repetition."""
    branches = [b.strip() for b in _split_alternatives(body)]
    if len(branches) > 1 and (
        "" in branches or any(_ONLY_WILDCARDS.fullmatch(b) for b in branches) or _prefix_overlap(branches)
    ):
        return True
    return any(_repeated(b) is not None or _star_run(b) for b in branches)


def _split_alternatives(body: str) -> list[str]:
    parts: list[str] = []
    bracket = paren = 0
    current = ""
    escaped = False
    for c in body:
        if escaped or c == "\\":
            escaped = not escaped
        elif c == "[":
            bracket += 1
        elif c == "]" and bracket:
            bracket -= 1
        elif not bracket and c == "(":
            paren += 1
        elif not bracket and c == ")" and paren:
            paren -= 1
        elif not bracket and not paren and c == "|":
            parts.append(current)
            current = ""
            continue
        current += c
    return [*parts, current]


def _repeated(text: str, whole: bool = True) -> tuple[str, int] | None:
    """`+(...)` or `*(...)` at the start of text: (body, index of its `)`); with `whole`, only
    when the `)` ends the text."""
    if text[:2] not in ("+(", "*("):
        return None
    bracket = paren = 0
    escaped = False
    for i in range(1, len(text)):
        c = text[i]
        if escaped or c == "\\":
            escaped = not escaped
        elif c == "[":
            bracket += 1
        elif c == "]" and bracket:
            bracket -= 1
        elif not bracket and c == "(":
            paren += 1
        elif not bracket and c == ")":
            paren -= 1
            if paren == 0:
                return None if whole and i != len(text) - 1 else (text[2:i], i)
    return None


def _star_run(text: str) -> bool:
    """Is the text one or more `*(x)` in a row, each x a single character?"""
    index = 0
    while index < len(text):
        found = _repeated(text[index:], whole=False)
        if found is None or text[index] != "*":
            return False
        branches = [b.strip() for b in _split_alternatives(found[0])]
        simple = _simple(branches[0]) if len(branches) == 1 else None
        if simple is None or len(simple) != 1:
            return False
        index += found[1] + 1
    return index > 0


def _simple(branch: str) -> str | None:
    """The branch as plain text (escapes removed, `@(x)` unwrapped), or None when it is a glob."""
    value = branch.strip()
    while match := _AT_WRAPPED.fullmatch(value):
        value = match.group(1)
    escaped = False
    for c in value:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c in _GLOB_CHARS:
            return None
    return re.sub(r"\\(.)", r"\1", value)


def _prefix_overlap(branches: list[str]) -> bool:
    values = [v for v in map(_simple, branches) if v]
    for i, a in enumerate(values):
        for b in values[i + 1 :]:
            same = a == a[0] * len(a) and b == a[0] * len(b)
            if same and (a.startswith(b) or b.startswith(a)):
                return True
    return False
