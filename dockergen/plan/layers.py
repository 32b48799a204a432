"""Layers per stage, bounded: Docker refuses an image of more than 127 layers (the overlay
filesystem's limit), so no stage dockergen writes holds more than MAX_LAYERS_PER_STAGE. A stage
past it first merges its consecutive COPYs into one folder (one COPY, several sources); a build
stage still past it continues in a fresh stage that carries its /repo over; a stage that cannot
(the runtime image: what it copies must end up in one image) is refused with the fix."""

from __future__ import annotations

import dataclasses
import re

from dockergen.config.keys import CONFIG_FILE
from dockergen.errors import ConfigError
from dockergen.plan.model import Copy, Raw, Run, Stage, Step, Workdir

# Start a fresh stage after this many layers so no image nears Docker's 127-layer limit (the
# base image's own layers come on top: node:22-slim has 5, distroless 13).
MAX_LAYERS_PER_STAGE = 60
DOCKER_LIMIT = 127
WORKDIR = "/repo"
# stages whose whole state is /repo (built on `base` or on each other): they can continue in a
# fresh stage from `base` that copies /repo over; the runtime's files must stay in one image, and
# lib-deps keeps pnpm's record of its install outside /repo (planner._chain splits it, when ever)
_CARRIED = frozenset({"lib-manifests", "manifests", "libs", "deps", "build"})


def layers(steps: tuple[Step, ...]) -> int:
    """The layers these steps make: COPY, RUN, WORKDIR and the user's own instructions (counted
    as one each, whatever they are); ENV, LABEL, USER, EXPOSE, HEALTHCHECK and CMD make none."""
    return sum(1 for s in steps if isinstance(s, (Copy, Run, Workdir, Raw)))


def bounded(stages: tuple[Stage, ...], target: str) -> tuple[Stage, ...]:
    """The stages, each with at most MAX_LAYERS_PER_STAGE layers; ConfigError when one cannot."""
    out: list[Stage] = []
    for stage in stages:
        if layers(stage.steps) <= MAX_LAYERS_PER_STAGE:
            out.append(stage)
            continue
        merged = dataclasses.replace(stage, steps=merge_copies(stage.steps))
        if layers(merged.steps) <= MAX_LAYERS_PER_STAGE:
            out.append(merged)
        else:
            out.extend(_split(merged, target))
    return tuple(out)


def merge_copies(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """Consecutive COPYs into the same folder (same origin, owner and mode) as one COPY of all
    their sources: `COPY a x/` then `COPY b x/` is `COPY a b x/`."""
    out: list[Step] = []
    run: list[Copy] = []
    for step in (*steps, None):
        if isinstance(step, Copy) and run and _mergeable(run[-1], step):
            run.append(step)
            continue
        if run:
            out.append(_merged(run))
            run = []
        if isinstance(step, Copy) and step.dest.endswith("/"):
            run = [step]
        elif step is not None:
            out.append(step)
    return tuple(out)


def _mergeable(a: Copy, b: Copy) -> bool:
    return (a.dest, a.from_stage, a.chown, a.chmod) == (b.dest, b.from_stage, b.chown, b.chmod)


def _merged(run: list[Copy]) -> Copy:
    if len(run) == 1:
        return run[0]
    sources = tuple(dict.fromkeys(s for c in run for s in c.sources))
    comment = (
        f"{len(sources)} paths into {run[0].dest} in one COPY (a layer each would pass Docker's "
        f"{DOCKER_LIMIT}-layer limit): {run[0].comment}; …"
    )
    return dataclasses.replace(run[0], sources=sources, comment=comment)


def _split(stage: Stage, target: str) -> list[Stage]:
    """A build stage as several, each later one from `base` with the previous one's /repo; cut
    only before a COPY, and only while no step has set state a copy of /repo would not carry
    (ENV, WORKDIR, USER, the user's instructions)."""
    if re.sub(r"-\d+$", "", stage.name) not in _CARRIED:  # `libs-2`: a stage a chain began
        raise _refusal(stage, target)
    chunks: list[list[Step]] = [[]]
    stateful = False
    for step in stage.steps:
        full = layers(tuple(chunks[-1])) >= MAX_LAYERS_PER_STAGE - 1  # room for the carry
        if full and isinstance(step, Copy) and not stateful:
            chunks.append([])
        chunks[-1].append(step)
        stateful = stateful or not isinstance(step, (Copy, Run))
    if any(layers(tuple(c)) > MAX_LAYERS_PER_STAGE - 1 for c in chunks):
        raise _refusal(stage, target)
    out: list[Stage] = []
    for index, chunk in enumerate(chunks):
        name = stage.name if index == len(chunks) - 1 else f"{stage.name}-part{index + 1}"
        if index == 0:
            out.append(Stage(name, stage.base, stage.comment, tuple(chunk)))
            continue
        base, dest = ("scratch", f"{WORKDIR}/") if stage.base == "scratch" else ("base", "./")
        carry = Copy((f"{WORKDIR}/",), dest, f"{stage.name}: the work of the previous stage", out[-1].name)
        out.append(Stage(name, base, stage.comment, (carry, *chunk)))
    return out


def _refusal(stage: Stage, target: str) -> ConfigError:
    count = layers(stage.steps)
    return ConfigError(
        f"target {target!r}: stage {stage.name!r} would have {count} layers, and dockergen keeps each "
        f"stage under {MAX_LAYERS_PER_STAGE} (Docker refuses an image of more than {DOCKER_LIMIT})",
        path=CONFIG_FILE,
        hint="copy whole folders instead of many single paths: fewer, broader `files:`, `assets:`, "
        "`data_dirs:` or `instructions:` entries",
    )
