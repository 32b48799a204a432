"""One glob parsed the way picomatch (under pnpm's tinyglobby) reads it.

picomatch compiles a glob into a JavaScript regular expression, and what a character means
depends on the token before it: a `*` right after `/` cannot match a leading dot, one right
after `{` or `(` can. Some spellings leak into the regular expression (a bare `(`, a `|`
outside `@(...)`, `\\d`, `@(a)?`); the parser refuses those, each with a hint, and keeps
picomatch's meaning for the rest. The text is in UTF-16 code units, as JavaScript sees it.
"""

from __future__ import annotations

from dockergen.workspace.glob_classes import class_end, parse_class, parse_range
from dockergen.workspace.glob_extglob import risky_repetition
from dockergen.workspace.glob_nodes import (
    Cls,
    Globstar,
    GlobSyntaxError,
    GlobTail,
    Group,
    Lit,
    Node,
    One,
    Sep,
    Star,
    refusal,
)

MAX_LENGTH = 65536  # picomatch throws on a longer glob, so pnpm fails
MAX_NESTING = 16  # braces and groups inside one another (real globs nest two or three)


def parse(glob: str) -> tuple[Node, ...]:
    """The glob (normalized, UTF-16 units) as nodes, `/` as Sep; raises GlobSyntaxError."""
    if len(glob) > MAX_LENGTH:
        raise GlobSyntaxError(f"is longer than {MAX_LENGTH} characters", "pnpm's glob library refuses it too")
    return tuple(_Parser(glob).sequence("top"))


