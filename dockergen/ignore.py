"""Docker-semantics .dockerignore matching on pathspec, and validation of a plan's COPY sources.

Docker's rules (moby/patternmatcher), not git's: every pattern is relative to the context root
(`*.md` matches only at the root; `**/` reaches down), a pattern matching a parent folder matches
everything inside it, `!` re-includes, and the last matching pattern wins.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dockergen.errors import InputError

if TYPE_CHECKING:
    import pathspec


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern line of an ignore file, as Docker reads it."""

    line: int
    text: str
    pattern: str
    negated: bool


@dataclass(frozen=True, slots=True)
class DockerIgnore:
    """A parsed ignore file; `decide(path)` tells whether Docker sends the path and which rule said so."""

    path: str
    rules: tuple[Rule, ...]

    def decide(self, rel: str) -> tuple[bool, Rule | None]:
        """(ignored, deciding rule) for a context-relative POSIX path."""
        ignored, deciding = False, None
        candidates = _self_and_parents(rel)
        for rule in self.rules:
            if any(_matches(rule.pattern, c) for c in candidates):
                ignored, deciding = not rule.negated, rule
        return ignored, deciding

    def is_ignored(self, rel: str) -> bool:
        return self.decide(rel)[0]


def parse(text: str, path: str = ".dockerignore") -> DockerIgnore:
    """Docker's reader: `#` comments, blank lines skipped, whitespace trimmed, paths cleaned."""
    rules = []
    for number, raw in enumerate(text.splitlines(), start=1):
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


def _matches(pattern: str, path: str) -> bool:
    return bool(_compiled(pattern).match_file(path))


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> pathspec.PathSpec[Any]:
    """pathspec's gitignore matcher with the pattern anchored at the root, as Docker anchors every pattern."""
    import pathspec

    return pathspec.PathSpec.from_lines("gitignore", ["/" + pattern])
