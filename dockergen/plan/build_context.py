"""What the build context must hold: the paths the plan reads (outermost only), and what to drop
inside them (secrets, caches, build output). The ignore file is rendered from this."""

from __future__ import annotations

import posixpath

from dockergen.plan.model import BuildContext, Stage
from dockergen.validate import context_path
from dockergen.workspace.manifest import Package


def build_context(
    stages: tuple[Stage, ...], keep: tuple[str, ...], packages: tuple[Package, ...], user: tuple[str, ...]
) -> BuildContext:
    """Every path a step reads or `keep` names, and the exclusions for the given packages."""
    reads = {r for s in stages for step in s.steps for r in step.reads}
    return BuildContext(
        keep=outermost(reads | {k.rstrip("/") for k in keep}),
        drop=drop_patterns(packages),
        user=user,
    )


def outermost(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by a kept parent folder (`apps/api/package.json` under `apps/api`)."""
    return tuple(sorted(p for p in paths if not any(parent in paths for parent in _parents(p))))


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


ALWAYS_DROP = (
    "**/node_modules", "**/.git", "**/.env", "**/.env.*", "**/*.pem", "**/*.key", "*/**/.npmrc",
    "**/*.log", "**/coverage", "**/.nyc_output", "**/.turbo", "**/.cache", "**/.eslintcache",
    "**/*.tsbuildinfo", "**/.DS_Store", "**/Thumbs.db", "**/.idea", "**/.vscode",
    "**/.next", "**/.nuxt", "**/.output", "**/.svelte-kit", "**/.vercel",
    "**/Dockerfile", "**/Dockerfile.*", "**/*.dockerignore", "**/.dockerignore",
    "**/.*.dockergen-tmp", "**/.*.dockergen-old",
)  # fmt: skip


def drop_patterns(packages: tuple[Package, ...]) -> tuple[str, ...]:
    """Ignore-file exclusions inside kept folders: secrets, caches, local build output."""
    outputs = set()
    for pkg in packages:
        if not pkg.script("build"):
            continue
        for path in _output_dirs(pkg):
            if context_path(path) is None:  # a glob-like name is not a folder a build writes
                outputs.add(f"{pkg.dir}/{path}" if pkg.dir != "." else path)
    return ALWAYS_DROP + tuple(sorted(outputs))


def _output_dirs(pkg: Package) -> set[str]:
    """Folders a build writes: where main/bin point, and conventional output names in `files`."""
    out = set()
    for path in (pkg.main or "", *(b for _, b in pkg.bin)):
        parts = posixpath.normpath(path).split("/") if path else []
        if len(parts) > 1 and parts[0] not in ("", ".", ".."):
            out.add(parts[0])
    for entry in pkg.files or ():
        first = posixpath.normpath(entry).split("/", 1)[0]
        if first in OUTPUT_NAMES:
            out.add(first)
    return out


OUTPUT_NAMES = frozenset({"dist", "build", "out", ".next", ".output"})
