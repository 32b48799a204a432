"""The typer app: the only module that prints, reads the environment or exits."""

from __future__ import annotations

import json
import sys
import traceback
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from dockergen.errors import DockergenError, ExitCode, UsageError

if TYPE_CHECKING:
    from dockergen.pipeline import Generated
    from dockergen.repo import Repo
    from dockergen.sync import FileChange

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Generate cache-optimal, minimal Docker builds for a pnpm monorepo and keep them in sync.",
)

RootOption = Annotated[
    Path, typer.Option("--root", help="Root of the pnpm workspace (default: current directory).", show_default=False)
]


class Format(StrEnum):
    text = "text"
    json = "json"


def _repo(root: Path) -> Repo:
    from dockergen.repo import Repo

    if not root.is_dir():
        raise UsageError(f"--root {root}: no such directory", hint="pass the folder holding pnpm-workspace.yaml")
    return Repo(root.resolve())


def _warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)


@app.command()
def init(
    root: RootOption = Path("."),
    target: Annotated[
        list[str] | None, typer.Option("--target", help="Package name to ship (repeatable); default: detect.")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Overwrite Dockerfiles dockergen did not write (keeps <file>.bak).")
    ] = False,
) -> None:
    """Write dockergen.yaml (commented, with detected defaults) and generate the Docker files."""
    from dockergen.config import CONFIG_FILE
    from dockergen.init import init_config
    from dockergen.pipeline import generate_all
    from dockergen.render import RenderedFile
    from dockergen.sync import compare, refuse_conflicts, write
    from dockergen.workspace import scan

    repo = _repo(root)
    existing = repo.read_text(CONFIG_FILE) if repo.is_file(CONFIG_FILE) else None
    text, picks = init_config(repo, scan(repo), existing, tuple(target or ()))
    generated = generate_all(repo, config_text=text)
    config_change = compare((RenderedFile(CONFIG_FILE, text, ""),), repo, owned=False)
    changes = config_change + compare(generated.files, repo)
    if not force:
        refuse_conflicts(changes)
    for pick in picks:
        typer.echo(f"target {pick.target}: {pick.package} ({pick.reason})")
    _warn(generated.warnings)
    _report(write(changes, repo, force=force), changes)


@app.command()
def generate(
    root: RootOption = Path("."),
    diff: Annotated[
        bool, typer.Option("--diff", help="Print what would change as a unified diff; write nothing.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would change; write nothing.")] = False,
    force: Annotated[bool, typer.Option(help="Overwrite hand-edited or foreign files (keeps <file>.bak).")] = False,
) -> None:
    """Re-render every target from dockergen.yaml and the workspace; write only files that changed."""
    from dockergen.pipeline import generate_all
    from dockergen.sync import compare, write

    repo = _repo(root)
    generated = generate_all(repo)
    changes = compare(generated.files, repo)
    _warn(generated.warnings)
    if diff or dry_run:
        for change in changes:
            if change.action != "unchanged":
                typer.echo(change.diff() if diff else f"would {change.action} {change.path}")
        return
    _report(write(changes, repo, force=force), changes)


@app.command()
def check(root: RootOption = Path(".")) -> None:
    """Exit 0 when every generated file matches; exit 1 with a unified diff when one drifted."""
    from dockergen.pipeline import generate_all
    from dockergen.sync import compare

    repo = _repo(root)
    generated = generate_all(repo)
    stale = [c for c in compare(generated.files, repo) if c.action != "unchanged"]
    if not stale:
        typer.echo(f"dockergen: {len(generated.files)} generated files are up to date")
        return
    for change in stale:
        typer.echo(change.diff(), nl=False)
    typer.echo(f"dockergen: {len(stale)} file(s) out of date; run `dockergen generate`", err=True)
    raise typer.Exit(ExitCode.DRIFT)


@app.command()
def plan(
    root: RootOption = Path("."),
    format: Annotated[Format, typer.Option("--format", help="text for people, json for tools.")] = Format.text,
    target: Annotated[list[str] | None, typer.Option("--target", help="Only this target (repeatable).")] = None,
) -> None:
    """Print the build plan of every target (stages, steps and why), writing nothing."""
    from dockergen.pipeline import generate_all

    generated = generate_all(_repo(root))
    plans = _select(generated, tuple(target or ()))
    if format is Format.json:
        typer.echo(json.dumps([asdict(p) for p in plans], indent=2))
        return
    _warn(generated.warnings)
    for p in plans:
        typer.echo(_plan_text(p))