class _Parser:
    """Recursive descent; `prev` is the kind of picomatch's previous token (bos, slash, text,
    dot, star, globstar, qmark, bracket, brace, comma, open, paren, plus)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.prev = "bos"
        self.braces = 0
        self.parens = 0
        self.brace_ends: list[str] = []  # the character after each open brace's `}`

    def refuse(self, what: str, hint: str, at: int | None = None) -> GlobSyntaxError:
        return refusal(what, self.text, self.i if at is None else at, hint)

    def nesting(self) -> None:
        if self.braces + self.parens >= MAX_NESTING:
            raise self.refuse(f"groups nested more than {MAX_NESTING} deep", "flatten the braces and @(...)")

    def peek(self, n: int = 0) -> str:
        j = self.i + n
        return self.text[j] if j < len(self.text) else ""

    def sequence(self, ctx: str) -> list[Node]:
        """Nodes up to the end of `ctx` ("top", "brace", "paren"), stopping before `,}` or `|)`."""
        out: list[Node] = []
        while self.i < len(self.text):
            c = self.text[self.i]
            if (ctx == "brace" and c in ",}") or (ctx == "paren" and c in "|)"):
                break
            self.token(c, out)
        return out

    def token(self, c: str, out: list[Node]) -> None:  # noqa: C901
        if c == "/":
            if self.parens:
                raise self.refuse("a `/` inside `(...)` (or a `(` left open)", "a group matches within one folder name")
            self.push(out, Sep(), "slash", 1)
        elif c == "*":
            self.star(out)
        elif c == "?":
            self.qmark(out)
        elif c in "+@!" and self.peek(1) == "(":
            self.extglob(c, out)
        elif c == "[":
            self.bracket(out)
        elif c == "{":
            self.brace(out)
        elif c == "\\":
            self.escape(out)
        elif c == "+":
            self.plus(out)
        elif c == ".":
            dot = self.braces + self.parens > 0 or self.prev in ("bos", "slash")
            self.push(out, Lit("."), "dot" if dot else "text", 1)
        else:
            self.plain(c, out)

    def plain(self, c: str, out: list[Node]) -> None:
        if c == "(":
            raise self.refuse("a bare `(`", "write @(a|b) for one of several names, or \\( for the character")
        if c == "|":
            raise self.refuse("a `|` outside @(...)", "write @(a|b) or {a,b}, or \\| for the character")
        if c == '"':
            raise self.refuse('a `"`', 'pnpm\'s glob library reads "..." as quoting; write \\" for the character')
        if c in ")}" and self.parens and self.braces:
            raise self.refuse(f"a `{c}` closing out of order", "close {...} and @(...) in the order they open")
        self.push(out, Lit(c), {")": "paren", ",": "comma"}.get(c, "text"), 1)

    def push(self, out: list[Node], node: Node, kind: str, width: int) -> None:
        if isinstance(node, Lit) and out and isinstance(out[-1], Lit):
            out[-1] = Lit(out[-1].text + node.text)
        else:
            out.append(node)
        self.prev = kind
        self.i += width

    def star(self, out: list[Node]) -> None:
        run = len(self.text) - self.i - len(self.text[self.i :].lstrip("*"))
        after = self.peek(run)
        if run == 1 and after == "(":
            self.extglob("*", out)
        elif run > 1:
            self.globstar(run, after, out)
        else:
            guard = "nodot" if self.prev in ("bos", "slash") else "nodotslash" if self.prev == "dot" else ""
            self.push(out, Star(guard), "star", 1)

    def globstar(self, run: int, after: str, out: list[Node]) -> None:
        whole = run == 2 and not self.parens and self.prev in ("bos", "slash")
        if whole and after == "/":
            if not out or not isinstance(out[-1], Globstar):  # `**/**/` is `**/`
                out.append(Globstar())
            self.i += 3
            self.prev = "slash"
        elif whole and self.braces and after in ",}" and self.brace_ends[-1] == "/":
            # picomatch: `{a/**,b}/...` is `a/` and one or more names without a leading dot
            out.extend((Star("nodot"), GlobTail()))
            self.prev = "globstar"
            self.i += 2
        else:
            raise self.refuse("`**` inside a name", "`**` must be a whole folder name (a/**/b); use * in a name")

    def qmark(self, out: list[Node]) -> None:
        hint = "write ?(x) for an optional part, or \\? for the character"
        if self.prev == "open":  # picomatch: a literal `?` right after `(`
            raise self.refuse("a `?` right after `(`", hint)
        if self.peek(1) == "(":
            self.extglob("?", out)
        elif self.prev == "paren":  # picomatch: a regex `?` after `)`, making the group optional
            raise self.refuse("a `?` right after `)`", hint)
        else:
            self.push(out, One(self.prev in ("bos", "slash")), "qmark", 1)

    def plus(self, out: list[Node]) -> None:
        if self.prev == "open":
            self.push(out, Lit("+"), "plus", 1)
        elif self.prev == "bracket" and not self.parens and out and isinstance(out[-1], Cls):
            out[-1] = Group("+", ((out[-1],),))  # picomatch leaves `[0-9]+` a regex: one or more
            self.prev = "plus"
            self.i += 1
        elif self.prev in ("bracket", "paren", "brace") or self.parens:
            raise self.refuse("a `+` after a group", "write +(x) for one or more, or \\+ for the character")
        else:
            self.push(out, Lit("+"), "plus", 1)

    def escape(self, out: list[Node]) -> None:
        nxt = self.peek(1)
        if nxt in ("/", ""):
            raise self.refuse("a `\\` before `/`", "a folder name cannot hold `/`; remove the backslash")
        if nxt in (".", ";"):  # picomatch drops this backslash and reads the character as usual
            self.i += 1
        elif nxt == "\\":
            if self.peek(2) == "\\":
                raise self.refuse("three or more `\\` in a row", "write \\\\ for one backslash")
            self.push(out, Lit("\\"), "text", 2)
        elif nxt.isascii() and nxt.isalnum():
            raise self.refuse(f"`\\{nxt}`", "pnpm's glob library reads it as a regex escape; remove the backslash")
        else:
            self.push(out, Lit(nxt), "text", 2)

    def extglob(self, kind: str, out: list[Node]) -> None:
        start = self.i
        self.nesting()
        if self.peek(2) == "?":
            raise self.refuse(f"`{kind}(?`", "pnpm's glob library reads it as regex syntax")
        self.i += 2
        self.prev = "open"
        self.parens += 1
        options = [tuple(self.sequence("paren"))]
        while self.peek() == "|":
            self.i += 1
            self.prev = "text"
            options.append(tuple(self.sequence("paren")))
        if self.peek() != ")":
            raise self.refuse(f"an unclosed `{kind}(`", "close it with `)`", start)
        self.parens -= 1
        self.i += 1
        self.prev = "paren"
        body = self.text[start + 2 : self.i - 1]
        if kind in "+*" and risky_repetition(body):
            raise self.refuse(
                f"`{kind}({body})`",
                "pnpm's glob library matches this repetition as plain text (it guards against slow "
                "matching); list the names instead",
                start,
            )
        out.append(Group(kind, tuple(options)))

    def brace(self, out: list[Node]) -> None:
        start = self.i
        self.nesting()
        end = _closing_brace(self.text, start)
        if end < 0:
            raise self.refuse("an unclosed `{`", "close it with `}`, or write \\{ for the character")
        if ".." in _own_level(self.text, start + 1, end):  # picomatch: a range, whatever else is there
            out.append(parse_range(self.text, start, end))
            self.i = end + 1
            self.prev = "brace"
            return
        self.i += 1
        self.prev = "brace"
        self.braces += 1
        self.brace_ends.append(self.text[end + 1 : end + 2] or "/")
        options = [tuple(self.sequence("brace"))]
        while self.peek() == ",":
            self.i += 1
            self.prev = "comma"
            options.append(tuple(self.sequence("brace")))
        if self.peek() != "}":
            raise self.refuse("an unclosed `{`", "close it with `}`, or write \\{ for the character", start)
        self.brace_ends.pop()
        self.braces -= 1
        self.i += 1
        self.prev = "brace"
        if len(options) > 1:
            out.append(Group("@", tuple(options)))
        elif any(isinstance(n, Sep) for n in options[0]):
            raise self.refuse("a `/` inside {...} without a comma", "write \\{ and \\} for the characters", start)
        else:  # picomatch keeps braces without a comma as text; what they hold is still a glob
            out.extend((Lit("{"), *options[0], Lit("}")))

    def bracket(self, out: list[Node]) -> None:
        if "]" not in self.text[self.i + 1 :]:  # no `]` anywhere later: picomatch reads a plain `[`
            self.push(out, Lit("["), "bracket", 1)
            return
        node, end = parse_class(self.text, self.i)
        out.append(node)
        self.i = end + 1
        self.prev = "bracket"


def _closing_brace(text: str, start: int) -> int:
    """Index of the `}` that closes the `{` at `start` (classes and escapes skipped), or -1."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 1
        elif c == "[" and "]" in text[i + 1 :]:
            i = class_end(text, i)
        elif c in "{}":
            depth += 1 if c == "{" else -1
            if depth == 0:
                return i
        i += 1
    return -1


def _own_level(text: str, start: int, end: int) -> str:
    """text[start:end] without nested braces and classes (an escaped `.` stays a `.`)."""
    out: list[str] = []
    depth = 0
    i = start
    while i < end:
        c = text[i]
        if c == "\\":
            out.append("." if depth == 0 and text[i + 1 : i + 2] == "." else "")
            i += 1
        elif c == "[" and "]" in text[i + 1 :]:
            i = class_end(text, i)
        elif c in "{}":
            depth += 1 if c == "{" else -1
        elif depth == 0:
            out.append(c)
        i += 1
    return "".join(out)
