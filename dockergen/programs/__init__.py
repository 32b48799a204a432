"""The programs generated Dockerfiles run (`node -e` helpers, the signal preload, the health check,
the static file server, nginx's configuration), each a file of its own here, run by a unit test.

A Dockerfile carries each one as a single word, so `program(name)` writes it on one line: comment
lines (`//`, `#`) are dropped, each line's indentation stripped, and the lines joined without a
space (JavaScript, whose lines end where no space is needed) or with one (`.conf`, `.sh`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

_JOINED_WITH_A_SPACE = (".conf", ".sh")


@cache
def program(name: str) -> str:
    """The program `name` (a file of this folder) on one line."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    comment = "#" if name.endswith(_JOINED_WITH_A_SPACE) else "//"
    lines = [line.strip() for line in text.splitlines() if not line.strip().startswith(comment) and line.strip()]
    return (" " if name.endswith(_JOINED_WITH_A_SPACE) else "").join(lines)
