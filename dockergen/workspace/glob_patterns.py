"""The `packages:` globs of pnpm-workspace.yaml as pnpm 10 hands them to tinyglobby.

@pnpm/fs.find-packages puts `/package.{json,yaml,json5}` in place of one trailing slash of each
glob. tinyglobby then makes a glob starting with `!` (not `!(`) an ignore glob (so negations
apply whatever their order), drops one starting with `!!` (not `!!(`), and normalizes each as
node's path.posix.normalize does (`./a`, `a//b`, `a/./b`, `a/b/..`). Each glob compiles into one
automaton over the whole path, braces holding `/` included, so nothing is expanded; its leading
names also compile one by one, for tinyglobby's test of which folders to enter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dockergen.workspace.glob_match import Automaton
from dockergen.workspace.glob_nodes import Globstar, GlobSyntaxError, Group, Never, Node, Sep, utf16
from dockergen.workspace.glob_syntax import parse

MANIFEST_GLOB = "/package.{json,yaml,json5}"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DYNAMIC = re.compile(r"[*?\[\]{}()\\]")  # a name with these is no part of tinyglobby's crawl root
_ALL_NAMES = 1 << 30  # no name holds a brace with `/`
_ESCAPING = re.compile(r"\\(?=[()[\]{}!*+?@|])")  # tinyglobby ignores these backslashes to tell an absolute glob


@dataclass(frozen=True, slots=True)
class Pattern:
    """One glob: the whole path's automaton (None: it can never match), and for tinyglobby's
    crawl test its leading names one by one (None: `**`), up to the first name holding a brace
    with `/` in it (tinyglobby enters every folder from there down)."""

    full: Automaton | None
    names: tuple[Automaton | None, ...]
    opaque_from: int
    root: tuple[str, ...]  # its leading plain names: where tinyglobby would start crawling


@dataclass(frozen=True, slots=True)
class Globs:
    """What to match, what to ignore, the crawl root, and why some globs can never match."""

    match: tuple[Pattern, ...]
    ignore: tuple[Pattern, ...]
    root: tuple[str, ...]
    warnings: tuple[str, ...]


def glob_problem(raw: str) -> GlobSyntaxError | None:
    """Why dockergen cannot read this `packages:` glob the way pnpm does, or None."""
    try:
        _compile_one(raw)
    except GlobSyntaxError as exc:
        return exc
    return None


def compile_globs(raw_globs: list[str]) -> Globs:
    """Compile every glob; raises GlobSyntaxError (with the glob in its message) on the first bad one."""
    match: list[Pattern] = []
    ignore: list[Pattern] = []
    warnings: list[str] = []
    for raw in raw_globs:
        try:
            kind, pattern, warning = _compile_one(raw)
        except GlobSyntaxError as exc:
            raise GlobSyntaxError(f"glob {raw!r} {exc.message}", exc.hint) from None
        if pattern is not None:
            (match if kind == "match" else ignore).append(pattern)
        if warning:
            warnings.append(f"pnpm-workspace.yaml: glob {raw!r} {warning}")
    return Globs(tuple(match), tuple(ignore), _common_root(match), tuple(warnings))


def _compile_one(raw: str) -> tuple[str, Pattern | None, str]:
    """("match" | "ignore", the pattern (None: pnpm drops it), a warning when it never matches)."""
    if not raw:
        raise GlobSyntaxError("is empty", "pnpm refuses an empty glob; remove it")
    if raw.rstrip("/") == "!":
        raise GlobSyntaxError("excludes nothing", "write the folders to exclude after the `!`")
    control = _CONTROL.search(raw)
    if control:
        raise GlobSyntaxError(
            f"holds the control character U+{ord(control.group()):04X} at character {control.start() + 1}",
            "remove it; a folder name with control characters cannot be copied into an image safely",
        )
    text = re.sub(r"/?$", MANIFEST_GLOB, raw, count=1)
    if text.startswith("!") and not text.startswith("!("):
        if text.startswith("!!") and not text.startswith("!!("):
            return "ignore", None, "is ignored: pnpm drops a glob that starts with `!!`"
        return "ignore", *_pattern(text[1:], crawl=False)
    return "match", *_pattern(text, crawl=True)


def _pattern(text: str, *, crawl: bool) -> tuple[Pattern, str]:
    if _ESCAPING.sub("", text).startswith("/"):
        raise GlobSyntaxError("is an absolute path", "members must live below the folder holding pnpm-workspace.yaml")
    normal = posix_normalize(text)
    if normal.startswith("../"):
        raise GlobSyntaxError("points outside the workspace root", "members must live below pnpm-workspace.yaml")
    if normal.startswith(".."):  # tinyglobby takes any leading `..` (even `..x`) for the parent folder
        raise GlobSyntaxError("starts with `..`", "pnpm's glob library reads it as the parent folder")
    if normal.startswith("!") and not normal.startswith("!("):
        raise GlobSyntaxError("starts with `!` after `./`", "write the `!` first: !./path")
    nodes = parse(utf16(normal))
    root = _leading_plain(normal.split("/")[:-1])
    never = _never(nodes)
    if never:  # still counts for tinyglobby's crawl root
        return Pattern(None, (), _ALL_NAMES, root), f"can never match: {never} (pnpm's glob library matches nothing)"
    names, opaque = _crawl_names(nodes, normal) if crawl else ((), _ALL_NAMES)
    return Pattern(Automaton(nodes), names, opaque, root), ""


def posix_normalize(path: str) -> str:
    """node's path.posix.normalize: drop empty and `.` names, resolve `..` textually."""
    absolute = path.startswith("/")
    names: list[str] = []
    for name in path.split("/"):
        if name in ("", "."):
            continue
        if name != "..":
            names.append(name)
        elif names and names[-1] != "..":
            names.pop()
        elif not absolute:
            names.append("..")
    out = "/".join(names)
    if path.endswith("/") and out:
        out += "/"
    return ("/" + out) if absolute else (out or ".")


