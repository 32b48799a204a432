"""A plan as text for people (`dockergen plan`): stages, steps and why. The Dockerfile's own
spelling is the template's; this says what each step does in a line."""

from __future__ import annotations

from dockergen.plan import model
from dockergen.plan.model import BuildPlan, Step


def describe(p: BuildPlan) -> str:
    """The whole plan of one target, a line per step and one for its reason."""
    lines = [
        f"target {p.target}: {p.package} ({p.package_dir}) -> {p.dockerfile} + {p.dockerignore}"
        + (f" (shared: docker build --target {p.build_target})" if p.build_target else ""),
        f"  node {p.node} ({p.node_source}), pnpm {p.pnpm} ({p.pnpm_source})",
        f"  images: build {p.images.build}, runtime {p.images.runtime} as {p.images.user}",
    ]
    for stage in p.stages:
        lines.append(f"  stage {stage.name} (from {stage.base}): {stage.comment}")
        for step in stage.steps:
            lines.append(f"    {step_text(step)}")
            lines.append(f"      why: {step.comment}")
    lines.append(f"  context: {len(p.build_context.keep)} kept paths, {len(p.build_context.drop)} exclusions")
    return "\n".join(lines)


def step_text(step: Step) -> str:
    """One line saying what a step does (for people; the Dockerfile spelling is the template's)."""
    if isinstance(step, model.Copy):
        origin = f" from {step.from_stage}" if step.from_stage else ""
        return f"copy{origin}: {', '.join(step.sources)} -> {step.dest}"
    if isinstance(step, model.Run):
        text = " && ".join(" ".join(c.argv) for c in step.commands)
        return f"run: {text[:100]}{' ...' if len(text) > 100 else ''}"
    if isinstance(step, (model.Env, model.Label)):
        return f"{step.kind}: {', '.join(k for k, _ in step.pairs)}"
    if isinstance(step, (model.Cmd, model.Healthcheck)):
        return f"{step.kind}: {' '.join(step.argv) or 'none'}"[:120]
    if isinstance(step, model.Raw):
        return f"raw: {step.text}"
    value = {"workdir": "path", "user": "user", "expose": "port"}[step.kind]
    return f"{step.kind}: {getattr(step, value)}"
