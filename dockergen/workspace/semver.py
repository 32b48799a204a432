"""Versions and ranges exactly as node-semver reads them, with the options pnpm passes.

A port of node-semver (npm's bundled copy is the test oracle: tests/test_semver.py), split into
semver_syntax (its regular expressions), semver_version (one version and its order),
semver_desugar (range sugar to comparators) and semver_range (comparator sets).
"""

from __future__ import annotations

import re

from dockergen.workspace import semver_range
from dockergen.workspace.semver_range import MAX_RANGE_LENGTH, Range
from dockergen.workspace.semver_syntax import MAX_SAFE_INTEGER
from dockergen.workspace.semver_version import DEFAULT, Options, Version, compare, parse_exact

__all__ = [
    "DEFAULT", "ENGINES", "MAX_RANGE_LENGTH", "WORKSPACE", "Options", "Range", "Version", "compare", "lowest_major",
    "major_allowed", "min_version", "parse_exact", "parse_range", "parse_version", "satisfies",
]  # fmt: skip

# pnpm checks engines.node / engines.pnpm with satisfies(current, wanted, {includePrerelease: true})
# (@pnpm/package-is-installable, checkEngine).
ENGINES = Options(include_prerelease=True)
# pnpm matches a dependency's range against workspace members' versions with
# maxSatisfying(versions, range, {loose: true}) (@pnpm/resolve-workspace-range).
WORKSPACE = Options(loose=True)

# dockergen's own extension for version files: `22`, `v22.1`, `22.x` name a major (or minor).
_PARTIAL = re.compile(r"v?([0-9]+)(?:\.([0-9]+|[xX*])(?:\.[xX*])?)?\Z")


def parse_version(text: str) -> Version | None:
    """A Node or pnpm version: exact (`22.14.0`, `v24.6.0`, `9.0.0-rc.1`) or partial (`22`, `v22.1`)
    with zeros filled in; anything else -> None."""
    text = text.strip()
    exact = parse_exact(text)
    if exact is not None:
        return exact
    m = _PARTIAL.match(text)
    if not m:
        return None
    major, minor = int(m[1]), int(m[2]) if m[2] and m[2].isdigit() else 0
    return Version(major, minor, 0) if max(major, minor) <= MAX_SAFE_INTEGER else None


def parse_range(text: str, options: Options = DEFAULT) -> Range | None:
    """The range node-semver reads from the text; None where its validRange() returns null, and for
    texts longer than MAX_RANGE_LENGTH characters."""
    return semver_range.read_range(text, options)


def satisfies(version: Version, text: str, options: Options = DEFAULT) -> bool:
    """node-semver's satisfies(): an unreadable range is satisfied by nothing."""
    r = semver_range.read_range(text, options)
    return r is not None and semver_range.admits(r, version)


def major_allowed(major: int, text: str, options: Options = DEFAULT) -> bool:
    """Could a version with this major satisfy the range (node-semver's intersects(range, `<major>.x`))?"""
    r = semver_range.read_range(text, options)
    whole_major = semver_range.read_range(f"{major}.x", options)
    return r is not None and whole_major is not None and semver_range.intersects(r, whole_major, options)


def min_version(text: str, options: Options = DEFAULT) -> Version | None:
    """The lowest version the range allows, as node-semver's minVersion() finds it, or None."""
    r = semver_range.read_range(text, options)
    return None if r is None else semver_range.min_version(r)


def lowest_major(text: str, options: Options = DEFAULT) -> int | None:
    """The major of the range's lowest version, or None."""
    lowest = min_version(text, options)
    return None if lowest is None else lowest.major
