"""The bake file: one `docker buildx bake` target per dockergen target (its Dockerfile, its last
stage, its tags and platforms) and a `default` group of all of them, so that one command builds
every app in one BuildKit session, where identical steps of the targets (the pnpm base, the
libraries' installs and builds they share) run once."""

from __future__ import annotations

from dataclasses import dataclass

from dockergen.config import Config
from dockergen.plan.model import BuildPlan

REGISTRY = "REGISTRY"  # variable: a prefix such as ghcr.io/acme/ (empty: local names)
TAG = "TAG"  # variable: the tag of every default image name


@dataclass(frozen=True, slots=True)
class BakeTarget:
    """One app: where its Dockerfile is, which stage is the image, how it is tagged."""

    name: str
    dockerfile: str
    stage: str
    tags: tuple[str, ...] | None  # None: ${REGISTRY}<name>:${TAG}
    platforms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BakePlan:
    """The bake file's content, as data: its path, variables (name, default) and targets."""

    path: str
    variables: tuple[tuple[str, str], ...]
    targets: tuple[BakeTarget, ...]


def bake_plan(config: Config, plans: tuple[BuildPlan, ...]) -> BakePlan | None:
    """The bake file when dockergen.yaml asks for one (`bake:`), else None."""
    if config.bake is None:
        return None
    targets = []
    for plan in plans:
        cfg = config.target(plan.target)
        assert cfg is not None
        targets.append(BakeTarget(plan.target, plan.dockerfile, plan.stages[-1].name, cfg.tags, cfg.platforms))
    return BakePlan(config.bake, ((REGISTRY, ""), (TAG, "latest")), tuple(targets))
