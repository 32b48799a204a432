"""The commands as thin functions over the pipeline: each returns what happened, cli.py prints it.

init / generate / check write or compare through sync.py; plan and context only read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dockergen.errors import UsageError
from dockergen.repo import AccessLog, Repo

if TYPE_CHECKING:  # the modules behind them load only when a command runs
    from dockergen.context_report import ContextReport
    from dockergen.dockerignore import DockerIgnore
    from dockergen.explain import Explanation
    from dockergen.init_config import InitResult
    from dockergen.pipeline import Generated
    from dockergen.plan.model import BuildPlan
    from dockergen.sync import FileChange


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a writing or comparing command did: its warnings, every file's change, what it wrote."""

    warnings: tuple[str, ...]
    changes: tuple[FileChange, ...]
    written: tuple[str, ...] = ()
    init: InitResult | None = None  # what init picked and skipped

    @property
    def stale(self) -> tuple[FileChange, ...]:
        return tuple(c for c in self.changes if c.action != "unchanged")


@dataclass(frozen=True, slots=True)
class Locking:
    """Where the workspace locks live and how long a run waits for another (lock.py)."""

    folder: Path
    timeout: float
    fallback: Path | None = None  # when `folder` cannot be written


@contextlib.contextmanager
def _locked(root: Path, locking: Locking | None, *, exclusive: bool) -> Iterator[None]:
    if locking is None:
        yield
        return
    from dockergen.lock import workspace_lock

    with workspace_lock(root, locking.folder, exclusive=exclusive, timeout=locking.timeout, fallback=locking.fallback):
        yield


def open_repo(root: Path, log: AccessLog | None = None) -> Repo:
    """The repository at `root`; a missing folder is a usage error."""
    if not root.is_dir():
        raise UsageError(f"--root {root}: no such directory", hint="pass the folder holding pnpm-workspace.yaml")
    return Repo(root.resolve(), log)


def init(
    root: Path,
    packages: tuple[str, ...],
    force: bool,
    paths: tuple[str | None, str | None] = (None, None),
    locking: Locking | None = None,
) -> Outcome:
    """Add targets to dockergen.yaml (detected, or the named packages) and write every file."""
    repo = open_repo(root, AccessLog())
    with _locked(repo.root, locking, exclusive=True):
        return _init(repo, packages, force, paths)


def _init(repo: Repo, packages: tuple[str, ...], force: bool, paths: tuple[str | None, str | None]) -> Outcome:
    from dockergen.config_fields import CONFIG_FILE
    from dockergen.init_config import init_config
    from dockergen.pipeline import generate_all
    from dockergen.render import RenderedFile
    from dockergen.sync import compare, refuse_conflicts, write
    from dockergen.workspace.scan import scan

    existing = repo.read_text(CONFIG_FILE) if repo.is_file(CONFIG_FILE) else None
    ws = scan(repo)
    result = init_config(repo, ws, existing, packages, paths)
    generated = generate_all(repo, config_text=result.text, ws=ws)
    config = compare((RenderedFile(CONFIG_FILE, result.text, ""),), repo, owned=False)
    changes = config + compare(generated.files, repo)
    if not force:
        refuse_conflicts(changes)
    return Outcome(generated.warnings, changes, write(changes, repo, force=force), result)


def preview(root: Path) -> Outcome:
    """What `generate` would change, writing nothing."""
    from dockergen.pipeline import generate_all
    from dockergen.sync import compare

    repo = open_repo(root)
    generated = generate_all(repo)
    return Outcome(generated.warnings, compare(generated.files, repo))


def generate(root: Path, force: bool, cache_dir: Path | None, locking: Locking | None = None) -> Outcome:
    """Re-render every target and write the files that changed; record the in-sync state."""
    from dockergen.pipeline import generate_all
    from dockergen.sync import compare, write

    repo = open_repo(root, AccessLog())
    with _locked(repo.root, locking, exclusive=True):
        generated = generate_all(repo)
        changes = compare(generated.files, repo)
        written = write(changes, repo, force=force)
        _remember(repo, generated, cache_dir)
    return Outcome(generated.warnings, changes, written)


