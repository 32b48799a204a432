"""`dockergen affected` against BuildKit: every target of the multi-app fixture is built with
`docker buildx bake` before and after each kind of change; the targets whose image ID changed are
exactly the ones `affected` named (an app's source, a library every app uses, a library only one
app uses, a library of the app another app depends on, the lockfile reformatted, a file outside
every closure, and a real dependency bump of the worker's library: its manifest and the lockfile,
installed from the registry)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from dockergen import commands
from tests import dockerutil as d
from tests import lock_changes
from tests.test_affected import committed, git

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]

RUN_ID = uuid.uuid4().hex  # each run's changes are new content, never served by an earlier run's cache
APPS = ("admin", "api", "worker")


def _append(path: str, text: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / path).write_text((root / path).read_text() + text.replace("RUN_ID", RUN_ID))

    return change


CHANGES: dict[str, Callable[[Path], object]] = {
    "an app's source": _append("apps/api/src/app.ts", '\nexport const affectedMarker = "RUN_ID";\n'),
    "a library every app uses": _append("packages/core/src/index.ts", '\nexport const affectedMarker = "RUN_ID";\n'),
    "a library only the api uses": _append("packages/db/src/index.ts", '\nexport const marker = "RUN_ID";\n'),
    # the API imports the worker's package: the worker's library reaches the API's image too
    "a library of the app another depends on": _append("packages/queue/src/index.ts", '\nexport const m = "RUN_ID";\n'),
    "the lockfile, reformatted": _append("pnpm-lock.yaml", "\n# changed by the affected test RUN_ID\n"),
    "a file outside every closure": _append("README.md", "\nchanged by the affected test RUN_ID\n"),
    "a dependency bump in the worker's library": lock_changes.bump_p_queue,
}


def _image_ids(root: Path, prefix: str) -> dict[str, str]:
    d.bake(root, {"REGISTRY": prefix, "TAG": "t"})
    return {app: d.inspect(f"{prefix}{app}:t")["Id"] for app in APPS}


def test_affected_targets_are_the_images_that_really_change(tmp_path: Path) -> None:
    root = committed("multi-app", tmp_path / "ws")
    prefix = f"dockergen-test-{RUN_ID[:10]}/"
    report: list[str] = []
    ids: set[str] = set()
    try:
        before = _image_ids(root, prefix)
        ids |= set(before.values())
        for kind, change in CHANGES.items():
            change(root)
            _, found = commands.affected_targets(root, "HEAD")
            predicted = {a.target for a in found}
            after = _image_ids(root, prefix)
            ids |= set(after.values())
            changed = {app for app in APPS if after[app] != before[app]}
            report.append(f"{kind}: predicted {sorted(predicted)}, image ID changed {sorted(changed)}")
            assert predicted == changed, "\n".join(report)
            git(root, "commit", "-qam", kind)
            before = after
        print("\n".join(report))
    finally:
        d.remove_images(*(f"{prefix}{app}:t" for app in APPS))
        d.remove_images(*(i for i in ids if _untagged(i)))  # earlier images of ours; a tagged one is not


def _untagged(image: str) -> bool:
    tags = d.docker("image", "inspect", "--format", "{{json .RepoTags}}", image, check=False).stdout.strip()
    return tags == "[]"
