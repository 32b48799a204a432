"""node-semver's regular expressions (its internal/re.js), spelled for Python's `re`.

The sources below are node-semver's, token for token, so a reader can hold them against re.js.
`_py` then makes them mean in Python what they mean in JavaScript: node-semver's "safe" bounds on
`\\s*`, `\\d+`, ... (it matches with those), JavaScript's `\\s` (Python's differs: it adds \\x1c-\\x1f
and \\x85 and lacks \\ufeff), ASCII `\\d`, and `$` as the very end (Python's also matches before a
final newline).
"""

from __future__ import annotations

import re

MAX_LENGTH = 256  # node-semver refuses longer version strings
MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER: larger numbers are refused
_MAX_BUILD_LENGTH = MAX_LENGTH - 6
# What JavaScript's \s and String.prototype.trim() treat as white space.
JS_WHITESPACE = (
    "\t\n\x0b\x0c\r \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_WS_CLASS = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_LDN = "[a-zA-Z0-9-]"

NUMERIC = r"0|[1-9]\d*"
NUMERIC_LOOSE = r"\d+"
NON_NUMERIC = rf"\d*[a-zA-Z-]{_LDN}*"
MAIN = rf"({NUMERIC})\.({NUMERIC})\.({NUMERIC})"
MAIN_LOOSE = rf"({NUMERIC_LOOSE})\.({NUMERIC_LOOSE})\.({NUMERIC_LOOSE})"
PRE_ID = f"(?:{NON_NUMERIC}|{NUMERIC})"
PRE_ID_LOOSE = f"(?:{NON_NUMERIC}|{NUMERIC_LOOSE})"
PRERELEASE = rf"(?:-({PRE_ID}(?:\.{PRE_ID})*))"
PRERELEASE_LOOSE = rf"(?:-?({PRE_ID_LOOSE}(?:\.{PRE_ID_LOOSE})*))"
BUILD_ID = f"{_LDN}+"
BUILD = rf"(?:\+({BUILD_ID}(?:\.{BUILD_ID})*))"
FULL_PLAIN = f"v?{MAIN}{PRERELEASE}?{BUILD}?"
LOOSE_PLAIN = rf"[v=\s]*{MAIN_LOOSE}{PRERELEASE_LOOSE}?{BUILD}?"
GTLT = "((?:<|>)?=?)"
XID = rf"{NUMERIC}|x|X|\*"
XID_LOOSE = rf"{NUMERIC_LOOSE}|x|X|\*"
XPLAIN = rf"[v=\s]*({XID})(?:\.({XID})(?:\.({XID})(?:{PRERELEASE})?{BUILD}?)?)?"
XPLAIN_LOOSE = rf"[v=\s]*({XID_LOOSE})(?:\.({XID_LOOSE})(?:\.({XID_LOOSE})(?:{PRERELEASE_LOOSE})?{BUILD}?)?)?"


def _safe(value: str) -> str:
    """node-semver's makeSafeRegex: bound the greedy repeats it matches with."""
    for token, most in ((r"\s", 1), (r"\d", MAX_LENGTH), (_LDN, _MAX_BUILD_LENGTH)):
        value = value.replace(f"{token}*", f"{token}{{0,{most}}}").replace(f"{token}+", f"{token}{{1,{most}}}")
    return value


def _py(value: str, safe: bool = True) -> re.Pattern[str]:
    value = _safe(value) if safe else value
    value = value.replace(r"[v=\s]", f"[v={_WS_CLASS}]").replace(r"\s", f"[{_WS_CLASS}]")
    return re.compile(value.replace(r"\d", "[0-9]").replace("$", r"\Z"))


FULL = _py(f"^{FULL_PLAIN}$")
LOOSE = _py(f"^{LOOSE_PLAIN}$")
XRANGE = _py(rf"^{GTLT}\s*{XPLAIN}$")
XRANGE_LOOSE = _py(rf"^{GTLT}\s*{XPLAIN_LOOSE}$")
TILDE_TRIM = _py(r"(\s*)(?:~>?)\s+")
TILDE = _py(f"^(?:~>?){XPLAIN}$")
TILDE_LOOSE = _py(f"^(?:~>?){XPLAIN_LOOSE}$")
CARET_TRIM = _py(r"(\s*)(?:\^)\s+")
CARET = _py(rf"^(?:\^){XPLAIN}$")
CARET_LOOSE = _py(rf"^(?:\^){XPLAIN_LOOSE}$")
COMPARATOR = _py(rf"^{GTLT}\s*({FULL_PLAIN})$|^$")
COMPARATOR_LOOSE = _py(rf"^{GTLT}\s*({LOOSE_PLAIN})$|^$")
COMPARATOR_TRIM = _py(rf"(\s*){GTLT}\s*({LOOSE_PLAIN}|{XPLAIN})")
HYPHEN = _py(rf"^\s*({XPLAIN})\s+-\s+({XPLAIN})\s*$")
HYPHEN_LOOSE = _py(rf"^\s*({XPLAIN_LOOSE})\s+-\s+({XPLAIN_LOOSE})\s*$")
STAR = _py(r"(<|>)?=?\s*\*")
GTE0 = _py(r"^\s*>=\s*0\.0\.0\s*$")
GTE0_PRE = _py(r"^\s*>=\s*0\.0\.0-0\s*$")
BUILD_SAFE = _py(BUILD)
BUILD_STRIP = _py(BUILD, safe=False)  # Range strips build metadata with the unbounded source
SPACES = _py(r"\s+", safe=False)
DIGITS = re.compile(r"[0-9]+\Z")


def js_trim(text: str) -> str:
    """JavaScript's String.prototype.trim()."""
    return text.strip(JS_WHITESPACE)


def js_split(text: str) -> list[str]:
    """JavaScript's text.split(/\\s+/)."""
    return SPACES.split(text)
