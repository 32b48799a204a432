from pathlib import Path

import pytest

from dockergen.repo import Repo
from dockergen.workspace.globs import escapes_root, find_members
from tests.helpers import build_tree


def members(tmp_path: Path, dirs: list[str], patterns: list[str]) -> list[str]:
    build_tree(tmp_path, {"package.json": "{}", **{f"{d}/package.json": "{}" for d in dirs}})
    return list(find_members(Repo(tmp_path), patterns).dirs)


def test_single_star_matches_one_level(tmp_path: Path) -> None:
    assert members(tmp_path, ["apps/a", "apps/a/nested"], ["apps/*"]) == [".", "apps/a"]


def test_double_star_matches_any_depth_including_the_folder_itself(tmp_path: Path) -> None:
    found = members(tmp_path, ["packages", "packages/a", "packages/a/b/c"], ["packages/**"])
    assert found == [".", "packages", "packages/a", "packages/a/b/c"]


def test_negation_applies_whatever_its_position(tmp_path: Path) -> None:
    found = members(tmp_path, ["packages/a", "packages/a/test/x", "packages/b"], ["!**/test/**", "packages/**"])
    assert found == [".", "packages/a", "packages/b"]


def test_explicit_folder_and_folder_negation(tmp_path: Path) -> None:
    found = members(tmp_path, ["docs", "apps/api", "apps/proxy"], ["docs", "apps/*", "!apps/proxy"])
    assert found == [".", "apps/api", "docs"]


def test_node_modules_and_bower_components_are_never_members(tmp_path: Path) -> None:
    found = members(
        tmp_path, ["packages/a", "packages/a/node_modules/x", "packages/bower_components/y"], ["packages/**"]
    )
    assert found == [".", "packages/a"]


def test_wildcards_skip_dot_folders_but_literal_dots_match(tmp_path: Path) -> None:
    assert members(tmp_path, ["packages/.hidden", "packages/a"], ["packages/*"]) == [".", "packages/a"]
    assert members(tmp_path, ["tools/.x"], [".", "tools/.x"]) == [".", "tools/.x"]


def test_braces_and_classes(tmp_path: Path) -> None:
    found = members(tmp_path, ["apps/a", "libs/b", "tools/c", "x/v1", "x/v2", "x/vz"], ["{apps,libs}/*", "x/v[0-9]"])
    assert found == [".", "apps/a", "libs/b", "x/v1", "x/v2"]


def test_folder_without_manifest_is_not_a_member(tmp_path: Path) -> None:
    build_tree(tmp_path, {"package.json": "{}", "apps/empty/README.md": "x", "apps/yaml/package.yaml": "name: y\n"})
    assert find_members(Repo(tmp_path), ["apps/*"]).dirs == (".", "apps/yaml")


def test_root_is_always_a_member(tmp_path: Path) -> None:
    assert members(tmp_path, ["apps/a"], []) == ["."]


@pytest.mark.parametrize("glob", ["../x", "!../x", "/abs/*", "a/../../b"])
def test_globs_escaping_the_root_are_detected(glob: str) -> None:
    assert escapes_root(glob)


def test_symlinked_package_folder_is_followed(tmp_path: Path) -> None:
    build_tree(tmp_path, {"package.json": "{}", "real/lib/package.json": "{}"})
    (tmp_path / "packages").mkdir()
    (tmp_path / "packages" / "lib").symlink_to(tmp_path / "real" / "lib")
    assert find_members(Repo(tmp_path), ["packages/*"]).dirs == (".", "packages/lib")


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    build_tree(tmp_path, {"package.json": "{}", "packages/a/package.json": "{}"})
    (tmp_path / "packages" / "a" / "loop").symlink_to(tmp_path / "packages")
    result = find_members(Repo(tmp_path), ["packages/**"])
    assert result.dirs == (".", "packages/a")
    assert any("symlink loop" in w for w in result.warnings)


def test_non_utf8_file_names_are_skipped_with_a_warning(tmp_path: Path) -> None:
    build_tree(tmp_path, {"package.json": "{}", "packages/a/package.json": "{}"})
    (tmp_path / "packages").joinpath(b"caf\xe9".decode("utf-8", "surrogateescape")).mkdir()
    result = find_members(Repo(tmp_path), ["packages/*"])
    assert result.dirs == (".", "packages/a")
    assert any("not valid UTF-8" in w for w in result.warnings)
