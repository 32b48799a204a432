"""A JavaScript/TypeScript tokenizer for reading config files: strings, template literals (with
`${}` nesting), comments, regular-expression literals, names, numbers, punctuation.

Linear in the text: every token is one anchored match (or one `str.find` for a block comment)
that never backtracks past the token's end, so no input makes it slow. It follows TypeScript's
scanner where the two differ from the standard (NEL and U+200B are whitespace, as tsc reads them).
A `/` starts a regular expression unless the token before it ends an expression (a name that is
not an operator keyword, a literal, `)`, `]`, `}`): the usual heuristic, wrong only for a regular
expression right after a block's `}` or the `)` of an `if (…)`, `while (…)` or `for (…)` head.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Kind = Literal["name", "string", "template", "template-part", "number", "regex", "punct", "other"]

_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
_LINE_END = "\n\r\u2028\u2029"
# Possessive repeats (`*+`): Python's regex engine keeps no state per repetition for them, so a
# string of a million escapes is one fast match in constant memory.
_DOUBLE = r'"(?P<double>[^"\\\n\r]*+(?:\\(?:\r\n|[\s\S])[^"\\\n\r]*+)*+)(?P<closed_double>"?)'
_SINGLE = r"'(?P<single>[^'\\\n\r]*+(?:\\(?:\r\n|[\s\S])[^'\\\n\r]*+)*+)(?P<closed_single>'?)"
_NUMBER = (
    r"0[xX][\da-fA-F_]*n?|0[oO][0-7_]*n?|0[bB][01_]*n?"
    r"|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?[\d_]+)?n?"
)
_PUNCT = (
    r">>>=|\.\.\.|===|!==|\*\*=|<<=|>>=|>>>|\?\?=|&&=|\|\|=|=>|==|!=|<=|>=|&&|\|\||\?\?|\?\.(?!\d)"
    r"|\+\+|--|\*\*|<<|>>|[-+*/%&|^]=|[-+*/%&|^!~?:;,.=<>(){}\[\]@#]"
)
_TOKEN = re.compile(
    f"(?P<space>[{_SPACE}]+)|(?P<comment>//[^{_LINE_END}]*|/\\*)"
    r"|(?P<name>(?:[^\W\d]|\$)[\w$\u200c\u200d]*)"
    f"|(?P<number>{_NUMBER})|(?P<string>{_DOUBLE}|{_SINGLE})|(?P<template>`)|(?P<punct>{_PUNCT})"
    r"|(?P<other>[\s\S])"
)
_REGEX = re.compile(
    r"/[^/\\\[\n\r]*+(?:(?:\\[^\n\r]|\[[^\]\\\n\r]*+(?:\\[^\n\r][^\]\\\n\r]*+)*+\]?)[^/\\\[\n\r]*+)*+/?[\w$]*+"
)
_TEMPLATE_BODY = re.compile(r"[^`\\$]*+(?:(?:\\[\s\S]|\$(?!\{))[^`\\$]*+)*+")
_HASHBANG = re.compile(f"#![^{_LINE_END}]*")
# Names after which an expression starts, so `/` there begins a regular expression.
_OPERATOR_WORDS = frozenset({
    "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else",
    "yield", "await",
})  # fmt: skip
_ENDS_EXPRESSION = frozenset({")", "]", "}", "++", "--"})
_ESCAPE = re.compile(r"\\(?:x([\da-fA-F]{2})|u([\da-fA-F]{4})|u\{([\da-fA-F]{1,6})\}|([0-7]{1,3})|(\r\n|[\s\S]))")
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPED.update(dict.fromkeys(("\r\n", "\n", "\r", "\u2028", "\u2029"), ""))  # a line continuation
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: `text` is the source text, except for strings and templates without `${}`,
    whose `text` is their value (escapes decoded); `start` and `end` are its offsets in the file.
    A string, template or block comment that does not end (before the line's end, or the file's)
    is `other`."""

    kind: Kind
    text: str
    start: int
    end: int


