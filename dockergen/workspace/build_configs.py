"""What a package's build tools' config files (vite, tsup, rollup, webpack, postcss, next, …) say
about files outside the package:
- the files they import, e.g. `import { shared } from "../../vite.shared.config"`, followed through
  the relative imports of the files they import: the build reads them, so the build stage must
  copy them before it runs and the ignore file must send them;
- the folders they write outside it, e.g. `build: { outDir: "../../dist/ui" }`: what a library's
  build writes there is not in the folders laid over the app's install."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

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


# Where a bundler writes: a literal out folder (or file) relative to the package the tool runs in,
# or `path.resolve(__dirname, "…")` relative to the config file.
_OUT_LITERAL = re.compile(r"""\b(outDir|outdir|dir|file|outfile)\s*:\s*(["'`])([^"'`\n$]*)\2""")
_OUT_DIRNAME = re.compile(
    r"""\b(?:outDir|outdir|dir|path)\s*:\s*(?:path\.)?(?:resolve|join)\(\s*__dirname\s*,\s*(["'])([^"'\n]*)\1\s*\)"""
)
_FILE_KEYS = frozenset({"file", "outfile"})


@dataclass(frozen=True, slots=True)
class BuildConfigs:
    """What a package's build tools' config files say about files outside the package."""

    imports: tuple[str, ...]  # existing files they import, directly or through the files they import
    out_dirs: tuple[str, ...]  # folders they write (normalized; `..` first when outside the workspace)


def build_configs(repo: Repo, pkg: Package) -> BuildConfigs:
    """Reads the package's build tools' config files and every file they import, once each."""
    texts = _config_texts(repo, pkg)
    found: set[str] = set()
    for path, text in texts.items():
        for match in _OUT_LITERAL.finditer(text):
            out = posixpath.normpath(posixpath.join(pkg.dir, match.group(3)))
            found.add(posixpath.dirname(out) if match.group(1) in _FILE_KEYS else out)
        for match in _OUT_DIRNAME.finditer(text):
            found.add(posixpath.normpath(posixpath.join(posixpath.dirname(path), match.group(2))))
    inside = f"{pkg.dir}/"
    return BuildConfigs(
        imports=tuple(sorted(p for p in texts if not p.startswith(inside))),
        out_dirs=tuple(sorted(f for f in found if f != pkg.dir and not f.startswith(inside))),
    )


def _config_texts(repo: Repo, pkg: Package) -> dict[str, str]:
    """The package's build tools' config files and every file they import, transitively: path ->
    text (in the order found; "" for JSON, which is read by the tool, not followed)."""
    queue = [f"{pkg.dir}/{name}" for name in sorted(pkg.entries) if CONFIG_FILE.match(name)]
    texts = {path: _text(repo, path) for path in queue}
    while queue and len(texts) <= MAX_FILES:
        path = queue.pop(0)
        for found in _imports(texts[path], path, repo):
            if found not in texts:
                texts[found] = _text(repo, found)
                queue.append(found)
    return texts


def _text(repo: Repo, path: str) -> str:
    if path.endswith(".json"):
        return ""
    try:
        return repo.read_text(path)
    except InputError:
        return ""  # unreadable (a link out of the workspace, not UTF-8): the build will say so


def _imports(text: str, path: str, repo: Repo) -> list[str]:
    """The files that `text`, the contents of `path`, imports with relative specifiers."""
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
