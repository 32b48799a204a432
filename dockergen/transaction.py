"""All-or-nothing writes of several files: every destination is checked first (inside the root,
symlinks resolved; a folder to write into; writable), every new content is staged beside its
file, and only then are the renames done, with the old files kept until the last one succeeds.
A failure or an interrupt leaves the tree wholly old; signals wait until the renames are over."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from dockergen.errors import RefusedWrite

TMP_SUFFIX = ".dockergen-tmp"  # a staged new file
OLD_SUFFIX = ".dockergen-old"  # an old file kept until the commit is over
HINT = "choose another `dockerfile:`/`dockerignore:` path in dockergen.yaml"


@dataclass(slots=True)
class _Entry:
    rel: str
    target: Path
    content: str
    staged: str | None = None
    kept: str | None = None  # a hard link to the old file, for the rollback
    done: bool = False


@dataclass(slots=True)
class Transaction:
    """Files to replace under `root`: `add` them, then `commit()`."""

    root: Path
    entries: list[_Entry] = field(default_factory=list)
    created_dirs: list[Path] = field(default_factory=list)

    def add(self, rel: str, content: str) -> None:
        self.entries.append(_Entry(rel, self.root / rel, content))

    def commit(self) -> None:
        """Check, stage, then rename everything; on any failure, put every file back."""
        real_root = Path(os.path.realpath(self.root))
        for entry in self.entries:
            try:
                _check_destination(entry, self.root, real_root)
            except OSError as exc:  # a name too long, a folder that cannot be searched
                raise _os_error(exc, self.entries, entry) from None
        committed = False
        current: _Entry | None = None  # the file being written, for an error without a file name
        try:
            for current in self.entries:
                self._stage(current)
            with _signals_deferred():
                for current in self.entries:
                    _swap(current)
                committed = True  # a signal held back is delivered after this: the files stay new
        except BaseException as exc:
            if not committed:
                self._rollback()
            if isinstance(exc, OSError):
                raise _os_error(exc, self.entries, current) from None
            raise
        finally:
            self._cleanup()

    def _stage(self, entry: _Entry) -> None:
        self._make_parents(entry.target.parent)
        mode = _mode(entry.target)
        fd, entry.staged = tempfile.mkstemp(prefix=f".{entry.target.name}.", suffix=TMP_SUFFIX, dir=entry.target.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(entry.content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(entry.staged, mode)

    def _make_parents(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            self.created_dirs.append(path)

    def _rollback(self) -> None:
        for entry in reversed(self.entries):
            if not entry.done:
                continue
            if entry.kept is not None:
                os.replace(entry.kept, entry.target)
                entry.kept = None
            else:
                entry.target.unlink(missing_ok=True)
        for folder in reversed(self.created_dirs):
            with suppress(OSError):  # not empty: something else wrote there meanwhile
                folder.rmdir()

    def _cleanup(self) -> None:
        for entry in self.entries:
            for leftover in (entry.staged, entry.kept):
                if leftover and os.path.lexists(leftover):
                    os.unlink(leftover)


def _swap(entry: _Entry) -> None:
    """Keep the old file (a hard link), then rename the staged one over it."""
    assert entry.staged is not None
    if entry.target.exists():
        kept = str(entry.target.parent / f".{entry.target.name}.{secrets.token_hex(6)}{OLD_SUFFIX}")
        try:
            os.link(entry.target, kept)
        except OSError:  # a file system without hard links: a copy keeps the old bytes too
            shutil.copy2(entry.target, kept)
        entry.kept = kept
    os.replace(entry.staged, entry.target)
    entry.staged = None
    entry.done = True


def _check_destination(entry: _Entry, root: Path, real_root: Path) -> None:
    """Inside the workspace once symlinks are resolved, into folders, onto a regular file or nothing."""
    resolved = Path(os.path.realpath(entry.target))
    if resolved != real_root and real_root not in resolved.parents:
        raise RefusedWrite(
            f"cannot write {entry.rel}: it leads outside the workspace (to {resolved})",
            path=entry.rel,
            hint="remove the symbolic link, or " + HINT,
        )
    if entry.target.is_symlink():
        raise RefusedWrite(
            f"cannot write {entry.rel}: it is a symbolic link (to {resolved}); dockergen writes regular files",
            path=entry.rel,
            hint=HINT,
        )
    if entry.target.exists() and not entry.target.is_file():
        raise RefusedWrite(f"cannot write {entry.rel}: it is a folder", path=entry.rel, hint=HINT)
    folder = entry.target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    where = os.path.relpath(folder, root)
    if not folder.is_dir():
        raise RefusedWrite(f"cannot write {entry.rel}: {where} is not a folder", path=entry.rel, hint=HINT)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise RefusedWrite(f"cannot write {entry.rel}: the folder {where} is not writable", path=entry.rel, hint=HINT)


def _mode(target: Path) -> int:
    """The old file's permissions, else what the umask gives a new file."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def sweep(folders: set[Path]) -> None:
    """Remove what an earlier, killed run of dockergen left behind in the folders it writes."""
    for folder in folders:
        for path in folder.iterdir():
            if path.name.startswith(".") and path.name.endswith((TMP_SUFFIX, OLD_SUFFIX)) and path.is_file():
                path.unlink(missing_ok=True)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the renames are done, then take effect as they would have.
    Python runs signal handlers in the main thread, so a handler that only takes note holds them
    back wherever the kernel delivered them."""
    received: list[int] = []

    def take_note(signum: int, frame: object) -> None:
        received.append(signum)

    try:
        previous = {s: signal.signal(s, take_note) for s in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: nothing to hold back
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if received:
            signal.raise_signal(received[0])


def _os_error(exc: OSError, entries: list[_Entry], current: _Entry | None = None) -> RefusedWrite:
    """The failure, naming the file: the one the system names, else the one being written (a
    full disk fails a write or an fsync, which name none)."""
    name = exc.filename if isinstance(exc.filename, str) else ""
    rel = next(
        (e.rel for e in entries if name and (str(e.target) == name or name.startswith(str(e.target.parent)))), ""
    )
    if not rel and not name and current is not None:
        rel = current.rel
    return RefusedWrite(
        f"cannot write {rel or name}: {exc.strerror or exc}; no file was changed",
        path=rel or None,
        hint="check the folder's permissions and free space",
    )
