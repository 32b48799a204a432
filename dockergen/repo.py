"""The only reader of the file system: relative POSIX paths in, text/JSON/YAML out."""

from __future__ import annotations

import json
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dockergen import fs
from dockergen.errors import FileTooLarge, InputError
from dockergen.formats.jsonc import JsoncError, TooLarge, parse_jsonc

# A YAML document that expands past this many nodes through aliases is refused
# (a "billion laughs" file would otherwise exhaust memory when walked).
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 500
# Every YAML collection needs an indicator character of its own (`[`, `{`, `-`, `?` or `:`), so a
# text with fewer of them cannot nest deeper; past this many, libyaml's parser (iterative) counts
# the depth exactly before any loader recurses. The C composer recurses once per level in C (no
# RecursionError: a 100,000-deep flow list ends the process with SIGSEGV).
_INDICATORS = "[{-?:"
_QUICK_DEPTH_BOUND = 2_000


@dataclass(frozen=True, slots=True)
class DirEntry:
    """One entry of a directory listing, as the workspace walker needs it."""

    name: str
    is_dir: bool
    is_symlink: bool


@dataclass(slots=True)
class AccessLog:
    """Everything a run learnt from the repository, so a later run can tell whether any of it
    changed: file contents, existence probes, folder listings and symlink targets."""

    files: dict[str, str] = field(default_factory=dict)  # path -> sha256 of the bytes read
    kinds: dict[str, str] = field(default_factory=dict)  # path -> file | dir | missing | other
    listings: dict[str, tuple[fs.Entry, ...]] = field(default_factory=dict)  # folder -> entries as read
    realpaths: dict[str, str] = field(default_factory=dict)  # path -> resolved path


