"""Which files of the app the runtime image needs: package.json "files", a framework's layout, or
the folders its start command names."""

from __future__ import annotations

import posixpath
import re

from dockergen.workspace import node_args
from dockergen.workspace.build_output import build_commands
from dockergen.workspace.frameworks import http_frameworks
from dockergen.workspace.manifest import PROD_KINDS, Package
from dockergen.workspace.start_command import StartCommand

# Framework apps whose runtime files are not named by "files": (build output, sources needed at run time).
FRAMEWORK_FILES = {
    "next": ((".next",), ("public", "next.config.js", "next.config.mjs", "next.config.cjs", "next.config.ts")),
    "@remix-run/serve": (("build",), ("public",)),
    "@react-router/serve": (("build",), ("public",)),
    "nuxt": ((".output",), ()),
}
# Folders an ORM's code reads at run time, by convention, beside the start command's own folders:
# (dependency, folder). drizzle-kit writes its migrations to drizzle/, which migrate() reads.
RUNTIME_DATA = (("drizzle-orm", "drizzle"),)


def runtime_paths(pkg: Package, command: StartCommand) -> tuple[tuple[str, ...], str]:
    """Package-relative paths the runtime image needs, and why: `files`, a framework's layout,
    else the entry point's folder; () means the whole package. Files node preloads before the
    script (`--import ./instrumentation.mjs`) are added to the first three."""
    paths, why = _runtime_paths(pkg, command)
    if not paths:
        return paths, why
    extra = [f for f in command.preload_files if not any(f == p or f.startswith(f"{p}/") for p in paths)]
    if extra:
        why += f", and the file(s) the start command preloads ({', '.join(extra)})"
    return (*paths, *extra), why


def _runtime_paths(pkg: Package, command: StartCommand) -> tuple[tuple[str, ...], str]:
    if pkg.files:
        paths = sorted({_static_prefix(f) for f in pkg.files if not f.startswith("!")} - {""})
        paths = [p for p in paths if not _missing_document(pkg, p)]
        if paths:
            return tuple(paths), '"files" in package.json'
    folders = _argument_folders(command)
    own_server = bool(folders and command.entry and not command.bin_package)
    for framework in http_frameworks(pkg):
        # a framework's layout when its server runs the app, not when it is only a dependency
        # of a server that `node dist/main.js` starts (a Nest backend serving a Next app) ...
        if framework not in FRAMEWORK_FILES:
            continue
        outputs, sources = FRAMEWORK_FILES[framework]
        found = [s for s in sources if s in pkg.entries]
        if not own_server:
            return (*outputs, *found), f"the usual layout of a {framework} app"
        # ... unless the package's own build runs `next build`: a custom server (`next()` in
        # dist/server.mjs) serves what that build wrote
        if framework == "next" and any(words[:2] == ["next", "build"] for words in build_commands(pkg)):
            why = "the folders named by the start command, and the Next.js layout its own next build writes"
            return (*folders, *outputs, *found, *_runtime_data(pkg, folders)), f"{why} (a custom server)"
    if folders:
        data = _runtime_data(pkg, folders)
        why = f"the folders named by the start command ({' '.join(command.argv)})"
        return (*folders, *data), why + (f", and {', '.join(data)}/ (migrations its ORM reads)" if data else "")
    return (), "the whole package (its entry point is at the package root)"


def _runtime_data(pkg: Package, taken: tuple[str, ...]) -> tuple[str, ...]:
    """The conventional folders of RUNTIME_DATA the package holds and depends on the ORM for."""
    deps = {d.name for d in pkg.deps_with_root(PROD_KINDS)}
    return tuple(f for dep, f in RUNTIME_DATA if dep in deps and f in pkg.entries and f not in taken)


def _argument_folders(command: StartCommand) -> tuple[str, ...]:
    """Top folders of the relative paths a command names (`node dist/x.js`, `serve -s build/client`);
    words that are URLs (`http://upstream/api`) name no folder."""
    found: list[str] = []
    for value in _path_words(command):
        path = posixpath.normpath(value)
        if value.startswith("-") or "/" not in path or path.startswith(("..", "/", "node_modules/")):
            continue
        top = path.split("/", 1)[0]
        if top.endswith(":") or "://" in value:
            continue
        if top not in found:
            found.append(top)
    return tuple(found)


def _path_words(command: StartCommand) -> list[str]:
    """The words of a command that may be paths: node's script and preloads (not its options'
    other values), then the program's own arguments (`--static=dist/client` -> `dist/client`)."""
    words = list(command.argv[1:])
    if command.argv[:1] == ("node",):
        parsed = node_args.parse(words)
        words = [*([parsed.script] if parsed.script else []), *command.preload_files, *parsed.args]
    for argv in command.before:  # the node commands a start script runs first name files too
        parsed = node_args.parse(list(argv[1:]))
        words += [*([parsed.script] if parsed.script else []), *parsed.args]
    return [word.split("=", 1)[1] if word.startswith("-") and "=" in word else word for word in words]


_DOCUMENTS = re.compile(r"^(readme|changelog|license|licence|notice|authors|history)(\.|$)|\.(md|txt)$", re.I)


def _missing_document(pkg: Package, path: str) -> bool:
    """A README/CHANGELOG/LICENSE that "files" lists but the package does not have: npm skips it,
    a COPY would fail (build outputs are not in the folder either, but they are not documents)."""
    return "/" not in path and path not in pkg.entries and bool(_DOCUMENTS.search(path))


def _static_prefix(pattern: str) -> str:
    """`dist/**/*.js` -> `dist`; `lib` -> `lib`; `*.js` -> `` (cannot be copied statically)."""
    parts = []
    for part in posixpath.normpath(pattern).split("/"):
        if any(ch in part for ch in "*?[{"):
            break
        parts.append(part)
    return "/".join(parts)
