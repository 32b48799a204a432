"""`dockergen explain`: for a list of changed paths, which steps of each target's build re-run, why,
and whether the image can change. Pure: a plan, its ignore file and the paths in, a verdict out.

BuildKit's rules, as the plan exposes them: a COPY (or a bind mount) from the build context re-runs
when a file it reads changed and the ignore file sends it; after a step re-runs, every later step of
its stage re-runs, and so does every stage built FROM it. A `COPY --from=stage` is keyed on the
content it copies, so after a change upstream it re-runs only if those files differ ("may re-run":
a rebuilt library whose output is byte-identical stops there). ENV, LABEL, USER, EXPOSE,
HEALTHCHECK and CMD are metadata: they never run."""

from __future__ import annotations

from dataclasses import dataclass

from dockergen.dockerignore import DockerIgnore
from dockergen.plan.model import BuildPlan, Copy, Run, Step

CACHED, MAYBE, RERUN = "cached", "may re-run", "re-runs"
_ORDER = {CACHED: 0, MAYBE: 1, RERUN: 2}
_EXECUTED = ("copy", "run", "workdir", "raw")  # step kinds BuildKit runs (the others set metadata)
SAME, MAY_CHANGE, CHANGES = "the same image", "the image may change", "a new image"


@dataclass(frozen=True, slots=True)
class StepVerdict:
    """One executed step that does not come from the cache (or may not), and why."""

    stage: str
    kind: str
    summary: str  # the step's own comment: what it does
    status: str  # RERUN or MAYBE
    why: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """What a target's build does after the change."""

    target: str
    dockerfile: str
    sent: tuple[str, ...]  # the changed paths its build context sends
    steps: tuple[StepVerdict, ...]
    executed: tuple[tuple[str, int], ...]  # (stage, executed steps in it), every stage, plan order
    image: str  # SAME, MAY_CHANGE or CHANGES
    note: str = ""


def explain(plan: BuildPlan, ignore: DockerIgnore, changed: tuple[str, ...], new: tuple[str, ...] = ()) -> Explanation:
    """The verdict for one target; `changed` are workspace-relative paths (files, added or removed),
    `new` those of them git does not track yet."""
    sent = tuple(p for p in changed if not ignore.is_ignored(p))
    note = ""
    files = {plan.dockerfile, plan.dockerignore}
    if files & set(new):
        note = (
            f"{plan.dockerfile} or its ignore file is not in git yet: no earlier version to compare with; "
            "the verdicts assume the last build used these files"
        )
    elif files & set(changed):
        note = f"{plan.dockerfile} or its ignore file changed itself: steps whose instruction changed re-run too"
    last: dict[str, str] = {}
    # a stage of context COPYs only re-runs when a file it copies changed: its content differs then
    plain = {s.name for s in plan.stages if all(_from_context(st) for st in s.steps if st.kind in _EXECUTED)}
    verdicts: list[StepVerdict] = []
    for stage in plan.stages:
        status = last.get(stage.base, CACHED)
        carried = f"it is built on stage `{stage.base}`, which {status}"
        for step in stage.steps:
            if step.kind not in _EXECUTED:
                continue
            own, own_why = _own(step, sent, last, plain)
            if own != CACHED and _ORDER[own] >= _ORDER[status]:
                status, why = own, own_why
                carried = f"an earlier step of stage `{stage.name}` {own} ({_summary(step)})"
            else:
                why = carried
            if status != CACHED:
                verdicts.append(StepVerdict(stage.name, step.kind, _summary(step), status, why))
        last[stage.name] = status
    image = {CACHED: SAME, MAYBE: MAY_CHANGE, RERUN: CHANGES}[last.get(plan.stages[-1].name, CACHED)]
    executed = tuple((s.name, sum(1 for st in s.steps if st.kind in _EXECUTED)) for s in plan.stages)
    return Explanation(plan.target, plan.dockerfile, sent, tuple(verdicts), executed, image, note)


def _from_context(step: Step) -> bool:
    return isinstance(step, Copy) and step.from_stage is None


def _own(step: Step, sent: tuple[str, ...], last: dict[str, str], plain: set[str]) -> tuple[str, str]:
    """What the step itself reads: changed context files, or a stage that (may have) re-run."""
    hits = [p for p in sent if any(_within(p, r) for r in step.reads)]
    if hits:
        more = f" (+{len(hits) - 1} more)" if len(hits) > 1 else ""
        return RERUN, f"it reads {hits[0]}{more}, which changed"
    stages = [step.from_stage] if isinstance(step, Copy) and step.from_stage else []
    if isinstance(step, Run):
        stages += [m.from_stage for m in step.mounts if m.from_stage]
    upstream = [s for s in stages if s and last.get(s, CACHED) != CACHED]
    changed = [s for s in upstream if s in plain and last[s] == RERUN]
    if changed:
        return RERUN, f"it copies from stage `{changed[0]}`, whose copied files changed"
    if upstream:
        return MAYBE, f"it copies from stage `{upstream[0]}`, which {last[upstream[0]]}: only if those files changed"
    return CACHED, ""


def _within(path: str, read: str) -> bool:
    return read == "." or path == read or path.startswith(read.rstrip("/") + "/")


def _summary(step: Step) -> str:
    comment = getattr(step, "comment", "") or step.kind
    return comment if len(comment) <= 100 else comment[:97] + "..."
