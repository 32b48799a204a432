"""JSON with comments, read as TypeScript reads tsconfig.json (`ts.parseConfigFileTextToJson`):
comments, trailing commas, JavaScript's string escapes and number forms; anything tsc reports as
an error (single quotes, a missing comma, NaN, a top level that is not an object) is refused.

Plain JSON is read by the standard library's C parser whatever its size; the rest token by token
(linear, see jstokens.py, about a second per MiB at worst), up to MAX_COMMENTED characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from dockergen.formats.jstokens import Token, tokens

MAX_COMMENTED = 2**20  # characters of a text that is not plain JSON; tsconfig files have a few thousand
MAX_DEPTH = 200  # nesting tsc reads; tsconfig files nest a few levels
_LEGACY_OCTAL = re.compile(r"0\d")
# An escape, one at a time (so `\\\\1` is an escaped backslash and a 1); group 1: an octal escape.
_ESCAPE = re.compile(r"\\(?:([1-9]|0(?=\d))|[\s\S])")
_SAFE_INTEGER = 2**53  # JavaScript numbers are doubles: larger integers lose their last digits


class JsoncError(ValueError):
    """The text is not JSON with comments as tsc reads it without an error."""


class TooLarge(JsoncError):
    """The text is past dockergen's bounds: not plain JSON and longer than MAX_COMMENTED
    characters, or nested deeper than MAX_DEPTH."""


def parse_jsonc(text: str) -> dict[str, Any]:
    """The object a tsconfig-like text holds; an empty text (or only comments) is `{}`."""
    try:
        value = json.loads(text, parse_int=_integer, parse_constant=_refuse)
    except (ValueError, RecursionError):
        if len(text) > MAX_COMMENTED:
            raise TooLarge(f"JSON with comments is read up to {MAX_COMMENTED // 2**20} MiB") from None
        value = _parse(text)
    if not isinstance(value, dict):
        raise JsoncError("the top level is not an object")
    return value


def _parse(text: str) -> Any:
    it = tokens(text)
    first = next(it, None)
    if first is None:
        return {}
    value = _value(it, text, first, 0)
    if next(it, None) is not None:
        raise JsoncError("text after the value")
    return value


def _value(it: Iterator[Token], text: str, token: Token, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise TooLarge(f"JSON with comments is read {MAX_DEPTH} levels deep at most")
    if token.kind == "string":
        return _string(text, token)
    if token.kind == "number":
        return _number(token.text)
    if _is(token, "-"):
        operand = _next(it)
        if operand.kind != "number":
            raise JsoncError("a minus sign before something other than a number")
        return -_number(operand.text)
    if token.kind == "name" and token.text in _WORDS:
        return _WORDS[token.text]
    if _is(token, "{"):
        return _object(it, text, depth + 1)
    if _is(token, "["):
        return _array(it, text, depth + 1)
    raise JsoncError("not a JSON value")


_WORDS: dict[str, Any] = {"true": True, "false": False, "null": None}


def _object(it: Iterator[Token], text: str, depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    token = _next(it)
    while not _is(token, "}"):
        key = _string(text, token) if token.kind == "string" else None
        if key is None or not _is(_next(it), ":"):
            raise JsoncError("a key is not a double-quoted string followed by a colon")
        out[key] = _value(it, text, _next(it), depth)
        token = _after_item(it, "}")
    return out


def _array(it: Iterator[Token], text: str, depth: int) -> list[Any]:
    out: list[Any] = []
    token = _next(it)
    while not _is(token, "]"):
        out.append(_value(it, text, token, depth))
        token = _after_item(it, "]")
    return out


def _after_item(it: Iterator[Token], close: str) -> Token:
    """The token after an item and its comma (a trailing comma is allowed), or the closer."""
    token = _next(it)
    if _is(token, ","):
        return _next(it)
    if not _is(token, close):
        raise JsoncError("no comma between items")
    return token


def _string(text: str, token: Token) -> str:
    """A double-quoted string's value; single quotes and octal escapes are errors to tsc."""
    raw = text[token.start : token.end]
    if raw[0] != '"' or ("\\" in raw and any(m.group(1) for m in _ESCAPE.finditer(raw))):
        raise JsoncError("not a double-quoted string without octal escapes")
    return token.text


def _number(source: str) -> int | float:
    if source.endswith("n") or _LEGACY_OCTAL.match(source):
        raise JsoncError("a BigInt or legacy octal number")
    digits = source.replace("_", "")
    try:
        if digits[:2].lower() in ("0x", "0o", "0b"):
            return _integer(str(int(digits, 0)))
        return float(digits) if any(c in digits for c in ".eE") else _integer(digits)
    except ValueError:
        raise JsoncError("not a number") from None


def _integer(digits: str) -> int | float:
    value = int(digits)
    return value if abs(value) <= _SAFE_INTEGER else float(value)


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # tsc reads NaN and Infinity as errors


def _is(token: Token, punct: str) -> bool:
    return token.kind == "punct" and token.text == punct


def _next(it: Iterator[Token]) -> Token:
    token = next(it, None)
    if token is None:
        raise JsoncError("the text ends inside a value")
    return token
