"""A record of the last in-sync run, so `dockergen check` can answer without re-planning.

The record holds what the run read (file digests, existence probes, folder listings, symlink
targets), the digests of the generated files as compared or written (never re-read after the
fact: an edit landing in between must not be recorded as in sync), the warnings, and a fingerprint
of dockergen's own code. `lookup` re-checks all of it; any difference means "unknown", never "in
sync". It lives in the user's cache folder, never in the repository, and is written atomically.

This module is the pre-commit hot path: it imports only `os`, `sys`, `marshal` and `dockergen.fs`.
"""

from __future__ import annotations

import marshal
import os
import sys

from dockergen import fs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from dockergen.repo import AccessLog

FORMAT = 2
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
# What dockergen runs or renders: a change to any of these may change the output.
_CODE_SUFFIXES = (".py", ".j2", ".json", ".js", ".mjs", ".cjs", ".conf", ".sh")


def _code_files() -> list[str]:
    """dockergen's modules and templates (subpackages included), sorted."""
    templates = __import__("dockergen.templates", fromlist=["__path__"])  # no importlib on the hot path
    found: list[str] = []
    for top in (_PACKAGE, *templates.__path__):
        stack = [top]
        while stack:
            folder = stack.pop()
            for name, is_dir, _ in fs.entries(folder)[0]:
                path = os.path.join(folder, name)
                if is_dir and name != "__pycache__":
                    stack.append(path)
                elif not is_dir and name.endswith(_CODE_SUFFIXES):
                    found.append(path)
    return sorted(set(found))


def code_fingerprint() -> str:
    """Changes whenever any module or template of dockergen changes, by content: an upgrade, an
    editable checkout being edited, a file restored with an old mtime."""
    parts = []
    for path in _code_files():
        parts.append(f"{os.path.relpath(path, _PACKAGE)}\0{fs.file_digest(path)}")
    return fs.digest("\n".join(parts).encode())


def _code_stamp() -> str:
    """The code files' inode, size and change time: equal stamps mean equal files (a write or a
    restore sets the change time, which no program can set back), so the content is hashed only
    when a stamp differs."""
    parts = []
    for path in _code_files():
        try:
            st = os.stat(path)
        except OSError:
            return ""
        parts.append(f"{path}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}")
    return fs.digest("\n".join(parts).encode())


def _record_path(cache_dir: str, root: str) -> str:
    key = fs.digest(os.path.realpath(root).encode())[:24]
    return os.path.join(cache_dir, f"check-{key}.marshal")


def save(cache_dir: str, root: str, log: AccessLog, outputs: Mapping[str, str], warnings: tuple[str, ...]) -> None:
    """Remember an in-sync state; failures to write are ignored (the cache is an optimisation).

    `outputs` are the generated files' contents as compared with the disk or written to it.
    Everything kept was observed while the run read it: file digests of the bytes read, kinds
    probed, folder listings as the scan saw them. Generated files are tracked as outputs only, and
    left out of the listings (here and at lookup), since the run itself may have written them; any
    other file that appeared during the run makes the next lookup miss.
    """
    record: dict[str, Any] = {
        "format": FORMAT,
        "python": list(sys.version_info[:2]),
        "code": code_fingerprint(),
        "stamp": _code_stamp(),
        "files": {rel: digest for rel, digest in log.files.items() if rel not in outputs},
        "kinds": {rel: kind for rel, kind in log.kinds.items() if rel not in outputs},
        "listings": {rel: fs.listing_digest(found, _outputs_in(rel, outputs)) for rel, found in log.listings.items()},
        "realpaths": dict(log.realpaths),
        "outputs": {rel: fs.digest(content.encode()) for rel, content in outputs.items()},
        "warnings": list(warnings),
    }
    target = _record_path(cache_dir, root)
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(cache_dir, exist_ok=True)
        with open(tmp, "wb") as handle:
            marshal.dump(record, handle)
        os.replace(tmp, target)
    except OSError:
        import contextlib  # here, not at the top: this module is the pre-commit hot path

        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _outputs_in(folder: str, outputs: Mapping[str, object]) -> frozenset[str]:
    """Names of generated files directly inside `folder`."""
    prefix = "" if folder in ("", ".") else folder + "/"
    return frozenset(o[len(prefix) :] for o in outputs if o.startswith(prefix) and "/" not in o[len(prefix) :])


def lookup(cache_dir: str, root: str) -> tuple[str, ...] | None:
    """The warnings of the recorded run when nothing it depended on changed; otherwise None."""
    record = _load(_record_path(cache_dir, root))
    if record is None or not _same_code(record):
        return None
    base = os.path.realpath(root)

    def at(rel: str) -> str:
        return base if rel in ("", ".") else os.path.join(base, rel)

    outputs = record["outputs"]
    unchanged = (
        all(fs.file_digest(at(rel)) == digest for rel, digest in record["files"].items())
        and all(fs.kind(at(rel)) == kind for rel, kind in record["kinds"].items())
        and all(
            fs.listing_digest(fs.entries(at(rel))[0], _outputs_in(rel, outputs)) == digest
            for rel, digest in record["listings"].items()
        )
        and all(os.path.realpath(at(rel)) == target for rel, target in record["realpaths"].items())
        and all(fs.file_digest(at(rel)) == digest for rel, digest in outputs.items())
    )
    return tuple(record["warnings"]) if unchanged else None


def _load(path: str) -> dict[str, Any] | None:
    try:
        record = marshal.loads(fs.read_regular(path))
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return None
    return record if record.get("python") == list(sys.version_info[:2]) else None


def _same_code(record: dict[str, Any]) -> bool:
    stamp = _code_stamp()
    return (stamp != "" and stamp == record.get("stamp")) or code_fingerprint() == record.get("code")
