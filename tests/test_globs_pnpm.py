"""Workspace membership against pnpm's own glob library (and, marked slow, pnpm itself).

pnpm 10.34.9 bundles tinyglobby 0.2.16 with fdir 6.5.0 and picomatch 4.0.4 (see its
dist/pnpm.cjs); tests/oracles/pnpm_members.mjs calls it as @pnpm/fs.find-packages does. One node
process answers the whole table; each pattern set must give dockergen's members exactly.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dockergen.errors import InputError
from dockergen.repo import Repo
from dockergen.workspace.glob_patterns import glob_problem
from dockergen.workspace.globs import find_members
from tests.helpers import build_tree

PNPM = "10.34.9"
ORACLE_PACKAGES = ("tinyglobby@0.2.16", "fdir@6.5.0", "picomatch@4.0.4")  # what pnpm 10.34.9 bundles
CACHE = Path.home() / ".cache" / "dockergen-tests" / "tinyglobby-0.2.16-fdir-6.5.0-picomatch-4.0.4"
ORACLE = Path(__file__).resolve().parent / "oracles" / "pnpm_members.mjs"

MEMBERS = [
    "docs", ".config/a", "x/.config/b", "tools/.config/t",
    "apps/web", "apps/web/nested/deep", "apps/api", "apps/admin-panel", "apps/.hidden", "apps/.hidden/inner",
    "apps/[id]", "apps/i", "apps/d", "apps/a b", "apps/a,b", "apps/v1", "apps/v2", "apps/v10", "apps/vz",
    "apps/vZ", "apps/x+y", "apps/@scope", "apps/!bang", "apps/a*b", "apps/{brace}", "apps/(paren)",
    "apps/中文", "apps/😀", "apps/é", "apps/Upper", "apps/v1.x", "apps/v1.",
    "packages/core", "packages/core/test/fixture", "packages/utils", "packages/ui-kit",
    "packages/a/node_modules/dep", "packages/node_modules/x", "packages/bower_components/b",
    "packages/dirpkg/package.json", "libs/a", "libs/a/b", "libs/a/b/c", "libs/x1", "libs/x2", "libs/y1",
]  # fmt: skip

# Each entry is one `packages:` list; the test compares the member folders for every one.
TABLE: list[list[str]] = [
    ["apps/*"], ["packages/*"], ["**"], ["*"], ["apps/**"], ["libs/**"], ["./apps/*"], ["apps/*/"],
    ["apps//web"], ["apps/./web", "apps/web/nested/deep/../.."], ["apps/web/.."], ["."], ["./"], [],
    ["*/*/*"], ["{apps,packages}/*"], ["{apps,libs}/**"], ["apps/{web,api,nope}"], ["apps/{,v}1"],
    ["apps/{v1,v10}"], ["apps/v{1..3}"], ["apps/v{a..z}"], ["apps/v{3..1}"], ["apps/v{A..z}"],
    ["apps/{a..c}*"], ["apps/v[0-9]"], ["apps/v[!0-9]"], ["apps/v[^a-z]"], ["apps/[a-c]*"], ["apps/*[!a-z]"],
    ["apps/[[:alpha:]]*"], ["apps/v[[:digit:]]"], ["apps/*[[:upper:]]*"], ["apps/[[:punct:]]*"],
    ["apps/[id]"], ["apps/\\[id\\]"], ["apps/[[]id]"], ["apps/+(v|1)"], ["apps/@(web|api)"], ["apps/!(web)"],
    ["apps/!(web|api)"], ["apps/!(v)*"], ["apps/!(*.x)"], ["apps/?(v)1"], ["apps/*(v)1"], ["apps/v+([0-9])"],
    ["apps/v[0-9]+"], ["apps/@(v+([0-9]))"], ["apps/{v+([0-9]),web}"], ["apps/?pi"], ["apps/?hidden"],
    ["apps/.hidden"], ["apps/.*"], ["apps/.hidden/*"], ["apps/@(.hidden)"], ["apps/@(*)"], ["apps/{.hidden,web}"],
    ["apps/{*,.hidden}"], ["apps/{?hidden,x}"], ["apps/v1.*"], ["apps/{v1.*,x}"], ["apps/a b"], ["apps/a,b"],
    ["apps/a\\,b"], ["apps/x+y"], ["apps/@scope"], ["apps/\\!bang"], ["apps/a!b*"], ["apps/a\\*b"], ["apps/{brace}"],
    ["apps/\\{brace\\}"], ["apps/\\(paren\\)"], ["apps/中文"], ["apps/*文"], ["apps/?"], ["apps/??"],
    ["apps/😀"], ["apps/\\$x", "apps/^x"], ["**/nested/**"], ["**/deep"], ["**/.config/*"], [".config/*"],
    ["tools/**"], ["tools/.config/*"], ["x/**/.config/*"], ["**/.config/**"],
    ["apps/*", "!apps/web"], ["!apps/web", "apps/*"], ["**", "!**/nested/**"], ["**", "!libs/**"],
    ["packages/**", "!**/test/**"], ["apps/*", "!apps/v*", "apps/v1"], ["apps/*", "!!apps/web"],
    ["apps/*", "!(apps)/*"], ["**", "!!(apps)/**"], ["**", "!apps/**", "!packages/**"],
    ["apps/*", "!apps/[z-a]"], ["packages/[z-a]"], ["libs/x[1-2]", "!libs/x2"], ["libs/**", "!libs/a/**"],
    ["{apps/*,libs/**}"], ["{apps/web,packages/{core,utils}}"], ["{apps,libs}/{web,a/b}"],
    ["{apps/**,packages/*}"], ["{apps/**/deep,libs/*}"], ["{apps,.config}/*"],
    ["packages/*", "packages/linked/**"], ["packages/linked/**"], ["apps/web/loop/**"], ["apps/web/loop/*/loop/*"],
    ["apps/**/deep"], ["apps/*/nested/*"], ["packages/node_modules/*"], ["packages/*/node_modules/*"],
    ["packages/bower_components/*"], ["apps/v1?"], ["apps/*1*"], ["libs/{a,x}*/**"], ["packages/dirpkg/**"],
    ["packages/dangling", "packages/symfile"], ["libs/a/b/.."], ["apps/ web"], ["APPS/*"],
    ["{tools,x/y}/**/.config/*"], ["apps/v1.*", "!apps/{v1.*,x}"], ["**/nested[!x]deep"], ["**/web?nested/*"],
    ["apps/{x,v{1..2}}"], ["apps/{v{1..2},web}*"], ["*/*.*"], ["apps/*.*"], ["*/*.*/*"], ["apps/x\\{/{web,api}"],
    ["apps/[web/**/deep"], ["apps/{v1.}/x/../../v1", "apps/\\{v1./*"],
]  # fmt: skip

# Spellings dockergen refuses (pnpm reads them through regex accidents, or as plain text).
REFUSED = [
    "apps/(web|api)", "apps/web|api", "apps/\\d", "apps/@(a)?", "apps/v{1..10}", "apps/v{1..9..2}",
    "apps/**x", "apps/{**,x}", "apps/+(a|aa)", "apps/*(a|)", "apps/@(a/b)", "apps/[a/b]", 'apps/"web"',
    "apps/{web", "apps/@(web", "apps/web\\", "apps/[[:nope:]]", "./!apps", "../elsewhere/*", "/abs/*", "",
    "!", "apps/x\ty", "apps/{v1..,x}", "apps/!bang", "apps/!*", "*/!!(web)", "..x/*", "apps/" + "{a," * 20 + "b" + "}" * 20,
]  # fmt: skip


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        reason = f"{tool} is not installed (the oracle for workspace globs runs pnpm's glob library in node)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="session")
def tinyglobby() -> Path:
    """pnpm's glob library, installed once into a cache folder keyed by version."""
    _require("node")
    npm = _require("npm")
    if not all((CACHE / "node_modules" / p.split("@")[0] / "package.json").is_file() for p in ORACLE_PACKAGES):
        command = [npm, "install", "--prefix", str(CACHE), "--no-save", "--no-audit", "--no-fund", *ORACLE_PACKAGES]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            reason = f"cannot install {' '.join(ORACLE_PACKAGES)}: {done.stderr.strip()[-300:]}"
            pytest.fail(reason) if os.environ.get("CI") == "true" else pytest.skip(reason)
    return CACHE


