"""Several targets, one Dockerfile. Pure: the targets' plans in, each target's view of the shared
file and the plan of the file itself out.

Each target is planned with the libraries of all the targets sharing its file, so their common
stages (the pnpm base, the libraries' install and builds) come out identical. A stage that two or
more targets have with the same content, and whose every upstream stage is shared too, is written
once under its own name; the others are the target's own, named `<target>-<stage>`, and the runtime
stage is named after the target: `docker build --target <target> .` builds one app, and BuildKit
runs the shared steps once for all of them (the second target finds them in the cache)."""

from __future__ import annotations

import dataclasses
from collections import Counter

from dockergen.config.keys import CONFIG_FILE
from dockergen.errors import ConfigError
from dockergen.plan.build_context import outermost
from dockergen.plan.model import BuildContext, BuildPlan, Copy, Run, Stage, Step


def group_by_file(plans: tuple[BuildPlan, ...]) -> list[tuple[BuildPlan, ...]]:
    """Plans that write the same Dockerfile, in the order of their first target."""
    groups: dict[str, list[BuildPlan]] = {}
    for plan in plans:
        groups.setdefault(plan.dockerfile, []).append(plan)
    return [tuple(g) for g in groups.values()]


def libraries(plans: tuple[BuildPlan, ...]) -> tuple[str, ...]:
    """The libraries the shared stages build: those two or more targets of the group use (a target
    uses its own package too: an app another target depends on is built once, with them). Closed
    under dependencies: what two targets' libraries need, both targets need."""
    uses = Counter(name for plan in plans for name in {*plan.libraries, plan.package})
    return tuple(sorted(name for name, count in uses.items() if count >= 2))


def views(plans: tuple[BuildPlan, ...]) -> tuple[BuildPlan, ...]:
    """Each target's plan as the shared file spells it: shared stages under their names, its own
    prefixed, its runtime named after it. Raises when two names would collide."""
    ignore_files = sorted({p.dockerignore for p in plans})
    if len(ignore_files) > 1:
        raise ConfigError(
            f"targets {', '.join(repr(p.target) for p in plans)} share {plans[0].dockerfile} "
            f"but name different ignore files ({', '.join(ignore_files)})",
            path=CONFIG_FILE,
            hint="one Dockerfile has one ignore file: give them the same `dockerignore:`, or set `shared: false`",
        )
    common = _shared_stages(plans)
    out = []
    owners: dict[str, str] = {name: "the shared stages" for name in common}
    for plan in plans:
        shared = _matching(plan, common)
        last = plan.stages[-1].name
        names = {
            s.name: s.name if s.name in shared else (plan.target if s.name == last else f"{plan.target}-{s.name}")
            for s in plan.stages
        }
        for stage in plan.stages:
            new = names[stage.name]
            if stage.name not in shared:
                if new in owners:
                    raise ConfigError(
                        f"target {plan.target!r}: its stage {new!r} in the shared {plan.dockerfile} "
                        f"would have the name of a stage of {owners[new]}",
                        path=CONFIG_FILE,
                        hint=f"rename target {plan.target!r}, or set `shared: false` for it",
                    )
                owners[new] = f"target {plan.target!r}"
        stages = tuple(_renamed(stage, names) for stage in plan.stages)
        out.append(dataclasses.replace(plan, stages=stages, build_target=names[last]))
    return tuple(out)


def merged(group: tuple[BuildPlan, ...]) -> BuildPlan:
    """The plan of the shared file: every view's stages once (each after those it builds on),
    the union of what the targets' contexts keep, their warnings and accepted findings."""
    stages: dict[str, Stage] = {}
    for plan in group:
        for stage in plan.stages:
            stages.setdefault(stage.name, stage)
    first = group[0]
    contexts = [p.build_context for p in group]
    context = BuildContext(
        keep=outermost({k for c in contexts for k in c.keep}),
        drop=tuple(dict.fromkeys(d for c in contexts for d in c.drop)),
        user=tuple(dict.fromkeys(u for c in contexts for u in c.user)),
    )
    return dataclasses.replace(
        first,
        target="",
        package="",
        stages=tuple(stages.values()),
        build_context=context,
        warnings=tuple(dict.fromkeys(w for p in group for w in p.warnings)),
        lint_ignore=tuple(dict.fromkeys(pair for p in group for pair in p.lint_ignore)),
        build_target="",
        shared_by=tuple((p.build_target, p.package) for p in group),
    )


def _shared_stages(plans: tuple[BuildPlan, ...]) -> dict[str, Stage]:
    """Stage name -> the content that two or more plans have under it (never a runtime stage),
    counting a plan's stage only when every stage it builds on is shared as well. A target whose
    stage of that name differs (say, `optimize: cold`) keeps its own, prefixed."""
    found: dict[str, Counter[Stage]] = {}
    for plan in plans:
        for stage in plan.stages[:-1]:
            found.setdefault(stage.name, Counter())[stage] += 1
    candidates = {name: c.most_common(1)[0][0] for name, c in found.items() if c.most_common(1)[0][1] >= 2}
    while True:
        counts = Counter(name for plan in plans for name in _matching(plan, candidates))
        kept = {name: stage for name, stage in candidates.items() if counts[name] >= 2}
        if kept == candidates:
            return kept
        candidates = kept


def _matching(plan: BuildPlan, shared: dict[str, Stage]) -> set[str]:
    """The plan's stages that are the shared ones, upstream included (stages come after those they use)."""
    names = {s.name for s in plan.stages}
    ok: set[str] = set()
    for stage in plan.stages[:-1]:
        if shared.get(stage.name) == stage and all(ref in ok or ref not in names for ref in _upstream(stage)):
            ok.add(stage.name)
    return ok


def _upstream(stage: Stage) -> set[str]:
    refs = {stage.base}
    for step in stage.steps:
        if isinstance(step, Copy) and step.from_stage:
            refs.add(step.from_stage)
        if isinstance(step, Run):
            refs |= {m.from_stage for m in step.mounts if m.from_stage}
    return refs


def _renamed(stage: Stage, names: dict[str, str]) -> Stage:
    steps = tuple(_step(step, names) for step in stage.steps)
    return dataclasses.replace(stage, name=names[stage.name], base=names.get(stage.base, stage.base), steps=steps)


def _step(step: Step, names: dict[str, str]) -> Step:
    if isinstance(step, Copy) and step.from_stage:
        return dataclasses.replace(step, from_stage=names.get(step.from_stage, step.from_stage))
    if isinstance(step, Run) and any(m.from_stage for m in step.mounts):
        mounts = tuple(
            dataclasses.replace(m, from_stage=names.get(m.from_stage, m.from_stage)) if m.from_stage else m
            for m in step.mounts
        )
        return dataclasses.replace(step, mounts=mounts)
    return step
