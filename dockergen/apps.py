"""Heuristics about a package: is it a deployable app, how does it start, what does it listen on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dockergen.plan.app_files import http_frameworks
from dockergen.plan.start_command import start_command
from dockergen.workspace.manifest import Package

# Defaults of frameworks that ignore PORT or default to something else.
_FRAMEWORK_PORTS = {"next": 3000, "@nestjs/core": 3000, "nuxt": 3000, "astro": 4321}
_PORT_FLAG = re.compile(r"(?:--port[= ]|-p[= ]?|-l |PORT=)(\d{2,5})\b")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member that looks deployable, with the reason shown to the user."""

    package: Package
    reason: str


def default_port(pkg: Package) -> int | None:
    """A port stated in the start script, else 3000 for HTTP frameworks, else None (a worker)."""
    script = pkg.script("start") or ""
    m = _PORT_FLAG.search(script)
    if m:
        return int(m.group(1))
    frameworks = http_frameworks(pkg)
    if not frameworks:
        return None
    return _FRAMEWORK_PORTS.get(frameworks[0], 3000)


def deployable(pkg: Package) -> Candidate | None:
    """Why this member looks like an app to ship, or None for libraries and tooling."""
    if pkg.dir == ".":
        return None
    command = start_command(pkg)
    if command is None:
        return None
    frameworks = http_frameworks(pkg)
    if command.source.startswith("start script"):
        return Candidate(pkg, f"it has a {command.source}")
    if frameworks:
        return Candidate(pkg, f"it depends on {frameworks[0]} and starts with {' '.join(command.argv)}")
    return None
