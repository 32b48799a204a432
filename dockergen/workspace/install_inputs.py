"""Files pnpm reads before `pnpm install --frozen-lockfile` can succeed (besides manifests)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from dockergen.errors import InputError
from dockergen.repo import Repo
from dockergen.validate import context_path
from dockergen.workspace.lockfile import Lockfile
from dockergen.workspace.pnpm_settings import Npmrc, Settings

PNPMFILES = (".pnpmfile.cjs", ".pnpmfile.mjs")


@dataclass(frozen=True, slots=True)
class InstallInput:
    """A root-level file the install step needs, and why (printed as a comment in the plan)."""

    path: str
    reason: str
    origin: str  # the file that names it (for error messages)


def install_inputs(
    repo: Repo,
    ws_yaml: dict[str, Any],
    root_pnpm: dict[str, Any],
    settings: Settings,
    lockfile: Lockfile,
    npmrc: Npmrc | None,
) -> tuple[InstallInput, ...]:
    """Lockfile, workspace yaml, root manifest, .npmrc, pnpmfile and every referenced patch file."""
    inputs = [
        InstallInput(lockfile.path, "the frozen install resolves nothing: every version comes from the lockfile", ""),
        InstallInput("package.json", "root project: packageManager, pnpm overrides and settings", ""),
    ]
    if repo.is_file("pnpm-workspace.yaml"):
        inputs.append(
            InstallInput("pnpm-workspace.yaml", "member globs, catalogs and settings the lockfile records", "")
        )
    if npmrc is not None:
        inputs.append(InstallInput(npmrc.path, "registry and install settings", ""))
    pnpmfile = _pnpmfile(repo, settings, lockfile)
    if pnpmfile:
        origin = settings.source("pnpmfile") or ""
        inputs.append(InstallInput(pnpmfile, "install hooks; the lockfile records their checksum", origin))
    for path, source in _patches(ws_yaml, root_pnpm):
        _check_path(path, source, "patchedDependencies")
        if not repo.is_file(path):
            raise InputError(
                f"patch file {path} is referenced by patchedDependencies in {source} but does not exist",
                path=source,
                hint="restore the patch file or remove its patchedDependencies entry",
            )
        inputs.append(InstallInput(path, f"patch applied at install (patchedDependencies in {source})", source))
    return tuple(inputs)


def _pnpmfile(repo: Repo, settings: Settings, lockfile: Lockfile) -> str | None:
    configured = settings.get("pnpmfile")
    if configured:
        path = posixpath.normpath(configured)
        _check_path(path, settings.source("pnpmfile") or "", "pnpmfile")
        if not repo.is_file(path):
            raise InputError(
                f"pnpmfile {configured!r} (from {settings.source('pnpmfile')}) does not exist",
                path=settings.source("pnpmfile"),
                hint="fix the pnpmfile setting or restore the file",
            )
        return path
    for name in PNPMFILES:
        if repo.is_file(name):
            return name
    if lockfile.has_pnpmfile_checksum:
        raise InputError(
            "the lockfile records a pnpmfileChecksum but no .pnpmfile.cjs exists",
            path=lockfile.path,
            hint="restore .pnpmfile.cjs, or run `pnpm install` to update the lockfile",
        )
    return None


def _patches(ws_yaml: dict[str, Any], root_pnpm: dict[str, Any]) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for source, data in (("package.json", root_pnpm), ("pnpm-workspace.yaml", ws_yaml)):
        entries = data.get("patchedDependencies")
        if isinstance(entries, dict):
            for value in entries.values():
                if isinstance(value, str) and value.strip():
                    found.setdefault(posixpath.normpath(value.strip()), source)
    return sorted(found.items())


def _check_path(path: str, source: str, setting: str) -> None:
    reason = context_path(path)
    if reason:
        raise InputError(
            f"{setting}: {path!r} {reason}",
            path=source or None,
            hint="keep install inputs inside the workspace, with plain file names",
        )