@dataclass(frozen=True, slots=True)
class Repo:
    """A repository root; every path given to it is relative and POSIX-style."""

    root: Path
    log: AccessLog | None = None
    # Resolved folders, so checking that a read stays inside the root costs one lstat per file.
    _real: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # JSON-with-comments files as read, by path: several readers ask for the same tsconfig (its
    # out folders, its links; a base every package extends), which is read and parsed once
    _jsonc: dict[str, dict[str, Any] | None] = field(default_factory=dict, compare=False, repr=False)
    # folder listings as read (the member walk and the manifest reader both list each member)
    _listings: dict[str, tuple[list[DirEntry], int]] = field(default_factory=dict, compare=False, repr=False)

    def abspath(self, rel: str) -> Path:
        return self.root / rel if rel not in ("", ".") else self.root

    def _abs(self, rel: str) -> str:
        """`abspath` as a string, without pathlib's parsing: the readers call it per file."""
        root = str(self.root)
        return root if rel in ("", ".") else f"{root}/{rel}"

    def leaves_root(self, rel: str) -> str | None:
        """Where `rel` leads when symbolic links take it outside the root, else None."""
        real_root = self._resolved(".")
        real = os.path.join(self._resolved(posixpath.dirname(rel)), posixpath.basename(rel))
        if os.path.islink(real):
            real = os.path.realpath(real)
        inside = real == real_root or real.startswith(real_root.rstrip("/") + "/")
        return None if inside else real

    def _resolved(self, folder: str) -> str:
        folder = folder or "."
        if folder not in self._real:
            self._real[folder] = os.path.realpath(self._abs(folder))
        return self._real[folder]

    def kind(self, rel: str) -> str:
        """file, dir, missing or other (symlinks followed)."""
        found = fs.kind(self._abs(rel))
        if self.log is not None:
            self.log.kinds[rel] = found
        return found

    def is_file(self, rel: str) -> bool:
        return self.kind(rel) == "file"

    def is_dir(self, rel: str) -> bool:
        return self.kind(rel) == "dir"

    def read_bytes(self, rel: str, *, limit: int | None = None) -> bytes:
        """The file's bytes; with `limit`, FileTooLarge when it has more (checked before reading)."""
        outside = self.leaves_root(rel)
        if outside is not None:
            raise InputError(
                f"refusing to read {rel}: a symbolic link leads outside the workspace (to {outside})",
                path=rel,
                hint="keep the workspace's files inside it, or exclude that folder in pnpm-workspace.yaml",
            )
        try:
            if limit is not None and os.stat(self._abs(rel)).st_size > limit:
                if self.log is not None:  # unread, yet what dockergen did depends on it
                    self.log.files[rel] = fs.file_digest(self._abs(rel)) or ""
                raise FileTooLarge(f"file is larger than {limit:,} bytes", path=rel)
            data = fs.read_regular(self._abs(rel))
        except FileNotFoundError:
            raise InputError("file not found", path=rel) from None
        except fs.NotRegular as exc:
            if exc.what == "a directory":
                raise InputError("expected a file, found a directory", path=rel) from None
            raise InputError(
                f"refusing to read {exc.what}", path=rel, hint="dockergen reads regular files only: replace it with one"
            ) from None
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror}", path=rel) from None
        if self.log is not None:
            self.log.files[rel] = fs.digest(data)
        return data

    def read_text(self, rel: str, *, limit: int | None = None) -> str:
        """UTF-8 text; a byte-order mark is accepted and dropped, CRLF is kept."""
        data = self.read_bytes(rel, limit=limit)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                "file is not valid UTF-8",
                path=rel,
                line=line,
                hint="save it as UTF-8",
            ) from None

    def read_json(self, rel: str) -> Any:
        text = self.read_text(rel)
        try:
            return json.loads(text)
        except RecursionError:
            raise InputError(
                "JSON is nested too deeply to read", path=rel, hint="a package.json is a flat object: fix the file"
            ) from None
        except json.JSONDecodeError as exc:
            raise InputError(
                f"invalid JSON: {exc.msg}",
                path=rel,
                line=exc.lineno,
                col=exc.colno,
                hint="fix the JSON syntax (trailing commas and comments are not allowed)",
            ) from None

    def read_jsonc(self, rel: str) -> dict[str, Any] | None:
        """An object in JSON with comments (tsconfig.json, turbo.json, nest-cli.json), read as tsc
        reads tsconfig.json; None when tsc would report an error or the file cannot be read: these
        files are hints, never inputs dockergen must be able to read. Read once per Repo."""
        if rel not in self._jsonc:
            self._jsonc[rel] = self._read_jsonc(rel)
        return self._jsonc[rel]

    def _read_jsonc(self, rel: str) -> dict[str, Any] | None:
        try:
            text = decode_like_node(self.read_bytes(rel))
        except InputError:
            return None
        try:
            return parse_jsonc(text)
        except TooLarge as exc:
            raise InputError(
                f"too large to read: {exc}",
                path=rel,
                hint="dockergen reads this file for hints (outDir, tasks): keep it small, or plain JSON",
            ) from None
        except JsoncError:
            return None

    def read_yaml(self, rel: str, *, positions: bool = False) -> Any:
        """Plain data, fast (libyaml when installed); `positions=True` keeps line/col marks (`.lc`)."""
        return parse_yaml(self.read_text(rel), rel, positions=positions)

    def list_dir(self, rel: str) -> list[DirEntry]:
        """Entries of a directory sorted by name; names that are not valid UTF-8 are skipped."""
        return self.scan_dir(rel)[0]

    def scan_dir(self, rel: str) -> tuple[list[DirEntry], int]:
        """One read of a directory: its entries sorted by name, and how many names were skipped
        because they are not valid UTF-8. Read once per Repo."""
        if rel in self._listings:
            entries, skipped = self._listings[rel]
            return list(entries), skipped
        try:
            found, skipped = fs.entries(self._abs(rel))
        except OSError as exc:
            raise InputError(
                f"cannot list the folder: {exc.strerror or exc}", path=rel or ".",
                hint="dockergen reads every folder the workspace's globs reach: make it readable, or exclude it",
            ) from None  # fmt: skip
        entries = [DirEntry(*e) for e in found]
        if self.log is not None:
            self.log.listings[rel] = tuple(found)
        self._listings[rel] = (entries, skipped)
        return list(entries), skipped

    def realpath(self, rel: str) -> str:
        resolved = os.path.realpath(self._abs(rel))
        if self.log is not None:
            self.log.realpaths[rel] = resolved
        return resolved

    def size(self, rel: str) -> int:
        return self.abspath(rel).lstat().st_size


def decode_like_node(data: bytes) -> str:
    """Text as tsc's file reader decodes it: a UTF-16 or UTF-8 byte-order mark says which, else
    UTF-8 with each invalid byte read as U+FFFD (as Node's Buffer.toString does)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def parse_yaml(text: str, rel: str, *, positions: bool = True) -> Any:
    """Parse YAML 1.2 (as pnpm does): duplicate keys and alias bombs are errors.

    Round-trip mode keeps line/column marks for later checks; the safe loader is several times
    faster (C libyaml through ruamel.yaml.clib) for big files that only need their data.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    _check_depth(text, rel)
    yaml = YAML(typ="rt") if positions else YAML(typ="safe", pure=False)
    try:
        data = yaml.load(text)
    except RecursionError:
        raise InputError("YAML is nested too deeply to read", path=rel, hint="flatten the nesting") from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        if "duplicate key" in str(exc):
            problem = f"duplicate key: {_duplicate_key(str(exc))}"
        raise InputError(
            f"invalid YAML: {problem}",
            path=rel,
            line=mark.line + 1 if mark else None,
            col=mark.column + 1 if mark else None,
            hint="fix the YAML syntax",
        ) from None
    except YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", path=rel, hint="fix the YAML syntax") from None
    _check_expansion(data, rel)
    return data


