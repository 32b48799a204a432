"""Shell command lines as words: what dockergen can turn into exec form (no operators, no
substitutions), with leading `VAR=value`, `cross-env`, `env`, `dotenv --` and `sh -c` peeled off."""

from __future__ import annotations

import re
import shlex

_ENV_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SHELL_OPERATORS = re.compile(r"&&|\|\||[;|&<>`]|\$\(")


def unwrap(words: list[str] | None, env: list[tuple[str, str]]) -> list[str] | None:
    """Peel `VAR=x`, `cross-env`, `env`, `dotenv --` and `sh -c '...'` off a command (None: a
    shell construct dockergen cannot turn into exec form)."""
    while words is not None:
        words = _strip_env(words, env)
        if words[:1] in (["cross-env"], ["env"]):
            words = words[1:]
        elif words[:1] == ["dotenv"]:
            words = words[words.index("--") + 1 :] if "--" in words else []
        elif len(words) == 3 and words[0] in ("sh", "bash") and words[1] == "-c":
            words = split(words[2])
        else:
            return words
    return None


def split(script: str) -> list[str] | None:
    if any(ch in script for ch in "\n\r"):  # a newline separates shell commands
        return None
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|<>")
        lexer.whitespace_split = True
        words = list(lexer)
    except ValueError:
        return None
    if any(_SHELL_OPERATORS.fullmatch(w) or w.startswith("$(") for w in words):
        return None
    return words


def _strip_env(words: list[str], env: list[tuple[str, str]]) -> list[str]:
    while words and _ENV_ASSIGN.match(words[0]):
        key, value = words[0].split("=", 1)
        env.append((key, value))
        words = words[1:]
    return words
