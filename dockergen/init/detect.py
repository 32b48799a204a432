"""Which workspace members are apps to ship, and why (what `init` offers and what it skips). Every
member that is meant to run (a start or serve script, a development server, a site or extension
build, an HTTP framework) is listed, offered or skipped with the reason; libraries are not."""

from __future__ import annotations

import dataclasses
import posixpath
import re
from dataclasses import dataclass

from dockergen.errors import InputError
from dockergen.init import not_apps
from dockergen.init.health_route import source_files
from dockergen.repo import Repo
from dockergen.workspace import static_site
from dockergen.workspace.build_output import dev_entry
from dockergen.workspace.frameworks import http_frameworks
from dockergen.workspace.manifest import PROD_KINDS, Dependency, Package
from dockergen.workspace.scan import Workspace
from dockergen.workspace.shell_words import split, unwrap
from dockergen.workspace.start_command import START_SCRIPTS, StartCommand, resolve_start

# Defaults of frameworks that ignore PORT or default to something else.
_FRAMEWORK_PORTS = {"next": 3000, "@nestjs/core": 3000, "nuxt": 3000, "astro": 4321}
_PORT_FLAG = re.compile(r"(?:--port[= ]|-p[= ]?|-l |PORT=)(\d{2,5})\b")
# Folders whose apps are demonstrations, not services, unless they ship their own Dockerfile.
EXAMPLE_FOLDERS = frozenset({
    "example", "examples", "playground", "playgrounds", "template", "templates", "demo", "demos",
    "sandbox", "fixtures", "e2e", "test", "tests", "__tests__", "benchmarks", "docs", "testbed",
})  # fmt: skip
CONTAINER_FILES = re.compile(r"^(Dockerfile|Containerfile)(\..+)?$|^.+\.Dockerfile$")
# `import x from "name"`, `import "name"`, `import("name")`, `require("name")`, `export ... from "name"`.
_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']""")
_TYPE_ONLY = re.compile(r"""\b(?:import|export)\s+type\b[^;"']*?\bfrom\s*["'][^"']*["']""")  # erased at build
# Development servers a `dev` script starts: the member is an app even when nothing starts it in production.
DEV_SERVERS = frozenset({"next", "nest", "nuxt", "nuxi", "remix", "astro", "react-router", "vinxi", "wrangler"})
STATIC_PORT = 8080  # dockergen's static file server, when the app states none


@dataclass(frozen=True, slots=True)
class Finding:
    """A member that looks like an app: offered by default or not, the reason, how it starts."""

    package: Package
    offered: bool
    reason: str
    command: StartCommand | None
    site: static_site.StaticSite | None = None  # a static front-end (`kind: static`)
    port: int | None = None  # the port init writes; None: a worker


def survey(ws: Workspace, repo: Repo) -> tuple[Finding, ...]:
    """Every member that looks like an app, offered or skipped with the reason (libraries, which
    only a `main` could start, are not listed)."""
    return tuple(f for f in (judge(ws, repo, pkg) for pkg in ws.packages) if f is not None)


def judge(ws: Workspace, repo: Repo, pkg: Package) -> Finding | None:
    """The member as init sees it: offered, skipped with the reason, or None (a library)."""
    site = static_site.detect(pkg)
    extension = not_apps.browser_extension(repo, pkg) if pkg.script("build") or site else None
    if site is not None and extension is None:
        return _judge_site(pkg, site)
    pkg = _with_imported_root_deps(ws, repo, pkg)
    info = ws.build_info(pkg)
    command, why = resolve_start(pkg, info)
    frameworks = http_frameworks(pkg)
    if extension is None and not _meant_to_run(ws, pkg, command, frameworks):
        return None  # a library: only its `main` could start it
    nest = not_apps.nest_entry_kind(repo, pkg, info)
    port = None if nest == "context" else default_port(pkg)  # what `--package` writes for it, too
    skip = extension or _skip_reason(ws, repo, pkg, command, why)
    if skip:
        return Finding(pkg, False, skip, command, site, port)
    assert command is not None
    how = f"{command.source}; {_uses(pkg, frameworks, nest, command)}"
    return Finding(pkg, True, how + ("; it has its own Dockerfile" if _ships_image(pkg) else ""), command, port=port)


def _with_imported_root_deps(ws: Workspace, repo: Repo, pkg: Package) -> Package:
    """The member with the root's production dependencies its sources import (`from "express"`):
    with every dependency declared at the root, only the imports tell an Express API from a worker
    (read here, for init; the scanner takes only what scripts and config files show)."""
    candidates = {d.name: d for d in ws.root.deps(PROD_KINDS)} if pkg.script("start") or pkg.script("build") else {}
    for d in (*pkg.dependencies, *pkg.root_dependencies):
        candidates.pop(d.name, None)
    if not candidates:
        return pkg
    imported: dict[str, Dependency] = {}
    for rel in source_files(repo, pkg.dir):
        text = _TYPE_ONLY.sub("", _text(repo, rel))
        for spec in _IMPORT.findall(text):
            name = "/".join(spec.split("/")[:2]) if spec.startswith("@") else spec.split("/")[0]
            if name in candidates:
                imported[name] = candidates[name]
    found = tuple(d for name, d in candidates.items() if name in imported)
    return dataclasses.replace(pkg, root_dependencies=pkg.root_dependencies + found) if found else pkg


