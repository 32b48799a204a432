"""Docker-semantics .dockerignore matching on pathspec, and validation of a plan's COPY sources.

Docker's rules (moby/patternmatcher), not git's: every pattern is relative to the context root
(`*.md` matches only at the root; `**/` reaches down), a pattern matching a parent folder matches
everything inside it, `!` re-includes, and the last matching pattern wins.
"""

from __future__ import annotations

import bisect
import contextlib
import posixpath
import re
from dataclasses import dataclass, field

from dockergen.errors import InputError

MAX_RUNS = 16  # runs of wildcard rules given a combined pattern (an ignore file has three or four)


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern line of an ignore file, as Docker reads it."""

    line: int
    text: str
    pattern: str
    negated: bool


@dataclass(frozen=True, slots=True)
class DockerIgnore:
    """A parsed ignore file; `decide(path)` tells whether Docker sends the path and which rule said so.

    Rules without wildcards are looked up by path (the allow-list is thousands of them); only the
    few with wildcards are matched as regular expressions, so deciding costs the path's depth times
    the number of wildcard rules, whatever the number of plain ones.
    """

    path: str
    rules: tuple[Rule, ...]
    _literal: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # pattern -> last index
    _globs: tuple[tuple[int, re.Pattern[str]], ...] = field(default=(), compare=False, repr=False)
    # for each run of wildcard rules (between plain ones), every wildcard rule from it to the end
    # in one pattern: most paths match none of those after their own rule, and one test says so
    _after: dict[int, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        globs = []
        for index, rule in enumerate(self.rules):
            if _is_glob(rule.pattern):
                globs.append((index, _compile(rule.pattern)))
            else:
                self._literal[rule.pattern] = index
        object.__setattr__(self, "_globs", tuple(globs))
        starts = [k for k, (index, _) in enumerate(globs) if k == 0 or globs[k - 1][0] != index - 1]
        for k in starts[:MAX_RUNS]:
            joined = "|".join(f"(?:{regex.pattern})" for _, regex in globs[k:])
            with contextlib.suppress(re.error):  # a group name used twice: test them one by one
                self._after[k] = re.compile(joined)

    def decide(self, rel: str) -> tuple[bool, Rule | None]:
        """(ignored, deciding rule) for a context-relative POSIX path: the last rule matching the
        path or one of its parent folders decides."""
        candidates = _self_and_parents(rel)
        best = max((self._literal.get(c, -1) for c in candidates), default=-1)
        first = bisect.bisect_right(self._globs, best, key=lambda g: g[0])  # the first wildcard rule after it
        after = self._after.get(first)
        if after is not None and not any(after.match(c) for c in candidates):
            return self._verdict(best)
        for index, regex in reversed(self._globs):
            if index <= best:
                break
            if any(regex.match(c) for c in candidates):
                best = index
                break
        return self._verdict(best)

    def _verdict(self, best: int) -> tuple[bool, Rule | None]:
        if best < 0:
            return False, None
        rule = self.rules[best]
        return not rule.negated, rule

    def is_ignored(self, rel: str) -> bool:
        return self.decide(rel)[0]


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[\\")


def parse(text: str, path: str = ".dockerignore") -> DockerIgnore:
    """Docker's reader: `#` comments, blank lines skipped, whitespace trimmed, paths cleaned."""
    rules = []
    # Docker splits on "\n" only (and drops a "\r" before it); str.splitlines would also split on
    # U+2028, \x1c and others, seeing lines Docker does not.
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.removesuffix("\r")
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        body = line[1:].strip() if negated else line
        cleaned = posixpath.normpath(body).lstrip("/") if body else body
        if cleaned in ("", "."):
            continue
        rules.append(Rule(number, line, cleaned, negated))
    return DockerIgnore(path, tuple(rules))


def validate(ignore: DockerIgnore, reads: tuple[str, ...], dockerfile: str) -> None:
    """Every path the Dockerfile copies must reach the builder; name the rule that hides one."""
    for rel in reads:
        ignored, rule = ignore.decide(rel)
        if ignored and rule is not None:
            raise InputError(
                f"rule {rule.text!r} hides {rel}, which {dockerfile} copies",
                path=ignore.path,
                line=rule.line,
                hint="remove or narrow that pattern (user patterns come from `ignore` in dockergen.yaml)",
            )


def _self_and_parents(rel: str) -> list[str]:
    parts = rel.strip("/").split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


# What the built-in rules keep out for security (the ignore file's drop list holds them): a `!`
# pattern of `ignore` aimed at them is refused, and after any `!` pattern they are dropped again.
SECRETS = ("**/.git", "**/.env", "**/.env.*", "**/*.pem", "**/*.key", "*/**/.npmrc")
# Where secrets are, below the folder a `!` pattern names before its first wildcard.
_SECRET_PATHS = (".env", "a/.env", ".env.local", "a/.env.production", "id.pem", "a/id.key", ".git", ".git/config",
                 "a/.git", "a/.npmrc")  # fmt: skip
_WILDCARD = re.compile(r"[*?\[]")


def reincluded_secret(text: str) -> str | None:
    """A secret path the `!` pattern `text` would send again (`!**`, `!.env`, `!**/*.pem`,
    `!apps/**` sends apps/.env), if any; None for other patterns. A plain folder (`!apps/api/dist`)
    is not refused: the secrets inside it are dropped again after it."""
    body = text.strip()
    if not body.startswith("!"):
        return None
    cleaned = posixpath.normpath(body[1:].strip()).lstrip("/")
    if cleaned in ("", "."):
        return None
    rule = parse(cleaned)
    secrets = parse("\n".join(SECRETS))
    wild = _WILDCARD.search(cleaned)
    if wild is None:
        return cleaned if secrets.decide(cleaned)[0] else None
    folder = cleaned[: wild.start()].rpartition("/")[0]
    for secret in _SECRET_PATHS:
        path = f"{folder}/{secret}" if folder else secret
        if rule.decide(path)[0] and secrets.decide(path)[0]:
            return path
    return None


def pattern_error(text: str) -> str | None:
    """A reason when Docker could not use this ignore-file line (e.g. a trailing backslash, an
    unclosed `[`), which would fail the whole build."""
    body = text.strip().removeprefix("!").strip()
    cleaned = posixpath.normpath(body).lstrip("/") if body else body
    if cleaned in ("", "."):
        return None
    try:
        _compile(cleaned)
    except ValueError as exc:
        return f"is not a valid .dockerignore pattern ({str(exc).splitlines()[0]})"
    if cleaned.count("[") > cleaned.count("]"):
        return "is not a valid .dockerignore pattern (an unclosed `[`)"
    return None


def _compile(pattern: str) -> re.Pattern[str]:
    """pathspec's gitignore translation with the pattern anchored at the root, as Docker anchors
    every pattern; the compiled regex is used directly (pathspec's per-call checks cost 10x)."""
    import pathspec

    spec = pathspec.PathSpec.from_lines("gitignore", ["/" + pattern])
    regex = spec.patterns[0].regex
    assert regex is not None
    return regex
