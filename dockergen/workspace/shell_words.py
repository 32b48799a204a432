"""Shell command lines as words: what dockergen can turn into exec form (no operators, no
substitutions, no expansions), with leading `VAR=value`, `cross-env`, `env`, `dotenv` (dotenv-cli,
with or without `--`) and `sh -c` peeled off."""

from __future__ import annotations

import re
import shlex

from dockergen.workspace import dotenv_cli

_ENV_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SHELL_OPERATORS = re.compile(r"&&|\|\||[;|&<>`]|\$\(")
# What follows `$` when the shell expands it: a name, `{...}`, a digit or a special parameter.
_PARAMETER = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[^}]*\}?|[0-9@*#?$!-])")
_GLOB = frozenset("*?[")
MAX_NESTING = 5  # `sh -c 'sh -c "..."'`: how deep expansions are looked for


def unwrap(words: list[str] | None, env: list[tuple[str, str]], why: list[str] | None = None) -> list[str] | None:
    """Peel `VAR=x`, `cross-env`, `env`, `dotenv` and `sh -c '...'` off a command (None: a shell
    construct dockergen cannot turn into exec form, or a wrapper that runs no command: the reason
    is added to `why`)."""
    while words is not None:
        words = _strip_env(words, env)
        if words[:1] in (["cross-env"], ["env"]):
            words = words[1:]
        elif words[:1] == ["dotenv"]:
            words, problem = dotenv_cli.command(words[1:], env)
            if problem and why is not None:
                why.append(problem)
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


def and_list(script: str) -> list[str] | None:
    """The commands of `a && b && c` (an AND list) as written, split at each `&&` outside quotes;
    None when the script has no such `&&` (or a newline, which separates commands otherwise)."""
    if any(ch in script for ch in "\n\r"):
        return None
    parts: list[str] = []
    quote, start, index = "", 0, 0
    while index < len(script):
        ch = script[index]
        if quote != "'" and ch == "\\":
            index += 2
            continue
        if ch in "'\"" and quote in ("", ch):
            quote = "" if quote else ch
        elif not quote and script.startswith("&&", index):
            parts.append(script[start:index].strip())
            start = index = index + 2
            continue
        index += 1
    return [*parts, script[start:].strip()] if parts else None


def _strip_env(words: list[str], env: list[tuple[str, str]]) -> list[str]:
    while words and _ENV_ASSIGN.match(words[0]):
        key, value = words[0].split("=", 1)
        env.append((key, value))
        words = words[1:]
    return words


def expansions(script: str, depth: int = 0) -> tuple[str, ...]:
    """What a shell would expand in the command (`$PORT`, `${X:-1}`, an unquoted glob, `~/`), in
    the script itself and in the script an `sh -c` runs: an exec-form command would pass it on
    literally."""
    found = _expansions_in(script)
    words = unwrap_shell_c(split(script))
    if words is not None and depth >= MAX_NESTING:  # not read further: not turned into exec form either
        return (*found, f"`sh -c` nested more than {MAX_NESTING} deep")
    if words is not None:
        found += expansions(words, depth + 1)
    return found


def unwrap_shell_c(words: list[str] | None) -> str | None:
    """The script of `sh -c '<script>'` (after `VAR=x`/`cross-env`/`env`), else None."""
    while words:
        words = _strip_env(words, [])
        if words[:1] in (["cross-env"], ["env"]):
            words = words[1:]
            continue
        return words[2] if len(words) == 3 and words[0] in ("sh", "bash") and words[1] == "-c" else None
    return None


def _expansions_in(script: str) -> tuple[str, ...]:
    """One level of shell quoting: `$` outside single quotes, globs and `~` outside any."""
    found: list[str] = []
    quote = ""
    index = 0
    while index < len(script):
        ch = script[index]
        if quote != "'" and ch == "\\":
            index += 2
            continue
        if ch in "'\"" and quote in ("", ch):
            quote = "" if quote else ch
        elif ch == "$" and quote != "'":
            match = _PARAMETER.match(script, index)
            if match:
                found.append(match.group())
                index = match.end()
                continue
        elif not quote and (ch in _GLOB or (ch == "~" and (index == 0 or script[index - 1] in " \t="))):
            found.append(ch)
        index += 1
    return tuple(found)
