"""The part of a lockfile one target installs: v9 (packages + snapshots, peer suffixes) and v6
(`/name@version` keys) resolve to the same kind of data; a change outside the part leaves it
equal, a change inside does not; a shape it cannot read is None (every target counts as changed)."""

from __future__ import annotations

from dockergen.workspace.lock_graph import installed_part, parse
from tests.helpers import FIXTURES

V9 = """\
lockfileVersion: '9.0'
settings:
  autoInstallPeers: true
importers:
  .: {}
  apps/a:
    dependencies:
      x: {specifier: ^1, version: 1.0.0(react@18.2.0)}
      lib: {specifier: 'workspace:*', version: 'link:../../packages/lib'}
  apps/b:
    dependencies:
      y: {specifier: ^2, version: 2.0.0}
      alias: {specifier: 'npm:z@3', version: z@3.0.0}
packages:
  x@1.0.0: {resolution: {integrity: sha512-x}}
  react@18.2.0: {resolution: {integrity: sha512-r}}
  y@2.0.0: {resolution: {integrity: sha512-y}}
  z@3.0.0: {resolution: {integrity: sha512-z}}
snapshots:
  x@1.0.0(react@18.2.0):
    dependencies:
      react: 18.2.0
  react@18.2.0: {}
  y@2.0.0: {}
  z@3.0.0: {}
"""


def test_v9_parts_follow_references_peers_and_aliases() -> None:
    doc = parse(V9, "pnpm-lock.yaml")
    assert doc is not None
    a, b = installed_part(doc, (".", "apps/a")), installed_part(doc, (".", "apps/b"))
    assert a is not None and b is not None
    assert sorted(a["packages"]) == ["react@18.2.0", "x@1.0.0(react@18.2.0)"]
    assert a["packages"]["x@1.0.0(react@18.2.0)"][0] == {"resolution": {"integrity": "sha512-x"}}  # metadata
    assert sorted(b["packages"]) == ["y@2.0.0", "z@3.0.0"]
    bumped = parse(V9.replace("sha512-y", "sha512-y2"), "pnpm-lock.yaml")
    assert bumped is not None
    assert installed_part(bumped, (".", "apps/a")) == a and installed_part(bumped, (".", "apps/b")) != b
    settings = parse(V9.replace("autoInstallPeers: true", "autoInstallPeers: false"), "pnpm-lock.yaml")
    assert settings is not None and installed_part(settings, (".", "apps/a")) != a


def test_v6_keys_and_what_cannot_be_read() -> None:
    doc = parse((FIXTURES / "pnpm8/pnpm-lock.yaml").read_text(), "pnpm-lock.yaml")
    assert doc is not None
    part = installed_part(doc, (".", "apps/api", "packages/config", "packages/greet"))
    assert part is not None and "/ms@2.1.3" in part["packages"] and "/picocolors@1.1.1" in part["packages"]
    broken = parse(
        V9.replace("  y@2.0.0: {}\n", "").replace("  y@2.0.0: {resolution: {integrity: sha512-y}}\n", ""), "x"
    )
    assert broken is not None and installed_part(broken, ("apps/b",)) is None  # y is nowhere: unreadable
    assert parse("importers: [", "x") is None
    two_documents = "---\nenv: {}\n---\n" + V9  # pnpm 11 writes an env document first
    assert parse(two_documents, "x") == parse(V9, "x")
