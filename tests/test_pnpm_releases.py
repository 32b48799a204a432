"""pnpm_releases: an exact pnpm for a range, from the lockfile's writers, checked against npm's semver."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from dockergen.errors import InputError
from dockergen.workspace import pnpm_releases as pr
from dockergen.workspace import semver
from dockergen.workspace.lockfile import Lockfile, parse_lockfile
from tests.test_semver import ORACLE, _semver_package

ONE_DOC_9 = Lockfile("pnpm-lock.yaml", "9.0", (".",), (), (), False)
ENV_DOC_9 = Lockfile("pnpm-lock.yaml", "9.0", (".",), (), (), False, env_document=True)
V6 = Lockfile("pnpm-lock.yaml", "6.0", (".",), (), (), False)
V54 = Lockfile("pnpm-lock.yaml", "5.4", (".",), (), (), False)
LOCKFILES = {"9.0": ONE_DOC_9, "9.0+env": ENV_DOC_9, "6.0": V6, "5.4": V54}
# Ranges seen in engines.pnpm / devEngines.packageManager of real repositories, and their edges.
RANGES = [
    ">=8", ">=8.15.0", "^9.0.0 || ^10.0.0", "^9 || ^10", ">=9", ">=9.0.0 <11", "^10", "10.x", "~10.5",
    "~9.5.0", "<10", "<=9.12", ">=7", "^7.33", "8", "8.6", "^8.6.0", ">=8 <8.6.5", ">=11", "^11.2",
    "^12", "12.x", "*", "", ">=10.0.0-0", "^10.0.0-rc.1", ">=99", "<7", "^6", "7.x || 8.x", ">8.15.9 <9",
    ">=9.15.9", ">9.15.9 <10", "^9.15.9 || ^10.34.9", "=10.34.9", "10.34.9 - 11", ">=12.26.1",
]  # fmt: skip


def lockfile_text(env_pnpm: str | None) -> str:
    env = (
        "---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    configDependencies: {}\n"
        f"    packageManagerDependencies:\n      pnpm:\n        specifier: ^11\n        version: {env_pnpm}\n\n"
        "packages: {}\n---\n"
    )
    return (env if env_pnpm else "") + "lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n"


def test_table_holds_the_newest_patch_of_each_minor_once_in_order() -> None:
    versions = [semver.parse_exact(v) for v in pr.RELEASES]
    assert all(v is not None and not v.prerelease for v in versions)
    keys = [(v.major, v.minor) for v in versions if v]
    assert keys == sorted(set(keys)) and {m for m, _ in keys} == set(pr.LOCKFILE_READABLE)


@pytest.mark.parametrize(
    ("spec", "lock", "version", "why"),
    [
        (">=8", "9.0", "10.34.9", "of pnpm 9/10, which wrote lockfile 9.0 (pnpm 11+ fail on dependency builds"),
        (">=8", "9.0+env", "12.26.0", "of pnpm 11/12, which wrote lockfile 9.0 with its env document"),
        (">=8", "6.0", "8.15.9", "of pnpm 8, which wrote lockfile 6.0"),
        (">=7", "5.4", "7.33.7", "of pnpm 7, which wrote lockfile 5.4"),
        ("^9", "9.0", "9.15.9", "of pnpm 9/10"),
        ("~9.5.0", "9.0", "9.5.0", "of pnpm 9/10"),
        (">=11", "9.0", "12.26.0", "of pnpm 9/10/11/12, which install lockfile 9.0"),  # the range says 11+
        ("^9", "6.0", "9.15.9", "of pnpm 8/9/10, which install lockfile 6.0"),  # pnpm 9 reads 6.0
        (None, "9.0", "10.34.9", "the newest release of pnpm 9/10"),
    ],
)
def test_choose(spec: str | None, lock: str, version: str, why: str) -> None:
    choice = pr.choose(spec, LOCKFILES[lock])
    assert choice is not None and (choice.version, choice.why.count(why)) == (version, 1), choice


@pytest.mark.parametrize(("spec", "lock"), [("<9", "9.0"), (">=12.26.1", "9.0"), ("^11", "6.0"), ("^6", "5.4")])
def test_no_release(spec: str, lock: str) -> None:
    assert pr.choose(spec, LOCKFILES[lock]) is None
    error = pr.no_release(spec, "engines.pnpm", LOCKFILES[lock])
    assert isinstance(error, InputError) and error.path == "package.json"
    assert f"engines.pnpm {spec!r} allows no pnpm release that installs lockfile {lock}" in error.message
    assert error.hint and "packageManager: pnpm@<version>" in error.hint


def test_the_version_the_env_document_records_wins_when_the_range_allows_it() -> None:
    lock = parse_lockfile(lockfile_text("11.5.3"), "pnpm-lock.yaml")
    assert (lock.env_document, lock.env_pnpm) == (True, "11.5.3")
    choice = pr.choose("^11", lock)
    assert choice is not None and (choice.version, choice.why) == ("11.5.3", "the version pnpm-lock.yaml records")
    other = pr.choose("^12", lock)
    assert other is not None and other.version == "12.26.0"  # the recorded version is outside the range


def test_one_document_lockfile_records_nothing() -> None:
    lock = parse_lockfile(lockfile_text(None), "pnpm-lock.yaml")
    assert (lock.env_document, lock.env_pnpm) == (False, None)


def _oracle_answer(spec: str, lock: Lockfile, answer: dict[tuple[str, tuple[int, ...]], str | None]) -> str | None:
    """What node-semver's maxSatisfying says for the writers' releases, else the readers'."""
    for majors in (pr.writers(lock), pr.readers(lock)):
        found = answer[(spec, majors)]
        if found is not None:
            return found
    return None