@app.command()
def context(
    root: RootOption = Path("."),
    format: Annotated[Format, typer.Option("--format", help="text for people, json for tools.")] = Format.text,
    target: Annotated[list[str] | None, typer.Option("--target", help="Only this target (repeatable).")] = None,
) -> None:
    """Report the files and bytes each build context sends, with and without its ignore file."""
    from dockergen import ignore
    from dockergen.context import report
    from dockergen.pipeline import generate_all

    repo = _repo(root)
    generated = generate_all(repo)
    plans = _select(generated, tuple(target or ()))
    files = {f.path: f.content for f in generated.files}
    reports = [report(repo, p.target, ignore.parse(files[p.dockerignore], p.dockerignore)) for p in plans]
    if format is Format.json:
        typer.echo(json.dumps([asdict(r) for r in reports], indent=2))
        return
    for r in reports:
        share = 100 * r.sent.bytes / r.unfiltered.bytes if r.unfiltered.bytes else 100.0
        typer.echo(
            f"target {r.target} ({r.ignore_file}): sends {r.sent.files:,} files, {_size(r.sent.bytes)}; "
            f"without it {r.unfiltered.files:,} files, {_size(r.unfiltered.bytes)} ({share:.2f}% of the bytes kept)"
        )


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} B"


def _select(generated: Generated, names: tuple[str, ...]) -> list:  # type: ignore[type-arg]
    known = {p.target: p for p in generated.plans}
    for name in names:
        if name not in known:
            raise UsageError(f"unknown --target {name!r}", hint=f"targets: {', '.join(known)}")
    return [p for p in generated.plans if not names or p.target in names]


def _plan_text(p) -> str:  # type: ignore[no-untyped-def]
    lines = [
        f"target {p.target}: {p.package} ({p.package_dir}) -> {p.dockerfile} + {p.dockerignore}",
        f"  node {p.node} ({p.node_source}), pnpm {p.pnpm} ({p.pnpm_source})",
        f"  images: build {p.images.build}, runtime {p.images.runtime} as {p.images.user}",
    ]
    for stage in p.stages:
        lines.append(f"  stage {stage.name} (from {stage.base}): {stage.comment}")
        for step in stage.steps:
            if step.instruction:
                first = step.args[0] if step.args else ""
                more = " ..." if len(step.args) > 1 else ""
                lines.append(f"    {step.instruction} {first}{more}")
            lines.append(f"      why: {step.comment}")
    lines.append(f"  context: {len(p.context.keep)} kept paths, {len(p.context.drop)} exclusions")
    return "\n".join(lines)


def _report(written: tuple[str, ...], changes: tuple[FileChange, ...]) -> None:
    for change in changes:
        if change.path in written:
            verb = "created" if change.action == "create" else "updated"
            typer.echo(f"{verb} {change.path}" + (" (previous version kept as .bak)" if change.conflict else ""))
    if not written:
        typer.echo(f"dockergen: {len(changes)} files already up to date")


def _click_exceptions() -> Any:
    """Typer >= 0.20 vendors click as typer._click; older ones use click itself."""
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - depends on the installed typer
        from click import exceptions  # type: ignore[no-redef]
    return exceptions


def main(argv: list[str] | None = None) -> NoReturn:
    """Console entry point: the single error boundary mapping exceptions to exit codes."""
    click = _click_exceptions()
    command = typer.main.get_command(app)
    try:
        # With standalone_mode=False click returns the code of `typer.Exit` instead of exiting.
        result = command.main(args=argv, prog_name="dockergen", standalone_mode=False)
        code = result if isinstance(result, int) else ExitCode.OK
    except DockergenError as exc:
        _warn(exc.warnings)
        typer.echo(f"dockergen: error: {exc.one_line()}", err=True)
        code = exc.exit_code
    except typer.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = ExitCode.USAGE if isinstance(exc, click.UsageError) else ExitCode.BAD_INPUT
    except typer.Abort:
        typer.echo("dockergen: aborted", err=True)
        code = ExitCode.INTERNAL
    except Exception:  # a bug: show everything and ask for a report
        traceback.print_exc()
        typer.echo(
            "dockergen: internal error (a bug in dockergen); please report it with the traceback above", err=True
        )
        code = ExitCode.INTERNAL
    sys.exit(int(code))
