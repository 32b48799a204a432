import pytest

from dockergen.errors import InputError
from dockergen.workspace.lockfile import parse_lockfile

TWO_DOCUMENTS = """---
lockfileVersion: '9.0'

importers:

  .:
    packageManagerDependencies: {}

packages: {}
---
lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  injectWorkspacePackages: true

pnpmfileChecksum: sha256-abc

patchedDependencies:
  graceful-fs@4.2.11: 0123
  '@scope/x@1.0.0': 4567

importers:

  .:
    devDependencies: {}

  'apps/with space':
    dependencies:
      a:
        specifier: ^1
        version: 1.0.0

  packages/a: {}

packages: {}
"""


def test_two_document_lockfile_uses_the_main_document() -> None:
    lock = parse_lockfile(TWO_DOCUMENTS, "pnpm-lock.yaml")
    assert lock.version == "9.0"
    assert lock.importers == (".", "apps/with space", "packages/a")
    assert lock.setting("injectWorkspacePackages") == "true"
    assert lock.patched == ("@scope/x@1.0.0", "graceful-fs@4.2.11")
    assert lock.has_pnpmfile_checksum


def test_v6_lockfile() -> None:
    lock = parse_lockfile("lockfileVersion: '6.0'\n\nimporters:\n\n  .: {}\n", "pnpm-lock.yaml")
    assert (lock.version, lock.major, lock.importers) == ("6.0", 6, (".",))


def test_lockfile_without_version_is_an_error() -> None:
    with pytest.raises(InputError) as err:
        parse_lockfile("importers: {}\n", "pnpm-lock.yaml")
    assert err.value.path == "pnpm-lock.yaml" and err.value.line == 1


def test_a_local_packages_key_holding_a_colon_is_read() -> None:
    """`greeter@file:vendor/greeter:` (a `file:` dependency): a plain YAML key with a colon inside."""
    text = "lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n\npackages:\n\n  greeter@file:vendor/greeter:\n    resolution: {directory: vendor/greeter, type: directory}\n"
    assert parse_lockfile(text, "pnpm-lock.yaml").package_names == frozenset({"greeter"})
