"""Which of the workspace root's dependencies a member uses. Node resolves a member's imports and
pnpm's scripts resolve its bins through the parent folders' node_modules, so a member runs what
only the root declares (a common layout: every dependency declared once, at the root, often with
a hoisted linker). Evidence read from the manifest and the folder listing only, no sources: a
script of the member runs the dependency's bin, or the member holds the dependency's config file."""

from __future__ import annotations

import re

from dockergen.workspace.manifest import Dependency, Package
from dockergen.workspace.shell_words import unwrap

# A config file in the member's folder -> the dependencies it configures.
CONFIG_FILES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"^next\.config\.[cm]?[jt]s$"), ("next",)),
    (re.compile(r"^nest-cli\.json$"), ("@nestjs/core", "@nestjs/cli")),
    (re.compile(r"^nuxt\.config\.[cm]?[jt]s$"), ("nuxt",)),
    (re.compile(r"^astro\.config\.[cm]?[jt]s$"), ("astro",)),
    (re.compile(r"^svelte\.config\.[cm]?js$"), ("@sveltejs/kit",)),
    (re.compile(r"^vite\.config\.[cm]?[jt]s$"), ("vite",)),
    (re.compile(r"^remix\.config\.[cm]?js$"), ("@remix-run/dev", "@remix-run/serve")),
    (re.compile(r"^react-router\.config\.[cm]?[jt]s$"), ("@react-router/dev", "@react-router/serve")),
)
# bin name -> the package that provides it, where the two differ.
BIN_PACKAGES = {
    "nest": "@nestjs/cli", "remix-serve": "@remix-run/serve", "react-router-serve": "@react-router/serve",
    "nuxi": "nuxt", "tsc": "typescript", "dotenv": "dotenv-cli", "vue-tsc": "vue-tsc",
}  # fmt: skip
_SEPARATORS = re.compile(r"&&|\|\||;")
MAX_SCRIPT_LENGTH = 4096  # longer scripts are not read for evidence (a bound on the work, not a limit pnpm has)


def used_root_dependencies(root: Package, member: Package) -> tuple[Dependency, ...]:
    """The root's dependencies the member shows it uses and does not declare itself, root order."""
    own = {d.name for d in member.dependencies}
    used = _configured(member) | _bins_run(member)
    return tuple(d for d in root.dependencies if d.name not in own and _provides(d.name, used))


def _configured(member: Package) -> set[str]:
    return {name for entry in member.entries for found, names in CONFIG_FILES if found.match(entry) for name in names}


def _bins_run(member: Package) -> set[str]:
    """The programs the member's scripts start (first word of each command, wrappers peeled off)."""
    found: set[str] = set()
    for _, script in member.scripts:
        if len(script) > MAX_SCRIPT_LENGTH:
            continue
        for part in _SEPARATORS.split(script):
            # words split at blanks (not as a shell would: quotes only matter past the program's
            # name, and this runs for every script of every member on each scan)
            words = unwrap(part.split(), [])
            if words:
                found.add(BIN_PACKAGES.get(words[0], words[0]))
    return found


def _provides(name: str, used: set[str]) -> bool:
    """`used` names the dependency, or a bin it likely ships (`@scope/next` may ship `next`;
    `node` is no package's bin)."""
    return name in used or name.rsplit("/", 1)[-1] in used - {"node"}
