"""`[...]` classes and `{x..y}` ranges, read as picomatch reads them."""

from __future__ import annotations

import re

from dockergen.workspace.glob_nodes import Cls, Never, Node, refusal

_PUNCT = "-!\"#$%&'()*+,./:;<=>?@[]^_`{|}~"
# picomatch's source for each POSIX class (a class whose source holds no regex character also
# matches its own spelling, e.g. the name `[ \t]`) and the code units it stands for.
_POSIX: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {
    "alnum": ("a-zA-Z0-9", ((97, 122), (65, 90), (48, 57))),
    "alpha": ("a-zA-Z", ((97, 122), (65, 90))),
    "ascii": ("\\x00-\\x7F", ((0, 127),)),
    "blank": (" \\t", ((32, 32), (9, 9))),
    "cntrl": ("\\x00-\\x1F\\x7F", ((0, 31), (127, 127))),
    "digit": ("0-9", ((48, 57),)),
    "graph": ("\\x21-\\x7E", ((33, 126),)),
    "lower": ("a-z", ((97, 122),)),
    "print": ("\\x20-\\x7E ", ((32, 126),)),
    "punct": ("\\-!\"#$%&'()\\*+,./:;<=>?@[\\]^_`{|}~", tuple((ord(c), ord(c)) for c in _PUNCT)),
    "space": (" \\t\\r\\n\\v\\f", tuple((c, c) for c in (32, 9, 13, 10, 11, 12))),
    "upper": ("A-Z", ((65, 90),)),
    "word": ("A-Za-z0-9_", ((65, 90), (97, 122), (48, 57), (95, 95))),
    "xdigit": ("A-Fa-f0-9", ((65, 70), (97, 102), (48, 57))),
}
_REGEX_CHARS = re.compile(r"[-*+?.^${}(|)[\]]")
_RANGE = re.compile(r"([A-Za-z0-9])\.\.([A-Za-z0-9])")
_CLASS_HINT = "a class matches one character of a name: [abc], [a-z], [!a], [[:alpha:]]"


def class_end(text: str, start: int) -> int:
    """Index of the `]` closing the class opened at `start` (len(text) when none does); a `]`
    first in the class is a member, as in picomatch."""
    i = start + 1
    if text[i : i + 1] in ("!", "^"):
        i += 1
    if text[i : i + 1] == "]":
        i += 1
    while i < len(text) and text[i] != "]":
        if text.startswith("[:", i) and ":]" in text[i + 2 :]:
            i = text.index(":]", i + 2) + 1
        i += 1
    return i


def parse_class(text: str, start: int) -> tuple[Node, int]:
    """The class opened at `start` and the index of its `]`."""
    end = class_end(text, start)
    body = text[start + 1 : end]
    if end >= len(text) or "/" in body or "\\" in body:
        raise refusal("a `[` class holding `/` or `\\`", text, start, _CLASS_HINT)
    negated = body[:1] in ("!", "^")
    items = body[1:] if negated else body
    ranges: list[tuple[int, int]] = []
    source: list[str] = []
    i = 0
    while i < len(items):
        if items.startswith("[:", i):
            i = _posix(items, i, ranges, source, (text, start))
        elif i + 2 < len(items) and items[i + 1] == "-":
            if items.startswith("[:", i + 2):
                raise refusal(f"the class `[{body}]`", text, start, _CLASS_HINT)
            low, high = ord(items[i]), ord(items[i + 2])
            if low > high:  # JavaScript refuses the regex; picomatch then matches nothing
                return Never(f"its class range {items[i : i + 3]} is out of order"), end
            ranges.append((low, high))
            source.append(items[i : i + 3])
            i += 3
        else:
            ranges.append((ord(items[i]), ord(items[i])))
            source.append(items[i])
            i += 1
    content = "".join(source)
    literal = "" if negated or _REGEX_CHARS.search(content) else f"[{content}]"
    return Cls(tuple(ranges), negated, literal), end


def _posix(items: str, i: int, ranges: list[tuple[int, int]], source: list[str], where: tuple[str, int]) -> int:
    close = items.find(":]", i + 2)
    name = items[i + 2 : close] if close > 0 else ""
    after = close + 2
    if name not in _POSIX or items[after : after + 1] == "-":
        raise refusal(f"the class `[{items}]`", *where, _CLASS_HINT)
    source.append(_POSIX[name][0])
    ranges.extend(_POSIX[name][1])
    return after


def parse_range(text: str, start: int, end: int) -> Node:
    """`{a..c}` (text[start:end + 1]): picomatch's one-character class [a-c]; single letters or digits."""
    body = text[start + 1 : end]
    match = _RANGE.fullmatch(body)
    if not match:
        raise refusal(
            f"the range `{{{body}}}`", text, start,
            "pnpm's glob library reads {x..y} as the one-character class [x-y] (so {1..10} is [1-10]: "
            "0 or 1, and steps are not steps); use single letters or digits, or list the names {1,2,10}",
        )  # fmt: skip
    low, high = sorted((ord(match.group(1)), ord(match.group(2))))
    return Cls(((low, high),), negated=False)
