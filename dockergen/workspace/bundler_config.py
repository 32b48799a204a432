"""What a package's tsup or tsdown config file says about the file its build writes: the entry, the
out folder, the module format, the platform and whether the extension is fixed (`.mjs`/`.cjs`
whatever the package type). Read from the file's tokens (a literal in code, never in a comment or a string),
so that `format: ["cjs"]` in `tsdown.config.ts` means `dist/server.cjs`, as the flags do."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from dockergen.errors import FileTooLarge
from dockergen.repo import Repo
from dockergen.validate import control_chars
from dockergen.workspace.js_source import Window, key, literal, name, punct, read_source, windows
from dockergen.workspace.manifest import Package

CONFIG_NAMES = tuple(
    f"{tool}.config.{ext}" for tool in ("tsdown", "tsup") for ext in ("ts", "mts", "cts", "js", "mjs", "cjs")
)
_KEYS = frozenset({"entry", "format", "outDir", "fixedExtension", "platform"})


@dataclass(frozen=True, slots=True)
class BundlerConfig:
    """The first literal of each key a tsup/tsdown config sets (None where it sets none, or sets
    it to something other than a literal); `entry_name` is the output name of the first entry."""

    dir: str
    tool: str  # tsup or tsdown
    entry: str | None = None  # the first entry's source file, relative to the package
    entry_name: str | None = None  # an object entry's key (`{ server: "src/main.ts" }` writes server.*)
    format: str | None = None
    out_dir: str | None = None
    fixed_extension: bool | None = None
    platform: str | None = None  # node, neutral, browser


def bundler_configs(repo: Repo, packages: Iterable[Package]) -> tuple[BundlerConfig, ...]:
    """The tsup/tsdown config of each package that has one (the first name in CONFIG_NAMES)."""
    out = []
    for pkg in packages:
        file = next((n for n in CONFIG_NAMES if n in pkg.entries), None)
        if file is None:
            continue
        try:
            text = read_source(repo, f"{pkg.dir}/{file}") or ""
        except FileTooLarge:
            continue  # build_configs warns about the same file
        out.append(read_config(text, pkg.dir, file.split(".", 1)[0]))
    return tuple(out)


def read_config(text: str, package_dir: str, tool: str) -> BundlerConfig:
    """The keys of the first object literal that sets them: `key: "x"`, `key: ["x", …]`,
    `entry: { name: "x" }`, `fixedExtension: true`."""
    found: dict[str, object] = {}
    for w in windows(text, 5, lambda t: t.text in _KEYS):
        prop = key(w[1]) if punct(w[0], "{", ",") and punct(w[2], ":") else None
        if prop is None or prop in found:
            continue
        value = _value(prop, w)
        if value is not None:
            found[prop] = value
    entry, fixed = found.get("entry"), found.get("fixedExtension")
    entry_name, entry_file = entry if isinstance(entry, tuple) else (None, None)
    return BundlerConfig(
        package_dir,
        tool,
        entry=_path(entry_file),
        entry_name=entry_name,
        format=str(found["format"]) if "format" in found else None,
        out_dir=_path(found.get("outDir")),
        fixed_extension=fixed if isinstance(fixed, bool) else None,
        platform=str(found["platform"]) if "platform" in found else None,
    )


def _value(prop: str, w: Window) -> object:
    """The value after `prop:` in the window: a literal, an array's first literal, an object's
    first `name: literal` (entry), `true`/`false` (fixedExtension)."""
    value, after = w[3], w[4]
    if prop == "fixedExtension":
        return True if name(value, "true") else False if name(value, "false") else None
    if punct(value, "["):
        first = literal(after)
        return (None, first) if prop == "entry" and first else first
    if prop == "entry" and punct(value, "{"):
        label, path = key(after), literal(w[6] if len(w) > 6 else None)
        return (label, path) if label and path and punct(w[5], ":") else None
    text = literal(value)
    whole = after is None or punct(after, ",", "}")
    if text is None or not whole:
        return None
    return (None, text) if prop == "entry" else text


def _path(value: object) -> str | None:
    """A plain relative path (no glob, no control character), normalized; else None."""
    if not isinstance(value, str) or not value or control_chars(value) or any(c in value for c in "*?{[!"):
        return None
    normal = posixpath.normpath(value)
    return None if normal.startswith(("..", "/")) else normal
