"""Node and pnpm versions, read only from the repository's files (never from the host)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from dockergen.errors import InputError
from dockergen.repo import Repo
from dockergen.workspace import pnpm_releases, semver
from dockergen.workspace.lockfile import Lockfile
from dockergen.workspace.pnpm_settings import Settings
from dockergen.workspace.semver import ENGINES  # pnpm reads engines ranges with includePrerelease

# Used only when no file in the repository names a Node version.
DEFAULT_NODE_MAJOR = 22
# Used only when no known pnpm release installs the lockfile (the lockfile check then refuses it).
DEFAULT_PNPM_MAJOR = 10
LTS_CODENAMES = {
    "argon": 4, "boron": 6, "carbon": 8, "dubnium": 10, "erbium": 12,
    "fermium": 14, "gallium": 16, "hydrogen": 18, "iron": 20, "jod": 22, "krypton": 24,
}  # fmt: skip
_PM = re.compile(r"^pnpm@(?P<version>[^+\s]+)(?:\+(?P<integrity>(?P<algo>sha\d+)\.(?P<hex>[0-9a-fA-F]+)))?$")


@dataclass(frozen=True, slots=True)
class ToolVersions:
    """The Node and pnpm the generated build uses, and where each came from."""

    node_major: int
    node_version: str
    node_source: str
    pnpm_version: str
    pnpm_major: int
    pnpm_integrity: str | None
    pnpm_source: str
    node_warnings: tuple[str, ...]  # moot once dockergen.yaml sets `node`
    pnpm_warnings: tuple[str, ...]  # moot once dockergen.yaml sets `pnpm`


def detect_versions(
    repo: Repo, root_manifest: dict[str, Any], settings: Settings, lockfile: Lockfile | None
) -> ToolVersions:
    """Node and pnpm versions the repository pins, with their sources and warnings."""
    node_warnings: list[str] = []
    pnpm_warnings: list[str] = []
    node_major, node_version, node_source = _node(repo, root_manifest, settings, node_warnings)
    pnpm_version, pnpm_major, integrity, pnpm_source = _pnpm(root_manifest, lockfile, pnpm_warnings)
    if lockfile is not None:
        _check_lockfile(lockfile, pnpm_major, pnpm_source)
    return ToolVersions(
        node_major,
        node_version,
        node_source,
        pnpm_version,
        pnpm_major,
        integrity,
        pnpm_source,
        tuple(node_warnings),
        tuple(pnpm_warnings),
    )


def _node_candidates(repo: Repo, root: dict[str, Any], settings: Settings) -> list[tuple[str, str]]:
    """(version text, source) for every exact-ish pin, most authoritative first."""
    found: list[tuple[str, str]] = []
    runtime = _dev_engine(root, "runtime", "node")
    if runtime:
        found.append((runtime, "package.json devEngines.runtime"))
    if settings.get("useNodeVersion"):
        found.append((str(settings.get("useNodeVersion")), f"{settings.source('useNodeVersion')} useNodeVersion"))
    found += _version_files(repo)
    if settings.get("nodeVersion"):  # what pnpm assumes when checking engines; last resort
        found.append((str(settings.get("nodeVersion")), f"{settings.source('nodeVersion')} nodeVersion"))
    return found


def _version_files(repo: Repo) -> list[tuple[str, str]]:
    """Pins in version-manager files: .nvmrc, .node-version, .tool-versions, (.)mise.toml."""
    found: list[tuple[str, str]] = []
    for name in (".nvmrc", ".node-version"):
        lines = repo.read_text(name).strip().splitlines() if repo.is_file(name) else []
        if lines and lines[0].strip():
            found.append((lines[0].strip(), name))
    for line in repo.read_text(".tool-versions").splitlines() if repo.is_file(".tool-versions") else []:
        parts = line.split("#", 1)[0].split()
        if len(parts) >= 2 and parts[0] in ("nodejs", "node"):
            found.append((parts[1], ".tool-versions"))
    for name in (".mise.toml", "mise.toml"):
        value = _mise_node(repo, name) if repo.is_file(name) else None
        if value:
            found.append((value, name))
    return found


def _mise_node(repo: Repo, name: str) -> str | None:
    try:
        tools = tomllib.loads(repo.read_text(name)).get("tools", {})
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", path=name, hint="fix the TOML syntax") from None
    value = tools.get("node") if isinstance(tools, dict) else None
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, str) else None


def _node(repo: Repo, root: dict[str, Any], settings: Settings, warnings: list[str]) -> tuple[int, str, str]:
    pins = [(v, s, _major_of(v)) for v, s in _node_candidates(repo, root, settings)]
    usable = [(v, s, m) for v, s, m in pins if m is not None]
    for v, s, m in pins:
        if m is None:
            warnings.append(f"{s}: Node version {v!r} is not a version dockergen understands; ignored")
    engines = root.get("engines", {}).get("node") if isinstance(root.get("engines"), dict) else None
    if usable:
        version, source, major = usable[0]
        for v, s, m in usable[1:]:
            if m != major:
                warnings.append(f"Node versions disagree: {source} says {version}, {s} says {v}; using {major}")
    elif isinstance(engines, str) and semver.parse_range(engines, ENGINES):
        major = _major_for_range(engines)
        version, source = str(major), "package.json engines.node"
    else:
        major, version, source = DEFAULT_NODE_MAJOR, str(DEFAULT_NODE_MAJOR), "default"
        warnings.append(f"no Node version in the repository; using {major} (pin one in .nvmrc or dockergen.yaml)")
    if (
        isinstance(engines, str)
        and semver.parse_range(engines, ENGINES)
        and not semver.major_allowed(major, engines, ENGINES)
    ):
        warnings.append(f"Node {major} (from {source}) does not satisfy engines.node {engines!r} in package.json")
    pinned = (settings.get("useNodeVersion") or "").lstrip("v")
    if pinned and pinned != version.lstrip("v"):
        warnings.append(
            f"use-node-version ({settings.source('useNodeVersion')}) makes pnpm download Node {pinned} "
            f"during the build; the image has Node {version.lstrip('v')}"
        )
    if version.lstrip("v").count(".") == 0:
        version = str(major)
    return major, version.lstrip("v"), source


def _major_of(text: str) -> int | None:
    text = text.strip().lower()
    if text.startswith("lts/"):
        return LTS_CODENAMES.get(text[4:])
    parsed = semver.parse_version(text)
    return parsed.major if parsed else None


def _major_for_range(text: str) -> int:
    """The default major when the range allows it, else the lowest even (LTS) major it allows."""
    if semver.major_allowed(DEFAULT_NODE_MAJOR, text, ENGINES):
        return DEFAULT_NODE_MAJOR
    for major in range(semver.lowest_major(text, ENGINES) or 0, 60):
        if major % 2 == 0 and semver.major_allowed(major, text, ENGINES):
            return major
    return semver.lowest_major(text, ENGINES) or DEFAULT_NODE_MAJOR


def _dev_engine(root: dict[str, Any], field: str, name: str) -> str | None:
    dev = root.get("devEngines")
    entries = dev.get(field) if isinstance(dev, dict) else None
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, dict) and entry.get("name") == name and isinstance(entry.get("version"), str):
            return str(entry["version"])
    return None


def _pnpm(root: dict[str, Any], lockfile: Lockfile | None, warnings: list[str]) -> tuple[str, int, str | None, str]:
    pm = root.get("packageManager")
    if isinstance(pm, str) and pm.strip():
        return _package_manager(pm)
    dev = _dev_engine(root, "packageManager", "pnpm")
    engines = root.get("engines", {}).get("pnpm") if isinstance(root.get("engines"), dict) else None
    for spec, source in ((dev, "package.json devEngines.packageManager"), (engines, "package.json engines.pnpm")):
        wanted = semver.parse_range(spec, ENGINES) if isinstance(spec, str) else None
        if isinstance(spec, str) and wanted is not None:
            exact = semver.parse_exact(wanted.text)
            if exact is not None:  # a range of one version (`9.1.0`, `=9.1.0`) is a pin
                return exact.text, exact.major, None, source
            choice = pnpm_releases.choose(spec, lockfile)
            if choice is None:
                raise pnpm_releases.no_release(spec, source.removeprefix("package.json "), lockfile)
            warnings.append(
                f"pnpm is not pinned (only {source} {spec!r}); using {choice.version}, {choice.why} "
                f"(pin it: packageManager: pnpm@{choice.version})"
            )
            return choice.version, choice.major, None, f"{source} {spec!r}: {choice.why}"
    choice = pnpm_releases.choose(None, lockfile)
    if choice is None:  # a lockfile format no known pnpm installs: the lockfile check refuses it
        return str(DEFAULT_PNPM_MAJOR), DEFAULT_PNPM_MAJOR, None, "default"
    warnings.append(
        f"no packageManager in package.json; using pnpm {choice.version}, {choice.why} "
        f"(pin it: packageManager: pnpm@{choice.version})"
    )
    return choice.version, choice.major, None, f"{'lockfile format' if lockfile else 'default'}: {choice.why}"


def _package_manager(pm: str) -> tuple[str, int, str | None, str]:
    """`pnpm@<version>[+<algo>.<hex>]` from packageManager."""
    m = _PM.match(pm.strip())
    if not m:
        raise InputError(
            f"packageManager is {pm!r}, not pnpm@<version>",
            path="package.json",
            hint="dockergen builds pnpm workspaces; set packageManager to pnpm@<exact version>",
        )
    version = m.group("version")
    parsed = semver.parse_version(version)
    if parsed is None:
        raise InputError(f"packageManager pnpm version {version!r} is not a version", path="package.json")
    return version, parsed.major, m.group("integrity"), "package.json packageManager"


def _check_lockfile(lockfile: Lockfile, pnpm_major: int, source: str) -> None:
    readable = pnpm_releases.LOCKFILE_READABLE.get(pnpm_major, (9,))
    if lockfile.major not in readable:
        raise InputError(
            f"lockfile format {lockfile.version} cannot be installed with --frozen-lockfile "
            f"by pnpm {pnpm_major} ({source})",
            path=lockfile.path,
            line=1,
            hint=f"regenerate the lockfile with pnpm {pnpm_major}, or pin the pnpm that wrote it",
        )
