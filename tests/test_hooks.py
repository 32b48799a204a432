"""Drift checks without holes: the pre-commit hooks run whenever an input may have changed (judged
by pre-commit's own file filter), and the check record never answers "in sync" for a change
that a full run would report."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from dockergen import check_record, commands
from tests import scenarios
from tests.helpers import ROOT, SAMPLE, copy_tree, require_tool

if importlib.util.find_spec("pre_commit") is not None:  # the lint extra (the hooks' test requires it)
    from pre_commit.clientlib import load_manifest
    from pre_commit.commands import run as pre_commit_run
    from pre_commit.hook import Hook
    from pre_commit.prefix import Prefix

NAMES = ["sample", *scenarios.names()]


# Files dockergen could read if they existed: created where no listing was recorded, they must not
# change the output (else the record would have to cover them).
MAYBE_READ = (
    "next.config.mjs", "vite.config.ts", "tsup.config.ts", "nest-cli.json", "tsconfig.json", "turbo.json",
    ".npmrc", ".nvmrc", ".node-version", ".pnpmfile.cjs", "package.json", "Dockerfile", "docker-bake.hcl",
    "dockergen.Dockerfile", "index.html", "manifest.json",
)  # fmt: skip


def _hooks() -> list[Hook]:
    require_tool("pre_commit", module=True)
    manifest = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    return [Hook.create(".pre-commit-hooks.yaml", Prefix(str(ROOT)), dct) for dct in manifest]


def _hook_runs(hook: Hook, staged: list[str]) -> bool:
    """pre-commit's own decision (commands/run.py): the hook runs when its filter keeps a staged
    file, or when it is `always_run`. Called with the repository as the current directory."""
    classifier = pre_commit_run.Classifier.from_config(staged, "", "^$")
    return bool(list(classifier.filenames_for_hook(hook))) or hook.always_run


def _in_sync(name: str, root: Path, cache: Path) -> dict[str, object]:
    """The scenario's workspace with its files generated and the record of an in-sync check."""
    if name == "sample":
        copy_tree(SAMPLE, root)
    else:
        scenarios.materialize(name, root)
    if not (root / "dockergen.yaml").is_file():
        commands.init(root, (), False)
    commands.generate(root, False, cache)
    outcome = commands.check(root, cache)
    assert not outcome.stale
    record = check_record._load(check_record._record_path(str(cache), str(root)))
    assert record is not None
    return record


def _cached(root: Path, cache: Path) -> bool:
    return check_record.lookup(str(cache), str(root)) is not None


def _drift(root: Path) -> bool:
    return bool(commands.check(root, None).stale)


@pytest.mark.parametrize("name", NAMES)
def test_hooks_run_for_every_file_dockergen_reads_or_writes(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / name
    record = _in_sync(name, root, tmp_path / "cache")
    read = [rel for rel in record["files"]]  # type: ignore[attr-defined]
    written = list(record["outputs"])  # type: ignore[call-overload]
    probed = [rel for rel, kind in record["kinds"].items() if kind == "file"]  # type: ignore[attr-defined]
    monkeypatch.chdir(root)
    for hook in _hooks():
        missed = [rel for rel in (*read, *written, *probed) if not _hook_runs(hook, [rel])]
        assert not missed, f"hook {hook.id} does not run for {missed}"
        assert _hook_runs(hook, []), f"hook {hook.id} does not run for a commit that only deletes files"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_the_record_never_answers_in_sync_for_a_change_a_full_check_reports(name: str, tmp_path: Path) -> None:
    root, cache = tmp_path / name, tmp_path / "cache"
    record = _in_sync(name, root, cache)
    files: dict[str, str] = record["files"]  # type: ignore[assignment]
    outputs: dict[str, str] = record["outputs"]  # type: ignore[assignment]
    listed = set(record["listings"])  # type: ignore[call-overload]
    for rel in files:  # every file the run read: any edit is seen, whatever it changes
        path = root / rel
        if not path.is_file() or path.is_symlink():
            continue
        before = path.read_bytes()
        path.write_bytes(before + b"\n")
        assert not _cached(root, cache), f"an edit to {rel} is hidden by the record"
        path.write_bytes(before)
        assert _cached(root, cache), rel
    for rel in outputs:  # every file dockergen writes: an edit is drift
        path = root / rel
        before = path.read_bytes()
        path.write_bytes(before + b"# edited\n")
        assert not _cached(root, cache) and _drift(root), rel
        path.write_bytes(before)
    # every other file emptied (what was read and mattered would change the output or fail), and the
    # files dockergen might read created where no listing was recorded: when the record still
    # answers, a full check must agree that nothing drifted
    others = [
        p for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and p.relative_to(root).as_posix() not in {*files, *outputs}
    ]  # fmt: skip
    folders = {p.parent for p in others} | {root}
    created = [f / n for f in folders if f.relative_to(root).as_posix() not in listed for n in MAYBE_READ]
    created = [p for p in created if not p.exists() and ".git" not in p.parts]
    for path in others:
        path.write_bytes(b"")
    for path in created:
        path.write_text("{}\n")
    if _cached(root, cache):
        assert not _drift(root), f"the record answers in sync for {name} while a full check finds drift"


def test_an_edit_landing_between_the_write_and_the_record_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = copy_tree(SAMPLE, tmp_path / "sample"), tmp_path / "cache"
    (root / "Dockerfile").unlink()
    save = check_record.save

    def edit_then_save(*args: object, **kwargs: object) -> None:
        dockerfile = root / "Dockerfile"
        dockerfile.write_text(dockerfile.read_text().replace("USER 1000:1000", "USER 0"))
        save(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(check_record, "save", edit_then_save)
    commands.generate(root, False, cache)
    assert not _cached(root, cache)
    assert _drift(root)


def test_a_fifo_at_a_generated_file_does_not_block_the_cached_check(tmp_path: Path) -> None:
    root, cache = copy_tree(SAMPLE, tmp_path / "sample"), tmp_path / "cache"
    commands.check(root, cache)
    assert _cached(root, cache)
    (root / "Dockerfile").unlink()
    os.mkfifo(root / "Dockerfile")
    assert not _cached(root, cache)  # returns at once: the FIFO is never opened for a blocking read