def tree(root: Path) -> Path:
    """Members at all depths, dot folders, odd names, node_modules, and symbolic links."""
    files: dict[str, object] = {"package.json": {"name": "root"}, "packages/empty/README.md": "not a member\n"}
    files.update({f"{d}/package.json": {"name": f"m{i}"} for i, d in enumerate(MEMBERS)})
    files.update({"packages/legacy/package.yaml": "name: legacy\n", "packages/json5/package.json5": "{name: 'j'}\n"})
    build_tree(root, files)
    (root / "packages" / "linked").symlink_to("../libs/a")
    (root / "apps" / "web" / "loop").symlink_to("..")
    (root / "packages" / "dangling").symlink_to("../nope")
    (root / "packages" / "symfile").mkdir()
    (root / "packages" / "symfile" / "package.json").symlink_to("../core/package.json")
    return root


def pnpm_glob(prefix: Path, root: Path, cases: list[list[str]]) -> list[Any]:
    """Members per pattern set as tinyglobby finds them for pnpm (one node process for all)."""
    request = json.dumps({"root": str(root), "cases": cases})
    done = subprocess.run(
        ["node", str(ORACLE), str(prefix)], input=request, capture_output=True, text=True, timeout=120, check=True
    )
    answer: list[Any] = json.loads(done.stdout)  # per case: member folders, or {"error": ...}
    return answer


