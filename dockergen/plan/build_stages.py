"""Stages `libs` and `build`: shared build configuration, then sources and builds in dependency order."""

from __future__ import annotations

import posixpath

from dockergen.plan import nextjs
from dockergen.plan.model import Command, Copy, Mount, Run, Step
from dockergen.plan.stage_inputs import StageInputs, build_env, copy, extra_steps, folder
from dockergen.programs import program
from dockergen.validate import context_path
from dockergen.workspace import graph
from dockergen.workspace.manifest import Package
from dockergen.workspace.tasks import before_build
from dockergen.workspace.tsconfig import TsLink

LIBS_TOGETHER_COMMENT = "workspace libraries: their sources, then one step that builds them all in dependency order"
LIBS_COMMENT = (
    "workspace libraries, level by level in dependency order: each level's sources, then one step"
    " that builds them (pnpm runs a level's builds in parallel)"
)


def _build_files(inputs: StageInputs) -> list[Step]:
    """Files every build may read, copied before any source: the root's build configuration,
    tsconfig files other packages extend or reference, and `keep`."""
    names = _root_configs(inputs)
    out: list[Step] = []
    if names:
        out.append(copy(sorted(names), "./", "shared build configuration at the workspace root"))
    for target, (kind, sources) in sorted(_ts_inputs(inputs, names).items()):
        by = ", ".join(sorted(sources))
        if kind == "extends":
            out.append(copy([target], folder(posixpath.dirname(target)), f"{target}: extended by {by}"))
        elif kind == "paths":
            out.append(copy([folder(target)], folder(target), f"{target}: where the `paths` of {by} map imports"))
        else:
            out.append(copy([folder(target)], folder(target), f"{target}: a TypeScript project referenced by {by}"))
    for path in inputs.cfg.keep:
        source = path.rstrip("/")  # `COPY x x` puts a file at x and a folder's contents in x alike
        out.append(copy([source], source, "listed under `keep` in dockergen.yaml"))
    return out


def _root_configs(inputs: StageInputs) -> list[str]:
    return [f for f in inputs.ws.root_files if f.startswith(BUILD_CONFIG_PREFIXES) and not context_path(f)]


Uses = dict[str, dict[str, set[str]]]  # file -> how a build uses it -> the packages whose builds do


def _files_used_by(
    inputs: StageInputs,
    packages: tuple[Package, ...],
    skip: frozenset[str] = frozenset(),
    present: tuple[Package, ...] = (),
) -> Uses:
    """Files outside these packages that their builds read: run by their build scripts, imported
    by their build tools' config files. Copied in the stage that builds them (the libraries' stage
    for theirs, the app's build stage for the app's own), so a target's files do not change the
    stages targets share. Left out: `skip`, and files inside `present` (packages whose sources
    are copied before the build runs)."""
    names = {p.name for p in packages}
    skip = skip | frozenset(_root_configs(inputs))
    order = {p.dir: i for i, p in enumerate(present)}
    users: Uses = {}
    for how, pairs in (("run by the build of", inputs.ws.build_script_files),
                       ("imported by the build config of", inputs.ws.config_import_files)):  # fmt: skip
        for name, path in pairs:
            if name in names and path not in skip and _owner(path, order) is None:
                users.setdefault(path, {}).setdefault(how, set()).add(name)
    return users


def _copies(users: Uses) -> list[Step]:
    """One COPY per used file, its comment saying which builds use it and how."""
    out: list[Step] = []
    for path, uses in sorted(users.items()):
        comment = "; ".join(f"{how} {', '.join(sorted(by))}" for how, by in sorted(uses.items(), reverse=True))
        out.append(copy([path], folder(posixpath.dirname(path)), f"{path}: {comment}"))
    return out


def _ts_inputs(inputs: StageInputs, root_configs: list[str]) -> dict[str, tuple[str, set[str]]]:
    """tsconfig inputs from outside the package that needs them: target -> (kind, sources).
    Followed from the closure's tsconfig files and the root's, through the files they extend."""
    packages = (*inputs.libs, *inputs.own_libs, inputs.pkg)
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
    return target == source or (link.kind in ("references", "paths") and order[target] < order[source])


def _owner(path: str, order: dict[str, int]) -> str | None:
    """The closure package whose folder holds `path`, if any."""
    parts = path.split("/")
    for i in range(len(parts), 0, -1):
        candidate = "/".join(parts[:i])
        if candidate in order:
            return candidate
    return None


BUILD_CONFIG_PREFIXES = ("tsconfig", "jsconfig", "babel.config", ".babelrc", ".swcrc", ".browserslistrc")


def _build(
    inputs: StageInputs,
    packages: list[Package],
    mounts: tuple[Mount, ...] = (),
    checks: tuple[tuple[Command, ...], str] = ((), ""),
) -> list[Step]:
    """One RUN: the scripts each package's build depends on (code generation), the build, then the
    checks of what it wrote. They share their inputs, so separate layers would only re-run together."""
    commands: list[Command] = []
    why: list[str] = []
    for pkg in packages:
        for script in scripts_before_build(inputs, pkg):
            commands.append(Command(("pnpm", f"--filter={pkg.selector}", "run", script)))
            why.append(f"{pkg.name}: {script} first ({inputs.prebuild_reason(pkg)})")
    built = [p for p in packages if p.script("build")]
    if built:
        commands.append(Command(("pnpm", *(f"--filter={p.selector}" for p in built), "run", "build")))
        why.append(f"build {', '.join(p.name for p in built)}")
    check_commands, check_why = checks
    commands += check_commands
    comment = "; ".join([*why, *([check_why] if check_why else [])])
    return [Run(tuple(commands), comment, mounts)]


