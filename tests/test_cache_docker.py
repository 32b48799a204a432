"""What only real builds prove: rebuilds proportional to the change, identical images when nothing
the image holds changed, the pnpm store cache, and no wasted bytes (dive)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests import scenarios
from tests.helpers import SAMPLE, copy_tree, require_tool

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]
DOCKERFILE = "Dockerfile"  # shared by the sample's api and worker: --target picks the api
API = ("--target", "api")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = copy_tree(SAMPLE, tmp_path_factory.mktemp("cache") / "sample")
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def first(sample: Path) -> Iterator[d.Build]:
    # A unique install input: the builder cache holds earlier runs' identical edits, which would
    # otherwise turn every rebuild below into a full cache hit.
    append(sample / "pnpm-workspace.yaml", f"# test run {uuid.uuid4().hex}\n")
    build = d.build(sample, DOCKERFILE, None, *API)
    yield build
    d.remove_images(build.tag)


@pytest.fixture(scope="module")
def tag(first: d.Build) -> str:
    return first.tag


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def stages(steps: list[str]) -> list[str]:
    return [s.split("]")[0].lstrip("[").rsplit(" ", 1)[0].strip() for s in steps]


def test_the_apps_install_adds_only_what_the_libraries_lack(first: d.Build) -> None:
    """The libraries' install hands pnpm's record of it to the app's install (not to /repo of the
    libraries' stage), so the app's install links its own few packages instead of all of them."""
    totals = {first.steps[vid]: counts for vid, counts in first.pnpm_totals.items() if vid in first.steps}
    libs = [resolved for step, (resolved, _, _) in totals.items() if step.startswith("[lib-deps ")]
    app = [resolved for step, (resolved, _, _) in totals.items() if step.startswith("[api-deps ")]
    assert libs and libs[0] > 100, totals
    assert all(resolved < libs[0] / 10 for resolved in app), totals


def test_a_app_source_change_rebuilds_only_the_app(sample: Path, tag: str) -> None:
    append(sample / "apps/api/src/app.ts", f'\nexport const buildMarker = "{uuid.uuid4().hex}";\n')
    rebuild = d.build(sample, DOCKERFILE, tag, *API)
    assert len(rebuild.executed) == 3, rebuild.executed
    assert stages(rebuild.executed) == ["api-build", "api-build", "api"]
    assert "COPY --from=api-build /repo/apps/api/dist ./dist" in rebuild.executed[-1]


def test_b_change_outside_the_closure_runs_nothing_and_keeps_the_image(sample: Path, tag: str) -> None:
    before = d.inspect(tag)["Id"]
    append(sample / "apps/worker/src/index.ts", "\n// a change the API does not use\n")
    append(sample / "README.md", "\n// nor this\n")
    rebuild = d.build(sample, DOCKERFILE, tag, *API)
    assert rebuild.executed == [] and rebuild.image_id == before


def test_b2_a_library_only_the_worker_uses_keeps_the_api_image(sample: Path, tag: str) -> None:
    """A library only the worker uses is built in the worker's own stages: the API's build runs
    none of its steps again, and its image stays the same."""
    before = d.inspect(tag)["Id"]
    append(sample / "packages/queue/src/index.ts", f"\n// the worker's library {uuid.uuid4().hex}\n")
    rebuild = d.build(sample, DOCKERFILE, tag, *API)
    assert not rebuild.executed, rebuild.executed
    assert rebuild.image_id == before


def test_b3_a_library_only_the_api_uses_rebuilds_its_own_stage_not_the_shared_ones(sample: Path, tag: str) -> None:
    """@acme/db is the API's alone: its change re-runs the API's own libraries' build and what
    follows it, never the shared libraries' stages nor the app's install."""
    append(sample / "packages/db/src/index.ts", f"\n// the API's library {uuid.uuid4().hex}\n")
    rebuild = d.build(sample, DOCKERFILE, tag, *API)
    assert any(s.startswith("[api-own-libs") and "run build" in s for s in rebuild.executed), rebuild.executed
    assert not any(s.startswith(("[libs", "[lib-deps", "[api-own-deps")) for s in rebuild.executed)
    assert not any(s.startswith("[api-deps") and "install" in s for s in rebuild.executed)


def test_library_test_change_reruns_builds_but_keeps_the_image(sample: Path, tag: str) -> None:
    """Builds rerun, yet the production tree and build output are byte-identical, so every runtime
    layer is reused: pnpm's timestamps (.modules.yaml) must not leak into the runtime layers."""
    before = d.inspect(tag)["Id"]
    append(sample / "packages/core/test/notes.test.ts", "\n// a test-only change\n")
    rebuild = d.build(sample, DOCKERFILE, tag, *API)
    assert any("deploy" in s for s in rebuild.executed)
    assert not any(s.startswith("[api ") for s in rebuild.executed)
    assert rebuild.image_id == before


