"""Registry credentials reach `pnpm install` as a build secret and nothing else: not a layer, not
the history, not the config. A planted token is searched for in every byte of `docker save`."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests.helpers import build_tree
from tests.registry import PrivateRegistry

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]
APP = """const http = require("node:http");
const greet = require("@private/greeting");
http.createServer((req, res) => res.end(JSON.stringify({ status: "ok", greeting: greet("docker") })))
  .listen(Number(process.env.PORT || 3000), "0.0.0.0");
"""


def gateway() -> str:
    out = d.docker("network", "inspect", "bridge", "-f", "{{(index .IPAM.Config 0).Gateway}}").stdout.strip()
    return out or "172.17.0.1"


@pytest.fixture(scope="module")
def registry() -> Iterator[PrivateRegistry]:
    reg = PrivateRegistry(token=f"dockergen-planted-{uuid.uuid4().hex}", host=gateway(), marker=uuid.uuid4().hex)
    reg.port = reg.start()  # type: ignore[attr-defined]
    yield reg
    reg.stop()


@pytest.fixture(scope="module")
def workspace(registry: PrivateRegistry, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secrets") / "ws"
    url = f"http://{registry.host}:{registry.port}/"  # type: ignore[attr-defined]
    build_tree(root, {
        "package.json": {"name": "sec", "private": True, "packageManager": "pnpm@10.34.9"},
        "pnpm-workspace.yaml": "packages: [apps/*]\n",
        ".nvmrc": "22\n",
        ".npmrc": f"@private:registry={url}\n",  # the registry only; the credential is the developer's
        "apps/app/package.json": {"name": "@sec/app", "private": True, "main": "index.js",
                                   "dependencies": {"@private/greeting": "1.0.0"}},
        "apps/app/index.js": APP,
        "dockergen.yaml": "targets:\n  app:\n    package: '@sec/app'\n    port: 3000\n",
        "home/.npmrc": f"//{registry.host}:{registry.port}/:_authToken={registry.token}\n",  # type: ignore[attr-defined]
    })  # fmt: skip
    subprocess.run(["npx", "-y", "pnpm@10.34.9", "install", "--lockfile-only"], cwd=root, check=True,
                   capture_output=True, env={**os.environ, "HOME": str(root / "home")})  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    return root


def everything_docker_keeps(tag: str, tmp_path: Path) -> bytes:
    """Every byte an image carries: `docker save` (all layers, config) plus history and inspect."""
    archive = tmp_path / f"{uuid.uuid4().hex}.tar"
    d.docker("save", "-o", str(archive), tag)
    history = d.docker("history", "--no-trunc", tag).stdout
    return archive.read_bytes() + history.encode() + d.docker("image", "inspect", tag).stdout.encode()


def test_token_reaches_the_install_and_no_layer(workspace: Path, registry: PrivateRegistry, tmp_path: Path) -> None:
    dockerfile = (workspace / "Dockerfile").read_text()
    assert "--mount=type=secret,id=npmrc,target=/root/.npmrc" in dockerfile
    before = len(registry.authorized)
    image = d.build(workspace, "Dockerfile", None, "--secret", f"id=npmrc,src={workspace / 'home/.npmrc'}")
    try:
        assert len(registry.authorized) > before  # the build really authenticated with the secret
        assert registry.token.encode() not in everything_docker_keeps(image.tag, tmp_path)
        listing = d.docker("run", "--rm", "--entrypoint", "sh", image.tag, "-c", "ls -A /app /root 2>&1; env").stdout
        assert ".npmrc" not in listing and registry.token not in listing
        container = d.run_detached(image.tag, "-p", "127.0.0.1::3000")
        try:
            status, body = d.http_get(f"http://127.0.0.1:{d.host_port(container, 3000)}/health")
            assert status == 200 and registry.marker in body
        finally:
            d.remove(container)
    finally:
        d.remove_images(image.tag)


def test_the_search_would_find_a_leaked_token(registry: PrivateRegistry, tmp_path: Path) -> None:
    """Control: the same search finds a token that a careless Dockerfile puts in an ARG and a file."""
    build_tree(tmp_path / "leaky", {"Dockerfile": 'FROM node:22-slim\nARG TOKEN\nRUN echo "$TOKEN" > /tmp/t\n'})
    image = d.build(tmp_path / "leaky", "Dockerfile", None, "--build-arg", f"TOKEN={registry.token}")
    try:
        assert registry.token.encode() in everything_docker_keeps(image.tag, tmp_path)
    finally:
        d.remove_images(image.tag)
