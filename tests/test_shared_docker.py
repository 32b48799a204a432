"""One app depends on another (multi-app: the API imports the worker's job names): built in
either order, the second re-runs none of the shared steps, and the API's image carries the
worker's built package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests import scenarios

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]
SHARED = ("[base ", "[lib-manifests ", "[lib-deps ", "[libs ")


def test_an_app_another_depends_on_shares_every_library_stage(tmp_path: Path) -> None:
    root = scenarios.materialize("multi-app", tmp_path / "ws")
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    d.empty_builder_cache()
    builds: dict[str, d.Build] = {}
    try:
        for name in ("worker", "api"):  # the app the other depends on first
            builds[name] = d.build(root, "Dockerfile", None, "--target", name)
        worker, api = builds["worker"], builds["api"]
        assert [s for s in worker.executed if s.startswith(SHARED)]
        assert not [s for s in api.executed if s.startswith(SHARED)], api.executed
        # the worker's own stages build nothing: its build ran with the libraries'
        assert not [s for s in worker.executed if s.startswith("[worker-") and "run build" in s], worker.executed
        print(f"worker (first) {worker.seconds:.1f} s, api (second) {api.seconds:.1f} s")
        container = d.run_detached(api.tag, "-p", "127.0.0.1::3000")
        try:
            status, body = d.http_get(f"http://127.0.0.1:{d.host_port(container, 3000)}/jobs")
            assert status == 200 and json.loads(body) == {"jobs": ["note-digest"]}
        finally:
            d.remove(container)
        container = d.run_detached(worker.tag)
        try:
            assert d.wait_for_log(container, "job processed", 20)
        finally:
            d.remove(container)
    finally:
        d.remove_images(*(b.tag for b in builds.values()))
