"""semver: node-semver's answers, with npm's bundled semver package as the oracle.

The differential tests ask npm's own semver (tests/oracles/semver.cjs, one node process for the
whole table) and dockergen's port the same questions and list every disagreement. The unit tests
above them pin the answers dockergen relies on, so they also run where node is missing.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from dockergen.workspace import semver
from dockergen.workspace.semver import DEFAULT, ENGINES, WORKSPACE, Options

ORACLE = Path(__file__).parent / "oracles" / "semver.cjs"
OPTIONS = {"default": DEFAULT, "engines (includePrerelease)": ENGINES, "workspace (loose)": WORKSPACE}

# Ranges: prerelease-heavy, every sugar node-semver has, and inputs it refuses.
RANGES = [
    # prereleases in comparators, carets, tildes, hyphens, x-ranges and unions
    "^1.2.3-beta.1", "^1.2.3-beta", "~1.2.3-beta.2", ">1.2.3-alpha.3", ">=1.2.3-alpha.3", "<1.2.3-beta",
    "<=1.2.3-rc.1", "=1.2.3-beta", "1.2.3-beta", ">=1.2.3-rc.1 <1.2.3", ">1.2.3-alpha <1.2.3-beta",
    "1.2.3-alpha - 1.2.3-beta", "1.2 - 1.3.0-rc.1", "1.2.3-alpha.1 - 2", "^0.0.1-beta", "^0.1.2-alpha",
    "~0.0.1-beta", "^1.2.3-beta.1 || ^2.0.0-rc", "1.2.3-alpha || 1.2.4-beta", ">=1.0.0-0", "<2.0.0-0",
    ">=0.0.0-0", "<0.0.0-0", ">=1.2.3-beta <2", "^2.0.0-rc.1", "^21.0.0-rc.1", ">=21.0.0-rc.1 <21.0.0",
    "1.2.x-beta", "~1.2.3-0", "^1.2.3-0", ">1.2.3-0", "<1.2.4-0",
    # plain carets, tildes, x-ranges, partials, hyphens
    "^1.2.3", "^0.2.3", "^0.0.3", "^1.2", "^0.2", "^0.0", "^0", "^1", "^1.x", "^0.x", "^0.0.x", "^*",
    "~1.2.3", "~1.2", "~1", "~0", "~>1.2.3", "~>3.2", "1.x", "1.2.x", "1.X", "1.*", "x", "X", "*", "",
    "1", "1.2", "1.2.3", ">1", ">1.2", "<1.2", ">=1.2", "<=1.2", "<=1", "=1.2", "=1.x", "v1.x", ">x", "<x",
    ">=x", "1 - 2", "1.2.3 - 2.3.4", "1.2 - 2.3.4", "1.2.3 - 2", "1.2.x - 1.3.x", "* - 2", "1 - *",
    "1 - 2 || 3 - 4", ">=1.2.3 <2.0.0 || >=3", "^1 || ^2 || ^3", "* || 1", "<0.0.0 || 1.x",
    "<1 >2", ">1 <1", ">=1.2.3 <=1.2.3", ">=0.0.0", "<0.0.0", "<0", ">=99", "^1.2.3 ^1.4",
    # the spellings people write: spaces after operators, v and = prefixes, build metadata, white space
    ">= 1.2.3", "> 1.2.3 < 2", "^ 1.2.3", "~ 1.2.3", "~> 1.2.3", "<= 1.2", "= 1.2.3", ">=  1.2.3   <2",
    "v1.2.3", "=v1.2.3", "v=1.2.3", "==1.2.3", "1.2.3+build", "^1.2.3+build.5", "1.2.3+a - 2.0.0+b",
    "\t^1.2.3\n", "\u00a0^1.2.3", "\ufeff1.2.3", "^1.2.3\u2028", "1.2.3 ||  2.0.0",
    # engines ranges from real repositories
    ">=18.12", ">=20.9.0", "^18.12.0 || >=20.9.0", ">=20 <21", "20.x || 22.x", "^23.1.0 || ^24", ">=16 <=22",
    ">=22.14.0 <23", "^20.19.0 || ^22.12.0 || >=24.0.0", ">=9.0.0", "^9.0.0 || ^10.0.0", ">=8 <10", "10.x",
    # loose-only spellings and refusals
    "1.2.3beta", "01.2.3", "^01.2.3", "~001.02", "1.2.3-01", "1.2.3 foo", "foo || 1.2.3", "foo", "latest",
    "next", "lts/*", "1.2.3.4", ">=1.2.3 <", "^1.2.3 ||| 2", "1.x.2", "x.1", "1.2.3-", "1.2.3-+",
    "> = 1.2.3", "!1.2.3", "1.2.3 - 2.3.4 - 3", "||", "1 || ", "^", "~", ">", "<=", "1.2.3 -", "- 1.2.3",
    "workspace:^1.0.0", "npm:foo@1", "git+ssh://x", "^9007199254740991", "1.2.9007199254740992",
    ">=1.2.3-9007199254740993", "^1.2.3-alpha.9007199254740992", "^" + "1" * 30,
]  # fmt: skip

# Versions: as many prereleases as releases, plus strings node-semver refuses (strictly or at all).
VERSIONS = [
    "1.2.3", "1.2.3-alpha", "1.2.3-alpha.1", "1.2.3-alpha.beta", "1.2.3-beta", "1.2.3-beta.2",
    "1.2.3-beta.11", "1.2.3-rc.1", "1.2.3-0", "1.2.4-alpha", "1.2.4", "1.3.0-0", "1.3.0", "1.4.0",
    "2.0.0-0", "2.0.0-rc.1", "2.0.0", "2.5.0", "3.0.0-beta", "0.0.1-beta", "0.0.1", "0.0.2-0", "0.1.2-alpha",
    "0.1.2", "0.2.4", "0.0.0-0", "0.0.0", "3.4.5+build.7", "1.2.3-beta+exp.sha.5114f85", "v1.2.3",
    "=1.2.3", "1.2.3beta", "01.2.3", "1.2.3-01", "1.2", "1.2.3.4", "", " 1.2.3 ", "1.2.3-", "x.y.z",
    "20.11.1", "21.0.0-nightly20230429c968361829", "22.0.0-rc.1", "22.14.0", "9.15.4", "10.0.0-rc.3",
    "9007199254740991.0.0", "9007199254740992.0.0", "1.2.3-9007199254740993", "1.2.3-alpha.9007199254740992",
]  # fmt: skip

MAJORS = [0, 1, 2, 3, 9, 10, 16, 18, 20, 21, 22, 23, 24, 99]
# What each question asks of npm's semver: satisfies(version, range), validRange(range), parse(version),
# compare(a, b), intersects(range, `<major>.x`) for major_allowed, minVersion(range) for lowest_major.
KINDS = ("satisfies", "validRange", "parse", "compare", "intersects", "minVersion")


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ("22.14.0", ">=22.14.0", True),
        ("22.13.9", ">=22.14.0", False),
        ("0.2.5", "^0.2.3", True),
        ("0.3.0", "^0.2.3", False),
        ("1.2.9", "~1.2.3", True),
        ("22.5.0", "20 - 22", True),
        ("23.0.0", "20 - 22", False),
        ("1.0.0", ">= 1.0.0", True),
        ("1.2.4-beta", "^1.2.3", False),  # a prerelease needs a comparator naming one of 1.2.4
        ("1.2.3-beta.2", "^1.2.3-beta.1", True),
        ("1.2.4-beta", "^1.2.3-beta.1", False),
        ("1.2.3-beta.1", "^1.2.3-beta.2", False),
        ("1.2.3-rc.1", "*", False),
        ("1.2.3", "1.2.3+build", True),
        ("1.2.3", "v1.2.3", True),
        ("2.0.0-rc.1", "<2.0.0", False),
        ("1.2.3", "latest", False),
    ],
)
def test_satisfies(version: str, spec: str, expected: bool) -> None:
    parsed = semver.parse_exact(version)
    assert parsed is not None and semver.satisfies(parsed, spec) is expected


def test_options_as_pnpm_passes_them() -> None:
    rc = semver.parse_exact("21.0.0-rc.1")
    assert rc is not None
    assert not semver.satisfies(rc, ">=20", DEFAULT)
    assert semver.satisfies(rc, ">=20", ENGINES)  # pnpm's engines check admits prereleases
    assert semver.parse_range("1.2.3 foo", DEFAULT) is None
    loose = semver.parse_range("1.2.3 foo", WORKSPACE)  # loose drops what it cannot read
    assert loose is not None and loose.text == "1.2.3"


def test_major_allowed_and_lowest_major() -> None:
    assert semver.major_allowed(22, ">=20")
    assert not semver.major_allowed(18, ">=20")
    assert semver.major_allowed(20, ">=20.19 <21")
    assert not semver.major_allowed(21, ">=20 <21")
    assert not semver.major_allowed(5, "foo")
    assert semver.lowest_major("^18 || ^20") == 18
    assert semver.lowest_major(">=21.0.0-rc.1", ENGINES) == 21
    assert semver.lowest_major("<0.0.0-0") is None


@pytest.mark.parametrize("text", ["lts/*", "latest-ish", "", "git+ssh://x", "22-rc", "1.2.3.4"])
def test_unparseable_versions_are_none(text: str) -> None:
    assert semver.parse_version(text) is None


def test_parse_version_keeps_prerelease_and_fills_partials() -> None:
    assert semver.parse_version("v24.6.0") == semver.Version(24, 6, 0)
    assert semver.parse_version("12.0.0-rc.8") == semver.Version(12, 0, 0, ("rc", 8))
    assert semver.parse_version("22") == semver.Version(22, 0, 0)
    assert semver.parse_version("v22.1") == semver.Version(22, 1, 0)


def test_prerelease_order() -> None:
    ordered = ["1.0.0-0", "1.0.0-1", "1.0.0-2", "1.0.0-10", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta"]
    ordered += ["1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1-0"]
    versions = [semver.parse_exact(v) for v in ordered]
    for a, b in itertools.pairwise(versions):
        assert a is not None and b is not None and semver.compare(a, b) == -1


# ---- the differential test -------------------------------------------------------------------------


def _plain(v: semver.Version | None) -> dict[str, Any] | None:
    """A version as the oracle script prints one."""
    if v is None:
        return None
    return {
        "major": v.major,
        "minor": v.minor,
        "patch": v.patch,
        "prerelease": list(v.prerelease),
        "build": list(v.build),
    }


def _js(options: Options) -> dict[str, bool]:
    return {"loose": options.loose, "includePrerelease": options.include_prerelease}


def _satisfies(version: str, spec: str, options: Options) -> bool:
    parsed = semver.parse_exact(version, options)  # Range.test reads a string with the range's options
    return parsed is not None and semver.satisfies(parsed, spec, options)


def _valid_range(spec: str, options: Options) -> str | None:
    parsed = semver.parse_range(spec, options)
    return None if parsed is None else parsed.text


def _compare(a: str, b: str) -> int:
    va, vb = semver.parse_exact(a), semver.parse_exact(b)
    assert va is not None and vb is not None
    return semver.compare(va, vb)


def _questions() -> Iterator[tuple[str, str, list[Any], Options, Any]]:
    """(kind, label, oracle arguments, options, dockergen's answer) for the whole table."""
    for (name, options), spec in itertools.product(OPTIONS.items(), RANGES):
        yield "validRange", f"validRange({spec!r}) {name}", [spec], options, _valid_range(spec, options)
        yield "minVersion", f"minVersion({spec!r}) {name}", [spec], options, _plain(semver.min_version(spec, options))
        for version in VERSIONS:
            label = f"satisfies({version!r}, {spec!r}) {name}"
            yield "satisfies", label, [version, spec], options, _satisfies(version, spec, options)
        for major in MAJORS:
            label = f"intersects({spec!r}, '{major}.x') {name}"
            yield "intersects", label, [spec, f"{major}.x"], options, semver.major_allowed(major, spec, options)
    for (name, options), version in itertools.product(OPTIONS.items(), VERSIONS):
        yield "parse", f"parse({version!r}) {name}", [version], options, _plain(semver.parse_exact(version, options))
    valid = [v for v in VERSIONS if semver.parse_exact(v) is not None]
    for a, b in itertools.product(valid, valid):
        yield "compare", f"compare({a!r}, {b!r})", [a, b], DEFAULT, _compare(a, b)


def _missing(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(f"{reason} (the oracle test always runs under CI=true)")


def _semver_package() -> tuple[str, Path]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _missing("node and npm are not on PATH: the oracle is the semver package bundled with npm")
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, timeout=60, check=False).stdout
    package = Path(root.strip()) / "npm" / "node_modules" / "semver"
    if not (package / "package.json").is_file():
        _missing(f"npm's bundled semver is not at {package}")
    return node, package


@pytest.fixture(scope="module")
def disagreements() -> dict[str, list[str]]:
    """Every question whose answers differ, by kind, after one run of the oracle."""
    node, package = _semver_package()
    questions = list(_questions())
    asked = json.dumps([[kind, args, _js(options)] for kind, _, args, options, _ in questions])
    run = subprocess.run(
        [node, str(ORACLE), str(package)], input=asked, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    answers = json.loads(run.stdout)["answers"]
    assert len(answers) == len(questions)
    found: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for (kind, label, _, _, ours), theirs in zip(questions, answers, strict=True):
        if theirs == {"throws": True}:  # node-semver throws on a range it cannot read
            theirs = False if kind == "intersects" else None  # dockergen: no major allowed / no range
        if ours != theirs:
            found[kind].append(f"{label}: dockergen {ours!r}, npm's semver {theirs!r}")
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_agrees_with_npm_semver(kind: str, disagreements: dict[str, list[str]]) -> None:
    found = disagreements[kind]
    assert not found, f"{len(found)} answers differ from npm's semver:\n" + "\n".join(found[:40])


@pytest.mark.parametrize(
    ("text", "unit"),
    [("1.2.3 " * 200, "1.2.3"), ("^1.2.3 || " * 110 + "1", "^1.2.3"), (" " * 1100 + ">=1.0.0", ">=1.0.0")],
    ids=["200 comparators", "111 alternatives", "1100 spaces"],
)
def test_ranges_longer_than_the_bound_are_refused_not_misread(text: str, unit: str) -> None:
    # node-semver reads these as it reads `unit`; dockergen refuses them rather than spend quadratic time
    assert len(text) > semver.MAX_RANGE_LENGTH and semver.parse_range(unit) is not None
    assert semver.parse_range(text) is None and not semver.satisfies(semver.Version(1, 2, 3), text)
