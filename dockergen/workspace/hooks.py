"""Files the workspace root's install-time scripts run (`preinstall`, `postinstall`, `prepare`,
`pnpm:devPreinstall`): they must be in the image before `pnpm install`. Scripts are followed
through `pnpm run x`/`npm run x`, `run-s`/`run-p`/`npm-run-all` and `cd DIR && …`."""

from __future__ import annotations

import fnmatch
import posixpath
import re
import shlex

from dockergen.repo import Repo
from dockergen.validate import context_path
from dockergen.workspace.manifest import Package

HOOKS = ("preinstall", "install", "postinstall", "prepare", "pnpm:devPreinstall")
# Scripts a build runs: the build and its npm-style pre/post hooks, and code generation.
BUILD_SCRIPTS = ("prebuild", "build", "postbuild", "generate", "db:generate", "prisma:generate", "prisma-generate")
RUNNERS = frozenset({"pnpm", "npm", "yarn"})
SEQUENCERS = frozenset({"run-s", "run-p", "npm-run-all", "npm-run-all2"})
_SEPARATORS = re.compile(r"&&|\|\||;|\bthen\b|\bfi\b|\bdo\b|\bdone\b")
MAX_SCRIPTS = 50
SCRIPT_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".sh")


def hook_files(
    repo: Repo, root: Package, member_dirs: frozenset[str] = frozenset(), warnings: list[str] | None = None
) -> tuple[str, ...]:
    """Existing files (repository-relative) that the root's install hooks name; a script in a
    folder of its own (not the root, a member or a folder holding members) stands for that whole
    folder, `dir/`: scripts read their neighbours (templates, presets)."""
    out = set()
    for path in script_files(repo, root, HOOKS, warnings):
        folder = posixpath.dirname(path)
        holds_members = any(m == folder or m.startswith(f"{folder}/") for m in member_dirs)
        out.add(f"{folder}/" if folder and not holds_members and not _inside_member(folder, member_dirs) else path)
    return tuple(sorted(out))


def _inside_member(folder: str, member_dirs: frozenset[str]) -> bool:
    return any(folder.startswith(f"{m}/") for m in member_dirs)


def build_script_files(repo: Repo, pkg: Package, warnings: list[str] | None = None) -> tuple[str, ...]:
    """Files outside the package that the scripts its build runs name (`tsx ../../scripts/x.ts`)."""
    inside = f"{pkg.dir}/"
    return tuple(f for f in script_files(repo, pkg, BUILD_SCRIPTS, warnings) if not f.startswith(inside))


def script_files(
    repo: Repo, pkg: Package, names: tuple[str, ...], warnings: list[str] | None = None
) -> tuple[str, ...]:
    """Existing files the named scripts (and the scripts they run) pass as arguments, resolved
    against the folder each command runs in; at most MAX_SCRIPTS scripts (a warning says so)."""
    found: set[str] = set()
    queue = [name for name in names if pkg.script(name)]
    seen = set(queue)
    read = 0
    while queue:
        if read == MAX_SCRIPTS:
            if warnings is not None:
                warnings.append(
                    f"{pkg.manifest}: its scripts run more than {MAX_SCRIPTS} scripts through `pnpm run`/`run-s`; "
                    f"the files {', '.join(sorted(queue)[:3])}… name are not looked for (list them under `keep:`)"
                )
            break
        read += 1
        cwd = pkg.dir
        for words in _commands(pkg.script(queue.pop(0)) or ""):
            cwd = _cd(words, cwd)
            for script in _called_scripts(words, pkg):
                if script not in seen:
                    seen.add(script)
                    queue.append(script)
            found.update(_files(repo, words, cwd))
    return tuple(sorted(found))


def _commands(script: str) -> list[list[str]]:
    out = []
    for part in _SEPARATORS.split(script):
        try:
            words = shlex.split(part)
        except ValueError:
            words = part.split()
        if words:
            out.append(words)
    return out


def _cd(words: list[str], cwd: str) -> str:
    if words[0] != "cd" or len(words) != 2:
        return cwd
    joined = posixpath.normpath(posixpath.join(cwd, words[1]))
    return joined if not joined.startswith("..") else cwd


def _called_scripts(words: list[str], root: Package) -> list[str]:
    """Root scripts this command runs: `pnpm x`, `npm run x`, `run-s a b:*`."""
    if words[0] in RUNNERS and len(words) >= 2:
        name = words[2] if words[1] == "run" and len(words) >= 3 else words[1]
        return [name] if root.script(name) else []
    if words[0] in SEQUENCERS:
        names = [name for name, _ in root.scripts]
        return [n for pattern in words[1:] if not pattern.startswith("-") for n in fnmatch.filter(names, pattern)]
    return []


def _files(repo: Repo, words: list[str], cwd: str) -> list[str]:
    out = []
    for word in words[1:]:
        path = posixpath.normpath(posixpath.join(cwd, word))
        looks_like_a_file = "/" in path or path.endswith(SCRIPT_SUFFIXES)
        if looks_like_a_file and context_path(path) is None and repo.is_file(path):
            out.append(path)
    return out
