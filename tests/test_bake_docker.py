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
    root = scenarios.materialize("sample-bake", tmp_path / "ws")
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    bake = hcl2.loads((root / "docker-bake.hcl").read_text())
    targets = {name: body for block in bake["target"] for name, body in block.items()}
    builds = {}
    for name in ("api", "worker"):  # the default group's order
        body = targets[name]
        assert _value(body["context"]) == "."
        builds[name] = d.build(root, _value(body["dockerfile"]), None, "--target", _value(body["target"]))
        assert d.inspect(builds[name].tag)["Config"]["User"] == "1000:1000"
    base_steps = [s for s in builds["worker"].steps.values() if s.startswith("[base ")]
    assert base_steps and not [s for s in builds["worker"].executed if s.startswith("[base ")], (
        "the worker's base stage is the api's: BuildKit must reuse it",
        builds["worker"].executed,
    )
    container = d.run_detached(builds["api"].tag, "-p", "127.0.0.1::3000")
    try:
        assert d.http_get(f"http://127.0.0.1:{d.host_port(container, 3000)}/health") == (200, '{"status":"ok"}')
    finally:
        d.remove(container)
