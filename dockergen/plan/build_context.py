"""What the build context must hold: the paths the plan reads (outermost only), and what to drop
inside them (secrets, caches, build output). The ignore file is rendered from this."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from dockergen.dockerignore import SECRETS
from dockergen.plan.model import BuildContext, Stage
from dockergen.validate import context_path
from dockergen.workspace.build_output import declared_outputs
from dockergen.workspace.manifest import Package
from dockergen.workspace.scan import Workspace

TS_SOURCE = (".ts", ".tsx", ".mts", ".cts")


def build_context(
    stages: tuple[Stage, ...],
    keep: tuple[str, ...],
    packages: tuple[Package, ...],
    user: tuple[str, ...],
    ws: Workspace,
) -> BuildContext:
    """Every path a step reads or `keep` names, and the exclusions for the given packages."""
    reads = {r for s in stages for step in s.steps for r in step.reads}
    # the last matching rule wins: after a `!` pattern of the user's, the secrets are dropped again
    guarded = (*user, *SECRETS) if any(u.startswith("!") for u in user) else user
    return BuildContext(
        keep=outermost(reads | {k.rstrip("/") for k in keep}),
        drop=drop_patterns(packages, {p.name: written_dirs(ws, p) for p in packages}),
        user=guarded,
    )


def written_dirs(ws: Workspace, pkg: Package) -> frozenset[str]:
    """Top folders of the package its build says it writes: tsc's outDir, a build script's
    `--outDir`/`-d`/`--outfile`."""
    found = {p.out_dir for p in ws.build_info(pkg).projects if p.out_dir}
    prefix = "" if pkg.dir == "." else f"{pkg.dir}/"
    tops = {posixpath.relpath(d, pkg.dir).split("/")[0] for d in found if d.startswith(prefix) or not prefix}
    tops |= {posixpath.normpath(d).split("/")[0] for d in declared_outputs(pkg)}
    return frozenset(t for t in tops if t not in ("", ".", ".."))


def outermost(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by a kept parent folder (`apps/api/package.json` under `apps/api`)."""
    return tuple(sorted(p for p in paths if not any(parent in paths for parent in _parents(p))))


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


ALWAYS_DROP = (
    "**/node_modules", *SECRETS,
    "**/*.log", "**/coverage", "**/.nyc_output", "**/.turbo", "**/.cache", "**/.eslintcache",
    "**/*.tsbuildinfo", "**/.DS_Store", "**/Thumbs.db", "**/.idea", "**/.vscode",
    "**/.next", "**/.nuxt", "**/.output", "**/.svelte-kit", "**/.vercel",
    "**/Dockerfile", "**/Dockerfile.*", "**/*.dockerignore", "**/.dockerignore",
    "**/.*.dockergen-tmp", "**/.*.dockergen-old",
)  # fmt: skip


def drop_patterns(packages: tuple[Package, ...], written: Mapping[str, frozenset[str]]) -> tuple[str, ...]:
    """Ignore-file exclusions inside kept folders: secrets, caches, local build output."""
    outputs = set()
    for pkg in packages:
        if not pkg.script("build"):
            continue
        for path in _output_dirs(pkg, written.get(pkg.name, frozenset())):
            if context_path(path) is None:  # a glob-like name is not a folder a build writes
                outputs.add(f"{pkg.dir}/{path}" if pkg.dir != "." else path)
    return ALWAYS_DROP + tuple(sorted(outputs))


def _output_dirs(pkg: Package, written: frozenset[str]) -> set[str]:
    """Folders a build writes: where main/bin point when the build writes there (a folder it says
    it writes, a conventional output name, or one the repository does not hold: never sources
    such as `"main": "src/index.ts"` under `tsc --noEmit`), and conventional output names in `files`."""
    out = set()
    for path in (pkg.main or "", *(b for _, b in pkg.bin)):
        parts = posixpath.normpath(path).split("/") if path else []
        if len(parts) < 2 or parts[0] in ("", ".", "..") or path.endswith(TS_SOURCE):
            continue
        if parts[0] in written or parts[0] in OUTPUT_NAMES or parts[0] not in pkg.entries:
            out.add(parts[0])
    for entry in pkg.files or ():
        first = posixpath.normpath(entry).split("/", 1)[0]
        if first in OUTPUT_NAMES:
            out.add(first)
    return out


OUTPUT_NAMES = frozenset({"dist", "build", "out", ".next", ".output"})
