"""Exit codes and the errors core code raises; only cli.py turns them into output."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; scripts and CI rely on them, so they never change meaning."""

    OK = 0  # success; for `check`: every generated file matches
    DRIFT = 1  # `check` (or `generate --check`) found files that differ from what dockergen renders
    USAGE = 2  # bad command line: unknown option, unknown --target or --package, conflicting flags
    BAD_INPUT = 3  # a repository file is missing or malformed, or a write was refused
    INTERNAL = 4  # a bug in dockergen: traceback printed, please report it


class DockergenError(Exception):
    """A user-facing error: one line naming the file (line:col where known) and a hint."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.col = col
        self.hint = hint
        # Warnings gathered before the error (e.g. a root-only workspace explaining a missing member).
        self.warnings: tuple[str, ...] = ()

    @property
    def location(self) -> str:
        """`path[:line[:col]]`, or "" when the error is not about one file."""
        if self.path is None:
            return ""
        loc = self.path
        if self.line is not None:
            loc += f":{self.line}"
            if self.col is not None:
                loc += f":{self.col}"
        return loc

    def one_line(self) -> str:
        """The whole error as a single line, newlines in parser messages folded."""
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return " ".join("".join(_visible(ch) for ch in text).split())


def _visible(ch: str) -> str:
    """A character as an error line can show it: controls and separators (a value quoted in a
    message may hold them) spelled as escapes, so the line stays one line of text; the ASCII
    whitespace of parsers' multi-line messages is folded into spaces."""
    if ch.isprintable() or ch in " \t\n\r":
        return ch
    return ascii(ch)[1:-1]


class InputError(DockergenError):
    """A repository file is missing, malformed or inconsistent."""


class ConfigError(InputError):
    """dockergen.yaml is malformed or names something that does not exist."""


class UsageError(DockergenError):
    """The command line asks for something impossible (e.g. an unknown --target)."""

    exit_code = ExitCode.USAGE


class RefusedWrite(DockergenError):
    """Writing would overwrite a file dockergen did not generate, or one edited by hand."""


class FileTooLarge(InputError):
    """A file is larger than dockergen reads of its kind (the bound is in the message)."""
