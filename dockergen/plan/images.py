"""Node/pnpm versions and base images of one target: config wins, else what the repository pins."""

from __future__ import annotations

from dockergen.config.model import CONFIG_FILE, TargetConfig
from dockergen.errors import InputError
from dockergen.plan.model import Images, RuntimeKind
from dockergen.validate import image_reference
from dockergen.workspace import pnpm_releases, semver
from dockergen.workspace.manifest import Package
from dockergen.workspace.scan import Workspace

DISTROLESS = "gcr.io/distroless/nodejs{major}-debian12:nonroot"
# Static sites: Debian's nginx-light on debian slim (90 MB here, against 140 MB for distroless Node).
NGINX_BASE = "debian:bookworm-slim"
NGINX_USER = "101:101"


def choose_images(ws: Workspace, cfg: TargetConfig, pkg: Package) -> Images:
    """Node, pnpm, base images and the runtime user of one target."""
    warnings: list[str] = []
    node, major, node_source = _node(ws, cfg)
    engines = pkg.engines_node
    if (
        engines
        and semver.parse_range(engines, semver.ENGINES)
        and not semver.major_allowed(major, engines, semver.ENGINES)
    ):
        warnings.append(f"Node {node} (from {node_source}) does not satisfy engines.node {engines!r} of {pkg.name}")
    pnpm, pnpm_major, integrity, pnpm_source = _pnpm(ws, cfg)
    kind, runtime = _runtime(cfg, node, major)
    build = cfg.build_image or f"node:{node}-slim"
    for image in (runtime, build):
        reason = image_reference(image)
        if reason:  # config values are checked when read: this is a Node version from the repository
            raise InputError(
                f"Node version {node!r} gives the image {image!r}, which {reason}",
                path=node_source.split(" ", 1)[0],
                hint="pin an exact or major Node version, or set `node:` in dockergen.yaml",
            )
    digests = dict(cfg.digests)  # each sha256:<64 hex digits>: checked when read
    return Images(
        node=node,
        node_major=major,
        node_source=node_source,
        pnpm=pnpm,
        pnpm_major=pnpm_major,
        pnpm_integrity=integrity,
        pnpm_source=pnpm_source,
        build=_pin(build, digests),
        runtime=_pin(runtime, digests),
        runtime_kind=kind,
        user=cfg.user or {"distroless": "65532:65532", "nginx": NGINX_USER}.get(kind, "1000:1000"),
        node_binary="/nodejs/bin/node" if kind == "distroless" else "node",
        warnings=tuple(warnings),
    )


def _runtime(cfg: TargetConfig, node: str, major: int) -> tuple[RuntimeKind, str]:
    """The runtime's kind and image: `runtime` in dockergen.yaml, else slim Node for apps and
    nginx for static sites (the smallest non-root static server here)."""
    wanted = cfg.runtime or ("nginx" if cfg.kind == "static" else "slim")
    if wanted == "nginx" and cfg.kind != "static":  # `kind: node` with it is refused when read; detected here
        raise cfg.error(
            "runtime",
            f"`runtime: nginx` serves static sites only, and {cfg.package} is detected as a Node app",
            hint="use slim or distroless for a Node app, or set `kind: static` for a built site",
        )
    known: dict[str, tuple[RuntimeKind, str]] = {
        "slim": ("slim", f"node:{node}-slim"),
        "distroless": ("distroless", DISTROLESS.format(major=major)),
        "nginx": ("nginx", NGINX_BASE),
    }
    return known.get(wanted, ("custom", wanted))


def _node(ws: Workspace, cfg: TargetConfig) -> tuple[str, int, str]:
    if cfg.node is None:
        return ws.versions.node_version, ws.versions.node_major, ws.versions.node_source
    parsed = semver.parse_version(cfg.node)  # a major or an exact version: checked when read
    assert parsed is not None
    return cfg.node, parsed.major, CONFIG_FILE


def _pnpm(ws: Workspace, cfg: TargetConfig) -> tuple[str, int, str | None, str]:
    v = ws.versions
    if cfg.pnpm is None:
        return v.pnpm_version, v.pnpm_major, v.pnpm_integrity, v.pnpm_source
    parsed = semver.parse_exact(cfg.pnpm)
    if parsed is None:  # `10` or `^10`: pinned as a range in package.json would be
        choice = pnpm_releases.choose(cfg.pnpm, ws.lockfile) if semver.parse_range(cfg.pnpm, semver.ENGINES) else None
        if choice is None:
            raise cfg.error(
                "pnpm",
                f"no known pnpm release in the range {cfg.pnpm!r} installs {ws.lockfile.path}",
                hint="set an exact version (10.34.9)",
            )
        return choice.version, choice.major, None, f"{CONFIG_FILE} {cfg.pnpm!r}: {choice.why}"
    integrity = v.pnpm_integrity if cfg.pnpm == v.pnpm_version else None
    return cfg.pnpm, parsed.major, integrity, CONFIG_FILE


def _pin(image: str, digests: dict[str, str]) -> str:
    """`node:22-slim` + digest -> `node:22-slim@sha256:...` (the tag stays for update tools)."""
    digest = digests.get(image)
    return f"{image}@{digest}" if digest and "@" not in image else image
