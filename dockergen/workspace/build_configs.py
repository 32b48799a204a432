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


@dataclass(frozen=True, slots=True)
class BuildConfigs:
    """What a package's build tools' config files say about files outside the package."""

    imports: tuple[str, ...]  # existing files they import, directly or through the files they import
    out_dirs: tuple[str, ...]  # folders they write (normalized; `..` first when outside the workspace)
    warnings: tuple[str, ...] = ()  # files too large to read as code


def build_configs(repo: Repo, pkg: Package) -> BuildConfigs:
    """Reads the package's build tools' config files and every file they import, once each."""
    texts, warnings = _config_texts(repo, pkg)
    found: set[str] = set()
    for path, text in texts.items():
        found.update(_out_dirs(text, path, pkg.dir))
    inside = f"{pkg.dir}/"
    return BuildConfigs(
        imports=tuple(sorted(p for p in texts if not p.startswith(inside))),
        out_dirs=tuple(sorted(f for f in found if f != pkg.dir and not f.startswith(inside))),
        warnings=tuple(warnings),
    )


def _out_dirs(text: str, path: str, pkg_dir: str) -> set[str]:
    """`outDir: "…"` (relative to the package) and `outDir: path.resolve(__dirname, "…")`
    (relative to the config file) and the like: the folders a config writes."""
    found = set()
    for w in windows(text, 9):  # prev, key, colon, path.resolve(__dirname, "…")
        prop = key(w[1]) if punct(w[0], "{", ",") and punct(w[2], ":") else None
        value = literal(w[3]) if prop in _OUT_KEYS else None
        if value is not None and "$" not in value and control_chars(value) is None:
            out = posixpath.normpath(posixpath.join(pkg_dir, value))
            found.add(posixpath.dirname(out) if prop in _FILE_KEYS else out)
        value = _dirname_join(w[3:]) if prop in _DIRNAME_KEYS else None
        if value is not None and control_chars(value) is None:
            found.add(posixpath.normpath(posixpath.join(posixpath.dirname(path), value)))
    return found


def _dirname_join(w: Window) -> str | None:
    """The string in `path.resolve(__dirname, "…")` (or `join`, with or without `path.`)."""
    if name(w[0], "path") and punct(w[1], "."):
        w = w[2:]
    if name(w[0], "resolve", "join") and punct(w[1], "(") and name(w[2], "__dirname") and punct(w[3], ","):
        value = w[4].text if w[4] is not None and w[4].kind == "string" else None
        return value if punct(w[5] if len(w) > 5 else None, ")") else None
    return None


def _config_texts(repo: Repo, pkg: Package) -> tuple[dict[str, str], list[str]]:
    """The package's build tools' config files and every file they import, transitively: path ->
    text (in the order found; "" for JSON, which is read by the tool, not followed), and warnings."""
    queue = [f"{pkg.dir}/{entry}" for entry in sorted(pkg.entries) if CONFIG_FILE.match(entry)]
    warnings: list[str] = []
    texts = {path: _text(repo, path, warnings) for path in queue}
    while queue and len(texts) <= MAX_FILES:
        path = queue.pop(0)
        for found in _imports(texts[path], path, repo):
            if found not in texts:
                texts[found] = _text(repo, found, warnings)
                queue.append(found)
    if queue:
        warnings.append(f"{pkg.dir}: its build configs import more than {MAX_FILES} files; the rest are not followed")
    return texts, warnings


def _text(repo: Repo, path: str, warnings: list[str]) -> str:
    """The file's text; "" for JSON (read by the tool, not followed), a file a link takes out of
    the workspace (the build will say so) or one too large to read as code (with a warning)."""
    if path.endswith(".json"):
        return ""
    try:
        return read_source(repo, path) or ""
    except FileTooLarge:
        warnings.append(f"{path} is larger than {MAX_SOURCE_BYTES // 2**20} MiB: the files it imports are not followed")
        return ""


def import_specifiers(text: str) -> list[str]:
    """The module specifiers a file imports, in order: `import … from "x"`, `export … from "x"`,
    `import "x"`, `import("x")`, `require("x")`, `import x = require("x")`, in code only."""
    found = []
    for w in windows(text, 4):
        prev, token, after = w[0], w[1], w[2:]
        if punct(prev, ".", "?.") or token is None or token.kind != "name":
            continue
        if token.text == "from" or (token.text == "import" and not punct(after[0], "(")):
            spec = after[0].text if after[0] is not None and after[0].kind == "string" else None
        elif token.text in ("import", "require") and punct(after[0], "(") and punct(after[2], ")", ","):
            spec = literal(after[1])
        else:
            spec = None
        if spec is not None:
            found.append(spec)
    return found


def _imports(text: str, path: str, repo: Repo) -> list[str]:
    """The files that `text`, the contents of `path`, imports with relative specifiers."""
    base = posixpath.dirname(path)
    specs = (s for s in import_specifiers(text) if _RELATIVE.match(s))
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
