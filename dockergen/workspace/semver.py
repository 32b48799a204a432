"""Just enough of node-semver to reason about versions: ranges become version intervals."""

from __future__ import annotations

import re
from dataclasses import dataclass

Version = tuple[int, int, int]
INFINITY: Version = (10**9, 0, 0)

_VERSION = re.compile(r"^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:[-+][0-9A-Za-z.+-]*)?$")
_COMPARATOR = re.compile(r"^(<=|>=|<|>|=|\^|~>?)?\s*(.+)$")


@dataclass(frozen=True, slots=True)
class Interval:
    """Versions v with low <= v < high."""

    low: Version
    high: Version

    def contains(self, v: Version) -> bool:
        return self.low <= v < self.high

    def overlaps(self, low: Version, high: Version) -> bool:
        return self.low < high and low < self.high


def parse_version(text: str) -> Version | None:
    """`22`, `v22.1`, `22.1.3`, `22.1.3-rc.1` -> (22, 1, 3); anything else -> None."""
    m = _VERSION.match(text.strip())
    if not m or not m.group(1).isdigit():
        return None
    parts = [int(g) if g and g.isdigit() else 0 for g in m.groups()]
    return (parts[0], parts[1], parts[2])


def parse_range(text: str) -> tuple[Interval, ...] | None:
    """A node-semver range as a union of intervals; None when it is not a range we understand."""
    intervals: list[Interval] = []
    for alternative in text.split("||"):
        interval = _parse_set(alternative.strip())
        if interval is None:
            return None
        if interval.low < interval.high:
            intervals.append(interval)
    return tuple(intervals)


def satisfies(version: Version, text: str) -> bool:
    """Does the version fall in the range (npm semantics for the comparators `parse_range` reads)?"""
    intervals: tuple[Interval, ...] = parse_range(text) or ()
    return any(i.contains(version) for i in intervals)


def major_allowed(major: int, text: str) -> bool:
    """Does any version with this major satisfy the range?"""
    intervals: tuple[Interval, ...] = parse_range(text) or ()
    return any(i.overlaps((major, 0, 0), (major + 1, 0, 0)) for i in intervals)


def lowest_major(text: str) -> int | None:
    """The lowest major version the range allows, or None."""
    intervals = parse_range(text)
    if not intervals:
        return None
    return min(i.low[0] for i in intervals)


def _parse_set(text: str) -> Interval | None:
    if text in ("", "*", "x", "X", "latest"):
        return Interval((0, 0, 0), INFINITY)
    hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", text)
    if hyphen:
        first = _bounds("", hyphen.group(1))
        last = _bounds("", hyphen.group(2))
        return Interval(first.low, last.high) if first and last else None
    low, high = (0, 0, 0), INFINITY
    tokens = re.sub(r"(<=|>=|<|>|=|\^|~>?)\s+", r"\1", text).split()
    for token in tokens:
        m = _COMPARATOR.match(token)
        if not m:
            return None
        bound = _bounds(m.group(1) or "", m.group(2))
        if bound is None:
            return None
        low, high = max(low, bound.low), min(high, bound.high)
    return Interval(low, high)


def _bounds(op: str, text: str) -> Interval | None:
    m = _VERSION.match(text)
    if not m:
        return None
    given = [g for g in m.groups() if g is not None and g not in ("x", "X", "*")]
    nums = [int(g) for g in given] + [0] * (3 - len(given))
    v: Version = (nums[0], nums[1], nums[2]) if given else (0, 0, 0)
    # the first version above everything this (partial) version names: 1.2 -> 1.3.0, 1.2.3 -> 1.2.4
    above = _next_partial(v, len(given)) if len(given) < 3 else (v[0], v[1], v[2] + 1)
    if op.startswith("~"):
        op = "~"
    rule = {
        "": (v, above), "=": (v, above), ">=": (v, INFINITY), ">": (above, INFINITY),
        "<": ((0, 0, 0), v), "<=": ((0, 0, 0), above),
        "~": (v, (v[0] + 1, 0, 0) if len(given) == 1 else (v[0], v[1] + 1, 0)),
        "^": (v, _caret_limit(v, len(given))),
    }.get(op)  # fmt: skip
    return Interval(*rule) if rule else None


def _caret_limit(v: Version, given: int) -> Version:
    """`^` allows changes that keep the leftmost non-zero part (or the last one given)."""
    if v[0] > 0 or given == 1:
        return (v[0] + 1, 0, 0)
    if v[1] > 0 or given == 2:
        return (0, v[1] + 1, 0)
    return (0, 0, v[2] + 1)


def _next_partial(v: Version, given: int) -> Version:
    if given == 0:
        return INFINITY
    if given == 1:
        return (v[0] + 1, 0, 0)
    if given == 2:
        return (v[0], v[1] + 1, 0)
    return v
