import time
from pathlib import Path

import pytest

from dockergen.errors import InputError
from dockergen.repo import Repo
from dockergen.workspace import glob_match, globs
from dockergen.workspace.glob_patterns import compile_globs, glob_problem, posix_normalize
from dockergen.workspace.globs import find_members
from tests.helpers import api_workspace, build_tree
from tests.test_bad_input import CONFIG, run


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


def test_extglobs_ranges_and_posix_classes(tmp_path: Path) -> None:
    dirs = ["apps/web", "apps/api", "apps/v1", "apps/v2", "apps/v3", "apps/vv"]
    assert members(tmp_path, dirs, ["apps/@(web|api)"]) == [".", "apps/api", "apps/web"]
    assert members(tmp_path, dirs, ["apps/!(web|v*)"]) == [".", "apps/api"]
    assert members(tmp_path, dirs, ["apps/v{1..2}"]) == [".", "apps/v1", "apps/v2"]
    assert members(tmp_path, dirs, ["apps/+(v)"]) == [".", "apps/vv"]
    assert members(tmp_path, dirs, ["apps/v[[:digit:]]", "!apps/v3"]) == [".", "apps/v1", "apps/v2"]


def test_negated_extglob_excludes_names_starting_with_it_as_pnpm_does(tmp_path: Path) -> None:
    """picomatch's `!(web)` inside a path is a lookahead: `webapp` starts with `web`, so it is out."""
    assert members(tmp_path, ["apps/web", "apps/webapp", "apps/api"], ["apps/!(web)"]) == [".", "apps/api"]


def test_folder_without_manifest_is_not_a_member(tmp_path: Path) -> None:
    build_tree(tmp_path, {"package.json": "{}", "apps/empty/README.md": "x", "apps/yaml/package.yaml": "name: y\n"})
    assert find_members(Repo(tmp_path), ["apps/*"]).dirs == (".", "apps/yaml")


def test_root_is_always_a_member(tmp_path: Path) -> None:
    assert members(tmp_path, ["apps/a"], []) == ["."]


@pytest.mark.parametrize("glob", ["../x", "!../x", "/abs/*", "a/../../b", "./../x"])
def test_globs_escaping_the_root_are_refused(glob: str) -> None:
    problem = glob_problem(glob)
    assert problem is not None and ("outside" in problem.message or "absolute" in problem.message)


def test_dot_segments_are_normalized_like_node(tmp_path: Path) -> None:
    assert posix_normalize("./apps//a/./b/../c/package.json") == "apps/a/c/package.json"
    assert members(tmp_path, ["apps/a"], ["apps/x/../a", "./apps/./a/"]) == [".", "apps/a"]


def test_symlinked_package_folder_is_followed(tmp_path: Path) -> None:
    build_tree(tmp_path, {"package.json": "{}", "real/lib/package.json": "{}"})
    (tmp_path / "packages").mkdir()
    (tmp_path / "packages" / "lib").symlink_to(tmp_path / "real" / "lib")
    assert find_members(Repo(tmp_path), ["packages/*"]).dirs == (".", "packages/lib")


def test_symlink_loop_is_followed_once_like_pnpm_then_stops(tmp_path: Path) -> None:
    """fdir (under pnpm) follows a link back to an ancestor once, and stops at the next link
    that leads where a linked folder above it leads: pnpm lists packages/a/loop/a too."""
    build_tree(tmp_path, {"package.json": "{}", "packages/a/package.json": "{}"})
    (tmp_path / "packages" / "a" / "loop").symlink_to(tmp_path / "packages")
    result = find_members(Repo(tmp_path), ["packages/**"])
    assert result.dirs == (".", "packages/a", "packages/a/loop/a")
    assert any("packages/a/loop/a/loop: not followed" in w for w in result.warnings)


def test_non_utf8_file_names_are_skipped_with_a_warning(tmp_path: Path) -> None:
    build_tree(tmp_path, {"package.json": "{}", "packages/a/package.json": "{}"})
    (tmp_path / "packages").joinpath(b"caf\xe9".decode("utf-8", "surrogateescape")).mkdir()
    result = find_members(Repo(tmp_path), ["packages/*"])
    assert result.dirs == (".", "packages/a")
    assert any("not valid UTF-8" in w for w in result.warnings)


def test_a_glob_starting_with_two_bangs_is_dropped_with_a_warning(tmp_path: Path) -> None:
    build_tree(tmp_path, {"package.json": "{}", "apps/a/package.json": "{}"})
    result = find_members(Repo(tmp_path), ["apps/*", "!!apps/a"])
    assert result.dirs == (".", "apps/a") and any("pnpm drops" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("glob", "needle"),
    [
        ("apps/(a|b)", "a bare `(`"),
        ("apps/a|b", "a `|` outside"),
        ("apps/\\d", "`\\d`"),
        ("apps/v{1..10}", "the range `{1..10}`"),
        ("apps/**x", "`**` inside a name"),
        ("apps/+(a|aa)", "`+(a|aa)`"),
        ("apps/{a", "an unclosed `{`"),
        ("", "is empty"),
    ],
)
def test_spellings_pnpm_reads_by_accident_are_refused_with_a_hint(glob: str, needle: str) -> None:
    problem = glob_problem(glob)
    assert problem is not None and needle in problem.message and problem.hint


# The red team's hostile globs, each through the real CLI: an answer or one line, never a traceback.


