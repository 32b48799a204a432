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
from dockergen.report import git

if TYPE_CHECKING:  # the modules behind them load only when a command runs
    from dockergen.dockerignore import DockerIgnore
    from dockergen.init.config_text import InitResult
    from dockergen.pipeline import Generated
    from dockergen.plan.model import BuildPlan
    from dockergen.report.affected import Affected
    from dockergen.report.context import ContextReport
    from dockergen.report.explain import Explanation
    from dockergen.sync import FileChange
    from dockergen.workspace.scan import Workspace


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
    ci: str | None = None,
    locking: Locking | None = None,
) -> Outcome:
    """Add targets to dockergen.yaml (detected, or the named packages) and write every file."""
    repo = open_repo(root, AccessLog())
    with _locked(repo.root, locking, exclusive=True):
        return _init(repo, packages, force, paths, ci)


def _init(
    repo: Repo, packages: tuple[str, ...], force: bool, paths: tuple[str | None, str | None], ci: str | None
) -> Outcome:
    from dockergen.config.keys import CONFIG_FILE
    from dockergen.init.config_text import init_config
    from dockergen.pipeline import generate_all
    from dockergen.render import RenderedFile
    from dockergen.sync import compare, refuse_conflicts, write
    from dockergen.workspace.scan import scan

    existing = repo.read_text(CONFIG_FILE) if repo.is_file(CONFIG_FILE) else None
    ws = scan(repo)
    result = init_config(repo, ws, existing, packages, paths, ci)
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
    from dockergen.report.context import report

    repo = open_repo(root)
    return tuple(report(repo, plan.target, ignore) for plan, ignore in _with_ignore_files(repo, targets)[1])


def explanations(root: Path, targets: tuple[str, ...], paths: tuple[str, ...]) -> tuple[Explanation, ...]:
    """Per target, what a build re-runs after `paths` changed (default: git's changes against HEAD)."""
    from dockergen.report.explain import explain

    repo = open_repo(root)
    new: tuple[str, ...] = ()
    if paths:
        changed = tuple(_relative(p) for p in paths)
    else:
        changed, new = git.changes(repo.root, "HEAD", git.EXPLAIN_HINT), git.untracked(repo.root, git.EXPLAIN_HINT)
    return tuple(explain(plan, ignore, changed, new) for plan, ignore in _with_ignore_files(repo, targets)[1])


def affected_targets(root: Path, base: str) -> tuple[tuple[str, ...], tuple[Affected, ...]]:
    """(the paths changed between `base` and the work tree, the targets whose image they can alter)."""
    from dockergen.config.model import load_config
    from dockergen.plan.planner import build_plan
    from dockergen.report.affected import affected
    from dockergen.workspace.scan import scan

    repo = open_repo(root)
    changed = git.changes(repo.root, base, git.AFFECTED_HINT)
    ws = scan(repo)
    config = load_config(repo)
    generated, pairs = _with_ignore_files(repo, (), ws)
    bake = config.bake if config.bake in {f.path for f in generated.files} else None
    same_lock = (
        _same_resolution(repo, ws, base, tuple(p.package for p, _ in pairs)) if ws.lockfile.path in changed else set()
    )
    found = []
    for plan, ignore in pairs:
        own = tuple(p for p in changed if not (p == ws.lockfile.path and plan.package in same_lock))
        found.append(affected(plan, build_plan(ws, config, plan.target), ignore, own, bake))
    return changed, tuple(a for a in found if a is not None)


def _same_resolution(repo: Repo, ws: Workspace, base: str, packages: tuple[str, ...]) -> set[str]:
    """The packages whose part of the lockfile (their importers, what those reach, the settings)
    is the same at `base` as in the work tree: a lockfile change installs nothing new for them."""
    from dockergen.workspace import lock_graph

    path = ws.lockfile.path
    old_text = git.show(repo.root, base, path)
    old = lock_graph.parse(old_text.decode(errors="replace"), path) if old_text is not None else None
    new = lock_graph.parse(repo.read_text(path), path) if repo.is_file(path) else None
    if old is None or new is None:
        return set()
    same = set()
    for name in packages:
        importers = tuple(sorted({".", *(p.dir for p in ws.closure(name, prod=False, with_root=True))}))
        part = lock_graph.installed_part(new, importers)
        if part is not None and part == lock_graph.installed_part(old, importers):
            same.add(name)
    return same


def _with_ignore_files(
    repo: Repo, targets: tuple[str, ...], ws: Workspace | None = None
) -> tuple[Generated, list[tuple[BuildPlan, DockerIgnore]]]:
    """The selected targets' plans, each with its ignore file as rendered (parsed)."""
    from dockergen import dockerignore
    from dockergen.pipeline import generate_all

    generated = generate_all(repo, ws=ws)
    files = {f.path: f.content for f in generated.files}
    pairs = [(p, dockerignore.parse(files[p.dockerignore], p.dockerignore)) for p in _select(generated, targets)]
    return generated, pairs


def _relative(path: str) -> str:
    import posixpath

    normal = posixpath.normpath(path.replace("\\", "/"))
    if normal.startswith(("/", "../")) or normal == "..":
        raise UsageError(f"{path}: not a path inside the workspace", hint="give paths relative to --root")
    return normal


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
