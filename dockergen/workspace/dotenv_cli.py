"""`dotenv [options] [--] command ...` (dotenv-cli): the command it runs and the variables it sets,
read as its argument parser (minimist 1.2, no options declared) reads them. Without `--`, every
word that looks like a flag is dotenv's, even after the command (`dotenv -e .env node
--inspect x.js` runs `node`), and a flag takes the next word as its value (`-c node x.js` runs
`x.js`). The oracle is dotenv-cli itself: tests/test_dotenv_cli.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# JavaScript's regular expressions: \d and \W are ASCII, `.` stops at line ends ([\s\S] does not).
_LONG_WITH_VALUE = re.compile(r"^--([^=]+)=(.*)\Z", re.S)
_NEGATED = re.compile(r"^--no-(.+)", re.A)
_LONG = re.compile(r"^--(.+)", re.A)
_SHORT = re.compile(r"^-[^-]")
_FLAG_LIKE = re.compile(r"^(-|--)[^-]")
_LETTER = re.compile(r"[A-Za-z]")
_NOT_WORD = re.compile(r"\W", re.A)
_TRAILING_NUMBER = re.compile(r"-?\d+(\.\d*)?(e-?\d+)?\Z", re.A)
# minimist turns these positional words into JavaScript numbers (and dotenv-cli passes them on
# as the number's text): `08` becomes `8`, `1e3` becomes `1000`.
_NUMBER = re.compile(r"^(0x[0-9a-f]+|[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?)\Z", re.I | re.A)
_KEPT_NUMBER = re.compile(r"^(0|[1-9]\d{0,14})\Z", re.A)  # numbers whose text survives as is
_VARIABLE = re.compile(r"^(\w+)=(.+)", re.S | re.A)


@dataclass(slots=True)
class _Parsed:
    positional: list[str] = field(default_factory=list)
    flags: dict[str, list[str | bool]] = field(default_factory=dict)
    renumbered: list[str] = field(default_factory=list)  # positional words minimist rewrites as numbers

    def set(self, key: str, value: str | bool) -> None:
        self.flags.setdefault(key, []).append(value)


def command(args: list[str], env: list[tuple[str, str]]) -> tuple[list[str] | None, str]:
    """(the command dotenv-cli runs, "") after adding its `-v NAME=VALUE` variables to `env`; or
    (None, why) when it runs none or not the one written (`why` completes "its start script ...")."""
    parsed = _parse(args)
    problem = _refusal(parsed)
    if problem:
        return None, problem
    for value in parsed.flags.get("v", []):
        found = _VARIABLE.match(value) if isinstance(value, str) else None
        if found is None:
            return None, f"gives dotenv-cli -v {value}, which is not NAME=VALUE"
        env.append((found.group(1), found.group(2)))
    return parsed.positional, ""


def _refusal(parsed: _Parsed) -> str:
    """Why dotenv-cli runs no command, or not the one written ("" when it does)."""
    for key in ("p", "debug", "help"):
        if any(parsed.flags.get(key, [])):
            return f"uses dotenv-cli's {'-' if len(key) == 1 else '--'}{key}, with which it runs no command"
    if any(parsed.flags.get("c", [])) and any(parsed.flags.get("o", []) + parsed.flags.get("override", [])):
        return "uses dotenv-cli's -c with -o, which it refuses"
    if any(not isinstance(f, str) or _NUMBER.match(f) for f in parsed.flags.get("e", [])):
        return "gives dotenv-cli an -e without a file name, on which it fails"
    if parsed.renumbered:
        return (
            f"passes {parsed.renumbered[0]} to dotenv-cli, which turns it into a number (write the command after `--`)"
        )
    if not parsed.positional:
        return "gives dotenv-cli no command"
    return ""


def _parse(args: list[str]) -> _Parsed:
    parsed = _Parsed()
    rest: list[str] = []
    if "--" in args:
        rest, args = args[args.index("--") + 1 :], args[: args.index("--")]
    index = 0
    while index < len(args):
        index = _word(args, index, parsed) + 1
    parsed.positional += rest  # after `--`: kept as written
    return parsed


def _word(args: list[str], index: int, parsed: _Parsed) -> int:
    """Read args[index] (and the value it takes); the index of the last word read."""
    arg = args[index]
    after = args[index + 1] if index + 1 < len(args) else None
    long, negated = _LONG_WITH_VALUE.match(arg), _NEGATED.match(arg)
    if long:
        parsed.set(long.group(1), long.group(2))
    elif negated:
        parsed.set(negated.group(1), False)
    elif _LONG.match(arg):
        if after is not None and not _FLAG_LIKE.match(after):
            parsed.set(arg[2:], after)
            return index + 1
        parsed.set(arg[2:], True)
    elif _SHORT.match(arg):
        return _letters(arg, after, index, parsed)
    else:
        if _NUMBER.match(arg) and not _KEPT_NUMBER.match(arg):
            parsed.renumbered.append(arg)
        parsed.positional.append(arg)
    return index


def _letters(arg: str, after: str | None, index: int, parsed: _Parsed) -> int:
    """`-abc`: flags a and b, then c takes the next word unless that looks like a flag; `-e=x`,
    `-n5` and `-a.b` carry their value."""
    letters = arg[1:-1]
    for j, letter in enumerate(letters):
        tail = arg[j + 2 :]
        if tail == "-":
            parsed.set(letter, tail)
            continue
        if _LETTER.match(letter) and (tail[:1] == "=" or _TRAILING_NUMBER.search(tail)):
            parsed.set(letter, tail[1:] if tail[:1] == "=" else tail)
            return index
        if j + 1 < len(letters) and _NOT_WORD.match(letters[j + 1]):
            parsed.set(letter, tail)
            return index
        parsed.set(letter, True)
    key = arg[-1]
    if key == "-":
        return index
    if after and not _FLAG_LIKE.match(after):
        parsed.set(key, after)
        return index + 1
    parsed.set(key, True)
    return index
