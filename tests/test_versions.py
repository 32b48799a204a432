from pathlib import Path
from typing import Any

import pytest

from dockergen.errors import InputError
from dockergen.repo import Repo
from dockergen.workspace.scan import scan
from tests.helpers import lockfile, workspace


def versions(tmp_path: Path, root: dict[str, Any] | None = None, files: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    extra: dict[str, Any] = {"package.json": {"name": "r", "packageManager": "pnpm@10.34.9", **(root or {})}}
    extra.update(files or {})
    ws_root = workspace(tmp_path, {}, extra)
    if ".nvmrc" not in (files or {}):
        (ws_root / ".nvmrc").unlink()
    return scan(Repo(ws_root)).versions


@pytest.mark.parametrize(
    ("files", "major", "source"),
    [
        ({".nvmrc": "v24.6.0\n"}, 24, ".nvmrc"),
        ({".nvmrc": "lts/iron\n"}, 20, ".nvmrc"),
        ({".node-version": "22.14.0"}, 22, ".node-version"),
        ({".tool-versions": "python 3.12\nnodejs 24.15.0 # pinned\n"}, 24, ".tool-versions"),
        ({".mise.toml": '[tools]\nnode = "22.18.0"\n'}, 22, ".mise.toml"),
        ({".npmrc": "use-node-version=20.9.0\n"}, 20, ".npmrc useNodeVersion"),
    ],
)
def test_node_version_sources(tmp_path: Path, files: dict[str, str], major: int, source: str) -> None:
    v = versions(tmp_path, files=files)
    assert (v.node_major, v.node_source) == (major, source)


def test_dev_engines_runtime_wins(tmp_path: Path) -> None:
    root = {"devEngines": {"runtime": {"name": "node", "version": "24.1.0"}}}
    v = versions(tmp_path, root, {".nvmrc": "22\n"})
    assert (v.node_major, v.node_source) == (24, "package.json devEngines.runtime")
    assert any("disagree" in w for w in v.node_warnings)


def test_engines_range_picks_default_when_allowed_else_lowest_lts(tmp_path: Path) -> None:
    assert versions(tmp_path / "a", {"engines": {"node": ">=20"}}).node_major == 22
    assert versions(tmp_path / "b", {"engines": {"node": ">=20 <21"}}).node_major == 20
    assert versions(tmp_path / "c", {"engines": {"node": "^23.1.0 || ^24"}}).node_major == 24


def test_pin_outside_engines_warns(tmp_path: Path) -> None:
    v = versions(tmp_path, {"engines": {"node": ">=24"}}, {".nvmrc": "22\n"})
    assert any("does not satisfy engines.node" in w for w in v.node_warnings)


def test_no_node_version_defaults_with_warning(tmp_path: Path) -> None:
    v = versions(tmp_path)
    assert v.node_source == "default" and any("no Node version" in w for w in v.node_warnings)


def test_package_manager_with_integrity(tmp_path: Path) -> None:
    v = versions(tmp_path, {"packageManager": "pnpm@10.32.1+sha512." + "ab" * 64})
    assert (v.pnpm_version, v.pnpm_major, v.pnpm_integrity) == ("10.32.1", 10, "sha512." + "ab" * 64)


def test_pnpm_from_engines_range_warns(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, {"package.json": {"name": "r", "engines": {"pnpm": "^9.0.0 || ^10.0.0"}}})
    v = scan(Repo(root)).versions
    assert (v.pnpm_version, v.pnpm_major) == ("10.34.9", 10)
    assert any("not pinned" in w and "packageManager: pnpm@10.34.9" in w for w in v.pnpm_warnings)


@pytest.mark.parametrize(
    ("engines", "lock", "version"),
    [(">=8", "9.0", "10.34.9"), (">=8", "6.0", "8.15.9"), ("^9", "9.0", "9.15.9"), ("=9.1.0", "9.0", "9.1.0")],
)
def test_a_pnpm_range_is_pinned_to_one_release_with_the_reason(
    tmp_path: Path, engines: str, lock: str, version: str
) -> None:
    """Never `npm install -g 'pnpm@>=8'`: the newest known release the range allows that the
    lockfile's writers made (issue 24: pnpm 12 on a pnpm 10 lockfile fails ERR_PNPM_IGNORED_BUILDS)."""
    files = {"package.json": {"name": "r", "engines": {"pnpm": engines}}, "pnpm-lock.yaml": lockfile(["."], lock)}
    v = scan(Repo(workspace(tmp_path, {}, files))).versions
    assert v.pnpm_version == version
    if engines.startswith("="):  # a range of one version is a pin: no reason needed
        assert v.pnpm_source == "package.json engines.pnpm"
    else:
        assert v.pnpm_source.startswith(f"package.json engines.pnpm {engines!r}: the newest release it allows of pnpm")
        assert f"which wrote lockfile {lock}" in v.pnpm_source


def test_no_pin_at_all_takes_the_newest_release_of_the_lockfiles_writers(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, {"package.json": {"name": "r"}})
    v = scan(Repo(root)).versions
    assert (v.pnpm_version, v.pnpm_source) == (
        "10.34.9",
        "lockfile format: the newest release of pnpm 9/10, which wrote lockfile 9.0 "
        "(pnpm 11+ fail on dependency builds nobody approved)",
    )


@pytest.mark.parametrize("spec", [">=99", "<1", "^4 || >=40"])
def test_engines_pnpm_range_no_major_satisfies(tmp_path: Path, spec: str) -> None:
    root = workspace(tmp_path, {}, {"package.json": {"name": "r", "engines": {"pnpm": spec}}})
    with pytest.raises(InputError) as err:
        scan(Repo(root))
    assert err.value.path == "package.json" and f"engines.pnpm {spec!r} allows no pnpm" in err.value.message
    assert err.value.hint and "packageManager" in err.value.hint


def test_pnpm_from_lockfile_format(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, {"package.json": {"name": "r"}, "pnpm-lock.yaml": lockfile(["."], version="6.0")})
    v = scan(Repo(root)).versions
    assert (v.pnpm_major, v.pnpm_version) == (8, "8.15.9")


def test_other_package_manager_is_an_error(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, {"package.json": {"name": "r", "packageManager": "yarn@4.1.0"}})
    with pytest.raises(InputError) as err:
        scan(Repo(root))
    assert err.value.path == "package.json" and "not pnpm" in err.value.message


def test_lockfile_too_new_for_pinned_pnpm_is_an_error(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, {"package.json": {"name": "r", "packageManager": "pnpm@8.15.5"}})
    with pytest.raises(InputError) as err:
        scan(Repo(root))
    assert err.value.path == "pnpm-lock.yaml" and "pnpm 8" in err.value.message


def test_malformed_mise_toml(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, {".mise.toml": "[tools\nnode = 1\n"})
    with pytest.raises(InputError) as err:
        scan(Repo(root))
    assert err.value.path == ".mise.toml"


def test_init_and_plan_say_why_a_range_became_this_version(tmp_path: Path) -> None:
    from dockergen.init.config_text import init_config
    from dockergen.pipeline import generate_all
    from dockergen.report.describe import describe
    from tests.scenarios import materialize

    repo = Repo(materialize("pnpm-range", tmp_path / "ws"))
    (tmp_path / "ws" / "dockergen.yaml").unlink()
    ws = scan(repo)
    config = init_config(repo, ws, None, ()).text
    why = "package.json engines.pnpm '>=8': the newest release it allows of pnpm 9/10, which wrote lockfile 9.0"
    assert f'# pnpm: "10.34.9"  # detected from {why}' in config
    plan = generate_all(repo, config_text=config, ws=ws).plans[0]
    assert f"pnpm 10.34.9 ({why}" in describe(plan)
