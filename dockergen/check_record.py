"""A record of the last in-sync run, so `dockergen check` can answer without re-planning.

The record holds what the run read (file hashes, existence probes, folder listings, symlink
targets), the hashes of the generated files, the warnings, and a fingerprint of dockergen's own
code. `lookup` re-checks all of it; any difference means "unknown", never "in sync". It lives in
the user's cache folder, never in the repository, and is written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from dockergen.repo import AccessLog, Repo, listing_digest

FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent


def code_fingerprint() -> str:
    """Changes whenever any module (subpackages included) or template of dockergen changes, by
    content: an upgrade, an editable checkout being edited, a file restored with an old mtime."""
    from importlib import resources

    templates = Path(str(resources.files("dockergen.templates")))
    digest = hashlib.sha256()
    for folder in (_PACKAGE, templates):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".j2") and "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(folder).as_posix()}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _record_path(cache_dir: Path, root: Path) -> Path:
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
    return cache_dir / f"check-{key}.json"


def _hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def save(cache_dir: Path, root: Path, log: AccessLog, outputs: tuple[str, ...], warnings: tuple[str, ...]) -> None:
    """Remember an in-sync state; failures to write are ignored (the cache is an optimisation).

    Everything kept was observed while the run read it: file hashes of the bytes read, kinds probed,
    folder listings as the scan saw them. Generated files are tracked as outputs only, and left out
    of the listings (here and at lookup), since the run itself may have written them; any other
    file that appeared during the run makes the next lookup miss.
    """
    record = {
        "format": FORMAT,
        "code": code_fingerprint(),
        "files": {rel: digest for rel, digest in log.files.items() if rel not in outputs},
        "kinds": {rel: kind for rel, kind in log.kinds.items() if rel not in outputs},
        "listings": {rel: listing_digest(entries, _outputs_in(rel, outputs)) for rel, entries in log.listings.items()},
        "realpaths": log.realpaths,
        "outputs": {rel: _hash(root / rel) for rel in outputs},
        "warnings": list(warnings),
    }
    target = _record_path(cache_dir, root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".check-", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle, sort_keys=True)
        os.replace(tmp, target)
    except OSError:
        pass


def _outputs_in(folder: str, outputs: tuple[str, ...]) -> frozenset[str]:
    """Names of generated files directly inside `folder`."""
    prefix = "" if folder in ("", ".") else folder + "/"
    return frozenset(o[len(prefix) :] for o in outputs if o.startswith(prefix) and "/" not in o[len(prefix) :])


def lookup(cache_dir: Path, root: Path) -> tuple[str, ...] | None:
    """The warnings of the recorded run when nothing it depended on changed; otherwise None."""
    try:
        record: dict[str, Any] = json.loads(_record_path(cache_dir, root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("format") != FORMAT or record.get("code") != code_fingerprint():
        return None
    repo = Repo(root.resolve())
    unchanged = (
        all(_hash(repo.abspath(rel)) == digest for rel, digest in record["files"].items())
        and all(repo.kind(rel) == kind for rel, kind in record["kinds"].items())
        and all(
            listing_digest(repo.list_dir(rel), _outputs_in(rel, tuple(record["outputs"]))) == digest
            for rel, digest in record["listings"].items()
        )
        and all(repo.realpath(rel) == target for rel, target in record["realpaths"].items())
        and all(_hash(repo.abspath(rel)) == digest for rel, digest in record["outputs"].items())
    )
    return tuple(record["warnings"]) if unchanged else None
