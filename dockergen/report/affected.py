"""`dockergen affected`: the targets whose image a change can alter, for a CI matrix. Pure: per
target, `explain`'s verdict on the plan of the target's own closure (the stages it would have
alone: its app, its libraries, the install inputs), because in a Dockerfile shared with other
targets a step that re-runs for another app's library copies that library's files only into
stages whose output this image does not take. A change to the target's Dockerfile, its ignore
file or the bake file alters it too (instructions, labels, platforms)."""

from __future__ import annotations

from dataclasses import dataclass

from dockergen.dockerignore import DockerIgnore
from dockergen.plan.model import BuildPlan
from dockergen.report.explain import RERUN, SAME, explain


@dataclass(frozen=True, slots=True)
class Affected:
    """A target whose image can change, and the first reason."""

    target: str
    dockerfile: str
    stage: str  # the stage to build (docker build --target)
    image: str  # explain's verdict: a new image, or the image may change
    reason: str


def affected(
    plan: BuildPlan, closure: BuildPlan, ignore: DockerIgnore, changed: tuple[str, ...], bake: str | None
) -> Affected | None:
    """The verdict for one target: `plan` as written (a shared Dockerfile's view), `closure` as
    planned alone; None when its image stays the same."""
    stage = plan.stages[-1].name
    own = [p for p in (plan.dockerfile, plan.dockerignore, bake) if p is not None and p in changed]
    if own:
        what = (
            "the bake file" if own[0] == bake else "its Dockerfile" if own[0] == plan.dockerfile else "its ignore file"
        )
        return Affected(plan.target, plan.dockerfile, stage, "a new image", f"{what} {own[0]} changed")
    verdict = explain(closure, ignore, changed)
    if verdict.image == SAME:
        return None
    cause = next((s for s in verdict.steps if s.status == RERUN), verdict.steps[0])
    reason = f"stage {_stage_in(plan, closure, cause.stage)}: {cause.summary}; {cause.why}"
    return Affected(plan.target, plan.dockerfile, stage, verdict.image, reason)


def _stage_in(plan: BuildPlan, closure: BuildPlan, stage: str) -> str:
    """The name a stage of the closure's plan has in the written Dockerfile (a shared one names a
    target's own stages `<target>-<stage>` and its runtime after the target)."""
    names = {s.name for s in plan.stages}
    if stage == closure.stages[-1].name:
        return plan.stages[-1].name
    return f"{plan.target}-{stage}" if stage not in names and f"{plan.target}-{stage}" in names else stage


def matrix(base: str, changed: tuple[str, ...], found: tuple[Affected, ...]) -> dict[str, object]:
    """The JSON a CI job reads: `targets` (names, for `docker buildx bake`), `include` (one entry
    per target, for a matrix strategy), `base` and the `changed` paths."""
    return {
        "base": base,
        "changed": list(changed),
        "targets": [a.target for a in found],
        "include": [
            {"target": a.target, "dockerfile": a.dockerfile, "stage": a.stage, "image": a.image, "reason": a.reason}
            for a in found
        ],
    }
