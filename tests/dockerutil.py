"""Thin wrappers over the docker CLI for the real-engine tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ENV = {**os.environ, "DOCKER_BUILDKIT": "1"}
_STEP = re.compile(r"^#(\d+) \[([^\]]+)\] (.*)$", re.M)
_CACHED = re.compile(r"^#(\d+) CACHED$", re.M)
_PNPM_PROGRESS = re.compile(r"^#(\d+) .*resolved (\d+), reused (\d+), downloaded (\d+)", re.M)


@dataclass(frozen=True)
class Build:
    tag: str
    log: str
    seconds: float

    @property
    def steps(self) -> dict[str, str]:
        """vertex id -> '[stage i/n] INSTRUCTION ...' for Dockerfile steps (FROM lines excluded)."""
        return {
            m.group(1): f"[{m.group(2)}] {m.group(3)}"
            for m in _STEP.finditer(self.log)
            if not m.group(2).startswith("internal") and not m.group(3).startswith("FROM ")
        }

    @property
    def executed(self) -> list[str]:
        cached = set(_CACHED.findall(self.log))
        return [text for vid, text in self.steps.items() if vid not in cached]

    @property
    def pnpm_totals(self) -> dict[str, tuple[int, int, int]]:
        """vertex id -> (resolved, reused, downloaded) from the step's last pnpm progress line: pnpm
        prints one every so often, and a slow machine prints intermediate ones (`resolved 156,
        reused 131`) that the last one includes."""
        return {vid: (int(a), int(b), int(c)) for vid, a, b, c in _PNPM_PROGRESS.findall(self.log)}

    @property
    def image_id(self) -> str:
        return inspect(self.tag)["Id"]


def docker(*args: str, check: bool = True, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, env=ENV, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-6000:]}")
    return result


def build(context: Path, dockerfile: str, tag: str | None = None, *extra: str) -> Build:
    tag = tag or f"dockergen-test/{uuid.uuid4().hex[:12]}"
    start = time.monotonic()
    result = docker("build", "--progress=plain", "-f", str(context / dockerfile), "-t", tag, *extra, str(context))
    return Build(tag, result.stderr + result.stdout, time.monotonic() - start)


def bake(root: Path, env: dict[str, str], *args: str, timeout: int = 1800) -> Build:
    """`docker buildx bake` in `root` with the bake file's variables in `env`; the log and time."""
    start = time.monotonic()
    result = subprocess.run(
        ["docker", "buildx", "bake", "--progress=plain", *args],
        capture_output=True, text=True, env={**ENV, **env}, cwd=root, timeout=timeout,
    )  # fmt: skip
    if result.returncode != 0:
        raise AssertionError(f"docker buildx bake {' '.join(args)} failed:\n{result.stderr[-6000:]}")
    return Build("", result.stderr + result.stdout, time.monotonic() - start)


def docker_in(cwd: Path, env: dict[str, str], *args: str) -> str:
    """A docker command's stdout, run in `cwd` with extra environment variables."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True, env={**ENV, **env}, cwd=cwd, timeout=120)
    if result.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed:\n{result.stderr[-4000:]}")
    return result.stdout


def inspect(ref: str) -> dict:  # type: ignore[type-arg]
    return json.loads(docker("image", "inspect", ref).stdout)[0]


def run_detached(tag: str, *args: str) -> str:
    return docker("run", "-d", *args, tag).stdout.strip()


def host_port(container: str, port: int) -> int:
    out = docker("port", container, f"{port}/tcp").stdout.strip().splitlines()[0]
    return int(out.rsplit(":", 1)[1])


def http_get(url: str, timeout: float = 30) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read().decode()
        except Exception as exc:  # the app may still be starting
            last = exc
            time.sleep(0.3)
    raise AssertionError(f"GET {url} never answered: {last}")


def wait_for_log(container: str, needle: str, timeout: float = 30) -> str:
    """The container's output once it contains `needle` (a worker has no port to probe)."""
    deadline = time.monotonic() + timeout
    logs = ""
    while time.monotonic() < deadline:
        result = docker("logs", container, check=False)
        logs = result.stdout + result.stderr
        if needle in logs:
            return logs
        time.sleep(0.3)
    raise AssertionError(f"{needle!r} never appeared in the logs of {container}:\n{logs[-2000:]}")


def remove(*refs: str) -> None:
    for ref in refs:
        docker("rm", "-f", ref, check=False)


def remove_images(*tags: str) -> None:
    if tags:
        docker("image", "rm", "-f", *tags, check=False)


def empty_builder_cache(attempts: int = 5) -> None:
    """`docker builder prune -af`, retried: dockerd 20.10 sometimes fails it on a lease a finished
    build just released ("lease ... not found"); a second try succeeds."""
    for attempt in range(attempts):
        result = docker("builder", "prune", "-af", check=attempt == attempts - 1)
        if result.returncode == 0:
            return
        time.sleep(2)


def remove_images_named(prefix: str) -> None:
    """Remove every image whose repository starts with `prefix` (a benchmark's leftovers)."""
    tags = [
        line
        for line in docker("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
        if line.startswith(prefix)
    ]
    if tags:
        docker("image", "rm", "-f", *tags, check=False)
