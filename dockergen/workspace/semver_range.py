"""node-semver's ranges: parsing into comparator sets, testing a version, intersecting, the lowest
version (ports of classes/range.js, classes/comparator.js, ranges/min-version.js)."""

from __future__ import annotations

from dataclasses import dataclass

from dockergen.workspace import semver_syntax as syn
from dockergen.workspace.semver_desugar import NULL_SET, desugar
from dockergen.workspace.semver_version import Options, Version, bumped, compare, parse_exact

# node-semver reads ranges of any length, but some of its patterns take time quadratic in the length
# (`vvv...v`: 20,000 characters take node 1 s and Python 6 s). Real ranges are under 100 characters.
MAX_RANGE_LENGTH = 1024


@dataclass(frozen=True, slots=True)
class Comparator:
    """`>=1.2.3-rc.1` and the like; `version` None is node-semver's ANY (every version)."""

    operator: str  # "", "<", "<=", ">", ">=" ("=" is read as "")
    version: Version | None

    @property
    def value(self) -> str:
        """node-semver's normalized text of the comparator."""
        return "" if self.version is None else self.operator + self.version.text


ComparatorSet = tuple[Comparator, ...]


@dataclass(frozen=True, slots=True)
class Range:
    """`||` alternatives, each a set of comparators that must all hold, read with `options`."""

    sets: tuple[ComparatorSet, ...]
    options: Options

    @property
    def text(self) -> str:
        """The normalized range, as node-semver's validRange() returns it."""
        return "||".join(" ".join(syn.js_trim(c.value) for c in s) for s in self.sets) or "*"


def read_range(text: str, options: Options) -> Range | None:
    """The range as node-semver's Range reads it; None where that constructor throws (or the text
    is longer than MAX_RANGE_LENGTH)."""
    if len(text) > MAX_RANGE_LENGTH:
        return None
    sets: list[ComparatorSet] = []
    for alternative in syn.SPACES.sub(" ", syn.js_trim(text)).split("||"):
        found = _read_set(syn.js_trim(alternative), options)
        if found is None:
            return None
        if found:  # loose mode can drop every comparator of an alternative
            sets.append(found)
    if not sets:
        return None
    if len(sets) > 1:  # drop alternatives that match nothing; one that matches everything wins
        sets = [s for s in sets if s[0].value != NULL_SET] or sets[:1]
        anything: list[ComparatorSet] = [s for s in sets if len(s) == 1 and s[0].value == ""]
        if len(sets) > 1 and anything:
            sets = anything[:1]
    return Range(tuple(sets), options)


def _read_set(text: str, options: Options) -> ComparatorSet | None:
    found = [_read_comparator(c, options) for c in desugar(text, options)]
    unique: dict[str, Comparator] = {}
    for comparator in found:
        if comparator is None:
            return None
        if comparator.value == NULL_SET:  # node-semver reads every comparator first, then checks this
            return (comparator,) if None not in found else None
        unique[comparator.value] = comparator
    if len(unique) > 1:
        unique.pop("", None)
    return tuple(unique.values())


def _read_comparator(text: str, options: Options) -> Comparator | None:
    text = " ".join(syn.js_split(syn.js_trim(text)))
    m = (syn.COMPARATOR_LOOSE if options.loose else syn.COMPARATOR).search(text)
    if not m:
        return None
    operator = "" if m[1] in (None, "=") else m[1]
    if not m[2]:
        return Comparator(operator, None)
    version = parse_exact(m[2], Options(loose=options.loose))
    return None if version is None else Comparator(operator, version)


def admits(r: Range, version: Version) -> bool:
    """Does the version satisfy the range (Range.test)?"""
    return any(_test_set(s, version, r.options) for s in r.sets)


def _test_set(comparators: ComparatorSet, version: Version, options: Options) -> bool:
    if not all(_holds(c, version) for c in comparators):
        return False
    if version.prerelease and not options.include_prerelease:
        # A prerelease passes only when a comparator names a prerelease of the same major.minor.patch:
        # ^1.2.3-rc.1 admits 1.2.3-rc.2 but not 1.2.4-rc.1.
        return any(_names_prerelease_of(c, version) for c in comparators)
    return True


def _names_prerelease_of(c: Comparator, version: Version) -> bool:
    v = c.version
    return (
        v is not None
        and bool(v.prerelease)
        and (v.major, v.minor, v.patch) == (version.major, version.minor, version.patch)
    )


def _holds(c: Comparator, version: Version) -> bool:
    if c.version is None:
        return True
    order = compare(version, c.version)
    return {"": order == 0, "<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[c.operator]


def intersects(a: Range, b: Range, options: Options) -> bool:
    """Could one version satisfy both ranges (Range.intersects)?"""
    return any(
        _satisfiable(x, options)
        and any(_satisfiable(y, options) and all(_meet(c, d, options) for c in x for d in y) for y in b.sets)
        for x in a.sets
    )


def _satisfiable(comparators: ComparatorSet, options: Options) -> bool:
    remaining = list(comparators)
    probe = remaining.pop()
    result = True
    while result and remaining:
        result = all(_meet(probe, other, options) for other in remaining)
        probe = remaining.pop()
    return result


def _meet(a: Comparator, b: Comparator, options: Options) -> bool:
    """Comparator.intersects, case by case."""
    if a.operator == "" or b.operator == "":
        return _meet_exact(a, b, options)
    if options.include_prerelease and NULL_SET in (a.value, b.value):
        return False
    if not options.include_prerelease and (a.value.startswith("<0.0.0") or b.value.startswith("<0.0.0")):
        return False
    if a.operator[0] == b.operator[0] or a.version is None or b.version is None:
        return True  # both bound from below, or both from above
    if a.version.text == b.version.text and "=" in a.operator and "=" in b.operator:
        return True
    order = compare(a.version, b.version)
    return (order < 0 and a.operator[0] == ">") or (order > 0 and a.operator[0] == "<")


def _meet_exact(a: Comparator, b: Comparator, options: Options) -> bool:
    """One side is `=version` or ANY: test that version against the other side, read as a range."""
    if a.operator == "":
        if a.value == "":
            return True
        other, version = read_range(b.value, options), parse_exact(a.value, options)
        return other is not None and version is not None and admits(other, version)
    if b.value == "":
        return True
    mine = read_range(a.value, options)
    return mine is not None and b.version is not None and admits(mine, b.version)


def min_version(r: Range) -> Version | None:
    """The lowest version that satisfies the range, or None (minVersion, with its heuristics)."""
    for candidate in (Version(0, 0, 0), Version(0, 0, 0, (0,))):
        if admits(r, candidate):
            return candidate
    lowest: Version | None = None
    for comparators in r.sets:
        set_min: Version | None = None
        for c in comparators:
            # minVersion re-reads each comparator's normalized version strictly, and throws if it cannot
            version = parse_exact(c.version.text) if c.version is not None else None
            if version is None:
                return None
            if c.operator in ("<", "<="):
                continue  # upper bounds do not raise the minimum
            if c.operator == ">":
                version = bumped(version, prerelease=(0,)) if version.prerelease else bumped(version, patch=1)
            if set_min is None or compare(version, set_min) > 0:
                set_min = version
        if set_min is not None and (lowest is None or compare(lowest, set_min) > 0):
            lowest = set_min
    return lowest if lowest is not None and admits(r, lowest) else None
