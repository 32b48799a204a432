"""`pnpm:` in dockergen.yaml beside another packageManager pin: the build runs the version it
names, also where a script runs pnpm again (postiz's postinstall runs `pnpm run prisma-generate`;
pnpm >= 9.7 switches to the pinned version unless told not to)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests import scenarios

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]


def test_the_configs_pnpm_runs_and_not_the_pinned_one(tmp_path: Path) -> None:
    root = scenarios.materialize("pnpm10-early", tmp_path / "w")  # packageManager: pnpm@10.22.0
    config = root / "dockergen.yaml"
    config.write_text(
        config.read_text().replace('    package: "@acme/api"\n', '    package: "@acme/api"\n    pnpm: "10.34.9"\n')
    )
    manifest = root / "package.json"
    assert '"packageManager": "pnpm@10.22.0"' in manifest.read_text()
    # a script that runs pnpm again, as a root postinstall does
    manifest.write_text(
        manifest.read_text().replace('"scripts": {', '"scripts": {\n    "which-pnpm": "pnpm --version",', 1)
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    image = d.build(root, "Dockerfile", None, "--target", "deps")
    try:
        assert "pnpm@10.34.9" in image.log
        direct = d.docker("run", "--rm", image.tag, "pnpm", "--version").stdout.strip()
        nested = d.docker("run", "--rm", image.tag, "pnpm", "run", "--silent", "which-pnpm").stdout.strip()
        assert direct == "10.34.9" and nested.splitlines()[-1] == "10.34.9", (direct, nested)
    finally:
        d.remove_images(image.tag)
