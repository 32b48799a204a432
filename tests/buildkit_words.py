"""What BuildKit does with a word after its parser (the `dockerfile` package) has split an
instruction: the word processing of frontend/dockerfile/shell/lex.go (`ProcessWord`: quotes,
backslash escapes, `$` expansion), as COPY, ADD, ENV, LABEL, WORKDIR and the fields of `--mount`
apply it; and the CSV reading of a `--mount` flag (instructions/commands_runmount.go).

Written from lex.go's rules for the tests (no Go toolchain here to run BuildKit's own code): the
tests pass no variables, so an expansion BuildKit would make is reported (`Expanded`), never
guessed at."""

from __future__ import annotations

import csv


class Expanded(ValueError):
    """The word expands a variable (`$X`, `${X}`, `${X:-y}`): its value depends on the build."""


class Unterminated(ValueError):
    """A quote or `${` that does not end: BuildKit fails the build."""


def process_word(word: str, escape: str = "\\") -> str:
    """The word as BuildKit uses it: quotes removed, escapes applied, `$` kept only where it is
    not an expansion; Expanded or Unterminated otherwise."""
    out: list[str] = []
    i = 0
    while i < len(word):
        ch = word[i]
        if ch == "'":
            end = word.find("'", i + 1)
            if end < 0:
                raise Unterminated(f"single quote in {word!r}")
            out.append(word[i + 1 : end])
            i = end + 1
        elif ch == '"':
            i = _double_quoted(word, i + 1, out, escape)
        elif ch == "$":
            i = _dollar(word, i, out)
        elif ch == escape:
            if i + 1 < len(word):
                out.append(word[i + 1])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _double_quoted(word: str, i: int, out: list[str], escape: str) -> int:
    """Inside double quotes: `$` expands; the escape character escapes only `"`, `$` and itself."""
    while i < len(word):
        ch = word[i]
        if ch == '"':
            return i + 1
        if ch == "$":
            i = _dollar(word, i, out)
            continue
        if ch == escape and i + 1 < len(word) and word[i + 1] in ('"', "$", escape):
            out.append(word[i + 1])
            i += 2
            continue
        if ch == escape and i + 1 == len(word):
            i += 1
            continue
        out.append(ch)
        i += 1
    raise Unterminated(f"double quote in {word!r}")


def _dollar(word: str, i: int, out: list[str]) -> int:
    """`$` followed by a name, a digit, a special parameter or `{`: an expansion; else a `$`."""
    nxt = word[i + 1] if i + 1 < len(word) else ""
    if nxt == "{" or nxt.isalnum() or nxt == "_" or nxt in "@*#?-$!0":
        raise Expanded(f"{word!r} expands ${nxt}…")
    out.append("$")
    return i + 1


def mount_fields(flag: str) -> dict[str, str]:
    """`--mount=type=cache,target=/x` (as the parser hands the flag over, its quotes already
    removed) -> its fields, each value processed as a word, as BuildKit reads them."""
    assert flag.startswith("--mount="), flag
    rows = list(csv.reader([flag.removeprefix("--mount=")], strict=True))
    assert len(rows) == 1, flag
    fields: dict[str, str] = {}
    for field in rows[0]:
        key, sep, value = field.partition("=")
        fields[key.lower()] = process_word(value) if sep else "true"
    return fields
