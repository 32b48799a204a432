"""pnpm is installed at exactly `packageManager`'s version, and its `+sha512` is really checked."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests.test_signals_docker import no_handler_app

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]
# pnpm 10.32.1's tarball, as makeplane/plane pins it in ../shared/corpus
SHA512 = (
    "a706938f0e89ac1456b6563eab4edf1d1faf3368d1191fc5c59790e96dc918e4"
    "456ab2e67d613de1043d2e8c81f87303e6b40d4ffeca9df15ef1ad567348f2be"
)


def pinned_app(root: Path, digest: str) -> Path:
    no_handler_app(root, True)
    manifest = json.loads((root / "package.json").read_text())
    manifest["packageManager"] = f"pnpm@10.32.1+sha512.{digest}"
    (root / "package.json").write_text(json.dumps(manifest))
    with pytest.raises(SystemExit):
        main(["generate", "--root", str(root)])
    return root


def test_pnpm_is_the_pinned_version_checked_against_its_hash(tmp_path: Path) -> None:
    root = pinned_app(tmp_path / "good", SHA512)
    image = d.build(root, "Dockerfile", None, "--target", "base")
    try:
        version = d.docker("run", "--rm", image.tag, "pnpm", "--version").stdout.strip()
        assert version == "10.32.1" and "sha512sum -c" in (root / "Dockerfile").read_text()
    finally:
        d.remove_images(image.tag)


def test_a_tampered_hash_fails_the_build(tmp_path: Path) -> None:
    root = pinned_app(tmp_path / "bad", "0" * 128)
    result = subprocess.run(["docker", "build", "--target", "base", "-f", str(root / "Dockerfile"), str(root)],
                            capture_output=True, text=True, env=d.ENV)  # fmt: skip
    assert result.returncode != 0 and "FAILED" in result.stdout + result.stderr
