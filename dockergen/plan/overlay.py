"""The app's install beside the libraries' builds. Both start from the libraries' install
(`lib-deps`), so BuildKit runs them at once; the app's stage then lays the built libraries over its
own install: one `COPY --from=libs` per top-level folder or file the libraries' stage copied from
the context (their sources, shared build configuration). node_modules is never copied: it is large
(the copy alone took 48 s on a real repository) and the app's install holds all of it already.

That is only right when the libraries' builds write nothing else the app needs. When they may
(a code generator writing into node_modules, a library pnpm copies into node_modules at install,
output outside the folders laid over, per tsconfig, build script flags or a bundler's config file),
the app installs after the libraries are built instead."""

from __future__ import annotations

import posixpath

from dockergen.plan.build_stages import scripts_before_build
from dockergen.plan.model import Copy, Step
from dockergen.plan.stage_inputs import WORKDIR, StageInputs
from dockergen.workspace.build_output import declared_outputs
from dockergen.workspace.manifest import Package
from dockergen.workspace.tasks import generators

NODE_MODULES = "node_modules"


def built_libraries(
    inputs: StageInputs, lib_steps: tuple[Step, ...], stage: str, libs: tuple[Package, ...] | None = None
) -> tuple[tuple[Step, ...], str]:
    """(the COPY --from=`stage` steps that lay the built libraries (`libs`, default: the shared
    ones) over the app's install, "") when the app may install beside their builds; else ((), why it
    must wait for them). `lib_steps`: the steps of the stages that copied their sources."""
    tops = _tops(lib_steps)
    if tops is None:
        return (), "the libraries' stage copies into node_modules or spills a folder into the workspace root"
    reason = _injected(inputs) or next(
        filter(None, (_writes_elsewhere(inputs, lib, tops) for lib in (inputs.libs if libs is None else libs))), None
    )
    if reason:
        return (), reason
    return tuple(
        Copy(
            (f"{WORKDIR}/{top}",),
            top,
            f"{top} from the libraries' stage: what their builds read and wrote",
            from_stage=stage,
        )
        for top in sorted(tops)
    ), ""


def _injected(inputs: StageInputs) -> str | None:
    """pnpm copies an injected workspace package into node_modules at install: built by then."""
    if inputs.ws.settings.flag("injectWorkspacePackages"):
        return "injectWorkspacePackages: pnpm copies the built libraries into node_modules at install"
    lib_names = {p.name for p in inputs.libs}
    for pkg in (*inputs.libs, inputs.pkg):
        injected = sorted(set(pkg.injected) & lib_names)
        if injected:
            return f"{pkg.name} injects {injected[0]} (dependenciesMeta): pnpm copies it into node_modules at install"
    return None


def _writes_elsewhere(inputs: StageInputs, lib: Package, tops: frozenset[str]) -> str | None:
    """Does the library's build (maybe) write outside the folders laid over the app's install?"""
    used = generators(lib)
    if used:
        return f"{lib.name} uses {used[0]}, a code generator that may write into node_modules"
    if scripts_before_build(inputs, lib):
        return f"{lib.name} runs a script before its build, which may write into node_modules"
    for out in _outputs(inputs, lib):
        if out.split("/", 1)[0] not in tops:
            return f"{lib.name}'s build writes {out}, outside the folders the app's stage takes from it"
    return None


def _outputs(inputs: StageInputs, lib: Package) -> list[str]:
    """Where the library's build says it writes: tsconfig outDirs, bundlers' out flags, bundlers'
    config files (the folders outside the library they name)."""
    outs = [p.out_dir for p in inputs.ws.build_info(lib).projects if p.out_dir]
    outs += [posixpath.normpath(posixpath.join(lib.dir, out)) for out in declared_outputs(lib)]
    outs += [out for name, out in inputs.ws.config_out_dirs if name == lib.name]
    return outs


def _tops(steps: tuple[Step, ...]) -> frozenset[str] | None:
    """Top-level names the steps' context COPYs create; None when one spills a folder's contents
    into the root (the names it creates are unknown here) or writes into node_modules."""
    tops: set[str] = set()
    for step in steps:
        if not isinstance(step, Copy) or step.from_stage is not None:
            continue
        dest = posixpath.normpath(step.dest)
        if dest == ".":
            if any(source.endswith("/") for source in step.sources):
                return None
            tops.update(posixpath.basename(source) for source in step.sources)
        else:
            tops.add(dest.split("/", 1)[0])
    return None if NODE_MODULES in tops else frozenset(tops)
