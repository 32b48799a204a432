"""JSON with comments (tsconfig.json, turbo.json, nest-cli.json) as tsc reads it: the reader's
contract, and files crafted to make a regex-based reader slow or huge. The differential test
against tsc itself is tests/test_typescript_oracle.py."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from dockergen.errors import InputError
from dockergen.formats.jsonc import MAX_COMMENTED, MAX_DEPTH, JsoncError, parse_jsonc
from dockergen.repo import Repo
from tests.helpers import build_tree


def read(tmp_path: Path, content: str | bytes) -> object:
    build_tree(tmp_path, {"tsconfig.json": content})
    return Repo(tmp_path).read_jsonc("tsconfig.json")


def test_commas_and_comment_marks_inside_strings_are_kept(tmp_path: Path) -> None:
    text = '{\n  // outDir below\n  "a": "x, }", "b": "/* not a comment */", "c": ["//", ], /* , */\n}\n'
    assert read(tmp_path, text) == {"a": "x, }", "b": "/* not a comment */", "c": ["//"]}


def test_a_file_tsc_reads_is_read_whatever_its_encoding(tmp_path: Path) -> None:
    """tsc decodes UTF-16 by its byte-order mark and invalid UTF-8 as U+FFFD: so does dockergen."""
    assert read(tmp_path, b'// r\xe9sum\xe9\n{"compilerOptions": {"outDir": "dist"}}') == {
        "compilerOptions": {"outDir": "dist"}
    }
    assert read(tmp_path, '\ufeff{"a": "é"}'.encode("utf-16-le")) == {"a": "é"}
    assert read(tmp_path, '\ufeff{"a": 1}'.encode("utf-16-be")) == {"a": 1}
    assert read(tmp_path, b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


@pytest.mark.parametrize(
    "text",
    ["{'a': 1}", '{"a": 1 "b": 2}', '{"a": NaN}', "[1]", '{"a": 1} /* open', '{"a": "x\ny"}', '{"a": 1,,}'],
    ids=["single-quotes", "missing-comma", "nan", "not-an-object", "open-comment", "newline-in-string", "double-comma"],
)
def test_what_tsc_reports_as_an_error_is_none(tmp_path: Path, text: str) -> None:
    assert read(tmp_path, text) is None


def test_nesting_is_read_as_deep_as_the_bound_then_refused(tmp_path: Path) -> None:
    nested = '{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "} // c"
    assert read(tmp_path, nested) is not None
    with pytest.raises(InputError, match=f"read {MAX_DEPTH} levels deep at most"):
        read(tmp_path, '{"a": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "} // c")
    plain = '{"a": ' + "[" * 500 + "]" * 500 + "}"  # plain JSON: the C parser reads it
    assert read(tmp_path, plain) is not None


def test_unreadable_files_are_none(tmp_path: Path) -> None:
    assert Repo(tmp_path).read_jsonc("missing.json") is None
    (tmp_path / "folder.json").mkdir()
    assert Repo(tmp_path).read_jsonc("folder.json") is None


def test_plain_json_and_commented_json_read_alike() -> None:
    plain = '{"a": [1, 2.5, -3, true, null, {"b": "\\u00e9\\n"}]}'
    commented = '{"a": [1, 2.5, -3, true, null, {"b": "\\u00e9\\n",},], // x\n}'
    assert parse_jsonc(plain) == parse_jsonc(commented) == {"a": [1, 2.5, -3, True, None, {"b": "é\n"}]}
    with pytest.raises(JsoncError):
        parse_jsonc('{"a": 1,,}')


def test_tsconfig_with_20000_open_comments_in_a_string_reads_in_well_under_a_second(tmp_path: Path) -> None:
    """A regex reader rescanned the rest of the file from each "/*" (23-36 s)."""
    value = "/* " * 20_000
    start = time.perf_counter()
    assert read(tmp_path, '// c\n{"compilerOptions": {"outDir": "' + value + '"}}') == {
        "compilerOptions": {"outDir": value}
    }
    assert read(tmp_path / "bare", '{"a": 1}' + "/* " * 20_000) is None  # unterminated: tsc's error too
    assert time.perf_counter() - start < 1


def test_tsconfig_with_a_50_mb_string_value_stays_within_ten_times_its_size(tmp_path: Path) -> None:
    """A regex reader made a string per character (5.9 GB). Plain JSON of any size is read with
    the C parser; JSON with comments above MAX_COMMENTED is refused with a one-line error."""
    value = "a" * 50_000_000
    build_tree(tmp_path, {"tsconfig.json": '{"compilerOptions": {"outDir": "' + value + '"}}'})
    build_tree(tmp_path, {"commented.json": '// c\n{"compilerOptions": {"outDir": "' + value + '"}}'})
    tracemalloc.start()
    try:
        start = time.perf_counter()
        data = Repo(tmp_path).read_jsonc("tsconfig.json")
        with pytest.raises(InputError) as refused:
            Repo(tmp_path).read_jsonc("commented.json")
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data == {"compilerOptions": {"outDir": value}}
    assert peak < 10 * len(value) and elapsed < 1, (peak, elapsed)
    assert refused.value.one_line() == (
        f"commented.json: too large to read: JSON with comments is read up to {MAX_COMMENTED // 2**20} MiB "
        "(hint: dockergen reads this file for hints (outDir, tasks): keep it small, or plain JSON)"
    )
