"""What a package's build tools' config files (vite, tsup, rollup, webpack, postcss, next, …) say
about files outside the package:
- the files they import, e.g. `import { shared } from "../../vite.shared.config"`, followed through
  the relative imports of the files they import: the build reads them, so the build stage must
  copy them before it runs and the ignore file must send them;
- the folders they write outside it, e.g. `build: { outDir: "../../dist/ui" }`: what a library's
  build writes there is not in the folders laid over the app's install.
Both are read from the files' tokens (js_source.py): an import in a comment or a string is none."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from dockergen.errors import FileTooLarge
from dockergen.formats.jstokens import Token
from dockergen.repo import Repo
from dockergen.validate import context_path, control_chars
from dockergen.workspace.js_source import MAX_SOURCE_BYTES, Window, key, literal, name, punct, read_source, windows
from dockergen.workspace.manifest import Package

# Config files of the tools a build runs (bundlers, CSS pipelines, frameworks' builds). Test
# runners' and linters' configs are left out: a production build does not load them.
CONFIG_FILE = re.compile(
    r"^(?:vite|tsup|tsdown|rollup|rolldown|webpack|rspack|rsbuild|rslib|esbuild|unbuild|build|postcss"
    r"|tailwind|next|nuxt|astro|svelte|remix|react-router|panda)\.config\.(?:[cm]?[jt]s)$"
)
_RELATIVE = re.compile(r"\.\.?/")
_SUFFIXES = (".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json")
_JS_SUFFIX = re.compile(r"\.([cm]?)js$")
MAX_FILES = 50  # files followed per package: config chains are short; this bounds a pathological one


# Where a bundler writes: a literal out folder (or file) relative to the package the tool runs in,
# or `path.resolve(__dirname, "…")` relative to the config file.
_OUT_KEYS = frozenset({"outDir", "outdir", "dir", "file", "outfile"})
_FILE_KEYS = frozenset({"file", "outfile"})
_DIRNAME_KEYS = frozenset({"outDir", "outdir", "dir", "path"})
# A file holding none of these words has no import and names no out folder: it is not tokenized.
_FACT_WORDS = ("import", "require", "from", *_OUT_KEYS, *_DIRNAME_KEYS)
_CANDIDATES = frozenset(_FACT_WORDS)


def _candidate(token: Token) -> bool:
    return token.text in _CANDIDATES and token.kind in ("name", "string")


@dataclass(frozen=True, slots=True)
class BuildConfigs:
    """What a package's build tools' config files say about files outside the package."""

    imports: tuple[str, ...]  # existing files they import, directly or through the files they import
    out_dirs: tuple[str, ...]  # folders they write (normalized; `..` first when outside the workspace)
    warnings: tuple[str, ...] = ()  # files too large to read as code


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What one file says, whichever package reads it: its import specifiers (in order), the
    literal out folders it names (key, value; relative to the package the tool runs in) and the
    `path.resolve(__dirname, "…")` ones (relative to the file)."""

    specifiers: tuple[str, ...]
    literal_outs: tuple[tuple[str, str], ...]
    dirname_outs: tuple[str, ...]


# path -> its facts: a file several packages' configs import (a shared config at the root) is
# read and tokenized once per scan, not once per package
FactsCache = dict[str, FileFacts]


def build_configs(repo: Repo, pkg: Package, cache: FactsCache | None = None) -> BuildConfigs:
    """Reads the package's build tools' config files and every file they import, once each."""
    facts, warnings = _config_facts(repo, pkg, {} if cache is None else cache)
    found: set[str] = set()
    for path, fact in facts.items():
        found.update(_out_dirs(fact, path, pkg.dir))
    inside = f"{pkg.dir}/"
    return BuildConfigs(
        imports=tuple(sorted(p for p in facts if not p.startswith(inside))),
        out_dirs=tuple(sorted(f for f in found if f != pkg.dir and not f.startswith(inside))),
        warnings=tuple(warnings),
    )


def _out_dirs(facts: FileFacts, path: str, pkg_dir: str) -> set[str]:
    """`outDir: "…"` (relative to the package) and `outDir: path.resolve(__dirname, "…")`
    (relative to the config file) and the like: the folders a config writes."""
    found = set()
    for prop, value in facts.literal_outs:
        out = posixpath.normpath(posixpath.join(pkg_dir, value))
        found.add(posixpath.dirname(out) if prop in _FILE_KEYS else out)
    for value in facts.dirname_outs:
        found.add(posixpath.normpath(posixpath.join(posixpath.dirname(path), value)))
    return found


