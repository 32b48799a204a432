"""The same inputs give the same production tree whatever the state of pnpm's store (a cache
mount: empty on a new machine or after a prune, filled after any build)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests import scenarios

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]
# every entry of the app's folder: path, type, mode, link target, and a checksum of each file
LISTING = "cd /app && find . -printf '%p %y %m %l\\n' | sort && find . -type f -exec sha256sum {} + | sort -k2"


def test_the_production_tree_is_the_same_with_an_empty_and_a_filled_store(tmp_path: Path) -> None:
    """dep-builds: msgpackr-extract's build script runs, and pnpm keeps its results in the store.
    Three builds, each re-running the deploy (a library's test file changes in between): with the
    store its install filled; with the store emptied (the cache mounts pruned, the layers kept); with
    the store that deploy filled. The three production trees must be the same, file for file."""
    root = scenarios.materialize("dep-builds", tmp_path / "ws")
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    builds: list[d.Build] = []
    try:
        for run in range(3):
            if run == 1:
                d.docker("builder", "prune", "-f", "--filter", "type=exec.cachemount")  # pnpm's store, emptied
            with (root / "packages/util/test/index.test.js").open("a") as handle:
                handle.write(f"// {uuid.uuid4().hex}\n")
            builds.append(d.build(root, "Dockerfile"))
            assert any("deploy" in s for s in builds[-1].executed), builds[-1].executed
        assert not any("install --frozen-lockfile" in s for s in builds[1].executed)  # only the deploy re-ran
        trees = [d.docker("run", "--rm", "--entrypoint", "sh", b.tag, "-c", LISTING).stdout for b in builds]
        assert "msgpackr-extract" in trees[0]
        assert trees[0] == trees[1] == trees[2]
        container = d.run_detached(builds[-1].tag, "-p", "127.0.0.1::3000")
        try:
            status, body = d.http_get(f"http://127.0.0.1:{d.host_port(container, 3000)}/")
            assert status == 200 and '"message":"[round trip]"' in body
        finally:
            d.remove(container)
    finally:
        d.remove_images(*(b.tag for b in builds))
