"""Stages `libs` and `build`: shared build configuration, then sources and builds in dependency order."""

from __future__ import annotations

import posixpath

from dockergen.plan.inputs import StageInputs, copy, extra_steps, folder
from dockergen.plan.model import Command, Copy, Run, Step
from dockergen.validate import context_path
from dockergen.workspace import graph
from dockergen.workspace.manifest import Package
from dockergen.workspace.tsconfig import TsLink

LIBS_COMMENT = "workspace libraries, built in dependency order, one cached step per package"


def _build_files(inputs: StageInputs) -> list[Step]:
    """Files every build may read, copied before any source: the root's build configuration,
    tsconfig files other packages extend or reference, and `keep`."""
    names = [f for f in inputs.ws.root_files if f.startswith(BUILD_CONFIG_PREFIXES) and not context_path(f)]
    out: list[Step] = []
    if names:
        out.append(copy(sorted(names), "./", "shared build configuration at the workspace root"))
    for target, (kind, sources) in sorted(_ts_inputs(inputs, names).items()):
        by = ", ".join(sorted(sources))
        if kind == "extends":
            out.append(copy([target], folder(posixpath.dirname(target)), f"{target}: extended by {by}"))
        else:
            out.append(copy([folder(target)], folder(target), f"{target}: a TypeScript project referenced by {by}"))
    for path in inputs.cfg.keep:
        source = path.rstrip("/")
        out.append(copy([path], folder(posixpath.dirname(source)), "listed under `keep` in dockergen.yaml"))
    return out


def _ts_inputs(inputs: StageInputs, root_configs: list[str]) -> dict[str, tuple[str, set[str]]]:
    """tsconfig inputs from outside the package that needs them: target -> (kind, sources).
    Followed from the closure's tsconfig files and the root's, through the files they extend."""
    packages = (*inputs.libs, inputs.pkg)
    order = {p.dir: i for i, p in enumerate(packages)}
    by_source: dict[str, list[TsLink]] = {}
    for link in inputs.ws.ts_links:
        by_source.setdefault(link.source, []).append(link)
    needed: dict[str, tuple[str, set[str]]] = {}
    queue = [s for s in by_source if _owner(s, order) is not None or s in root_configs]
    seen = set(queue)
    while queue:
        source = queue.pop()
        for link in by_source.get(source, ()):
            if link.target in root_configs or _copied_in_time(link, order):
                continue
            needed.setdefault(link.target, (link.kind, set()))[1].add(link.source)
            if link.kind == "extends" and link.target not in seen:
                seen.add(link.target)
                queue.append(link.target)
    return needed


def _copied_in_time(link: TsLink, order: dict[str, int]) -> bool:
    """Is the target already there when the source's package builds: inside the same package,
    or (a referenced project) a package copied earlier?"""
    source, target = _owner(link.source, order), _owner(link.target, order)
    if target is None or source is None:
        return False
    return target == source or (link.kind == "references" and order[target] < order[source])


def _owner(path: str, order: dict[str, int]) -> str | None:
    """The closure package whose folder holds `path`, if any."""
    parts = path.split("/")
    for i in range(len(parts), 0, -1):
        candidate = "/".join(parts[:i])
        if candidate in order:
            return candidate
    return None


BUILD_CONFIG_PREFIXES = ("tsconfig", "jsconfig", "babel.config", ".babelrc", ".swcrc", ".browserslistrc")


def _build_run(packages: list[Package]) -> Run:
    argv = ("pnpm", *(f"--filter={p.name}" for p in packages), "run", "build")
    return Run((Command(argv),), f"build {', '.join(p.name for p in packages)}")


def _sources(pkg: Package, comment: str) -> Copy:
    return copy([folder(pkg.dir)], folder(pkg.dir), comment, pkg.manifest)


def lib_build_steps(inputs: StageInputs, threshold: int) -> tuple[Step, ...]:
    """Stage `libs`: build configs, then each library's sources and build, in dependency order."""
    out = _build_files(inputs)
    if len(inputs.libs) <= threshold:
        for pkg in inputs.libs:
            out.append(_sources(pkg, f"{pkg.name} sources"))
            if pkg.script("build"):
                out.append(_build_run([pkg]))
        return tuple(out)
    names = {p.name for p in inputs.libs}
    order = tuple(p.name for p in inputs.libs)
    by_name = {p.name: p for p in inputs.libs}
    for level in graph.levels(inputs.ws.links, order, frozenset({"prod", "optional", "dev"})):
        members = [by_name[n] for n in level if n in names]
        for pkg in members:
            out.append(_sources(pkg, f"{pkg.name} sources"))
        built = [p for p in members if p.script("build")]
        if built:
            out.append(_build_run(built))
    return tuple(out)


def build_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `build`: the app's sources and build, `instructions.build`."""
    out = [] if inputs.libs else _build_files(inputs)
    out.append(_sources(inputs.pkg, f"{inputs.pkg.name} sources, last: they change most often"))
    if inputs.pkg.script("build"):
        out.append(_build_run([inputs.pkg]))
    return (*out, *extra_steps(inputs, "build"))
