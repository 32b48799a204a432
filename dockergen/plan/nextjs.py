"""Next.js apps. Every one: telemetry off in the build, the build cache in a cache mount (out of
the layers), a writable `.next/cache` at run time. With `output: "standalone"`: the workspace
root as the tracing root, and the runtime ships `.next/standalone` (the traced server and only
the node_modules files it loads), `.next/static` and `public`: no `pnpm deploy`, no full
production tree."""

from __future__ import annotations

import posixpath
import re

from dockergen.config.model import TargetConfig
from dockergen.plan.model import Command, Copy, Env, Mount, Step, Workdir
from dockergen.plan.stage_inputs import APP, WORKDIR, StageInputs
from dockergen.programs import program
from dockergen.workspace.frameworks import NextConfig
from dockergen.workspace.manifest import Package
from dockergen.workspace.scan import Workspace
from dockergen.workspace.start_command import StartCommand

# A folder that can go into a --mount flag as is (the flag's CSV has no quoting BuildKit reads).
_MOUNTABLE = re.compile(r"^[A-Za-z0-9._/@+-]+$")
SERVER = "server.js"
CHECK = program("file-check.js")
# Measured on tests/fixtures/next-classic vs next-standalone (bench/frameworks.py, README).
SIZE_NOTE = "on dockergen's Next.js fixture, 60 MB above the base image instead of 378 MB"


def config(ws: Workspace, pkg: Package) -> NextConfig | None:
    """The app's next.config, when it is a Next.js app."""
    if not any(d.name == "next" for d in (*pkg.dependencies, *pkg.root_dependencies)):
        return None
    return ws.next_config(pkg)


def standalone(ws: Workspace, cfg: TargetConfig, pkg: Package) -> bool:
    """Ship the standalone output: `standalone` in dockergen.yaml, else as next.config says
    (unconditionally, or behind an environment variable the build then sets)."""
    found = config(ws, pkg)
    if cfg.standalone is not None:
        return cfg.standalone and found is not None
    return found is not None and (found.standalone or found.standalone_env is not None)


def start_command(pkg: Package) -> StartCommand:
    return StartCommand(("node", SERVER), f"Next.js standalone output (.next/standalone/{pkg.dir}/{SERVER})")


def build_env(inputs: StageInputs) -> list[Step]:
    """ENV before the app's build: telemetry off; for standalone, the tracing root and the switch."""
    found = config(inputs.ws, inputs.pkg)
    if found is None:
        return []
    env = [("NEXT_TELEMETRY_DISABLED", "1")]
    why = "Next.js: no telemetry from the build"
    pragmas: tuple[str, ...] = ()
    if inputs.next_standalone:
        env.append(("NEXT_PRIVATE_OUTPUT_TRACE_ROOT", WORKDIR))
        pragmas = ("hadolint ignore=DL3064",)  # "PRIVATE" in the name; the value is a folder, not a secret
        why += (
            f"; the workspace root is the tracing root, so .next/standalone keeps the monorepo layout "
            f"({inputs.pkg.dir}/{SERVER}) and traces the libraries' files. It is Next's default unless "
            f"{found.file} sets outputFileTracingRoot: then it must be the workspace root, "
            f'path.join(__dirname, "{_up(inputs.pkg.dir)}")'
        )
        if found.standalone_env is not None and not found.standalone:
            key, value = found.standalone_env
            env.append((key, value))
            why += f"; {key}={value} turns output standalone on in {found.file}"
    return [Env(tuple(env), why, pragmas)]


def build_mounts(inputs: StageInputs) -> tuple[Mount, ...]:
    """Next's build cache in a cache mount: faster rebuilds, and not in the build output."""
    cache = f"{WORKDIR}/{inputs.pkg.dir}/.next/cache"
    if config(inputs.ws, inputs.pkg) is None or not _MOUNTABLE.match(cache):
        return ()
    slug = re.sub(r"[^a-z0-9]+", "-", inputs.pkg.dir.lower()).strip("-")
    return (Mount("cache", id=f"next-{slug}", target=cache),)


def standalone_check(inputs: StageInputs) -> tuple[tuple[Command, ...], str]:
    """After the build: the standalone server is where the runtime expects it."""
    path = f"{inputs.pkg.dir}/.next/standalone/{inputs.pkg.dir}/{SERVER}"
    found = config(inputs.ws, inputs.pkg)
    file = found.file if found else f"{inputs.pkg.dir}/next.config.js"
    message = (
        f'dockergen: Next.js wrote no {path}: in {file} set output: "standalone" and, if it sets '
        f'outputFileTracingRoot, set it to the workspace root (path.join(__dirname, "{_up(inputs.pkg.dir)}")); '
        "or set standalone: false in dockergen.yaml"
    )
    why = "the standalone server must exist now, in the workspace layout"
    return (Command(("node", "-e", CHECK, path, message)),), why


def runtime_files(inputs: StageInputs) -> list[Step]:
    """The standalone tree at /app (the app at /app/<dir>), its static files and public folder."""
    pkg = inputs.pkg
    built = f"{WORKDIR}/{pkg.dir}"
    out: list[Step] = [
        Workdir(f"{APP}/{pkg.dir}", "owned by root: the app cannot modify itself; the monorepo layout of the trace"),
        Copy(
            (f"{built}/.next/standalone/",),
            f"{APP}/",
            "the traced server: the app's compiled pages and only the node_modules files they load",
            from_stage="build",
        ),
        Copy((f"{built}/.next/static",), "./.next/static", "client assets (Next serves them from here)",
             from_stage="build"),
    ]  # fmt: skip
    if "public" in pkg.entries:
        out.append(Copy((f"{built}/public",), "./public", "the public folder", from_stage="build"))
    return out


def runtime_env(inputs: StageInputs) -> list[tuple[str, str]]:
    """The standalone server listens on HOSTNAME: all interfaces, not the container's hostname."""
    return [("HOSTNAME", "0.0.0.0"), ("NEXT_TELEMETRY_DISABLED", "1")] if inputs.next_standalone else []


def cache_dir(inputs: StageInputs) -> str | None:
    """Where the running app writes its cache (optimized images, ISR pages)."""
    if config(inputs.ws, inputs.pkg) is None:
        return None
    return inputs.image_path(posixpath.join(inputs.pkg.dir, ".next/cache"))


def advice(inputs: StageInputs) -> str | None:
    """The warning for a Next.js app that is not built standalone."""
    found = config(inputs.ws, inputs.pkg)
    if found is None or inputs.next_standalone or inputs.cfg.standalone is False or inputs.cfg.command:
        return None
    return (
        f'target {inputs.cfg.name!r}: {found.file} does not set output: "standalone"; with it the image '
        f"ships only the traced server ({SIZE_NOTE}): dockergen then builds and ships it (see README, Next.js)"
    )


def _up(folder: str) -> str:
    return "/".join(".." for _ in folder.split("/"))
