"""The CI workflow (`ci: github`) as data: check the generated files, compute the targets a change
can alter (`dockergen affected`), build and push only those with the bake file and its cache.
`templates/github-workflow.yml.j2` spells it; every value here is validated where it is read or a
constant of dockergen's."""

from __future__ import annotations

from dataclasses import dataclass

import dockergen
from dockergen.config.model import CI_FILES, Config
from dockergen.plan.bake import BakePlan

GHCR = "ghcr.io"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty tree: every file is a change


@dataclass(frozen=True, slots=True)
class Login:
    """Where the build job logs in, and the expressions of its credentials."""

    registry: str
    username: str  # a GitHub expression, e.g. github.actor
    password: str  # a GitHub expression, e.g. secrets.GITHUB_TOKEN


@dataclass(frozen=True, slots=True)
class WorkflowPlan:
    """The workflow's content: its path, the bake file, how dockergen is installed, the registry."""

    path: str
    bake_file: str
    dockergen_version: str
    registry: str  # the bake file's REGISTRY default; empty: ghcr.io/<owner, lowercased>/, set in the job
    login: Login
    cached: bool  # some target has `cache:`; pull requests read it and never write it
    empty_tree: str = EMPTY_TREE  # the base when there is no previous commit


def workflow_plan(config: Config, bake: BakePlan) -> WorkflowPlan:
    """The GitHub Actions workflow for this config and its bake file."""
    assert config.ci is not None
    host = config.registry.split("/", 1)[0] if config.registry else GHCR
    if "." not in host and ":" not in host and host != "localhost":
        host = "docker.io"  # a prefix like acme/ is a Docker Hub namespace
    if host == GHCR:
        login = Login(GHCR, "github.actor", "secrets.GITHUB_TOKEN")
    else:
        login = Login(host, "secrets.REGISTRY_USERNAME", "secrets.REGISTRY_PASSWORD")
    cached = any(t.cache is not None for t in bake.targets)
    return WorkflowPlan(CI_FILES[config.ci], bake.path, dockergen.__version__, config.registry, login, cached)
