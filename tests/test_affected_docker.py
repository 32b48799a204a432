"""`dockergen affected` against BuildKit: every target of the multi-app fixture is built with
`docker buildx bake` before and after each kind of change; the targets whose image ID changed are
exactly the ones `affected` named (an app's source, a library every app uses, a library only one
app uses, the lockfile reformatted, a file outside every closure); and a real dependency bump of a
library only the worker uses (manifest and lockfile, installed from the registry) names the worker
alone, whose image changes."""

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
    "a library only the worker uses": _append("packages/queue/src/index.ts", '\nexport const marker = "RUN_ID";\n'),
    "the lockfile, reformatted": _append("pnpm-lock.yaml", "\n# changed by the affected test RUN_ID\n"),
    "a file outside every closure": _append("README.md", "\nchanged by the affected test RUN_ID\n"),
    "a dependency bump only the worker installs": lock_changes.bump_p_queue,
}
# The shared install stage re-runs for this bump (the worker's library's manifest and the lockfile
# changed), and so does every app's install and production tree after it: their files come out the
# same, but not always the same layers (pnpm's deploy output is not reproduced byte for byte when
# the store was cold), so the other apps may get a new image ID with identical content. `affected`
# says what can change in content; for this kind the test holds that the worker changes.
CONTENT_ONLY = {"a dependency bump only the worker installs"}


def _image_ids(root: Path, prefix: str) -> dict[str, str]:
    d.bake(root, {"REGISTRY": prefix, "TAG": "t"})
    return {app: d.inspect(f"{prefix}{app}:t")["Id"] for app in APPS}


def _files(image: str) -> str:
    """Every file and link under /app with its checksum, mode and owner: the content an image ships."""
    script = (
        "cd /app && find . -type f -print0 | sort -z | xargs -0 md5sum"
        " && find . \\( -type l -o -type d -o -type f \\) -printf '%y %m %u:%g %l %p\\n' | sort"
    )
    return d.docker("run", "--rm", "--entrypoint", "sh", image, "-c", script).stdout


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
            if kind in CONTENT_ONLY:
                assert predicted == {"worker"} and predicted <= changed, "\n".join(report)
                for app in changed - predicted:  # a new ID, the same files
                    assert _files(before[app]) == _files(after[app]), (kind, app)
            else:
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