def test_c_added_dependency_reruns_under_half_and_downloads_only_it(sample: Path, tag: str) -> None:
    subprocess.run(
        ["npx", "-y", "pnpm@10.34.9", "add", "dayjs@1.11.13", "--filter", "@acme/api", "--lockfile-only"],
        cwd=sample, check=True, capture_output=True, env={**os.environ, "CI": "true"},
    )  # fmt: skip
    rebuild = d.build(sample, DOCKERFILE, tag, *API)
    assert len(rebuild.executed) < len(rebuild.steps) / 2, rebuild.executed
    assert not any(s.startswith("[libs") for s in rebuild.executed)  # libraries are not rebuilt
    # store cache hit: every package but the new one comes from the cache-mounted store
    final = [p for p in rebuild.pnpm_totals.values() if p[0] > 100]  # the installs, not the deploy
    assert final and all(resolved - reused <= 1 and downloaded <= 1 for resolved, reused, downloaded in final), final
    listing = d.docker("run", "--rm", "--entrypoint", "ls", tag, "/app/node_modules").stdout.split()
    assert "dayjs" in listing


def test_dive_finds_no_waste(tag: str) -> None:
    exe = require_tool("dive")
    result = subprocess.run([exe, "--ci", "--source", "docker", tag], capture_output=True, text=True,
                            env={**os.environ, "CI": "true"})  # fmt: skip
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    efficiency = float(re.search(r"efficiency:\s*([\d.]+)\s*%", text).group(1))  # type: ignore[union-attr]
    wasted = int(re.search(r"wastedBytes:\s*(\d+)", text).group(1))  # type: ignore[union-attr]
    assert efficiency >= 99.9 and wasted < 100_000, text


def test_optimize_cold_builds_every_library_in_one_step_and_still_rebuilds_only_the_app(tmp_path: Path) -> None:
    root = scenarios.materialize("sample-cold", tmp_path / "cold")
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    append(root / "pnpm-workspace.yaml", f"# test run {uuid.uuid4().hex}\n")
    first = d.build(root, DOCKERFILE)
    try:
        installs = [s for s in first.executed if "pnpm install" in s]
        builds = [s for s in first.executed if s.startswith("[libs") and "run build" in s]
        assert len(installs) == 1 and len(builds) == 1, first.executed  # one install, one step for the libraries
        append(root / "apps/api/src/app.ts", f'\nexport const buildMarker = "{uuid.uuid4().hex}";\n')
        rebuild = d.build(root, DOCKERFILE, first.tag)
        assert stages(rebuild.executed) == ["build", "build", "runtime"], rebuild.executed
    finally:
        d.remove_images(first.tag)


def test_optimize_libraries_reruns_only_the_changed_librarys_level_on(tmp_path: Path) -> None:
    """One build step per library level: a change to a library of the last level re-runs that
    level's build, not the builds of the levels below it."""
    root = copy_tree(SAMPLE, tmp_path / "levels")
    config = root / "dockergen.yaml"
    config.write_text(config.read_text().replace("targets:\n", "defaults:\n  optimize: libraries\ntargets:\n", 1))
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    append(root / "pnpm-workspace.yaml", f"# test run {uuid.uuid4().hex}\n")
    first = d.build(root, DOCKERFILE, None, *API)
    try:
        builds = [s for s in first.executed if s.startswith("[libs") and "run build" in s]
        assert len(builds) == 3, first.executed  # config+logger, core, testing (the shared ones)
        append(root / "packages/testing/src/index.ts", f"\n// a change to a last-level library {uuid.uuid4().hex}\n")
        rebuild = d.build(root, DOCKERFILE, first.tag, *API)
        rebuilt = [s for s in rebuild.executed if s.startswith("[libs") and "run build" in s]
        assert len(rebuilt) == 1 and "--filter=@acme/testing" in rebuilt[0], rebuild.executed
        assert not any(s.startswith("[lib-deps") for s in rebuild.executed)
    finally:
        d.remove_images(first.tag)
