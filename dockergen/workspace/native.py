"""Dependencies that compile native code during `pnpm install`, and whether pnpm lets them.

Such packages try a prebuilt binary first (often a download from GitHub) and fall back to
node-gyp, which needs python3, make and a C++ compiler, plus Node's headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dockergen.workspace.lockfile import Lockfile

# Packages whose install script falls back to (or always runs) node-gyp.
NODE_GYP_PACKAGES = frozenset({
    "argon2", "bcrypt", "better-sqlite3", "canvas", "cpu-features", "isolated-vm", "kerberos",
    "libpq", "node-pty", "re2", "sqlite3", "zeromq",
})  # fmt: skip
# Install helpers that download a prebuilt binary from outside the npm registry (GitHub releases,
# S3) and leave node-gyp to compile when the download fails (`prebuild-install || node-gyp
# rebuild`, node-pre-gyp's --fallback-to-build). With one of the addon libraries below beside it,
# a package is a native addon that compiles wherever GitHub is out of reach (zstd-napi,
# better-sqlite3, keytar, bcrypt 5…); a helper alone is a tool that only reads addons (@vercel/nft
# depends on @mapbox/node-pre-gyp).
DOWNLOADERS = frozenset({"prebuild-install", "@mapbox/node-pre-gyp", "node-pre-gyp", "install-artifact-from-github"})
ADDON_LIBRARIES = frozenset({"nan", "node-addon-api", "bindings", "node-gyp-build"})


@dataclass(frozen=True, slots=True)
class BuildPolicy:
    """Which dependencies pnpm lets run install scripts, and the setting that says so."""

    allowed: frozenset[str] | None  # None: every dependency not denied
    denied: frozenset[str]
    source: str

    def may_build(self, name: str) -> bool:
        if name in self.denied:
            return False
        return self.allowed is None or name in self.allowed


def build_policy(ws_yaml: dict[str, Any], root_pnpm: dict[str, Any], pnpm_major: int) -> BuildPolicy:
    """pnpm >= 10 builds only what `allowBuilds`/`onlyBuiltDependencies` allow (or everything with
    `dangerouslyAllowAllBuilds`); older pnpm builds everything not in `neverBuiltDependencies`."""
    allowed: set[str] = set()
    denied: set[str] = set()
    sources: list[str] = []
    for source, data in (("package.json", root_pnpm), ("pnpm-workspace.yaml", ws_yaml)):
        only, builds = _names(data.get("onlyBuiltDependencies")), data.get("allowBuilds")
        allowed.update(only)
        if isinstance(builds, dict):
            allowed.update(str(n) for n, ok in builds.items() if ok is True)
            denied.update(str(n) for n, ok in builds.items() if ok is False)
        denied.update(_names(data.get("neverBuiltDependencies")))
        if only or isinstance(builds, dict):
            sources.append(source)
    everything = pnpm_major < 10 or any(d.get("dangerouslyAllowAllBuilds") is True for d in (ws_yaml, root_pnpm))
    source = " and ".join(sources) or (f"pnpm {pnpm_major} builds every dependency" if everything else "pnpm")
    return BuildPolicy(None if everything else frozenset(allowed), frozenset(denied), source)


def _names(value: Any) -> list[str]:
    return [str(n) for n in value if isinstance(n, str)] if isinstance(value, list) else []


def native_builds(policy: BuildPolicy, lockfile: Lockfile) -> tuple[str, ...]:
    """Packages in the lockfile that compile with node-gyp and that pnpm will let build: the
    known ones, and those whose install downloads a prebuilt binary from outside the registry
    with node-gyp as the fallback."""
    fallback = lockfile.dependents(DOWNLOADERS) & lockfile.dependents(ADDON_LIBRARIES)
    compiles = (NODE_GYP_PACKAGES & lockfile.package_names) | fallback
    return tuple(sorted(n for n in compiles if policy.may_build(n)))
