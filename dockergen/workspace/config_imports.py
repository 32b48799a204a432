"""Files outside a package that its build tools' config files import, e.g.
`import { shared } from "../../vite.shared.config"` in a package's vite.config.ts, followed through
the relative imports of the files they import. The build reads them: the build stage must copy
them before it runs, and the ignore file must send them."""

from __future__ import annotations

import posixpath
import re

from dockergen.errors import InputError
from dockergen.repo import Repo
from dockergen.validate import context_path
from dockergen.workspace.manifest import Package

# Config files of the tools a build runs (bundlers, CSS pipelines, frameworks' builds). Test
# runners' and linters' configs are left out: a production build does not load them.
CONFIG_FILE = re.compile(
    r"^(?:vite|tsup|tsdown|rollup|rolldown|webpack|rspack|rsbuild|rslib|esbuild|unbuild|build|postcss"
    r"|tailwind|next|nuxt|astro|svelte|remix|react-router|panda)\.config\.(?:[cm]?[jt]s)$"
)
# A relative module specifier: `from "./x"`, `import "./x"`, `import("./x")`, `require("./x")`.
_SPECIFIER = re.compile(
    r"""(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(["'])(\.\.?/[^"'\n]*)\1""", re.M
)
_SUFFIXES = (".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json")
_JS_SUFFIX = re.compile(r"\.([cm]?)js$")
MAX_FILES = 50  # files followed per package: config chains are short; this bounds a pathological one


def config_imports(repo: Repo, pkg: Package) -> tuple[str, ...]:
    """Existing files outside `pkg` that its build tools' config files import, directly or
    through the files they import (repository-relative, sorted)."""
    queue = [f"{pkg.dir}/{name}" for name in sorted(pkg.entries) if CONFIG_FILE.match(name)]
    seen = set(queue)
    while queue and len(seen) <= MAX_FILES:
        path = queue.pop(0)
        for found in _imports(repo, path):
            if found not in seen:
                seen.add(found)
                queue.append(found)
    inside = f"{pkg.dir}/"
    return tuple(sorted(p for p in seen if not p.startswith(inside)))


def _imports(repo: Repo, path: str) -> list[str]:
    """The files `path` imports with relative specifiers (JSON files are read, not followed)."""
    if path.endswith(".json"):
        return []
    try:
        text = repo.read_text(path)
    except InputError:
        return []  # unreadable (a link out of the workspace, not UTF-8): the build will say so
    base = posixpath.dirname(path)
    found = (_resolve(repo, posixpath.join(base, m.group(2))) for m in _SPECIFIER.finditer(text))
    return [f for f in found if f is not None]


def _resolve(repo: Repo, joined: str) -> str | None:
    """The file Node's or a bundler's resolver would load for a relative specifier: as written,
    with a source suffix added, as a folder's index, or a `.js` specifier's TypeScript source."""
    target = posixpath.normpath(joined)
    if context_path(target) is not None or "node_modules" in target.split("/"):
        return None
    candidates = [target, *(target + s for s in _SUFFIXES), *(f"{target}/index{s}" for s in _SUFFIXES)]
    stem = _JS_SUFFIX.search(target)
    if stem:
        candidates.append(target[: stem.start()] + f".{stem.group(1)}ts")
    return next((c for c in candidates if repo.is_file(c)), None)