def ours(root: Path, globs: list[str]) -> list[str]:
    return sorted(find_members(Repo(root), globs).dirs)


def test_members_agree_with_pnpm_glob_library(tmp_path: Path, tinyglobby: Path) -> None:
    root = tree(tmp_path)
    expected = pnpm_glob(tinyglobby, root, TABLE)
    differences = [
        f"{globs}: pnpm {want}, dockergen {got}"
        for globs, want in zip(TABLE, expected, strict=True)
        if (got := ours(root, globs)) != sorted(want)
    ]
    assert not differences, "\n".join(differences)
    assert len(TABLE) >= 60 and len({json.dumps(w) for w in expected}) > 40  # the table tells folders apart


# Pieces for random pattern sets: names, classes, braces (some holding `/`), extglobs, escapes.
PIECES = [
    "a", "v", "1", "web", "api", ".", "*", "?", "[a-c]", "[!a]", "[[:digit:]]", "[id]", "{a,v}", "{,v}",
    "{1..3}", "@(web|v1)", "!(web)", "!(a*)", "+(v|1)", "?(v)", "*(1)", ".hidden", "\\*", "-", "é", "[0-9]+",
    "{*,.x}", "{?a,b}", "a.*", ".*", "*.*", "{.*,x}", "{x}", "@(a|{b,c})", "!(@(a|v))", "*(a|1)", "\\[id\\]",
    "a,b", "!", "@", "+", "\\{", "[", "{a.,b}", "[!.]*", "!(*.x)", "?(a)*", "{[0-9]+,w}", "a b", "😀", "??",
]  # fmt: skip
NAMES = ["apps"] * 6 + ["packages"] * 3 + ["libs", "**", "*", ".config", "{apps,libs}", "{apps/web,libs/a}", "..", "."]
FOLDERS = [
    "web", "api", "admin-panel", "v1", "v2", "v10", "vz", "vZ", "v1.x", "core", "utils", "ui-kit", "legacy", "a",
    "b", "x1", "x2", "y1", "i", "d", "Upper", ".hidden", "nested", "deep", "linked", "loop", "[id]", "a b",
]  # fmt: skip


