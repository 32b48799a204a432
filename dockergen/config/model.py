"""dockergen.yaml <-> Config; edits go through ruamel.yaml round-trip so user comments survive."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from dockergen import validate
from dockergen.config.fields import CONFIG_FILE, Asset, TargetFields
from dockergen.errors import ConfigError
from dockergen.repo import Repo, key_position, parse_yaml

_TARGET_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_PLAIN_PATH = re.compile(r"^[A-Za-z0-9._/-]+$")


@dataclass(frozen=True, slots=True)
class TargetConfig:
    """One deployable package and how to ship it; None means "detect"."""

    name: str
    package: str
    port: int | None = None
    health: str | None = None
    command: tuple[str, ...] | None = None
    node: str | None = None
    pnpm: str | None = None
    runtime: str | None = None  # None: slim for Node apps, distroless for static sites
    build_image: str | None = None
    build_packages: tuple[str, ...] | None = None
    prebuild: tuple[tuple[str, tuple[str, ...]], ...] = ()
    build_env: tuple[tuple[str, str], ...] = ()
    dockerfile: str | None = None
    dockerignore: str | None = None
    files: tuple[str, ...] | None = None
    env: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    ignore: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    user: str | None = None
    data_dirs: tuple[str, ...] = ()
    npmrc_secret: bool | None = None
    handle_signals: bool = True
    instructions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    lint_ignore: tuple[tuple[str, str], ...] = ()
    digests: tuple[tuple[str, str], ...] = ()
    kind: str | None = None  # node: a server or worker; static: built files served by a tiny server
    spa: bool | None = None  # static: unknown paths without an extension get index.html
    assets: tuple[Asset, ...] = ()
    standalone: bool | None = None  # Next.js: ship .next/standalone (None: as next.config says)
    tags: tuple[str, ...] | None = None  # bake: the image tags (None: ${REGISTRY}<name>:${TAG})
    platforms: tuple[str, ...] = ()  # bake: platforms to build for (none: the builder's)
    cache: str | None = None  # bake: registry | gha (a layer cache outside the machine), None: none
    shared: bool = True  # several targets: share one Dockerfile (and its common stages) with the others
    optimize: str = "rebuilds"  # rebuilds | libraries (a build step per library level) | cold (one install)
    unsafe: tuple[str, ...] = ()  # what the defaults refuse and this target allows: root-user, system-folders


@dataclass(frozen=True, slots=True)
class Config:
    """dockergen.yaml, validated: its targets sorted by name."""

    path: str
    targets: tuple[TargetConfig, ...] = field(default_factory=tuple)
    bake: str | None = None  # where docker-bake.hcl is written; None: not written
    bake_implicit: bool = False  # `bake:` left out (several targets): a foreign file there is left alone
    ci: str | None = None  # github: write the CI workflow; None: none
    registry: str = ""  # the REGISTRY variable's default (e.g. ghcr.io/acme/); empty: local names

    def target(self, name: str) -> TargetConfig | None:
        for t in self.targets:
            if t.name == name:
                return t
        return None


# key -> description; `init` writes it as the comment beside the key.
TARGET_KEYS: dict[str, str] = {
    "package": "workspace package to ship (its name in package.json)",
    "port": "port the app listens on: EXPOSE, ENV PORT; leave out for workers",
    "health": "HTTP path answering 200 when healthy: HEALTHCHECK",
    "command": "exec-form command, relative to the package folder",
    "node": "Node version of the base images (major or exact)",
    "pnpm": "exact pnpm version used in the build",
    "runtime": "runtime image: slim (node:<major>-slim), distroless, or any image",
    "build_image": "image of the build stages",
    "build_packages": "Debian packages the build stages need (default: node-gyp's tools when a dependency compiles)",
    "prebuild": "scripts to run before a package's build: package name -> [script, ...] (default: turbo.json)",
    "build_env": "ENV of the build stages only (e.g. a placeholder DATABASE_URL a code generator wants); not secrets",
    "dockerfile": "where the Dockerfile is written",
    "dockerignore": "where its ignore file is written",
    "files": "package files the runtime image needs, relative to the package",
    "env": "extra ENV of the runtime image",
    "labels": "LABELs of the runtime image",
    "ignore": "extra .dockerignore patterns",
    "keep": "extra repository files the build needs (kept in the context, copied before building)",
    "user": "numeric uid:gid the app runs as",
    "data_dirs": "folders (absolute) the app may write to, owned by the app user",
    "npmrc_secret": "mount registry credentials as a build secret (auto for credentials or a private registry)",
    "handle_signals": "exit on SIGTERM/SIGINT when the app does not handle them (node as PID 1 ignores them)",
    "instructions": "extra Dockerfile instructions per stage: base, deps, build, runtime",
    "lint_ignore": "accepted linter findings: rule id -> reason",
    "digests": "base image digests: image -> sha256:...",
    "kind": "node (a server or worker) or static (build output served by a tiny non-root server); default: detected",
    "spa": "static: answer unknown paths without an extension with index.html (single-page apps)",
    "assets": "other members' build output the app serves: [{package, path, to}]",
    "standalone": "Next.js: ship only the traced standalone server (default: when next.config sets output standalone)",
    "tags": "bake: image tags (default: ${REGISTRY}<target>:${TAG})",
    "platforms": "bake: platforms to build, e.g. [linux/amd64, linux/arm64]",
    "cache": "bake: layer cache outside the machine, registry (<image>:buildcache) or gha (GitHub Actions)",
    "shared": "several targets: one Dockerfile for all, sharing the libraries' stages (false: a Dockerfile of its own)",
    "unsafe": "what the secure defaults refuse and this target needs: root-user (the app runs as uid 0), "
    "system-folders (data_dirs or assets.to in /etc, /usr, /var ...); each one used prints a warning",
    "optimize": "rebuilds (default: an app change or a new dependency re-runs only what it must), "
    "libraries (also one build step per library level: a library change re-runs its level on) or "
    "cold (CI without a layer cache: one install, so a new dependency rebuilds the libraries)",
}
BAKE_FILE = "docker-bake.hcl"
CI_FILES = {"github": ".github/workflows/dockergen.yml"}
TOP_KEYS = ("version", "bake", "ci", "registry", "defaults", "targets")


def load_config(repo: Repo) -> Config:
    """Read and validate dockergen.yaml; a missing file is an error with a hint to run init."""
    if not repo.is_file(CONFIG_FILE):
        raise ConfigError(
            "no dockergen.yaml in the workspace root",
            path=CONFIG_FILE,
            hint="run `dockergen init` to create it",
        )
    return parse_config(repo.read_text(CONFIG_FILE))


def parse_config(text: str) -> Config:
    """Validate dockergen.yaml text; errors name the key with line:col."""
    data = parse_yaml(text, CONFIG_FILE)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("dockergen.yaml must be a mapping", path=CONFIG_FILE, line=1, col=1)
    _check_keys(data, TOP_KEYS, "top level")
    version = data.get("version", 1)
    if version != 1:
        line, col = key_position(data, "version")
        raise ConfigError(
            f"unsupported version {version!r}", path=CONFIG_FILE, line=line, col=col, hint="use version: 1"
        )
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise _type_error(data, "defaults", "a mapping")
    _check_keys(defaults, tuple(k for k in TARGET_KEYS if k != "package"), "defaults")
    targets = data.get("targets") or {}
    if not isinstance(targets, dict) or not targets:
        line, col = key_position(data, "targets") if "targets" in data else (1, 1)
        raise ConfigError(
            "no targets in dockergen.yaml", path=CONFIG_FILE, line=line, col=col,
            hint='add `targets: {api: {package: "@scope/api", port: 3000}}` or run `dockergen init`',
        )  # fmt: skip
    parsed = [_target(str(name), body, defaults, targets) for name, body in targets.items()]
    bake = _bake(data, len(parsed))
    ci = _ci(data, bake)
    registry = _registry(data)
    config = Config(CONFIG_FILE, tuple(sorted(parsed, key=lambda t: t.name)), bake, "bake" not in data, ci, registry)
    return config


def _bake(data: dict[str, Any], targets: int) -> str | None:
    """`bake: true` (docker-bake.hcl at the root), a relative path, false (none); left out:
    docker-bake.hcl when there are several targets."""
    value = data.get("bake")
    if value is None:
        return BAKE_FILE if "bake" not in data and targets > 1 else None
    if value is False:
        return None
    if value is True:
        return BAKE_FILE
    path = TargetFields(data, {}, {"bake": ""}).relative_path("bake")
    if path is None:
        raise _type_error(data, "bake", "true, false or a path such as docker-bake.hcl")
    return path


def _ci(data: dict[str, Any], bake: str | None) -> str | None:
    """`ci: github` writes a workflow that builds the affected targets with the bake file."""
    value = data.get("ci")
    if value is None or value is False:
        return None
    if value not in CI_FILES:
        line, col = key_position(data, "ci")
        raise ConfigError(
            f"`ci` must be one of: {', '.join(CI_FILES)} (or false)", path=CONFIG_FILE, line=line, col=col,
            hint="ci: github writes .github/workflows/dockergen.yml",
        )  # fmt: skip
    if bake is None:
        line, col = key_position(data, "ci")
        raise ConfigError(
            "`ci` builds with the bake file, and none is written", path=CONFIG_FILE, line=line, col=col,
            hint="remove `bake: false` (or set `bake: true`)",
        )  # fmt: skip
    if not _PLAIN_PATH.match(bake):  # the workflow passes it in a comma-separated action input
        line, col = key_position(data, "bake")
        raise ConfigError(
            f"`bake`: {bake!r} must be letters, digits and . _ - / with `ci`", path=CONFIG_FILE, line=line,
            col=col, hint="name the bake file plainly, e.g. ci/docker-bake.hcl",
        )  # fmt: skip
    return str(value)


def _registry(data: dict[str, Any]) -> str:
    """`registry: ghcr.io/acme/`: the prefix of every default tag (REGISTRY's default)."""
    value = TargetFields(data, {}, {"registry": "image name prefix, e.g. ghcr.io/acme/"}).scalar("registry")
    if value is None:
        return ""
    reason = validate.registry_prefix(value)
    if reason:
        line, col = key_position(data, "registry")
        raise ConfigError(
            f"`registry`: {value!r} {reason}", path=CONFIG_FILE, line=line, col=col,
            hint="an image name prefix ending in /, e.g. ghcr.io/acme/",
        )  # fmt: skip
    return value


def _target(name: str, body: Any, defaults: dict[str, Any], parent: Any) -> TargetConfig:
    if name == "scratch":  # a shared file names the runtime stage after its target; BuildKit reserves it
        line, col = key_position(parent, name)
        raise ConfigError(
            "target name 'scratch' is the empty image's name in a Dockerfile", path=CONFIG_FILE, line=line, col=col,
            hint="name the target after the app",
        )  # fmt: skip
    if not _TARGET_NAME.match(name):
        line, col = key_position(parent, name)
        raise ConfigError(
            f"target name {name!r} must be lowercase letters, digits, '.', '_' or '-'",
            path=CONFIG_FILE, line=line, col=col,
        )  # fmt: skip
    if not isinstance(body, dict):
        raise _type_error(parent, name, "a mapping with at least `package:`")
    _check_keys(body, tuple(TARGET_KEYS), f"target {name!r}")
    if not isinstance(body.get("package"), str) or not body["package"].strip():
        line, col = key_position(parent, name)
        raise ConfigError(
            f"target {name!r} has no `package:`", path=CONFIG_FILE, line=line, col=col,
            hint="name the workspace package to ship, e.g. package: \"@scope/api\"",
        )  # fmt: skip
    f = TargetFields(body, defaults, TARGET_KEYS)
    unsafe = f.unsafe()
    return TargetConfig(
        name=name,
        package=body["package"].strip(),
        port=f.port(),
        health=f.url_path("health"),
        command=f.command(),
        node=f.scalar("node"),
        pnpm=f.scalar("pnpm"),
        runtime=f.image("runtime"),
        build_image=f.image("build_image"),
        build_packages=f.checked("build_packages", validate.debian_package),
        prebuild=f.script_lists("prebuild"),
        build_env=f.keyed("build_env", validate.env_key),
        dockerfile=f.relative_path("dockerfile"),
        dockerignore=f.relative_path("dockerignore"),
        files=f.checked("files", validate.context_path),
        env=f.keyed("env", validate.env_key),
        labels=f.keyed("labels", validate.label_key),
        ignore=f.ignore_patterns(),
        keep=f.checked("keep", validate.context_path) or (),
        user=f.user(unsafe),
        data_dirs=f.data_dirs(unsafe),
        npmrc_secret=f.flag("npmrc_secret"),
        handle_signals=f.flag("handle_signals") is not False,
        instructions=f.instructions(),
        lint_ignore=f.lint_ignore(),
        digests=f.keyed("digests", validate.image_reference),
        kind=f.choice("kind", ("node", "static")),
        spa=f.flag("spa"),
        assets=f.assets(),
        standalone=f.flag("standalone"),
        tags=f.checked("tags", validate.image_reference),
        platforms=f.checked("platforms", validate.platform) or (),
        cache=f.choice("cache", ("registry", "gha")),
        shared=f.flag("shared") is not False,
        optimize=f.choice("optimize", ("rebuilds", "libraries", "cold")) or "rebuilds",
        unsafe=unsafe,
    )


def _check_keys(mapping: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in mapping:
        if key not in allowed:
            line, col = key_position(mapping, key)
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean `{close[0]}`?" if close else f"known keys: {', '.join(allowed)}"
            raise ConfigError(f"unknown key {key!r} in {where}", path=CONFIG_FILE, line=line, col=col, hint=hint)


def _type_error(mapping: Any, key: str, expected: str) -> ConfigError:
    line, col = key_position(mapping, key)
    return ConfigError(f"`{key}` must be {expected}", path=CONFIG_FILE, line=line, col=col)
