"""The runtime image's file system: the app user owns only the declared data folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import dockerutil as d
from tests.test_signals_docker import no_handler_app

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]


def test_app_files_are_read_only_and_data_dirs_writable(tmp_path: Path) -> None:
    root = no_handler_app(tmp_path / "ws", True)
    config = (root / "dockergen.yaml").read_text() + "    data_dirs: [/data, /var/lib/app]\n"
    (root / "dockergen.yaml").write_text(config)
    from dockergen.cli import main

    with pytest.raises(SystemExit):
        main(["generate", "--root", str(root)])
    image = d.build(root, "Dockerfile")
    try:
        script = (
            "id -u; id -g; touch /data/ok && touch /var/lib/app/ok && echo data-writable; "
            "touch /app/nope 2>/dev/null || echo app-read-only; touch /app/server.js 2>/dev/null || echo code-read-only; "
            "stat -c '%U:%G %a %n' /app /app/server.js /data /var/lib/app /var/lib /var"
        )
        out = d.docker("run", "--rm", "--entrypoint", "sh", image.tag, "-c", script).stdout.splitlines()
        assert out[:2] == ["1000", "1000"]
        assert "data-writable" in out and "app-read-only" in out and "code-read-only" in out
        owners = {line.split()[-1]: line.split()[0] for line in out if line.startswith(("root", "node"))}
        assert owners["/app"] == "root:root" and owners["/app/server.js"] == "root:root"
        assert owners["/data"] == "node:node" and owners["/var/lib/app"] == "node:node"
        assert owners["/var/lib"] == "root:root" and owners["/var"] == "root:root"  # parents untouched
    finally:
        d.remove_images(image.tag)
