"""node-semver's range sugar (hyphens, x-ranges, `~`, `^`, `*`) rewritten to plain comparators.

A step-by-step port of the string rewriting in node-semver's classes/range.js (parseRange and the
replace* helpers it calls), so that every odd input rewrites exactly as it does there: the numbers
stay the text that was written (`^00.1` keeps its `00`) except where node-semver does arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dockergen.workspace import semver_syntax as syn
from dockergen.workspace.semver_version import Options

NULL_SET = "<0.0.0-0"  # what node-semver writes for "nothing matches"


def desugar(text: str, options: Options) -> list[str]:
    """One `||` alternative as node-semver's comparator strings, before they are parsed."""
    text = syn.BUILD_STRIP.sub("", text)
    hyphen = syn.HYPHEN_LOOSE if options.loose else syn.HYPHEN
    text = hyphen.sub(lambda m: _hyphen(m, options.include_prerelease), text, count=1)
    text = syn.COMPARATOR_TRIM.sub(r"\1\2\3", text)  # `> 1.2.3` -> `>1.2.3`
    text = syn.TILDE_TRIM.sub(r"\1~", text)
    text = syn.CARET_TRIM.sub(r"\1^", text)
    joined = " ".join(_comparator(part, options) for part in text.split(" "))
    gte0 = syn.GTE0_PRE if options.include_prerelease else syn.GTE0  # >=0.0.0 means any version
    found = [gte0.sub("", syn.js_trim(c), count=1) for c in syn.js_split(joined)]
    if options.loose:  # loose mode drops what it cannot read instead of failing
        found = [c for c in found if syn.COMPARATOR_LOOSE.search(c)]
    return found


def _comparator(text: str, options: Options) -> str:
    text = syn.BUILD_SAFE.sub("", text, count=1)
    loose, pre = options.loose, options.include_prerelease
    text = _each(syn.js_split(syn.js_trim(text)), syn.CARET_LOOSE if loose else syn.CARET, lambda m: _caret(m, pre))
    text = _each(syn.js_split(syn.js_trim(text)), syn.TILDE_LOOSE if loose else syn.TILDE, lambda m: _tilde(m, pre))
    text = " ".join(_xrange(syn.js_trim(part), options) for part in syn.js_split(text))
    return syn.STAR.sub("", syn.js_trim(text), count=1)


def _each(parts: list[str], pattern: re.Pattern[str], rewrite: Callable[[re.Match[str]], str]) -> str:
    return " ".join(pattern.sub(rewrite, part, count=1) for part in parts)


def _is_x(part: str | None) -> bool:
    return not part or part.lower() == "x" or part == "*"


def _next(number: str) -> int:
    return int(number) + 1


def _caret(m: re.Match[str], include_prerelease: bool) -> str:
    """^1.2.3 -> >=1.2.3 <2.0.0-0; ^0.2.3 -> <0.3.0-0; ^0.0.3 -> <0.0.4-0; ^1.x -> <2.0.0-0."""
    major, minor, patch, pre = m[1], m[2], m[3], m[4]
    z = "-0" if include_prerelease else ""
    if _is_x(major):
        return ""
    if _is_x(minor):
        return f">={major}.0.0{z} <{_next(major)}.0.0-0"
    if _is_x(patch):
        high = f"{major}.{_next(minor)}.0-0" if major == "0" else f"{_next(major)}.0.0-0"
        return f">={major}.{minor}.0{z} <{high}"
    low = f">={major}.{minor}.{patch}" + (f"-{pre}" if pre else "")
    if major != "0":
        return f"{low} <{_next(major)}.0.0-0"
    if minor != "0":
        return f"{low} <{major}.{_next(minor)}.0-0"
    return f"{low} <{major}.{minor}.{_next(patch)}-0"


def _tilde(m: re.Match[str], include_prerelease: bool) -> str:
    """~1.2.3 -> >=1.2.3 <1.3.0-0; ~1 -> >=1.0.0 <2.0.0-0."""
    major, minor, patch, pre = m[1], m[2], m[3], m[4]
    z = "-0" if include_prerelease else ""
    if _is_x(major):
        return ""
    if _is_x(minor):
        return f">={major}.0.0{z} <{_next(major)}.0.0-0"
    if _is_x(patch):
        return f">={major}.{minor}.0{z} <{major}.{_next(minor)}.0-0"
    low = f">={major}.{minor}.{patch}" + (f"-{pre}" if pre else "")
    return f"{low} <{major}.{_next(minor)}.0-0"


def _xrange(text: str, options: Options) -> str:
    pattern = syn.XRANGE_LOOSE if options.loose else syn.XRANGE
    return pattern.sub(lambda m: _xrange_match(m, text, options.include_prerelease), text, count=1)


def _xrange_match(m: re.Match[str], text: str, include_prerelease: bool) -> str:
    """1.x -> >=1.0.0 <2.0.0-0; >1.2 -> >=1.3.0; <=1 -> <2.0.0-0; * -> any."""
    gtlt, major, minor, patch = m[1], m[2], m[3], m[4]
    if (_is_x(major) and not _is_x(minor)) or (_is_x(minor) and patch and not _is_x(patch)):
        return text  # 1.x.2 and the like stay as written (and then fail to parse)
    x_minor = _is_x(major) or _is_x(minor)
    any_x = x_minor or _is_x(patch)
    gtlt = "" if gtlt == "=" and any_x else gtlt
    pre = "-0" if include_prerelease else ""
    if _is_x(major):
        return NULL_SET if gtlt in (">", "<") else "*"
    if gtlt and any_x:
        return _xrange_bound(gtlt, major, "0" if x_minor else minor, x_minor, pre)
    if x_minor:
        return f">={major}.0.0{pre} <{_next(major)}.0.0-0"
    if any_x:
        return f">={major}.{minor}.0{pre} <{major}.{_next(minor)}.0-0"
    return m[0]


def _xrange_bound(gtlt: str, major: str, minor: str, x_minor: bool, pre: str) -> str:
    """A one-sided x-range: the bound moves to the next major or minor where `>` or `<=`."""
    if gtlt in (">", "<="):
        if x_minor:
            major = str(_next(major))
        else:
            minor = str(_next(minor))
        gtlt = ">=" if gtlt == ">" else "<"
    return f"{gtlt}{major}.{minor}.0{'-0' if gtlt == '<' else pre}"


def _hyphen(m: re.Match[str], include_prerelease: bool) -> str:
    """`1.2 - 3.4` -> `>=1.2.0 <3.5.0-0`."""
    low, high = _hyphen_low(m, include_prerelease), _hyphen_high(m, include_prerelease)
    return syn.js_trim(f"{low} {high}")


def _hyphen_low(m: re.Match[str], include_prerelease: bool) -> str:
    written, major, minor, patch, pre = m[1], m[2], m[3], m[4], m[5]
    z = "-0" if include_prerelease else ""
    if _is_x(major):
        return ""
    if _is_x(minor):
        return f">={major}.0.0{z}"
    if _is_x(patch):
        return f">={major}.{minor}.0{z}"
    return f">={written}" if pre else f">={written}{z}"


def _hyphen_high(m: re.Match[str], include_prerelease: bool) -> str:
    written, major, minor, patch, pre = m[7], m[8], m[9], m[10], m[11]
    if _is_x(major):
        return ""
    if _is_x(minor):
        return f"<{_next(major)}.0.0-0"
    if _is_x(patch):
        return f"<{major}.{_next(minor)}.0-0"
    if pre:
        return f"<={major}.{minor}.{patch}-{pre}"
    return f"<{major}.{minor}.{_next(patch)}-0" if include_prerelease else f"<={written}"
