"""native: which dependencies compile with node-gyp during the install, and whether pnpm lets them."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockergen.workspace.lockfile import parse_lockfile
from dockergen.workspace.native import build_policy, native_builds
from tests.helpers import FIXTURES, api_workspace
from tests.test_plan import instructions, plan_for

# What pnpm 9 writes (snapshots: hold the dependencies), abridged from tests/fixtures/native-pnpm9.
V9 = """lockfileVersion: '9.0'

importers:

  .: {}

packages:

  '@vercel/nft@0.27.0':
    resolution: {integrity: sha512-x}

  zstd-napi@0.0.13:
    resolution: {integrity: sha512-y}

snapshots:

  '@vercel/nft@0.27.0':
    dependencies:
      '@mapbox/node-pre-gyp': 1.0.11
      acorn: 8.14.0

  node-addon-api@7.1.1: {}

  zstd-napi@0.0.13:
    dependencies:
      '@types/node': 22.20.7
      node-addon-api: 7.1.1
      prebuild-install: 7.1.3
    optionalDependencies:
      fsevents: 2.3.3
"""
# pnpm 8 (format 6.0: dependencies under packages:, keys with a leading slash).
V6 = """lockfileVersion: '6.0'

importers:

  .: {}

packages:

  /better-sqlite3@9.6.0:
    resolution: {integrity: sha512-z}
    requiresBuild: true
    dependencies:
      bindings: 1.5.0
      prebuild-install: 7.1.2
    dev: false

  /keytar@7.9.0:
    resolution: {integrity: sha512-k}
    requiresBuild: true
    dependencies:
      node-addon-api: 4.3.0
      prebuild-install: 7.1.2
    dev: true
"""


def test_lockfile_dependencies_of_each_format() -> None:
    v9 = dict(parse_lockfile(V9, "pnpm-lock.yaml").dependencies)
    assert v9["zstd-napi"] == {"@types/node", "node-addon-api", "prebuild-install", "fsevents"}
    assert v9["@vercel/nft"] == {"@mapbox/node-pre-gyp", "acorn"} and "node-addon-api" not in v9
    v6 = dict(parse_lockfile(V6, "pnpm-lock.yaml").dependencies)
    assert v6 == {"better-sqlite3": {"bindings", "prebuild-install"}, "keytar": {"node-addon-api", "prebuild-install"}}


@pytest.mark.parametrize(
    ("text", "major", "settings", "expected"),
    [
        (V9, 9, {}, ("zstd-napi",)),  # pnpm < 10 builds every dependency; @vercel/nft only reads addons
        (V9, 10, {}, ()),  # pnpm 10 builds nothing unless allowed
        (V9, 10, {"onlyBuiltDependencies": ["zstd-napi"]}, ("zstd-napi",)),
        (V9, 11, {"allowBuilds": {"zstd-napi": False}}, ()),
        (V9, 9, {"neverBuiltDependencies": ["zstd-napi"]}, ()),
        (V6, 8, {}, ("better-sqlite3", "keytar")),  # better-sqlite3 is also a known one
    ],
)
def test_addons_that_download_a_prebuilt_binary_else_compile(
    text: str, major: int, settings: dict[str, object], expected: tuple[str, ...]
) -> None:
    policy = build_policy(settings, {}, major)
    assert native_builds(policy, parse_lockfile(text, "pnpm-lock.yaml")) == expected


def test_every_fixture_lockfile_names_only_real_addons() -> None:
    """Over the fixtures' lockfiles (pnpm 8 to 12), the addons found are exactly those that compile."""
    found = {}
    for lock in sorted(FIXTURES.glob("*/pnpm-lock.yaml")):
        names = native_builds(build_policy({}, {}, 9), parse_lockfile(lock.read_text(), str(lock)))
        if names:
            found[lock.parent.name] = names
    assert found == {
        "husky-pnpm8": ("zstd-napi",),
        "native": ("better-sqlite3",),
        "native-pnpm11": ("better-sqlite3",),
        "native-pnpm9": ("zstd-napi",),
    }


def test_pnpm9_gets_node_gyps_tools_for_an_addon_outside_the_known_list(tmp_path: Path) -> None:
    root = api_workspace(tmp_path, {"package.json": {"name": "r", "packageManager": "pnpm@9.15.9"}})
    snapshots = "\nsnapshots:\n\n  zstd-napi@0.0.13:\n    dependencies:\n      node-addon-api: 7.1.1\n"
    lock = root / "pnpm-lock.yaml"
    lock.write_text(lock.read_text() + snapshots + "      prebuild-install: 7.1.3\n")
    base = instructions(plan_for(root), "base")
    assert "apt-get install -y --no-install-recommends g++ make python3" in base[0]
    assert base[1] == "ENV npm_config_nodedir=/usr/local"
