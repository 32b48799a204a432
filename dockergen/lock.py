"""One writer per workspace at a time: `init` and `generate` hold an exclusive lock on a file
named after the workspace (in dockergen's cache folder) from the first read to the last write, and
a full `check` a shared one, so two runs at once wait for each other instead of one comparing
with files the other is replacing. A run that waits longer than the timeout stops with an error."""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dockergen.errors import RefusedWrite

POLL_SECONDS = 0.05


def lock_path(lock_dir: Path, root: Path) -> Path:
    """The lock file of a workspace: one per resolved root folder."""
    key = hashlib.sha256(os.path.realpath(root).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return lock_dir / f"{key}.lock"


@contextmanager
def workspace_lock(
    root: Path, lock_dir: Path, *, exclusive: bool, timeout: float, fallback: Path | None = None
) -> Iterator[None]:
    """Hold the workspace's lock (exclusive to write, shared to compare) for the block; in
    `fallback` when `lock_dir` cannot be written (a read-only cache folder)."""
    fd, path = -1, lock_path(lock_dir, root)
    for folder in (lock_dir, fallback) if fallback is not None else (lock_dir,):
        path = lock_path(folder, root)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            break
        except OSError as exc:
            problem = exc.strerror or str(exc)
    if fd < 0:
        raise RefusedWrite(
            f"cannot open the lock file {path}: {problem}", hint="set DOCKERGEN_CACHE_DIR to a folder you can write"
        )
    try:
        _acquire(fd, exclusive, timeout, path)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _acquire(fd: int, exclusive: bool, timeout: float, path: Path) -> None:
    mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, mode)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise RefusedWrite(
                    f"another dockergen run has been writing this workspace for more than {timeout:g} s "
                    f"(lock {path}); nothing was written",
                    hint="wait for it to finish and run again (DOCKERGEN_LOCK_TIMEOUT sets how long to wait)",
                ) from None
            time.sleep(POLL_SECONDS)