def _text(repo: Repo, rel: str) -> str:
    try:
        return repo.read_text(rel)
    except InputError:
        return ""  # not UTF-8: not a source file worth reading


def _skip_reason(ws: Workspace, repo: Repo, pkg: Package, command: StartCommand | None, why: str) -> str:
    """Why init does not offer the member ("" when it does)."""
    example = _example_folder(pkg)
    if example and not _ships_image(pkg):
        return f"it lives in {example}/ (an example or template; it has no Dockerfile)"
    namesakes = [p.dir for p in ws.packages if p.name == pkg.name]
    if len(namesakes) > 1:
        return (
            f"{len(namesakes)} members are named {pkg.name} ({', '.join(namesakes)}): pnpm accepts that, "
            "but a target names one package; rename one"
        )
    servers = [f for f in http_frameworks(pkg) if f != "ws"]  # ws: a CLI's websocket client, too
    if pkg.bin and not servers and command is not None and (command.from_bin or _runs_own_bin(pkg, command)):
        return f"a command-line tool (bin {', '.join(name for name, _ in pkg.bin)}) with no HTTP framework"
    cli = not_apps.command_line_tool(repo, pkg, command, ws.build_info(pkg))
    if cli:
        return cli
    if command is None:
        return f"no production start command: {why}"
    return ""


def _meant_to_run(ws: Workspace, pkg: Package, command: StartCommand | None, frameworks: tuple[str, ...]) -> bool:
    """A start script that starts it, the build's output, a server's or a CLI's entry; without
    a command, a development server or runner, or a start script of a package with no `main`
    (a library's `start` is a watcher). Not: a `main` alone, the build output of a library that
    other members depend on."""
    if command is None:
        starts = any(pkg.script(s) for s in START_SCRIPTS) and not pkg.main
        return starts or dev_entry(pkg)[0] is not None or _dev_server(pkg)
    if command.source.startswith(('"main"', '"bin"')):
        return bool(frameworks or pkg.bin)
    # an inferred command of a package other members depend on, or that declares an entry for
    # importers (`module`, `types`): a library's build output (a database package whose build
    # bundles its migration script, an SDK published for other projects)
    if command.inferred and pkg.for_importers and not pkg.bin:
        return False
    return not (command.inferred and any(link.target == pkg.name and link.kind in PROD_KINDS for link in ws.links))


def _dev_server(pkg: Package) -> bool:
    for name in ("dev", "start:dev", "develop"):
        words = unwrap(split(pkg.script(name) or ""), [])
        if words and words[0] in DEV_SERVERS:
            return True
    return False


def _uses(pkg: Package, frameworks: tuple[str, ...], nest: str | None, command: StartCommand) -> str:
    if nest == "context":
        return "a Nest application context that listens on no port (a worker)"
    if not frameworks:
        return "no HTTP framework (a worker)"
    framework = command.bin_package if command.bin_package in frameworks else frameworks[0]
    own = any(d.name == framework for d in pkg.deps(PROD_KINDS))
    return f"depends on {framework}" + ("" if own else " (declared by the workspace root)")


def _judge_site(pkg: Package, site: static_site.StaticSite) -> Finding:
    example = _example_folder(pkg)
    port = default_port(pkg)
    if example and not _ships_image(pkg):
        reason = f"{site.reason}; it lives in {example}/ (an example or template)"
        return Finding(pkg, False, reason, None, site, port)
    reason = site.reason + ("; it has its own Dockerfile" if _ships_image(pkg) else "")
    return Finding(pkg, True, reason, None, site, port)


def _example_folder(pkg: Package) -> str | None:
    return next((part for part in pkg.dir.split("/") if part in EXAMPLE_FOLDERS), None)


def _ships_image(pkg: Package) -> bool:
    return any(CONTAINER_FILES.match(e) for e in pkg.entries)


def _runs_own_bin(pkg: Package, command: StartCommand) -> bool:
    """`node .`, `node lib/index.js` where that is the package's main or one of its bins: a CLI's entry."""
    entry = posixpath.normpath(command.entry) if command.entry else None
    files = [pkg.main or "", *(path for _, path in pkg.bin)]
    return entry is not None and any(f and posixpath.normpath(f) == entry for f in files)


def default_port(pkg: Package) -> int | None:
    """A port stated in a start script, else 3000 for HTTP frameworks, 8080 for a static site,
    else None (a worker)."""
    for name in ("start:prod", "start", "serve"):
        m = _PORT_FLAG.search(pkg.script(name) or "")
        if m:
            return int(m.group(1))
    frameworks = http_frameworks(pkg)
    if not frameworks:
        return STATIC_PORT if static_site.detect(pkg) else None
    return _FRAMEWORK_PORTS.get(frameworks[0], 3000)
