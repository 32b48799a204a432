"""The bake file, run for real: `docker buildx bake` builds every target of the multi-app fixture
(each image runs as non-root and answers), `REGISTRY=127.0.0.1:5000/<name>/ TAG=t docker buildx
bake --push` publishes them all, and images pulled back from the registry (the local copies
removed first) start and answer; each bake target is also the plain `docker build --target` it
stands for. What cannot run on this machine's docker driver (exporting a layer cache) is checked
with `docker buildx bake --print`: buildx reads the file as dockergen meant it."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import hcl2
import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests import scenarios

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]

APPS = {"admin": 3100, "api": 3000, "worker": None}
REGISTRY = "127.0.0.1:5000"


def _value(value: object) -> str:
    return value[0] if isinstance(value, list) else value  # type: ignore[return-value]


def _generate(root: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0


def _answers(image: str, name: str) -> None:
    """The app answers GET /health (a server) or logs its first job (the worker)."""
    port = APPS[name]
    container = d.run_detached(image, *(("-p", f"127.0.0.1::{port}") if port else ()))
    try:
        if port is None:
            assert d.wait_for_log(container, "job processed", 20)
        else:
            url = f"http://127.0.0.1:{d.host_port(container, port)}/health"
            assert d.http_get(url) == (200, '{"status":"ok"}'), name
    finally:
        d.remove(container)


def test_bake_builds_pushes_and_the_pulled_images_answer(tmp_path: Path) -> None:
    """multi-app: three apps (two servers, a worker) in one shared Dockerfile, one bake file."""
    root = scenarios.materialize("multi-app", tmp_path / "ws")
    _generate(root)
    prefix = f"{REGISTRY}/dockergen-test-{uuid.uuid4().hex[:10]}/"
    env = {"REGISTRY": prefix, "TAG": "t", "REVISION": "0123abc"}
    images = [f"{prefix}{name}:t" for name in APPS]
    try:
        d.bake(root, env)  # the default group: every target
        for name, image in zip(APPS, images, strict=True):
            config = d.inspect(image)["Config"]
            assert config["User"] == "1000:1000", name
            labels = config["Labels"] or {}
            assert labels["org.opencontainers.image.title"] == name
            assert labels["org.opencontainers.image.version"] == "1.0.0"  # the app's package.json
            assert labels["org.opencontainers.image.revision"] == "0123abc"  # a bake variable
            assert "org.opencontainers.image.source" not in labels  # SOURCE left empty: no label
            _answers(image, name)
        d.bake(root, env, "--push")
        d.remove_images(*images)
        for name, image in zip(APPS, images, strict=True):
            with pytest.raises(AssertionError):
                d.inspect(image)  # gone: what runs next comes from the registry
            d.docker("pull", image)
            _answers(image, name)
    finally:
        d.remove_images(*images)


def test_bake_print_reads_cache_labels_and_platforms_as_written(tmp_path: Path) -> None:
    """`cache: registry` / `cache: gha` and `platforms`, read by buildx itself (`--print`), and by
    python-hcl2: the same targets, references and labels."""
    root = scenarios.materialize("multi-app", tmp_path / "ws")
    config = (root / "dockergen.yaml").read_text()
    config = config.replace('    package: "@acme/api"\n', '    package: "@acme/api"\n    cache: gha\n')
    config = config.replace("targets:\n", "registry: ghcr.io/acme/\ndefaults:\n  cache: registry\n"
                            "  platforms: [linux/amd64, linux/arm64]\ntargets:\n", 1)  # fmt: skip
    (root / "dockergen.yaml").write_text(config)
    _generate(root)
    result = d.docker_in(root, {"TAG": "1.2.3", "SOURCE": "https://example.com/acme"}, "buildx", "bake", "--print")
    printed = json.loads(result)
    targets = printed["target"]
    assert printed["group"]["default"]["targets"] == ["admin", "api", "worker"]
    assert targets["admin"]["cache-from"] == ["type=registry,ref=ghcr.io/acme/admin:buildcache"]
    assert targets["admin"]["cache-to"] == ["type=registry,ref=ghcr.io/acme/admin:buildcache,mode=max"]
    assert targets["api"]["cache-from"] == ["type=gha,scope=api"]
    assert targets["api"]["cache-to"] == ["type=gha,scope=api,mode=max"]
    assert targets["worker"]["tags"] == ["ghcr.io/acme/worker:1.2.3"]
    assert targets["worker"]["platforms"] == ["linux/amd64", "linux/arm64"]
    assert targets["worker"]["labels"] == {
        "org.opencontainers.image.title": "worker",
        "org.opencontainers.image.version": "1.0.0",
        "org.opencontainers.image.source": "https://example.com/acme",
    }
    parsed = hcl2.loads((root / "docker-bake.hcl").read_text())
    blocks = {name: body for block in parsed["target"] for name, body in block.items()}
    assert sorted(blocks) == sorted(targets)
    for name, body in blocks.items():
        assert _value(body["target"]) == targets[name]["target"] and _value(body["dockerfile"]) == "Dockerfile"
    cleared = json.loads(d.docker_in(root, {}, "buildx", "bake", "--print", "--set", "*.cache-to="))
    assert all("cache-to" not in t for t in cleared["target"].values())  # the README's docker-driver line


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
