"""Reading JavaScript/TypeScript config files as tokens: the file (UTF-8, bounded in size) and
fixed-length windows over its tokens, so a pattern matches code, never a comment or a string."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

from dockergen.errors import FileTooLarge
from dockergen.formats.jstokens import Token, tokens
from dockergen.repo import Repo

# Config files are a few kilobytes; reading one token by token costs about a second per MiB at
# worst (one-character tokens), so a larger file is not read as code.
MAX_SOURCE_BYTES = 2**20

Window = tuple[Token | None, ...]


def read_source(repo: Repo, path: str) -> str | None:
    """The text of a config file; None when a symbolic link takes it out of the workspace (the
    build context will not hold it either). Not UTF-8, or larger than MAX_SOURCE_BYTES: InputError."""
    if repo.leaves_root(path) is not None:
        return None
    try:
        return repo.read_text(path, limit=MAX_SOURCE_BYTES)
    except FileTooLarge as exc:
        raise FileTooLarge(
            f"file is larger than {MAX_SOURCE_BYTES // 2**20} MiB, more than dockergen reads of a config file",
            path=exc.path,
            hint="keep data out of build config files, or set what dockergen reads from it in dockergen.yaml",
        ) from None


def windows(text: str, ahead: int, at: Callable[[Token], bool] | None = None) -> Iterator[Window]:
    """For each token (each one `at` accepts): (the token before it, the token, the `ahead`
    tokens after it), None where the file has none; memory stays bounded by the window, not the
    file, and a window is built only where `at` says it is worth it."""
    window: deque[Token | None] = deque([None] * (ahead + 2), maxlen=ahead + 2)
    for token in tokens(text):
        window.append(token)
        middle = window[1]
        if middle is not None and (at is None or at(middle)):
            yield tuple(window)
    for _ in range(ahead):
        window.append(None)
        middle = window[1]
        if middle is not None and (at is None or at(middle)):
            yield tuple(window)


def punct(token: Token | None, *texts: str) -> bool:
    """The token is one of these punctuators."""
    return token is not None and token.kind == "punct" and token.text in texts


def name(token: Token | None, *texts: str) -> bool:
    """The token is one of these names (keywords included)."""
    return token is not None and token.kind == "name" and token.text in texts


def literal(token: Token | None) -> str | None:
    """The value of a string, or of a template without substitutions; else None."""
    return token.text if token is not None and token.kind in ("string", "template") else None


def key(token: Token | None) -> str | None:
    """An object literal key's text when it is a name or a string."""
    if token is None or token.kind not in ("name", "string"):
        return None
    return token.text