def tokens(text: str) -> Iterator[Token]:
    """The tokens of JavaScript or TypeScript source, comments and whitespace left out."""
    opened: list[bool] = []  # per open `{` or `${`: True when it opened a template substitution
    prev: Token | None = None
    hashbang = _HASHBANG.match(text)
    pos = hashbang.end() if hashbang else 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        assert match is not None  # the last alternative matches any character
        if match.lastgroup == "space":
            pos = match.end()
        elif match.lastgroup == "comment" and not _open_comment(text, match):
            pos = _comment_end(text, match)
        else:
            prev = _token(text, match, prev, opened)
            pos = prev.end
            yield prev


def _token(text: str, match: re.Match[str], prev: Token | None, opened: list[bool]) -> Token:
    """The token `match` begins: literals are scanned past the match."""
    kind, start, end, lexeme = match.lastgroup, match.start(), match.end(), match.group()
    if kind == "comment":  # a block comment that does not end
        return Token("other", text[start:], start, len(text))
    if kind == "string":
        quote = "double" if lexeme[0] == '"' else "single"
        if not match.group(f"closed_{quote}"):  # runs into the end of the line: not a string
            return Token("other", lexeme, start, end)
        return Token("string", cook(match.group(quote)), start, end)
    if kind == "template" or (lexeme == "}" and opened and opened[-1]):
        return _template(text, start, opened)
    if lexeme in ("/", "/=") and _regex_allowed(prev):
        regex = _REGEX.match(text, start)
        assert regex is not None  # it matches the slash at least
        return Token("regex", regex.group(), start, regex.end())
    if lexeme == "{":
        opened.append(False)
    elif lexeme == "}" and opened:
        opened.pop()
    return Token(kind, lexeme, start, end)  # type: ignore[arg-type]


def _template(text: str, start: int, opened: list[bool]) -> Token:
    """A template from its opening backquote, or its continuation after a substitution's `}`."""
    body = _TEMPLATE_BODY.match(text, start + 1)
    assert body is not None  # it matches the empty string at least
    end = body.end()
    if text[start] == "}":
        opened.pop()
    if text.startswith("${", end):
        opened.append(True)
        return Token("template-part", text[start : end + 2], start, end + 2)
    if end == len(text):  # unterminated: it runs to the end of the file
        return Token("other", text[start:end], start, end)
    if text[start] == "`":
        return Token("template", cook(body.group(), template=True), start, end + 1)
    return Token("template-part", text[start : end + 1], start, end + 1)


def _regex_allowed(prev: Token | None) -> bool:
    if prev is None:
        return True
    if prev.kind == "punct":
        return prev.text not in _ENDS_EXPRESSION
    if prev.kind == "name":
        return prev.text in _OPERATOR_WORDS
    return prev.kind == "template-part" and prev.text.endswith("${")


def _open_comment(text: str, match: re.Match[str]) -> bool:
    """A block comment that does not end: it is an error, and an `other` token says so."""
    return match.group() == "/*" and text.find("*/", match.end()) < 0


def _comment_end(text: str, match: re.Match[str]) -> int:
    return match.end() if match.group() != "/*" else text.index("*/", match.end()) + 2


def cook(body: str, *, template: bool = False) -> str:
    """A literal's value from its source text between the quotes: escapes decoded, and a
    template's line breaks read as `\\n`, as the language defines them."""
    if template and "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    if "\\" not in body:
        return body
    if '"' not in body:
        try:  # JSON's escapes are JavaScript's most used ones, and its C decoder is fast
            return str(json.loads(f'"{body}"', strict=False))
        except ValueError:
            pass
    value = _ESCAPE.sub(_unescape, body)
    if _SURROGATE.search(value):  # `\uD83D\uDE00` is one character; a lone half stays as it is
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return value


def _unescape(match: re.Match[str]) -> str:
    hex2, hex4, code_point, octal, other = match.groups()
    code = hex2 or hex4 or code_point
    if code is not None:
        return chr(int(code, 16)) if int(code, 16) <= 0x10FFFF else match.group()
    if octal is not None:
        return chr(int(octal, 8)) if int(octal, 8) <= 0o377 else chr(int(octal[:2], 8)) + octal[2]
    return _ESCAPED.get(other, other)
