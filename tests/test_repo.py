import time
from pathlib import Path

import pytest

from dockergen.errors import InputError
from dockergen.repo import Repo
from tests.helpers import build_tree


def test_json_with_bom_and_crlf_is_accepted(tmp_path: Path) -> None:
    build_tree(tmp_path, {"package.json": b'\xef\xbb\xbf{\r\n  "name": "x"\r\n}\r\n'})
    assert Repo(tmp_path).read_json("package.json") == {"name": "x"}


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    build_tree(tmp_path, {"package.json": '{\n  "name": "x",\n}\n'})
    with pytest.raises(InputError) as err:
        Repo(tmp_path).read_json("package.json")
    assert err.value.location == "package.json:3:1"
    assert "trailing commas" in (err.value.hint or "")


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    build_tree(tmp_path, {"pnpm-workspace.yaml": "packages:\n  - apps/*\n - bad\n"})
    with pytest.raises(InputError) as err:
        Repo(tmp_path).read_yaml("pnpm-workspace.yaml")
    assert err.value.path == "pnpm-workspace.yaml"
    assert err.value.line == 3


def test_duplicate_yaml_keys_are_an_error(tmp_path: Path) -> None:
    build_tree(tmp_path, {"pnpm-workspace.yaml": "packages: [a]\ncatalog: {}\npackages: [b]\n"})
    with pytest.raises(InputError) as err:
        Repo(tmp_path).read_yaml("pnpm-workspace.yaml")
    assert "duplicate key" in err.value.message
    assert err.value.line == 3


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 12):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    build_tree(tmp_path, {"pnpm-workspace.yaml": "\n".join(lines) + "\n"})
    start = time.perf_counter()
    with pytest.raises(InputError) as err:
        Repo(tmp_path).read_yaml("pnpm-workspace.yaml")
    assert time.perf_counter() - start < 5
    assert "alias" in err.value.message


def test_non_utf8_text_is_an_error_naming_the_line(tmp_path: Path) -> None:
    build_tree(tmp_path, {".nvmrc": b"22\n\xff\n"})
    with pytest.raises(InputError) as err:
        Repo(tmp_path).read_text(".nvmrc")
    assert err.value.line == 2


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        Repo(tmp_path).read_text("nope.json")
    assert err.value.message == "file not found"
