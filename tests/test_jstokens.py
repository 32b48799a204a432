"""The JavaScript/TypeScript tokenizer: literals, comments, regular expressions against division,
template nesting, and linear time on inputs made to make a backtracking reader slow."""

from __future__ import annotations

import time

import pytest

from dockergen.formats.jstokens import cook, tokens


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokens(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('import x from "./a"; // import "./b"', [("name", "import"), ("name", "x"), ("name", "from"), ("string", "./a"), ("punct", ";")]),
        ("a /* b */ c", [("name", "a"), ("name", "c")]),
        ("'it\\'s' \"q\\\"\"", [("string", "it's"), ("string", 'q"')]),
        ("x = /[/]'/g.source", [("name", "x"), ("punct", "="), ("regex", "/[/]'/g"), ("punct", "."), ("name", "source")]),
        ("a / b / c", [("name", "a"), ("punct", "/"), ("name", "b"), ("punct", "/"), ("name", "c")]),
        ("(a) / 2", [("punct", "("), ("name", "a"), ("punct", ")"), ("punct", "/"), ("number", "2")]),
        ("return /x/", [("name", "return"), ("regex", "/x/")]),
        ("a /= 2", [("name", "a"), ("punct", "/="), ("number", "2")]),
        ("`a${`b${c}`}d`", [("template-part", "`a${"), ("template-part", "`b${"), ("name", "c"), ("template-part", "}`"), ("template-part", "}d`")]),
        ("`x${ {a: 1} }y`", [("template-part", "`x${"), ("punct", "{"), ("name", "a"), ("punct", ":"), ("number", "1"), ("punct", "}"), ("template-part", "}y`")]),
        ("`${a}` / 2", [("template-part", "`${"), ("name", "a"), ("template-part", "}`"), ("punct", "/"), ("number", "2")]),
        ("`a\r\nb`", [("template", "a\nb")]),
        ("x?.y ?? .5", [("name", "x"), ("punct", "?."), ("name", "y"), ("punct", "??"), ("number", ".5")]),
        ("a?.5:1", [("name", "a"), ("punct", "?"), ("number", ".5"), ("punct", ":"), ("number", "1")]),
        ("#!/usr/bin/env node\nx", [("name", "x")]),
        ('"open\nnext', [("other", '"open'), ("name", "next")]),
        ("a /* open", [("name", "a"), ("other", "/* open")]),
        ("`open", [("other", "`open")]),
        ("$el _x \u00e9t\u00e9", [("name", "$el"), ("name", "_x"), ("name", "\u00e9t\u00e9")]),
        ("a\u2028b\u00a0c\ufeffd\x85e", [("name", "a"), ("name", "b"), ("name", "c"), ("name", "d"), ("name", "e")]),
        ("a\x07b", [("name", "a"), ("other", "\x07"), ("name", "b")]),
    ],
)  # fmt: skip
def test_tokens(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("body", "value"),
    [
        ("a\\nb\\tc", "a\nb\tc"),
        ("\\x41\\u0042\\u{43}", "ABC"),
        ("\\uD83D\\uDE00", "\U0001f600"),
        ("\\uD800", "\ud800"),
        ("\\'\\\"\\\\\\/", "'\"\\/"),
        ("a\\\nb\\\r\nc", "abc"),
        ("\\0\\v\\b\\f", "\0\v\b\f"),
        ("\\101\\8\\z", "A8z"),
        ('say "\\x68i"', 'say "hi"'),
    ],
)
def test_escapes_are_decoded_as_javascript_does(body: str, value: str) -> None:
    assert cook(body) == value


def test_offsets_point_at_each_token() -> None:
    text = 'const a = "x"; // c\nlet b = `y`;'
    assert [text[t.start : t.end] for t in tokens(text)] == ["const", "a", "=", '"x"', ";", "let", "b", "=", "`y`", ";"]


@pytest.mark.parametrize(
    "text",
    [
        "\n" * 60_000,
        "/* " * 100_000,
        '"' + "\\n" * 500_000 + '"',
        "/" + "[" * 500_000,
        "`${" * 50_000,
        '"open\n' * 50_000,
    ],
    ids=[
        "blank-lines",
        "open-comments",
        "half-a-million-escapes",
        "open-regex-class",
        "open-templates",
        "open-strings",
    ],
)
def test_crafted_inputs_tokenize_in_well_under_a_second(text: str) -> None:
    start = time.perf_counter()
    for _ in tokens(text):
        pass
    assert time.perf_counter() - start < 1
