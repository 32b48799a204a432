"""`docker stop` ends the container promptly with a clean exit code, with or without the app's own
SIGTERM handler (node as PID 1 gets no default signal handling from the kernel)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests.helpers import SAMPLE, build_tree, copy_tree, lockfile

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]
NO_HANDLER = 'require("node:http").createServer((q, s) => s.end("{}")).listen(Number(process.env.PORT), "0.0.0.0");\n'


def stop(image: str, *run_args: str, timeout: int = 10) -> tuple[float, int]:
    container = d.run_detached(image, *run_args)
    try:
        time.sleep(1.5)  # let node install its handlers
        start = time.monotonic()
        d.docker("stop", "-t", str(timeout), container)
        seconds = time.monotonic() - start
        return seconds, int(d.docker("inspect", "-f", "{{.State.ExitCode}}", container).stdout)
    finally:
        d.remove(container)


def no_handler_app(root: Path, handle_signals: bool, node: str = "22") -> Path:
    build_tree(root, {
        "package.json": {"name": "r", "private": True, "packageManager": "pnpm@10.34.9"},
        "pnpm-workspace.yaml": "packages: [apps/*]\n", ".nvmrc": f"{node}\n",
        "pnpm-lock.yaml": lockfile([".", "apps/app"]),
        "apps/app/package.json": {"name": "@s/app", "private": True, "main": "server.js"},
        "apps/app/server.js": NO_HANDLER,
        "dockergen.yaml": f"targets:\n  app:\n    package: '@s/app'\n    port: 8080\n    handle_signals: {str(handle_signals).lower()}\n",
    })  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    return root


def test_sample_api_stops_in_under_3_seconds_with_exit_0(tmp_path: Path) -> None:
    root = copy_tree(SAMPLE, tmp_path / "sample")
    image = d.build(root, "Dockerfile", None, "--target", "api")
    try:
        seconds, code = stop(image.tag)
        assert seconds < 3 and code == 0
    finally:
        d.remove_images(image.tag)


@pytest.mark.parametrize("node", ["20", "22"])  # Node 20 cut the preload's data: URL at a '?' once
def test_app_without_a_handler_stops_promptly_thanks_to_the_preload(node: str, tmp_path: Path) -> None:
    image = d.build(no_handler_app(tmp_path / "with", True, node), "Dockerfile")
    try:
        seconds, code = stop(image.tag)
        assert seconds < 3 and code == 143  # 128 + SIGTERM: terminated by the signal, not killed
    finally:
        d.remove_images(image.tag)


def test_control_without_the_preload_the_same_app_is_killed(tmp_path: Path) -> None:
    image = d.build(no_handler_app(tmp_path / "without", False), "Dockerfile")
    try:
        seconds, code = stop(image.tag, timeout=3)
        assert seconds >= 3 and code == 137  # SIGTERM ignored by PID 1, SIGKILL after the timeout
    finally:
        d.remove_images(image.tag)


@pytest.mark.parametrize("runtime", ["slim", "distroless"])
def test_a_start_script_of_commands_in_turn_runs_them_and_stops_promptly(runtime: str, tmp_path: Path) -> None:
    """`node first.js && node server.js`: node (PID 1, no shell on distroless) runs the first to
    success, then the server, and passes `docker stop`'s SIGTERM on to it (143: ended by it)."""
    root = build_tree(tmp_path / "in-turn", {
        "package.json": {"name": "r", "private": True, "packageManager": "pnpm@10.34.9"},
        "pnpm-workspace.yaml": "packages: [apps/*]\n", ".nvmrc": "22\n",
        "pnpm-lock.yaml": lockfile([".", "apps/app"]),
        "apps/app/package.json": {
            "name": "@s/app", "private": True, "scripts": {"start": "node lib/first.js && node lib/server.js"},
        },
        "apps/app/lib/first.js": 'console.log("first done");\n',
        "apps/app/lib/server.js": NO_HANDLER,
        "dockergen.yaml": f"targets:\n  app:\n    package: '@s/app'\n    port: 8080\n    runtime: {runtime}\n",
    })  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    image = d.build(root, "Dockerfile")
    try:
        container = d.run_detached(image.tag, "-p", "127.0.0.1::8080")
        try:
            assert d.http_get(f"http://127.0.0.1:{d.host_port(container, 8080)}/")[0] == 200
            assert "first done" in d.docker("logs", container).stdout
        finally:
            d.remove(container)
        seconds, code = stop(image.tag)
        assert seconds < 3 and code == 143
    finally:
        d.remove_images(image.tag)