def _never(nodes: tuple[Node, ...]) -> str:
    for node in nodes:
        if isinstance(node, Never):
            return node.reason
        if isinstance(node, Group):
            reason = next((r for option in node.options if (r := _never(option))), "")
            if reason:
                return reason
    return ""


def _names(nodes: tuple[Node, ...]) -> tuple[Automaton | None, ...]:
    """Each name of the glob on its own (None: `**`), as tinyglobby tests folders against them."""
    names: list[Automaton | None] = []
    current: list[Node] = []
    for node in nodes:
        if isinstance(node, Globstar):
            names.append(None)  # it follows a `/` (or nothing) and brings its own
        elif isinstance(node, Sep):
            names.append(Automaton(tuple(current)))
            current = []
        else:
            current.append(node)
    return (*names, Automaton(tuple(current)))


def _crawl_names(nodes: tuple[Node, ...], normal: str) -> tuple[tuple[Automaton | None, ...], int]:
    """The names tinyglobby tests folders against, each compiled on its own as picomatch does."""
    opaque = opaque_part(normal)
    out: list[Automaton | None] = []
    for automaton, text in zip(_names(nodes)[:opaque], normal.split("/"), strict=False):
        if text.startswith("!") and not text.startswith("!("):
            raise GlobSyntaxError(
                f"has a name starting with `!` ({text!r})",
                "on its own, pnpm's glob library reads it as a negation when choosing folders to enter; "
                "write \\! for the character",
            )
        # on its own, picomatch reads `*.*` as `*.?*` (a fast path): `a.` is not entered
        out.append(Automaton(parse("*.?*")) if text == "*.*" else automaton)
    return tuple(out), opaque


def opaque_part(glob: str) -> int:
    """The index of the first part holding a `/` when picomatch.scan splits the glob (_ALL_NAMES
    when none does); tinyglobby lets every folder in from that part down. The splitter does not
    split inside `{...}` (a `\\{` opens one at the character after the next), `[...]` (an unclosed
    `[` runs to the end) or `x(...)`."""
    part = 0
    i = 0
    escaped_brace = False
    while i < len(glob):
        c = glob[i]
        if c == "\\":
            escaped_brace = escaped_brace or glob[i + 1 : i + 2] == "{"
            i += 2
            continue
        if c == "/" and not escaped_brace:
            part += 1
            i += 1
            continue
        end = i
        if escaped_brace or c == "{":
            end = _brace_end(glob, i + 1, escaped_brace)
            escaped_brace = False
        elif c == "[":
            end = _closing(glob, i + 1, "]")
        elif c in "+@*?!" and glob[i + 1 : i + 2] == "(":
            end = _closing(glob, i + 2, ")")
        if "/" in glob[i : end + 1]:
            return part
        i = end + 1
    return _ALL_NAMES


def _brace_end(glob: str, i: int, escaped: bool) -> int:
    depth = 1
    while i < len(glob):
        c = glob[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "." and not escaped and i + 1 < len(glob):
            i += 1  # scan reads on after a `.` to look for `..`, and only checks that character for `}`
            c = glob[i]
        if c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(glob) - 1


def _closing(glob: str, i: int, close: str) -> int:
    while i < len(glob) and glob[i] != close:
        i += 2 if glob[i] == "\\" else 1
    return min(i, len(glob) - 1)


def _leading_plain(names: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        if _DYNAMIC.search(name) or name.startswith("!"):
            break
        out.append(name)
    return tuple(out)


def _common_root(patterns: list[Pattern]) -> tuple[str, ...]:
    """tinyglobby crawls from the plain names every match glob starts with."""
    if not patterns:
        return ()
    root = patterns[0].root
    for pattern in patterns[1:]:
        n = 0
        while n < min(len(root), len(pattern.root)) and root[n] == pattern.root[n]:
            n += 1
        root = root[:n]
    return root