def check(root: Path, cache_dir: Path | None, locking: Locking | None = None) -> Outcome:
    """Compare every generated file with the disk; record the state when all match."""
    from dockergen.pipeline import generate_all
    from dockergen.sync import compare

    repo = open_repo(root, AccessLog())
    with _locked(repo.root, locking, exclusive=False):
        generated = generate_all(repo)
        outcome = Outcome(generated.warnings, compare(generated.files, repo))
        if not outcome.stale:
            _remember(repo, generated, cache_dir)
    return outcome


def plans(root: Path, targets: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[BuildPlan, ...]]:
    """(warnings, the plans of the named targets, or of all)."""
    from dockergen.pipeline import generate_all

    generated = generate_all(open_repo(root))
    return generated.warnings, _select(generated, targets)


def context_reports(root: Path, targets: tuple[str, ...]) -> tuple[ContextReport, ...]:
    """Files and bytes each target's build context sends, with and without its ignore file."""
    from dockergen.context_report import report

    repo = open_repo(root)
    return tuple(report(repo, plan.target, ignore) for plan, ignore in _with_ignore_files(repo, targets))


def explanations(root: Path, targets: tuple[str, ...], paths: tuple[str, ...]) -> tuple[Explanation, ...]:
    """Per target, what a build re-runs after `paths` changed (default: git's changes against HEAD)."""
    from dockergen.explain import explain

    repo = open_repo(root)
    changed = tuple(_relative(p) for p in paths) if paths else _git_changes(repo.root)
    return tuple(explain(plan, ignore, changed) for plan, ignore in _with_ignore_files(repo, targets))


def _with_ignore_files(repo: Repo, targets: tuple[str, ...]) -> list[tuple[BuildPlan, DockerIgnore]]:
    """The selected targets' plans, each with its ignore file as rendered (parsed)."""
    from dockergen import dockerignore
    from dockergen.pipeline import generate_all

    generated = generate_all(repo)
    files = {f.path: f.content for f in generated.files}
    return [(p, dockerignore.parse(files[p.dockerignore], p.dockerignore)) for p in _select(generated, targets)]


def _relative(path: str) -> str:
    import posixpath

    normal = posixpath.normpath(path.replace("\\", "/"))
    if normal.startswith(("/", "../")) or normal == "..":
        raise UsageError(f"{path}: not a path inside the workspace", hint="give paths relative to --root")
    return normal


def _git_changes(root: Path) -> tuple[str, ...]:
    """Files changed against HEAD (staged or not, deleted included) and untracked ones, relative to root."""
    import subprocess

    commands = (
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD"],
        ["git", "-C", str(root), "diff", "--name-only", "--relative", "--no-renames", "HEAD", "--"],
        ["git", "-C", str(root), "ls-files", "--others", "--exclude-standard"],
    )
    found: list[str] = []
    for command in commands:
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
        except OSError as exc:
            raise UsageError(
                f"cannot run git: {exc}", hint="pass the changed paths: dockergen explain PATH ..."
            ) from None
        if done.returncode != 0:
            reason = "not in a git repository with a commit" if command[3] == "rev-parse" else "git " + command[3]
            detail = (done.stderr.strip().splitlines() or ["failed"])[0]
            raise UsageError(f"{root}: {reason} ({detail})", hint="pass the changed paths: dockergen explain PATH ...")
        if command[3] != "rev-parse":
            found += [line for line in done.stdout.splitlines() if line]
    return tuple(sorted(set(found)))


def _select(generated: Generated, names: tuple[str, ...]) -> tuple[BuildPlan, ...]:
    known = {p.target: p for p in generated.plans}
    for name in names:
        if name not in known:
            raise UsageError(f"unknown --target {name!r}", hint=f"targets: {', '.join(known)}")
    return tuple(p for p in generated.plans if not names or p.target in names)


def _remember(repo: Repo, generated: Generated, cache_dir: Path | None) -> None:
    """Record the in-sync state: what the run read, and the files as compared or written."""
    if cache_dir is not None and repo.log is not None:
        from dockergen.check_record import save

        outputs = {f.path: f.content for f in generated.files}
        save(str(cache_dir), str(repo.root), repo.log, outputs, generated.warnings)
