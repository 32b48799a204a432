"""The tree a glob parses into, and the error for globs dockergen cannot read as pnpm does."""

from __future__ import annotations

from dataclasses import dataclass


class GlobSyntaxError(ValueError):
    """A glob dockergen cannot read the way pnpm does: what is wrong (and where), plus a hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Lit:
    """Literal text."""

    text: str


@dataclass(frozen=True, slots=True)
class Star:
    """`*`: any run of characters within a name. `guard`: "nodot" (the run does not start with a
    dot), "nodotslash" (after a `.`: the rest of the name is neither empty nor `.`) or ""."""

    guard: str


@dataclass(frozen=True, slots=True)
class One:
    """`?`: one character (not a dot when `nodot`, i.e. when it starts a name)."""

    nodot: bool


@dataclass(frozen=True, slots=True)
class Cls:
    """`[...]` or a brace range: one character in (negated: not in) the ranges. `literal`, when not
    empty, also matches as text (picomatch reads `[ab]` as `(?:\\[ab\\]|[ab])`)."""

    ranges: tuple[tuple[int, int], ...]
    negated: bool
    literal: str = ""


@dataclass(frozen=True, slots=True)
class Group:
    """Alternatives; kind "@" (braces, `@(...)`), "?" (optional), "+", "*" (repeated) or "!" (none
    of them starts here; then any run of characters)."""

    kind: str
    options: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True, slots=True)
class Sep:
    """A `/` between names."""


@dataclass(frozen=True, slots=True)
class Globstar:
    """`**/`: zero or more names that do not start with a dot, each with its `/`."""


@dataclass(frozen=True, slots=True)
class GlobTail:
    """What picomatch makes of `**` ending a brace alternative (`{a/**,b}`): zero or more `/`
    and a name that does not start with a dot."""


@dataclass(frozen=True, slots=True)
class Never:
    """A part picomatch cannot compile (a class range out of order): the glob matches nothing."""

    reason: str


Node = Lit | Star | One | Cls | Group | Sep | Globstar | GlobTail | Never


def utf16(text: str) -> str:
    """The text as JavaScript sees it: one character per UTF-16 code unit."""
    if all(ord(c) < 0x10000 for c in text):
        return text
    data = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(int.from_bytes(data[i : i + 2], "little")) for i in range(0, len(data), 2))


def refusal(what: str, text: str, at: int, hint: str) -> GlobSyntaxError:
    """The error for an unsupported spelling at text[at], naming the folder name it is in."""
    start = text.rfind("/", 0, at) + 1
    end = text.find("/", at)
    name = text[start : end if end >= 0 else len(text)]
    shown = name.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return GlobSyntaxError(f"has {what} in {shown!r}", hint)
