import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dockergen.errors import InputError
from dockergen.repo import Repo, parse_yaml
from tests.helpers import api_workspace, build_tree


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


DEEP = 100_000


def _deep_yaml(kind: str) -> str:
    if kind == "flow list":
        return "packages: " + "[" * DEEP + "]" * DEEP + "\n"
    if kind == "flow mapping":
        return "packages: [apps/*]\ncatalog: " + "{a: " * DEEP + "x" + "}" * DEEP + "\n"
    return "packages:\n" + "- " * DEEP + "apps/*\n"  # compact block sequences, one line


@pytest.mark.parametrize("kind", ["flow list", "flow mapping", "block sequences"])
@pytest.mark.parametrize("where", ["pnpm-workspace.yaml", "dockergen.yaml", "packages/a/package.yaml"])
def test_yaml_nested_100000_deep_is_refused_before_the_c_loader(tmp_path: Path, kind: str, where: str) -> None:
    """libyaml's composer recurses in C (SIGSEGV at this depth): the depth is bounded first. In a
    subprocess, so a crash fails this test instead of killing pytest."""
    root = api_workspace(tmp_path / "ws", {"packages/a/package.json": {"name": "a"}})
    (root / "packages/a/package.json").unlink()
    (root / "packages/a/package.yaml").write_text("name: a\n")
    (root / "dockergen.yaml").write_text("targets:\n  api: {package: '@t/api', port: 3000}\n")
    (root / where).write_text(_deep_yaml(kind))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "dockergen", "generate", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith(f"dockergen: error: {where}:") and "deeper than 500 levels" in lines[-1], lines
    assert time.perf_counter() - start < 20


def test_yaml_depth_bound_counts_exactly_past_the_quick_bound() -> None:
    """Past the quick bound (indicator characters), libyaml's events count the depth exactly:
    a wide document loads, 500 levels load, 501 are refused (on the line where they pass it)."""
    wide = "catalog:\n" + "".join(f"  pkg-{i}: {{a: [b]}}\n" for i in range(3_000))
    assert len(parse_yaml(wide, "x", positions=False)["catalog"]) == 3_000
    assert parse_yaml(wide + "deep: " + "[" * 499 + "]" * 499 + "\n", "x", positions=False) is not None
    with pytest.raises(InputError, match="deeper than 500") as err:
        parse_yaml(wide + "deep: " + "[" * 500 + "]" * 500 + "\n", "x", positions=False)
    assert err.value.line == 3_002


def _peak(read: object) -> int:
    import gc
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        assert callable(read)
        read()
    except InputError:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@pytest.mark.slow
def test_reading_a_large_file_costs_at_most_ten_times_its_size(tmp_path: Path) -> None:
    """A lockfile, YAML past its bound (refused from libyaml's events before anything is built), a
    manifest with one huge string, a JS config (read through windows of tokens)."""
    from dockergen.workspace.build_configs import file_facts
    from dockergen.workspace.lockfile import parse_lockfile

    package = "\n  /pkg-{i}@1.0.{i}:\n    resolution: {{integrity: sha512-" + "A" * 86 + "}}\n    dev: false\n"
    files = {
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n\npackages:\n" + "".join(package.format(i=i) for i in range(40_000)),
        "pnpm-workspace.yaml": "packages:\n" + "".join(f"  - apps/app-{i}\n" for i in range(500_000)),
        "package.json": json.dumps({"name": "x", "description": "d" * 20_000_000}),
        "vite.config.ts": "import a from './a';\n" + "x.y(1);" * 140_000,
    }
    build_tree(tmp_path, files)
    repo = Repo(tmp_path)
    reads = {
        "pnpm-lock.yaml": lambda: parse_lockfile(repo.read_text("pnpm-lock.yaml"), "pnpm-lock.yaml"),
        "pnpm-workspace.yaml": lambda: repo.read_yaml("pnpm-workspace.yaml"),
        "package.json": lambda: repo.read_json("package.json"),
        "vite.config.ts": lambda: file_facts(repo.read_text("vite.config.ts")),
    }
    for name, read in reads.items():
        size = (tmp_path / name).stat().st_size
        assert _peak(read) <= 10 * size, name
