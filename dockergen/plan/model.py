"""The plan as data: typed steps, stages and the BuildPlan the renderer turns into files.

Steps hold values (paths, argv, pairs), never fragments of Dockerfile or shell text: every
instruction's spelling and quoting lives in templates/Dockerfile.j2. `plan --format json` prints
this structure (`to_json`), with SCHEMA_VERSION.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal

SCHEMA_VERSION = 1
RuntimeKind = Literal["slim", "distroless", "nginx", "custom"]


@dataclass(frozen=True, slots=True)
class Mount:
    """A `RUN --mount` flag: a cache folder, a build secret, or a bind mount from the context or a stage."""

    type: Literal["cache", "secret", "bind"]
    id: str | None = None
    target: str | None = None
    source: str | None = None
    from_stage: str | None = None
    required: bool = False
    sharing: Literal["shared", "private", "locked"] | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """One shell command of a RUN: argv words (each quoted by the template), joined by `&&`.

    `secret_env` names environment variables set from `/run/secrets/<name>` for this command only;
    `stdout` redirects its output to a file; `if_available` runs it only when that program exists.
    """

    argv: tuple[str, ...]
    secret_env: tuple[str, ...] = ()
    stdout: str | None = None
    if_available: str | None = None


@dataclass(frozen=True, slots=True)
class Copy:
    """COPY sources to dest, from the build context or (`from_stage`) another stage."""

    kind: ClassVar[str] = "copy"
    sources: tuple[str, ...]
    dest: str
    comment: str
    from_stage: str | None = None
    chown: str | None = None
    chmod: str | None = None

    @property
    def reads(self) -> tuple[str, ...]:
        """Context paths this COPY reads (none when it copies from a stage)."""
        if self.from_stage is not None:
            return ()
        return tuple(s.rstrip("/") or "." for s in self.sources)


@dataclass(frozen=True, slots=True)
class Run:
    """RUN the commands in order, stopping at the first failure, with the given mounts."""

    kind: ClassVar[str] = "run"
    commands: tuple[Command, ...]
    comment: str
    mounts: tuple[Mount, ...] = ()
    pragmas: tuple[str, ...] = ()  # linter directives written above it

    @property
    def reads(self) -> tuple[str, ...]:
        return tuple(m.source or "." for m in self.mounts if m.type == "bind" and m.from_stage is None)


@dataclass(frozen=True, slots=True)
class Env:
    """ENV pairs, in order."""

    kind: ClassVar[str] = "env"
    pairs: tuple[tuple[str, str], ...]
    comment: str
    pragmas: tuple[str, ...] = ()  # linter directives written above it
    reads: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True)
class Label:
    """LABEL pairs, in order."""

    kind: ClassVar[str] = "label"
    pairs: tuple[tuple[str, str], ...]
    comment: str
    reads: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True)
class Workdir:
    """WORKDIR of the following steps."""

    kind: ClassVar[str] = "workdir"
    path: str
    comment: str
    reads: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True)
class User:
    """USER the rest of the stage (and the container) runs as."""

    kind: ClassVar[str] = "user"
    user: str  # numeric uid:gid
    comment: str
    reads: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True)
class Expose:
    """EXPOSE one TCP port."""

    kind: ClassVar[str] = "expose"
    port: int
    comment: str
    reads: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True)
class Healthcheck:
    """HEALTHCHECK CMD argv with its timings; `argv=()` means HEALTHCHECK NONE."""

    kind: ClassVar[str] = "healthcheck"
    argv: tuple[str, ...]
    comment: str
    interval: str = "30s"
    timeout: str = "5s"
    start_period: str = "10s"
    retries: int = 3
    reads: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True)
class Cmd:
    """CMD in exec form."""

    kind: ClassVar[str] = "cmd"
    argv: tuple[str, ...]
    comment: str
    reads: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True)
class Raw:
    """One instruction from `instructions` in dockergen.yaml, validated as exactly one complete
    instruction by BuildKit's parser; `pragmas` are linter directives written above it."""

    kind: ClassVar[str] = "raw"
    text: str
    comment: str
    pragmas: tuple[str, ...] = ()
    reads: ClassVar[tuple[str, ...]] = ()


Step = Copy | Run | Env | Label | Workdir | User | Expose | Healthcheck | Cmd | Raw


@dataclass(frozen=True, slots=True)
class Stage:
    """FROM `base` AS `name`, then its steps."""

    name: str
    base: str
    comment: str
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class BuildContext:
    """What the build context must contain: paths to keep, patterns to drop inside them."""

    keep: tuple[str, ...]
    drop: tuple[str, ...]
    user: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Images:
    """Versions and images of one target, and where each came from."""

    node: str
    node_major: int
    node_source: str
    pnpm: str
    pnpm_major: int
    pnpm_integrity: str | None
    pnpm_source: str
    build: str
    runtime: str
    runtime_kind: RuntimeKind
    user: str
    node_binary: str
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BuildPlan:
    """The contract between planner and renderer; `dockergen plan --format json` prints it."""

    target: str
    package: str
    package_dir: str
    dockerfile: str
    dockerignore: str
    node: str
    node_source: str
    pnpm: str
    pnpm_source: str
    images: Images
    stages: tuple[Stage, ...]
    build_context: BuildContext
    warnings: tuple[str, ...]
    lint_ignore: tuple[tuple[str, str], ...] = ()
    libraries: tuple[str, ...] = ()  # the workspace libraries its build stages build
    build_target: str = ""  # in a Dockerfile shared by several targets: the stage to build (--target)
    shared_by: tuple[tuple[str, str], ...] = ()  # the plan of a shared Dockerfile: (stage, package) per target

    @property
    def reads(self) -> tuple[str, ...]:
        """Every context path a step reads."""
        return tuple(sorted({r for s in self.stages for step in s.steps for r in step.reads}))

    @property
    def hadolint_ignores(self) -> tuple[str, ...]:
        return tuple(rule for rule, _ in self.lint_ignore if rule[:2] in ("DL", "SC"))


def to_json(plans: tuple[BuildPlan, ...] | list[BuildPlan]) -> dict[str, Any]:
    """The plans as JSON-ready data: every step with its `kind` and the context paths it `reads`."""
    return {"schema_version": SCHEMA_VERSION, "targets": [_data(p) for p in plans]}


def _data(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_data(v) for v in value]
    if not hasattr(value, "__dataclass_fields__"):
        return value
    out: dict[str, Any] = {}
    kind = getattr(type(value), "kind", None)
    if isinstance(kind, str):
        out["kind"] = kind
    for f in fields(value):
        out[f.name] = _data(getattr(value, f.name))
    if isinstance(kind, str):
        out["reads"] = list(value.reads)
    return out