def workspace_with_globs(tmp_path: Path, globs_yaml: str) -> Path:
    root = api_workspace(tmp_path, CONFIG)
    (root / "pnpm-workspace.yaml").write_text("packages:\n  - apps/*\n  - packages/*\n" + globs_yaml)
    return root


def test_invalid_character_range_z_a(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`packages/[z-a]` crashed with a traceback; picomatch cannot compile the class, so pnpm's
    glob matches nothing: dockergen agrees and says why."""
    root = workspace_with_globs(tmp_path, '  - "packages/[z-a]"\n')
    code, _, err = run(capsys, root)
    assert code == 0 and "Traceback" not in err
    assert "glob 'packages/[z-a]' can never match: its class range z-a is out of order" in err


def test_twenty_two_brace_groups(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """22 `{a,b}` groups were expanded into 4M globs and never finished. Nothing is expanded now:
    the glob is one automaton whose size grows with the glob's length, not with 2**22."""
    in_one_name = "packages/" + "{a,b}" * 22
    across_names = "{a/x,b}" * 22
    globs = compile_globs([in_one_name, across_names])
    sizes = [p.full.size for p in globs.match if p.full]
    assert len(sizes) == 2 and max(sizes) < 40 * 22
    build_tree(tmp_path / "ws", {"package.json": "{}", f"packages/{'ab' * 11}/package.json": "{}"})
    assert find_members(Repo(tmp_path / "ws"), [in_one_name]).dirs == (".", f"packages/{'ab' * 11}")
    root = workspace_with_globs(tmp_path / "cli", f'  - "{in_one_name}"\n  - "{across_names}"\n')
    started = time.perf_counter()
    code, _, err = run(capsys, root)
    assert code == 0 and "Traceback" not in err and time.perf_counter() - started < 5


def test_two_thousand_globstars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 `**/` in one glob took 12 s: consecutive `**/` collapse into one, so the walk reads
    each folder name once per glob state, and the states stay few."""
    build_tree(tmp_path, {"package.json": "{}", "a/b/c/deep/package.json": "{}", "a/deep/package.json": "{}"})
    reads = 0
    real_run = glob_match.Automaton._run

    def counted(self: glob_match.Automaton, seeds: frozenset[int], text: str) -> set[int]:
        nonlocal reads
        reads += 1
        return real_run(self, seeds, text)

    monkeypatch.setattr(glob_match.Automaton, "_run", counted)
    started = time.perf_counter()
    result = find_members(Repo(tmp_path), ["**/" * 2000 + "deep"])
    elapsed = time.perf_counter() - started
    assert result.dirs == (".", "a/b/c/deep", "a/deep")
    [pattern] = compile_globs(["**/" * 2000 + "deep"]).match
    assert pattern.full is not None and pattern.full.size < 60
    assert reads < 20 and elapsed < 1.0  # six folders: one read per name and state set


@pytest.mark.parametrize("char", ["\t", "\n", "\x00", "\x1b", "\x7f", "\x85"])
def test_control_characters_in_a_glob(tmp_path: Path, capsys: pytest.CaptureFixture[str], char: str) -> None:
    escaped = "".join(f"\\x{ord(c):02x}" if not c.isprintable() else c for c in f"apps/x{char}y")
    root = workspace_with_globs(tmp_path, f'  - "{escaped}"\n')
    code, out, err = run(capsys, root)
    assert code == 3 and out == "" and "Traceback" not in err and err.count("\n") == 1
    assert err.startswith("dockergen: error: pnpm-workspace.yaml:4:5: glob ") and "control character" in err
    assert "hint:" in err


def test_refused_glob_names_the_file_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = workspace_with_globs(tmp_path, "  - apps/(a|b)\n")
    code, _, err = run(capsys, root)
    assert code == 3 and err.count("\n") == 1
    assert err.startswith("dockergen: error: pnpm-workspace.yaml:4:5: glob 'apps/(a|b)' has a bare `(` in '(a|b)'")


def test_find_members_refuses_bad_globs_without_a_position(tmp_path: Path) -> None:
    build_tree(tmp_path, {"package.json": "{}"})
    with pytest.raises(InputError, match="has a bare"):
        find_members(Repo(tmp_path), ["apps/(x)"])


def test_groups_nested_past_the_bound_are_refused_not_a_recursion_error() -> None:
    problem = glob_problem("apps/" + "{a," * 500 + "b" + "}" * 500)
    assert problem is not None and "nested more than" in problem.message


def test_a_glob_too_costly_for_one_name_is_refused(tmp_path: Path) -> None:
    """Reading one name is bounded (MAX_STEPS states): 5,000 optional groups, all alive at once."""
    build_tree(tmp_path, {"package.json": "{}", f"apps/{'a' * 50}/package.json": "{}"})
    started = time.perf_counter()
    with pytest.raises(InputError, match="steps to read the folder name"):
        find_members(Repo(tmp_path), ["apps/" + "?(a)" * 5000])
    assert time.perf_counter() - started < 5


def test_a_glob_longer_than_picomatch_takes_is_refused() -> None:
    problem = glob_problem("a" * 70_000)
    assert problem is not None and "longer than 65536" in problem.message


def test_the_walk_stops_at_its_bound_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(globs, "MAX_FOLDERS", 3)
    result = find_members(Repo(build_tree(tmp_path, {"package.json": "{}", "a/b/c/d/package.json": "{}"})), ["**"])
    assert result.dirs == (".",) and any("stopped looking for members after 3 folders" in w for w in result.warnings)