def random_pattern_sets(count: int, seed: int) -> list[list[str]]:
    """Pattern sets dockergen accepts, drawn with a fixed seed (the same sets on every run)."""
    draw = random.Random(seed)

    def name(first: bool) -> str:
        roll = draw.random()
        if roll < (0.8 if first else 0.2):
            return draw.choice(NAMES)
        real = draw.choice(FOLDERS)
        if roll < 0.45:
            return real
        if roll < 0.7:  # a real folder name with a piece in place of one of its characters
            cut = draw.randrange(len(real))
            return real[:cut] + draw.choice(PIECES) + real[cut + 1 :]
        return "".join(draw.choice(PIECES) for _ in range(draw.randint(1, 2)))

    def glob() -> str:
        text = "/".join(name(i == 0) for i in range(draw.choice((1, 2, 2, 2, 3))))
        return "!" + text if draw.random() < 0.15 else text

    sets: list[list[str]] = []
    while len(sets) < count:
        candidate = [glob() for _ in range(draw.randint(1, 3))]
        if all(glob_problem(g) is None for g in candidate):
            sets.append(candidate)
    return sets


def test_random_pattern_sets_agree_with_pnpm_glob_library(tmp_path: Path, tinyglobby: Path) -> None:
    root = tree(tmp_path)
    sets = random_pattern_sets(400, seed=20240601)
    expected = pnpm_glob(tinyglobby, root, sets)
    differences = [
        f"{globs}: pnpm {sorted(want)}, dockergen {got}"
        for globs, want in zip(sets, expected, strict=True)
        if (got := ours(root, globs)) != sorted(want)
    ]
    assert not differences, "\n".join(differences[:20])
    assert len({json.dumps(w) for w in expected}) > 40  # the sets tell folders apart


@pytest.mark.parametrize("glob", REFUSED)
def test_spellings_pnpm_reads_by_accident_are_refused(tmp_path: Path, glob: str) -> None:
    build_tree(tmp_path, {"package.json": "{}", "apps/web/package.json": "{}"})
    with pytest.raises(InputError) as caught:
        find_members(Repo(tmp_path), [glob])
    assert caught.value.hint and "\n" not in caught.value.one_line()


def test_known_difference_node_modules_below_a_named_dot_folder(tmp_path: Path, tinyglobby: Path) -> None:
    """pnpm's `**/node_modules/**` cannot see past a dot folder, so `.config/**` reaches
    .config/node_modules/m in pnpm; dockergen never enters node_modules."""
    root = build_tree(tmp_path, {"package.json": "{}", ".config/a/package.json": "{}"})
    build_tree(root, {".config/node_modules/m/package.json": "{}"})
    [pnpm] = pnpm_glob(tinyglobby, root, [[".config/**"]])
    assert pnpm == [".", ".config/a", ".config/node_modules/m"]
    assert ours(root, [".config/**"]) == [".", ".config/a"]


PNPM_CASES = [
    ["apps/*", "!apps/web"],
    ["**", "!**/nested/**", "!apps/web/loop/**"],
    ["apps/!(web|api)", "apps/v{1..3}", "apps/[[:alpha:]]", "apps/[id]"],
    ["{apps/*,libs/**}", "packages/linked/**"],
    ["**/.config/*", "apps/+(v|1)", "apps/.*"],
    ["apps/**", "packages/**", "!**/test/**"],
    ["{apps/web,packages/{core,utils}}", "apps/v[0-9]+", "apps/?", "apps/*[[:upper:]]*", "!!apps/web"],
]


@pytest.mark.slow
def test_real_pnpm_lists_the_same_members(tmp_path: Path, tinyglobby: Path) -> None:
    """`pnpm ls -r` (pnpm itself, pinned) agrees with the oracle's options and with dockergen."""
    npx = _require("npx")
    roots = [tree(tmp_path / str(i)) for i in range(len(PNPM_CASES))]
    for root, globs in zip(roots, PNPM_CASES, strict=True):
        (root / "pnpm-workspace.yaml").write_text("packages:\n" + "".join(f"  - {json.dumps(g)}\n" for g in globs))
        command = [npx, "--yes", f"pnpm@{PNPM}", "ls", "-r", "--depth", "-1", "--json"]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300, check=True)
        listed = sorted(os.path.relpath(p["path"], root).replace(os.sep, "/") for p in json.loads(done.stdout))
        [oracle] = pnpm_glob(tinyglobby, root, [globs])
        assert listed == oracle == ours(root, globs), globs