def nesting_bound(text: str) -> int:
    """An upper bound on how deep a YAML text can nest, in one pass of C string counting."""
    return sum(text.count(ch) for ch in _INDICATORS)


def _check_depth(text: str, rel: str) -> None:
    """Refuse a document nesting deeper than MAX_YAML_DEPTH, or holding more than twice
    MAX_YAML_NODES scalars and collections (keys and values: the count _check_expansion makes
    after loading is of values), before a loader builds anything: libyaml's parser keeps its own
    stack (no recursion) and its events are dropped as they are read, so memory stays flat. A
    syntax error stops the count where the loaders would stop too."""
    if nesting_bound(text) <= _QUICK_DEPTH_BOUND and len(text) <= MAX_YAML_NODES:
        return
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, NodeEvent

    depth = nodes = 0
    try:
        for event in YAML(typ="safe", pure=False).parse(text):
            if isinstance(event, CollectionEndEvent):
                depth -= 1
                continue
            nodes += isinstance(event, NodeEvent)
            depth += isinstance(event, CollectionStartEvent)
            if depth > MAX_YAML_DEPTH or nodes > 2 * MAX_YAML_NODES:
                line = event.start_mark.line + 1 if event.start_mark else None
                what = f"nests deeper than {MAX_YAML_DEPTH} levels" if depth > MAX_YAML_DEPTH else "is too large"
                raise InputError(
                    f"YAML {what}" + ("" if depth > MAX_YAML_DEPTH else f" (over {2 * MAX_YAML_NODES:,} values)"),
                    path=rel, line=line, hint="flatten the nesting" if depth > MAX_YAML_DEPTH else "split it",
                )  # fmt: skip
    except YAMLError:
        return  # the loader reports it, at the same place: it reads the same events


def key_position(mapping: Any, key: Any) -> tuple[int | None, int | None]:
    """1-based (line, col) of a key in YAML parsed with positions, else (None, None)."""
    try:
        line, col = mapping.lc.key(key)
        return line + 1, col + 1
    except (AttributeError, KeyError, TypeError):
        return None, None


def item_position(seq: Any, index: int) -> tuple[int | None, int | None]:
    """1-based (line, col) of a list item in YAML parsed with positions, else (None, None)."""
    try:
        line, col = seq.lc.item(index)
        return line + 1, col + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return None, None


def _duplicate_key(message: str) -> str:
    for line in message.splitlines():
        if "found duplicate key" in line:
            return line.split("found duplicate key", 1)[1].split("with value")[0].strip()
    return "a key appears twice"


def _check_expansion(data: Any, rel: str) -> None:
    """Refuse documents whose aliases expand to more than MAX_YAML_NODES nodes, or that nest
    deeper than MAX_YAML_DEPTH. Iterative, so no input can exhaust the stack."""
    sizes: dict[int, int] = {}  # expanded size of each container, computed once
    stack: list[tuple[Any, int, bool]] = [(data, 1, False)]
    while stack:
        node, depth, children_done = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        children = list(node.values() if isinstance(node, dict) else node)
        if children_done:
            sizes[id(node)] = min(MAX_YAML_NODES + 1, 1 + sum(_size(c, sizes) for c in children))
            continue
        if id(node) in sizes:
            continue
        if depth > MAX_YAML_DEPTH:
            raise InputError(f"YAML nests deeper than {MAX_YAML_DEPTH} levels", path=rel, hint="flatten the nesting")
        sizes[id(node)] = 1  # an alias cycle counts once instead of looping forever
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if isinstance(c, (dict, list)) and id(c) not in sizes)
    if _size(data, sizes) > MAX_YAML_NODES:
        raise InputError(
            f"YAML expands to more than {MAX_YAML_NODES} nodes through aliases",
            path=rel,
            hint="remove the nested anchors/aliases (this looks like an alias bomb)",
        )


def _size(node: Any, sizes: dict[int, int]) -> int:
    return sizes.get(id(node), 1) if isinstance(node, (dict, list)) else 1
