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
    assert (v.pnpm_version, v.pnpm_major) == ("^9.0.0 || ^10.0.0", 10)
    assert any("not pinned" in w for w in v.pnpm_warnings)


@pytest.mark.parametrize("spec", [">=99", "<1", "^4 || >=40"])
def test_engines_pnpm_range_no_major_satisfies(tmp_path: Path, spec: str) -> None:
    root = workspace(tmp_path, {}, {"package.json": {"name": "r", "engines": {"pnpm": spec}}})
    with pytest.raises(InputError) as err:
        scan(Repo(root))
    assert err.value.path == "package.json" and f"engines.pnpm {spec!r} allows no pnpm" in err.value.message
    assert err.value.hint and "packageManager" in err.value.hint


def test_pnpm_from_lockfile_format(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, {"package.json": {"name": "r"}, "pnpm-lock.yaml": lockfile(["."], version="6.0")})
    assert scan(Repo(root)).versions.pnpm_major == 8


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
