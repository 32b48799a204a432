"""The bake file: one `docker buildx bake` target per dockergen target (its Dockerfile, its last
stage, its tags, platforms, OCI labels and layer cache) and a `default` group of all of them, so
that one command builds every app in one BuildKit session, where identical steps of the targets
(the pnpm base, the libraries' installs and builds they share) run once."""

from __future__ import annotations

from dataclasses import dataclass

from dockergen.config.model import Config
from dockergen.plan.model import BuildPlan

REGISTRY = "REGISTRY"  # variable: a prefix such as ghcr.io/acme/ (empty: local names)
TAG = "TAG"  # variable: the tag of every default image name
SOURCE = "SOURCE"  # variable: the repository's URL (label org.opencontainers.image.source)
REVISION = "REVISION"  # variable: the commit built (label org.opencontainers.image.revision)
OCI = "org.opencontainers.image."


@dataclass(frozen=True, slots=True)
class Cache:
    """One `cache-from`/`cache-to` entry: its type, where it lives, and the export mode."""

    type: str  # registry | gha
    ref: str  # registry: the cache image's name, after ${REGISTRY}; gha: the scope


@dataclass(frozen=True, slots=True)
class BakeTarget:
    """One app: where its Dockerfile is, which stage is the image, how it is tagged and labelled."""

    name: str
    dockerfile: str
    stage: str
    tags: tuple[str, ...] | None  # None: ${REGISTRY}<name>:${TAG}
    platforms: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]  # fixed OCI labels (title, version)
    cache: Cache | None


@dataclass(frozen=True, slots=True)
class BakePlan:
    """The bake file's content, as data: its path, variables (name, default) and targets; the
    labels set from variables (label, variable: omitted while the variable is empty)."""

    path: str
    variables: tuple[tuple[str, str], ...]
    targets: tuple[BakeTarget, ...]
    variable_labels: tuple[tuple[str, str], ...] = ((f"{OCI}source", SOURCE), (f"{OCI}revision", REVISION))


def bake_plan(config: Config, plans: tuple[BuildPlan, ...], versions: dict[str, str | None]) -> BakePlan | None:
    """The bake file when dockergen.yaml asks for one (or has several targets), else None;
    `versions` are the packages' package.json versions, by name."""
    if config.bake is None:
        return None
    targets = []
    for plan in plans:
        cfg = config.target(plan.target)
        assert cfg is not None
        labels = [(f"{OCI}title", plan.target)]
        version = versions.get(plan.package)
        if version:
            labels.append((f"{OCI}version", version))
        cache = _cache(cfg.cache, plan.target)
        stage = plan.stages[-1].name
        targets.append(BakeTarget(plan.target, plan.dockerfile, stage, cfg.tags, cfg.platforms, tuple(labels), cache))
    variables = ((REGISTRY, config.registry), (TAG, "latest"), (SOURCE, ""), (REVISION, ""))
    return BakePlan(config.bake, variables, tuple(targets))


def _cache(kind: str | None, target: str) -> Cache | None:
    if kind is None:
        return None
    return Cache(kind, f"{target}:buildcache" if kind == "registry" else target)
