"""File-system primitives that import in microseconds (only `os` and `stat`): the cached `check`,
which pre-commit runs on every commit, answers with these alone; `repo.py` builds on them, so both
see a file, a folder listing and a digest the same way.

Only regular files are read: a FIFO, a socket or a device would block a read or never end.
"""

from __future__ import annotations

import os
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

if TYPE_CHECKING:
    from hashlib import sha256
else:  # the interpreter's own SHA-256: `hashlib` loads OpenSSL, which costs more than a cached check
    try:
        from _sha2 import sha256  # Python >= 3.12
    except ImportError:  # pragma: no cover - depends on the Python version
        try:
            from _sha256 import sha256  # Python 3.11
        except ImportError:
            from hashlib import sha256

WORKSPACE_FILE = "pnpm-workspace.yaml"
LOCKFILE = "pnpm-lock.yaml"
# (name, is a folder, is a symbolic link): one entry of a folder listing
Entry = tuple[str, bool, bool]


class NotRegular(OSError):
    """The path exists but is not a regular file (a FIFO, socket or device), or is a folder."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def digest(data: bytes) -> str:
    """SHA-256 of the bytes, in hex."""
    return sha256(data).hexdigest()


def read_regular(path: str) -> bytes:
    """The bytes of a regular file (symbolic links followed); NotRegular for anything else, and
    OSError as the system reports it. Opened without blocking, so a FIFO cannot hang the read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegular(_what(mode))
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


def file_digest(path: str) -> str | None:
    """The digest of a regular file's bytes; None when it is missing or not a regular file."""
    try:
        return digest(read_regular(path))
    except OSError:
        return None


def kind(path: str) -> str:
    """file, dir, missing or other (symbolic links followed)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "missing"
    return "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else "other"


def entries(path: str) -> tuple[list[Entry], int]:
    """A folder's entries sorted by name, and how many names were skipped because they are not
    valid UTF-8 (a missing folder, or a file, has none). OSError when the folder cannot be read
    (permission denied): a folder seen as empty would change what the scan finds."""
    try:
        with os.scandir(path) as it:
            found = list(it)
    except (FileNotFoundError, NotADirectoryError):
        found = []
    kept = sorted((_entry(e) for e in found if _utf8(e.name)), key=lambda e: e[0])
    return kept, len(found) - len(kept)


def _entry(e: os.DirEntry[str]) -> Entry:
    is_link = e.is_symlink()
    try:
        is_dir = e.is_dir(follow_symlinks=True)
    except OSError:
        is_dir = False
    return (e.name, is_dir, is_link)


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def listing_digest(listing: Iterable[Entry], leave_out: frozenset[str] = frozenset()) -> str:
    """A folder listing's digest (names and kinds), without the names in `leave_out`."""
    text = "\n".join(
        f"{name}\t{int(is_dir)}{int(is_link)}" for name, is_dir, is_link in listing if name not in leave_out
    )
    return digest(text.encode())


def find_root(start: str) -> str:
    """The workspace root for a command run in `start`, found upward as pnpm finds it: the nearest
    folder holding pnpm-workspace.yaml; else (a single-project repository) the nearest holding
    pnpm-lock.yaml; else `start` itself, where the scan explains what is missing."""
    for marker in (WORKSPACE_FILE, LOCKFILE):
        folder = os.path.abspath(start)
        while True:
            if kind(os.path.join(folder, marker)) == "file":
                return folder
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    return os.path.abspath(start)