def scripts_before_build(inputs: StageInputs, pkg: Package) -> tuple[str, ...]:
    """The package's scripts its build step runs first: `prebuild` from dockergen.yaml, else turbo's
    prerequisites or its code generator's script."""
    configured = dict(inputs.cfg.prebuild).get(pkg.name)
    if configured is not None:
        return configured
    return before_build(pkg, inputs.ws.build_prerequisites)


# Checks after the app's build that its start command's file exists (node's resolution: as is,
# then with .js/.cjs/.mjs, then as a folder's index.js): a wrong guess fails the build, not the pod.
ENTRY_CHECK = program("entry-check.js")


def _sources(pkg: Package, comment: str) -> Copy:
    return copy([folder(pkg.dir)], folder(pkg.dir), comment, pkg.manifest)


def lib_build_steps(inputs: StageInputs, *, together: bool) -> tuple[Step, ...]:
    """Stage `libs`: build configs, then per topological level the libraries' sources and one
    build step: a level's builds run in parallel (cold builds), and a change to a library re-runs
    the builds from its level on (libraries of earlier levels stay cached). `together`: every
    source, then one step building all (pnpm runs them in dependency order): fewest steps."""
    # one step builds them all once every source is copied: a file inside a library is there
    out = build_env(inputs) + _build_files(inputs)
    out += _copies(_files_used_by(inputs, inputs.libs, present=inputs.libs if together else ()))
    if together:
        out += [_sources(pkg, f"{pkg.name} sources") for pkg in inputs.libs]
        built = [p for p in inputs.libs if _builds(inputs, p)]
        return tuple(out + (_build(inputs, built) if built else []))
    names = {p.name for p in inputs.libs}
    order = tuple(p.name for p in inputs.libs)
    by_name = {p.name: p for p in inputs.libs}
    for level in graph.levels(inputs.ws.links, order, frozenset({"prod", "optional", "dev"})):
        members = [by_name[n] for n in level if n in names]
        for pkg in members:
            out.append(_sources(pkg, f"{pkg.name} sources"))
        built = [p for p in members if _builds(inputs, p)]
        if built:
            out += _build(inputs, built)
    return tuple(out)


def _builds(inputs: StageInputs, pkg: Package) -> bool:
    """The library's build step runs something for it: its build, or code generation first (a
    database package with only `db:generate` that turbo.json runs before the builds)."""
    return bool(pkg.script("build") or scripts_before_build(inputs, pkg))


OWN_LIBS_COMMENT = "the libraries only this app uses: their sources, then their builds (the shared ones are built)"


def own_lib_steps(inputs: StageInputs, head: tuple[Step, ...] = ()) -> tuple[Step, ...]:
    """Stage `own-libs` (a shared Dockerfile): `head` (their install, and the shared libraries
    built, when the stage starts from scratch), what the builds of the libraries only this target
    uses read, their sources, then one step building them."""
    shared = frozenset(_files_used_by(inputs, inputs.libs))
    present = (*inputs.libs, *inputs.own_libs)
    out = [*head, *build_env(inputs), *_copies(_files_used_by(inputs, inputs.own_libs, shared, present))]
    out += [_sources(pkg, f"{pkg.name} sources") for pkg in inputs.own_libs]
    built = [p for p in inputs.own_libs if _builds(inputs, p)]
    return tuple(out + (_build(inputs, built) if built else []))


def check_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `build` of an app the libraries' stage built: the checks of what its build wrote,
    `instructions.build`."""
    commands, why = _entry_check(inputs)
    checks: list[Step] = [Run(commands, why)] if commands else []
    return (*checks, *extra_steps(inputs, "build"))


def build_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `build`: the app's sources and build, `instructions.build`."""
    closure = (*inputs.libs, *inputs.own_libs, inputs.pkg)  # the libraries' sources are there, the app's next
    if inputs.libs:  # the libraries' stages copied what every build reads, and what theirs read
        earlier = frozenset(_files_used_by(inputs, (*inputs.libs, *inputs.own_libs)))
        out = build_env(inputs) + _copies(_files_used_by(inputs, (inputs.pkg,), earlier, closure))
    else:
        out = build_env(inputs) + _build_files(inputs) + _copies(_files_used_by(inputs, (inputs.pkg,), present=closure))
    out.append(_sources(inputs.pkg, f"{inputs.pkg.name} sources, last: they change most often"))
    if inputs.pkg.script("build"):
        out += nextjs.build_env(inputs)
        checks = nextjs.standalone_check(inputs) if inputs.next_standalone else _entry_check(inputs)
        out += _build(inputs, [inputs.pkg], nextjs.build_mounts(inputs), checks)
    return (*out, *extra_steps(inputs, "build"))


def _entry_check(inputs: StageInputs) -> tuple[tuple[Command, ...], str]:
    if inputs.cfg.kind == "static":
        return (), ""
    command = inputs.command
    scripts = (
        command.scripts[: len(command.before)] if command.bin_package else command.scripts
    )  # a bin: checked by its link
    paths = [posixpath.normpath(posixpath.join(inputs.pkg.dir, s)) for s in scripts if not s.startswith("/")]
    if not paths:
        return (), ""
    what = "file" if len(paths) == 1 else "files"
    why = f"the start command's {what} must exist now ({command.source})"
    return tuple(Command(("node", "-e", ENTRY_CHECK, path)) for path in paths), why
