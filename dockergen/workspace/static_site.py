"""Whether a member is a static front-end (a folder of files to serve, not a server), where its
build writes, and whether it wants a single-page app's fallback: what `init` offers and the planner
ships as `kind: static`."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from dockergen.workspace.frameworks import http_frameworks
from dockergen.workspace.manifest import PROD_KINDS, Package
from dockergen.workspace.shell_words import split, unwrap

# Build tools and the folder they write by default.
OUTPUTS = (("react-scripts", "build"), ("vite", "dist"), ("astro", "dist"), ("parcel", "dist"), ("ng", "dist"))
_OUT_DIR = re.compile(r"--(?:outDir|out-dir|outdir)[= ](\S+)")
# Static file servers a start script may run on the build output: name -> flags that mean SPA fallback.
FILE_SERVERS = {"serve": ("-s", "--single"), "sirv": ("-s", "--single"), "http-server": ()}
# Files that say a package is a site (an entry page or a site generator's config), not a library.
_SITE_FILES = re.compile(r"^(index\.html|astro\.config\.\w+)$")
# Dependencies that make a build a server, not files: SSR adapters and server frameworks.
_SERVER_DEPS = frozenset({"@astrojs/node", "@react-router/serve", "@remix-run/serve", "next", "nuxt"})
# A desktop app's web view is built like a site but not served: Electron, Tauri (its src-tauri folder;
# a web app may use @tauri-apps packages too).
_DESKTOP = re.compile(r"^(electron$|electron-)")


@dataclass(frozen=True, slots=True)
class StaticSite:
    """A member whose build is a folder of files to serve: where, SPA fallback, and why dockergen thinks so."""

    folder: str
    spa: bool
    reason: str


def detect(pkg: Package) -> StaticSite | None:
    """A static front-end: its start script serves a folder with a file server (`serve -s
    build/client`), or it has no start script and builds a site (an index.html or a site
    generator's config, a vite/astro/react-scripts/parcel/ng build) and ships no server."""
    served = _served_folder(pkg)
    if served is not None:
        return served
    build = pkg.script("build") or ""
    if not _only_files(pkg) or not any(_runs(build, tool) for tool, _ in OUTPUTS):
        return None
    folder, why = output_dir(pkg)
    return StaticSite(folder, True, f"a static front-end: {why}, no server")


def _only_files(pkg: Package) -> bool:
    """A site whose build is all it ships: no start script, main or bin, no server dependency,
    not a desktop app's web view, and an entry page, site config or public folder."""
    if any(pkg.script(s) for s in ("start", "start:prod", "serve")) or pkg.main or pkg.bin:
        return False
    # astro builds files unless an SSR adapter (in _SERVER_DEPS) makes it a server
    if any(d.name in _SERVER_DEPS for d in pkg.deps_with_root(PROD_KINDS)) or set(http_frameworks(pkg)) - {"astro"}:
        return False
    if "src-tauri" in pkg.entries or any(_DESKTOP.match(d.name) for d in (*pkg.dependencies, *pkg.root_dependencies)):
        return False
    return any(_SITE_FILES.match(e) for e in pkg.entries) or "public" in pkg.entries


def _served_folder(pkg: Package) -> StaticSite | None:
    for name in ("start", "serve", "start:prod"):
        words = unwrap(split(pkg.script(name) or ""), [])
        if not words or words[0] not in FILE_SERVERS:
            continue
        folders = [w for w in words[1:] if not w.startswith("-") and not w.isdigit()]
        folder = posixpath.normpath(folders[0]) if folders else "."
        if folder.startswith(("..", "/")) or folder == ".":
            return None
        spa = any(w in FILE_SERVERS[words[0]] for w in words[1:])
        return StaticSite(folder, spa, f'its {name} script serves {folder}/ with {words[0]} ("{pkg.script(name)}")')
    return None


def _runs(script: str, tool: str) -> bool:
    """The script runs the tool: `vite build`, or its bin by path (`node node_modules/vite/bin/vite.js build`)."""
    return bool(re.search(rf"(^|[\s&;/]){re.escape(tool)}(\.js|\.mjs)?\s", script + " "))


def output_dir(pkg: Package) -> tuple[str, str]:
    """The folder the build writes, and how dockergen knows."""
    build = pkg.script("build") or ""
    flag = _OUT_DIR.search(build)
    if flag:
        return posixpath.normpath(flag.group(1)), f"--outDir in its build script ({build})"
    served = _served_folder(pkg)
    if served is not None:
        return served.folder, served.reason
    for tool, folder in OUTPUTS:
        if _runs(build, tool):
            return folder, f"{tool}'s default output ({build})"
    return "dist", "the usual output folder (set `files:` if it is another)"
