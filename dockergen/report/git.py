"""What git says changed: read NUL-separated (git quotes other names: non-ASCII, quotes,
newlines), relative to the workspace root, the base revision checked before it is used."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from dockergen.errors import UsageError

EXPLAIN_HINT = "pass the changed paths: dockergen explain PATH ..."
AFFECTED_HINT = "run it in a git work tree, with a --base that the repository has (fetch-depth: 0 in CI)"


def changes(root: Path, base: str, hint: str) -> tuple[str, ...]:
    """Files changed between `base` (a commit or tree) and the work tree, staged or not, deleted
    included, and untracked ones, relative to root. Read NUL-separated: git quotes other names."""
    if base.startswith("-") or not base.strip():
        raise UsageError(f"--base {base!r}: not a git revision", hint=hint)
    missing = "not in a git repository with a commit" if base == "HEAD" else f"--base {base}: not a commit or tree"
    _git(root, ("rev-parse", "--verify", "--quiet", f"{base}^{{tree}}"), missing, hint)
    diff = _git(root, ("diff", "-z", "--name-only", "--relative", "--no-renames", base, "--"), "git diff", hint)
    found = {os.fsdecode(name) for name in diff.split(b"\0") if name}
    return tuple(sorted(found | set(untracked(root, hint))))


def untracked(root: Path, hint: str) -> tuple[str, ...]:
    """Files git does not track (and does not ignore), relative to root."""
    names = _git(root, ("ls-files", "-z", "--others", "--exclude-standard"), "git ls-files", hint)
    return tuple(sorted({os.fsdecode(name) for name in names.split(b"\0") if name}))


def _git(root: Path, args: tuple[str, ...], what: str, hint: str) -> bytes:
    """git's output (bytes); a failure is a usage error naming `what` (and git's first line)."""
    done = _run(root, args, hint)
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"{root}: {what}" + (f" ({lines[0]})" if lines else ""), hint=hint)
    return done.stdout


def show(root: Path, base: str, path: str) -> bytes | None:
    """`path` (relative to root) as `base` has it; None when it has no such file."""
    done = _run(root, ("show", f"{base}:./{path}"), AFFECTED_HINT)
    return done.stdout if done.returncode == 0 else None


def _run(root: Path, args: tuple[str, ...], hint: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"cannot run git: {exc}", hint=hint) from None