def file_facts(text: str) -> FileFacts:
    """One pass over the file's tokens: its imports and the out folders it names."""
    specifiers: list[str] = []
    literal_outs: list[tuple[str, str]] = []
    dirname_outs: list[str] = []
    wanted = any(word in text for word in _FACT_WORDS)  # no such word: no such token either
    # prev, key, colon, path.resolve(__dirname, "…"): windows only at the words that can matter
    for w in windows(text, 9, _candidate) if wanted else ():
        spec = _specifier(w)
        if spec is not None:
            specifiers.append(spec)
        prop = key(w[1]) if punct(w[0], "{", ",") and punct(w[2], ":") else None
        value = literal(w[3]) if prop in _OUT_KEYS else None
        if prop is not None and value is not None and "$" not in value and control_chars(value) is None:
            literal_outs.append((prop, value))
        value = _dirname_join(w[3:]) if prop in _DIRNAME_KEYS else None
        if value is not None and control_chars(value) is None:
            dirname_outs.append(value)
    return FileFacts(tuple(specifiers), tuple(literal_outs), tuple(dirname_outs))


def _dirname_join(w: Window) -> str | None:
    """The string in `path.resolve(__dirname, "…")` (or `join`, with or without `path.`)."""
    if name(w[0], "path") and punct(w[1], "."):
        w = w[2:]
    if name(w[0], "resolve", "join") and punct(w[1], "(") and name(w[2], "__dirname") and punct(w[3], ","):
        value = w[4].text if w[4] is not None and w[4].kind == "string" else None
        return value if punct(w[5] if len(w) > 5 else None, ")") else None
    return None


def _config_facts(repo: Repo, pkg: Package, cache: FactsCache) -> tuple[dict[str, FileFacts], list[str]]:
    """The package's build tools' config files and every file they import, transitively: path ->
    facts (in the order found; none for JSON, which is read by the tool, not followed), and warnings."""
    queue = [f"{pkg.dir}/{entry}" for entry in sorted(pkg.entries) if CONFIG_FILE.match(entry)]
    warnings: list[str] = []
    facts = {path: _facts(repo, path, warnings, cache) for path in queue}
    while queue and len(facts) <= MAX_FILES:
        path = queue.pop(0)
        for found in _imports(facts[path], path, repo):
            if found not in facts:
                facts[found] = _facts(repo, found, warnings, cache)
                queue.append(found)
    if queue:
        warnings.append(f"{pkg.dir}: its build configs import more than {MAX_FILES} files; the rest are not followed")
    return facts, warnings


_NO_FACTS = FileFacts((), (), ())


def _facts(repo: Repo, path: str, warnings: list[str], cache: FactsCache) -> FileFacts:
    """The file's facts; none for JSON (read by the tool, not followed), a file a link takes out
    of the workspace (the build will say so) or one too large to read as code (with a warning)."""
    if path.endswith(".json"):
        return _NO_FACTS
    if path in cache:
        return cache[path]
    try:
        found = file_facts(read_source(repo, path) or "")
    except FileTooLarge:
        warnings.append(f"{path} is larger than {MAX_SOURCE_BYTES // 2**20} MiB: the files it imports are not followed")
        return _NO_FACTS
    cache[path] = found
    return found


def import_specifiers(text: str) -> list[str]:
    """The module specifiers a file imports, in order: `import … from "x"`, `export … from "x"`,
    `import "x"`, `import("x")`, `require("x")`, `import x = require("x")`, in code only."""
    return list(file_facts(text).specifiers)


def _specifier(w: Window) -> str | None:
    """The specifier a window's token imports, if it is `from`, `import` or `require` doing so."""
    prev, token, after = w[0], w[1], w[2:]
    if punct(prev, ".", "?.") or token is None or token.kind != "name":
        return None
    if token.text == "from" or (token.text == "import" and not punct(after[0], "(")):
        return after[0].text if after[0] is not None and after[0].kind == "string" else None
    if token.text in ("import", "require") and punct(after[0], "(") and punct(after[2], ")", ","):
        return literal(after[1])
    return None


def _imports(facts: FileFacts, path: str, repo: Repo) -> list[str]:
    """The files that the file at `path` imports with relative specifiers."""
    base = posixpath.dirname(path)
    specs = (s for s in facts.specifiers if _RELATIVE.match(s))
    found = (_resolve(repo, posixpath.join(base, s)) for s in specs)
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