def test_newest_release_agrees_with_npm_semver_max_satisfying() -> None:
    """For every range and lockfile kind, the release dockergen picks is node-semver's
    maxSatisfying(the releases of the writers' majors, range, {includePrerelease}), else of the
    readers' majors (the choice of majors is dockergen's; the version order and range reading are
    node-semver's)."""
    node, package = _semver_package()
    groups = sorted({g for lock in LOCKFILES.values() for g in (pr.writers(lock), pr.readers(lock))})
    asked = [(spec, g) for spec in RANGES for g in groups]
    questions = [
        ["maxSatisfying", [[v for v in pr.RELEASES if int(v.split(".")[0]) in g], spec], {"includePrerelease": True}]
        for spec, g in asked
    ]
    run = subprocess.run(
        [node, str(ORACLE), str(package)],
        input=json.dumps(questions),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    answer = dict(zip(asked, json.loads(run.stdout)["answers"], strict=True))
    differ = []
    for spec in RANGES:
        for name, lock in LOCKFILES.items():
            choice = pr.choose(spec or None, lock)
            ours = choice.version if choice else None
            theirs = _oracle_answer(spec, lock, answer)
            if ours != theirs:
                differ.append(f"{spec!r} with lockfile {name}: dockergen {ours}, npm's semver {theirs}")
    assert len(RANGES) * len(LOCKFILES) == 148 and not differ, "\n".join(differ)


def test_a_range_in_dockergen_yaml_is_pinned_too(tmp_path: Path) -> None:
    from dockergen.errors import ConfigError
    from tests.helpers import api_workspace
    from tests.test_plan import API_CONFIG, instructions, plan_for

    root = api_workspace(tmp_path)
    plan = plan_for(root, API_CONFIG + "    pnpm: '10'\n")
    assert (plan.pnpm, plan.pnpm_source) == (
        "10.34.9",
        "dockergen.yaml '10': the newest release it allows of pnpm 9/10, which wrote lockfile 9.0 "
        "(pnpm 11+ fail on dependency builds nobody approved)",
    )
    assert "npm install -g pnpm@10.34.9" in instructions(plan, "base")[0]
    assert plan_for(root, API_CONFIG + "    pnpm: 9.12.1\n").pnpm == "9.12.1"  # exact: as written
    with pytest.raises(ConfigError) as err:
        plan_for(root, API_CONFIG + "    pnpm: '>=99'\n")
    assert err.value.hint == "set an exact version (10.34.9)"
