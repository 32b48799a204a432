"""What the build context sends to the builder, with and without a target's ignore file."""

from __future__ import annotations

from dataclasses import dataclass

from dockergen.dockerignore import DockerIgnore
from dockergen.repo import Repo


@dataclass(frozen=True, slots=True)
class ContextSize:
    """Files and bytes."""

    files: int
    bytes: int


@dataclass(frozen=True, slots=True)
class ContextReport:
    """Files and bytes `docker build` sends for one target, next to what it would send unfiltered."""

    target: str
    ignore_file: str
    sent: ContextSize
    unfiltered: ContextSize


def measure(repo: Repo, ignore: DockerIgnore | None) -> ContextSize:
    """Walk the context as Docker does (symlinks not followed); with rules, skip folders that are
    ignored and that no `!` rule could reach into."""
    files = size = 0
    stack = ["."]
    while stack:
        folder = stack.pop()
        for entry in repo.list_dir(folder):
            rel = entry.name if folder == "." else f"{folder}/{entry.name}"
            ignored = ignore is not None and ignore.is_ignored(rel)
            if entry.is_dir and not entry.is_symlink:
                if not ignored or (ignore is not None and _could_reinclude(ignore, rel)):
                    stack.append(rel)
            elif not ignored:
                files += 1
                size += repo.size(rel)
    return ContextSize(files, size)


def report(repo: Repo, target: str, ignore: DockerIgnore) -> ContextReport:
    """One target's context with its ignore file and without any."""
    return ContextReport(target, ignore.path, measure(repo, ignore), measure(repo, None))


def _could_reinclude(ignore: DockerIgnore, folder: str) -> bool:
    """Could a `!` rule match something below this ignored folder?"""
    for rule in ignore.rules:
        if not rule.negated:
            continue
        static = rule.pattern.split("*", 1)[0].split("?", 1)[0].split("[", 1)[0]
        if rule.pattern.startswith(folder + "/") or (static != rule.pattern and (folder + "/").startswith(static)):
            return True
        if static != rule.pattern and static.startswith(folder + "/"):
            return True
    return False
