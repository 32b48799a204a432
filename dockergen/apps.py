"""Which workspace members are apps to ship, and why (what `init` offers and what it skips)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dockergen.plan import static_site
from dockergen.plan.app_files import http_frameworks
from dockergen.plan.start_command import StartCommand, resolve_start
from dockergen.workspace.manifest import Package
from dockergen.workspace.scan import Workspace

# Defaults of frameworks that ignore PORT or default to something else.
_FRAMEWORK_PORTS = {"next": 3000, "@nestjs/core": 3000, "nuxt": 3000, "astro": 4321}
_PORT_FLAG = re.compile(r"(?:--port[= ]|-p[= ]?|-l |PORT=)(\d{2,5})\b")
# Folders whose apps are demonstrations, not services, unless they ship their own Dockerfile.
EXAMPLE_FOLDERS = frozenset({
    "example", "examples", "playground", "playgrounds", "template", "templates", "demo", "demos",
    "sandbox", "fixtures", "e2e", "test", "tests", "__tests__", "benchmarks", "docs",
})  # fmt: skip
CONTAINER_FILES = re.compile(r"^(Dockerfile|Containerfile)(\..+)?$|^.+\.Dockerfile$")


@dataclass(frozen=True, slots=True)
class Finding:
    """A member that looks like an app: offered by default or not, the reason, how it starts."""

    package: Package
    offered: bool
    reason: str
    command: StartCommand | None
    site: static_site.StaticSite | None = None  # a static front-end (`kind: static`)


def survey(ws: Workspace) -> tuple[Finding, ...]:
    """Every member that looks like an app, offered or skipped with the reason (libraries, which
    only a `main` could start, are not listed)."""
    out = []
    for pkg in ws.packages:
        site = static_site.detect(pkg)
        if site is not None:
            out.append(_judge_site(pkg, site))
            continue
        command, _ = resolve_start(pkg, ws.build_info(pkg))
        finding = _judge(pkg, command) if command is not None else None
        if finding is not None:
            out.append(finding)
    return tuple(out)


def _judge_site(pkg: Package, site: static_site.StaticSite) -> Finding:
    example = _example_folder(pkg)
    if example and not _ships_image(pkg):
        return Finding(pkg, False, f"{site.reason}; it lives in {example}/ (an example or template)", None, site)
    return Finding(pkg, True, site.reason + ("; it has its own Dockerfile" if _ships_image(pkg) else ""), None, site)


def _example_folder(pkg: Package) -> str | None:
    return next((part for part in pkg.dir.split("/") if part in EXAMPLE_FOLDERS), None)


def _ships_image(pkg: Package) -> bool:
    return any(CONTAINER_FILES.match(e) for e in pkg.entries)


def _judge(pkg: Package, command: StartCommand) -> Finding | None:
    frameworks = http_frameworks(pkg)
    how = _how(pkg, command, frameworks)
    ships_image = _ships_image(pkg)
    example = _example_folder(pkg)
    if example and not ships_image:
        return Finding(pkg, False, f"it lives in {example}/ (an example or template; it has no Dockerfile)", command)
    if pkg.bin and not frameworks and (command.from_bin or _runs_main(pkg, command)):
        names = ", ".join(name for name, _ in pkg.bin)
        return Finding(pkg, False, f"a command-line tool (bin {names}) with no HTTP framework", command)
    if not command.source.startswith(("start", "prod", "serve", "inferred")) and not frameworks:
        return None  # a library: only its `main` could start it
    return Finding(pkg, True, how + ("; it has its own Dockerfile" if ships_image else ""), command)


def _how(pkg: Package, command: StartCommand, frameworks: tuple[str, ...]) -> str:
    uses = f"; depends on {frameworks[0]}" if frameworks else "; no HTTP framework (a worker)"
    return f"{command.source}{uses}"


def _runs_main(pkg: Package, command: StartCommand) -> bool:
    """`node .` / `node lib/index.js` where that is the package's main: a CLI's entry point."""
    return bool(pkg.main) and command.entry is not None and command.entry.lstrip("./") == (pkg.main or "").lstrip("./")


STATIC_PORT = 8080  # dockergen's static file server, when the app states none


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
