"""The bake file, proved with the engine this machine has (no buildx here): each bake target, run
as the plain `docker build -f <dockerfile> --target <target> .` it stands for, builds an image that
runs as non-root; the second app reuses the first one's identical steps from the cache."""

from __future__ import annotations

from pathlib import Path

import hcl2
import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests import scenarios

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]


def _value(value: object) -> str:
    return value[0] if isinstance(value, list) else value  # type: ignore[return-value]


def test_each_bake_target_builds_as_plain_docker_build(tmp_path: Path) -> None:
    """multi-app: three apps (two servers, a worker) in one shared Dockerfile."""
    root = scenarios.materialize("multi-app", tmp_path / "ws")
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    bake = hcl2.loads((root / "docker-bake.hcl").read_text())
    targets = {name: body for block in bake["target"] for name, body in block.items()}
    assert sorted(targets) == ["admin", "api", "worker"]
    builds = {}
    shared = ("[base ", "[lib-deps ", "[libs ")
    try:
        for name in ("admin", "api", "worker"):  # the default group's order
            body = targets[name]
            assert _value(body["context"]) == "." and _value(body["dockerfile"]) == "Dockerfile"
            builds[name] = d.build(root, _value(body["dockerfile"]), None, "--target", _value(body["target"]))
            assert d.inspect(builds[name].tag)["Config"]["User"] == "1000:1000"
        for name in ("api", "worker"):  # built after the first: every shared step from the cache
            assert [s for s in builds[name].steps.values() if s.startswith(shared)], name
            assert not [s for s in builds[name].executed if s.startswith(shared)], (name, builds[name].executed)
        for name, port in (("admin", 3100), ("api", 3000)):
            container = d.run_detached(builds[name].tag, "-p", f"127.0.0.1::{port}")
            try:
                url = f"http://127.0.0.1:{d.host_port(container, port)}/health"
                assert d.http_get(url) == (200, '{"status":"ok"}'), name
            finally:
                d.remove(container)
        container = d.run_detached(builds["worker"].tag)
        try:
            assert d.wait_for_log(container, "job processed", 20)
        finally:
            d.remove(container)
    finally:
        d.remove_images(*(b.tag for b in builds.values()))
