"""Real BuildKit builds of what `dockergen init` writes for the sample monorepo."""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests.helpers import SAMPLE, copy_tree

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]
GENERATED = ("dockergen.yaml", "Dockerfile", ".dockerignore")  # one Dockerfile for both apps


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the sample without dockergen's files, initialised from scratch by `dockergen init`."""
    root = copy_tree(SAMPLE, tmp_path_factory.mktemp("e2e") / "sample")
    for rel in GENERATED:
        (root / rel).unlink(missing_ok=True)
    with pytest.raises(SystemExit) as exit_info:
        main(["init", "--root", str(root)])
    assert exit_info.value.code == 0
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def images(sample: Path) -> Iterator[dict[str, d.Build]]:
    built = {name: d.build(sample, "Dockerfile", None, "--target", name) for name in ("api", "worker")}
    yield built
    d.remove_images(*(b.tag for b in built.values()))


def test_init_wrote_every_file(sample: Path) -> None:
    for rel in GENERATED:
        assert (sample / rel).is_file(), rel


def test_api_serves_health_as_non_root(images: dict[str, d.Build]) -> None:
    container = d.run_detached(images["api"].tag, "-p", "127.0.0.1::3000")
    try:
        status, body = d.http_get(f"http://127.0.0.1:{d.host_port(container, 3000)}/health")
        assert (status, body) == (200, '{"status":"ok"}')
        uid = d.docker("exec", container, "id", "-u").stdout.strip()
        assert uid != "0" and uid == "1000"
        config = d.inspect(images["api"].tag)["Config"]
        assert config["User"] == "1000:1000" and "3000/tcp" in config["ExposedPorts"]
        assert config["Cmd"][:2] == ["node", "--import"] and config["Cmd"][-1] == "dist/index.js"
        assert "NODE_ENV=production" in config["Env"]
    finally:
        d.remove(container)


def test_runtime_image_holds_no_sources_dev_dependencies_or_pnpm(images: dict[str, d.Build]) -> None:
    listing = d.docker("run", "--rm", "--entrypoint", "sh", images["api"].tag, "-c",
                       "ls -A /app; ls /app/node_modules/.pnpm; ls /app/dist; command -v pnpm || echo no-pnpm").stdout  # fmt: skip
    assert "src" not in listing.split() and "tsconfig.json" not in listing
    assert "typescript" not in listing and "vitest" not in listing and "eslint" not in listing
    assert "no-pnpm" in listing and ".npmrc" not in listing and "index.js" in listing


def test_worker_runs_and_stops_cleanly(images: dict[str, d.Build]) -> None:
    container = d.run_detached(images["worker"].tag)
    try:
        deadline = time.monotonic() + 20
        while "job processed" not in d.docker("logs", container).stdout and time.monotonic() < deadline:
            time.sleep(0.3)
        assert "job processed" in d.docker("logs", container).stdout
        d.docker("stop", container)
        assert d.docker("inspect", "-f", "{{.State.ExitCode}}", container).stdout.strip() == "0"
    finally:
        d.remove(container)


def test_the_second_target_reuses_every_shared_step(images: dict[str, d.Build]) -> None:
    """The worker, built after the api from the same file, runs only its own stages."""
    shared = ("[base", "[lib-deps", "[libs")
    assert not [s for s in images["worker"].executed if s.startswith(shared)], images["worker"].executed
    assert any(s.startswith(shared) for s in images["worker"].steps.values())  # they are in its build, cached


def test_an_app_change_rebuilds_only_that_apps_image(sample: Path, images: dict[str, d.Build]) -> None:
    api, worker = d.inspect(images["api"].tag)["Id"], d.inspect(images["worker"].tag)["Id"]
    app = sample / "apps/api/src/app.ts"
    app.write_text(app.read_text() + f'\nexport const e2eMarker = "{uuid.uuid4().hex}";\n')
    rebuilt = {name: d.build(sample, "Dockerfile", images[name].tag, "--target", name) for name in ("api", "worker")}
    assert rebuilt["worker"].executed == [] and rebuilt["worker"].image_id == worker
    assert rebuilt["api"].image_id != api and all(
        s.startswith(("[api-build", "[api ")) for s in rebuilt["api"].executed
    )
