"""One semantic version as node-semver parses and orders it (its classes/semver.js)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

from dockergen.workspace import semver_syntax as syn

Identifier = int | str
_T = TypeVar("_T", int, float, str, tuple[int, int, int])


@dataclass(frozen=True, slots=True)
class Options:
    """node-semver's options: `loose` reads sloppier spellings, `include_prerelease` lets
    prereleases satisfy any range that covers them."""

    loose: bool = False
    include_prerelease: bool = False


DEFAULT = Options()


@dataclass(frozen=True, slots=True)
class Version:
    """major.minor.patch-prerelease+build; order with `compare` (build metadata never counts)."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[Identifier, ...] = ()
    build: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """node-semver's normalized `version`: no `v`, no build metadata."""
        main = f"{self.major}.{self.minor}.{self.patch}"
        return f"{main}-{'.'.join(map(str, self.prerelease))}" if self.prerelease else main


def parse_exact(text: str, options: Options = DEFAULT) -> Version | None:
    """A full version as node-semver's SemVer reads it; None where it would throw."""
    if len(text) > syn.MAX_LENGTH:
        return None
    m = (syn.LOOSE if options.loose else syn.FULL).search(syn.js_trim(text))
    if not m:
        return None
    major, minor, patch = int(m[1]), int(m[2]), int(m[3])
    if max(major, minor, patch) > syn.MAX_SAFE_INTEGER:
        return None
    prerelease = tuple(_identifier(i) for i in m[4].split(".")) if m[4] else ()
    return Version(major, minor, patch, prerelease, tuple(m[5].split(".")) if m[5] else ())


def _identifier(text: str) -> Identifier:
    """Numeric prerelease identifiers become numbers, unless too large for JavaScript."""
    if syn.DIGITS.match(text) and int(text) < syn.MAX_SAFE_INTEGER:
        return int(text)
    return text


def compare(a: Version, b: Version) -> int:
    """-1, 0 or 1 as a sorts before, with or after b (SemVer.compare)."""
    if a.text == b.text:
        return 0
    main = _sign((a.major, a.minor, a.patch), (b.major, b.minor, b.patch))
    return main or _compare_prerelease(a.prerelease, b.prerelease)


def _compare_prerelease(a: tuple[Identifier, ...], b: tuple[Identifier, ...]) -> int:
    if not a or not b:  # a release sorts after its prereleases
        return (not a) - (not b)
    for x, y in zip(a, b, strict=False):
        if x != y:
            return compare_identifiers(x, y)
    return _sign(len(a), len(b))


def compare_identifiers(a: Identifier, b: Identifier) -> int:
    """node-semver's compareIdentifiers: numbers before words, numbers by value (as JavaScript
    numbers), words by character code."""
    a_num, b_num = bool(syn.DIGITS.match(str(a))), bool(syn.DIGITS.match(str(b)))
    if a_num and b_num:
        return _sign(float(a), float(b))
    if a_num != b_num:
        return -1 if a_num else 1
    return _sign(str(a), str(b))


def _sign(a: _T, b: _T) -> int:
    return (a > b) - (a < b)


def bumped(v: Version, *, patch: int = 0, prerelease: tuple[Identifier, ...] = ()) -> Version:
    """A copy with the patch raised or prerelease identifiers appended (for minVersion)."""
    return replace(v, patch=v.patch + patch, prerelease=v.prerelease + prerelease, build=())
