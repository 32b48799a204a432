"""The command line: the only module that prints, reads the environment or exits.

`dockergen check` runs on every commit (pre-commit), so when the last run was in sync and nothing
it read has changed it answers from a cache record, before typer, ruamel.yaml, jinja2 or pathspec
are even imported. Everything else goes through the typer app built in `_app()`.
"""

# No `from __future__ import annotations` here: typer reads the commands' annotations at runtime,
# and they are local to _app(); names only needed by mypy are quoted instead.
import json
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

from dockergen.errors import DockergenError, ExitCode

if TYPE_CHECKING:
    from dockergen.commands import Outcome


INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


class Format(StrEnum):
    """Output format of plan and context."""

    text = "text"
    json = "json"


def _out(text: str = "", *, end: str = "\n") -> None:
    sys.stdout.write(text + end)


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        _err(f"warning: {warning}")


def _cache_dir() -> Path | None:
    """Where check records live: $DOCKERGEN_CACHE_DIR, else the XDG cache; None when disabled."""
    if os.environ.get("DOCKERGEN_NO_CACHE"):
        return None
    if os.environ.get("DOCKERGEN_CACHE_DIR"):
        return Path(os.environ["DOCKERGEN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dockergen"


# ------------------------------------------------------------------ commands


def run_init(root: Path, packages: tuple[str, ...], force: bool, paths: tuple[str | None, str | None]) -> int:
    """Print what init found (offered and skipped, with reasons), where the files go, what it wrote."""
    from dockergen import commands

    outcome = commands.init(root, packages, force, paths)
    result = outcome.init
    assert result is not None
    _out(f"dockergen: {len(result.picks)} app(s) to ship among {result.scanned} workspace packages")
    for pick in result.picks:
        _out(f"  + {pick.target}: {pick.package} ({pick.reason})")
        if pick.files:
            _out(f"      files: {pick.files}" + (f" ({pick.placement_note})" if pick.placement_note else ""))
    for finding in result.skipped:
        pkg = finding.package
        _out(f"  - skipped {pkg.name} ({pkg.dir}): {finding.reason}; to ship it: --package {pkg.name}")
    _warn(outcome.warnings)
    _report(outcome)
    return ExitCode.OK


def run_generate(root: Path, diff: bool, dry_run: bool, force: bool) -> int:
    """Print what generate wrote (or, with --diff/--dry-run, would write)."""
    from dockergen import commands

    if diff or dry_run:
        outcome = commands.preview(root)
        _warn(outcome.warnings)
        for change in outcome.stale:
            _out(change.diff() if diff else f"would {change.action} {change.path}", end="" if diff else "\n")
        return ExitCode.OK
    outcome = commands.generate(root, force, _cache_dir())
    _warn(outcome.warnings)
    _report(outcome)
    return ExitCode.OK


def run_check(root: Path) -> int:
    """Print the drift, if any; exit 1 on drift."""
    from dockergen import commands

    outcome = commands.check(root, _cache_dir())
    _warn(outcome.warnings)
    if not outcome.stale:
        _out(f"dockergen: {len(outcome.changes)} generated files are up to date")
        return ExitCode.OK
    for change in outcome.stale:
        _out(change.diff(), end="")
    _err(f"dockergen: {len(outcome.stale)} file(s) out of date; run `dockergen generate`")
    return ExitCode.DRIFT


def run_plan(root: Path, fmt: Format, targets: tuple[str, ...]) -> int:
    """Print the plans as text or JSON."""
    from dockergen import commands
    from dockergen.plan.describe import describe
    from dockergen.plan.model import to_json

    warnings, plans = commands.plans(root, targets)
    if fmt is Format.json:
        _out(json.dumps(to_json(plans), indent=2, ensure_ascii=False))
        return ExitCode.OK
    _warn(warnings)
    for p in plans:
        _out(describe(p))
    return ExitCode.OK


def run_context(root: Path, fmt: Format, targets: tuple[str, ...]) -> int:
    """Print what each build context sends."""
    from dockergen import commands

    reports = commands.context_reports(root, targets)
    if fmt is Format.json:
        _out(json.dumps([asdict(r) for r in reports], indent=2))
        return ExitCode.OK
    for r in reports:
        share = 100 * r.sent.bytes / r.unfiltered.bytes if r.unfiltered.bytes else 100.0
        _out(
            f"target {r.target} ({r.ignore_file}): sends {r.sent.files:,} files, {_size(r.sent.bytes)}; "
            f"without it {r.unfiltered.files:,} files, {_size(r.unfiltered.bytes)} ({share:.2f}% of the bytes kept)"
        )
    return ExitCode.OK


def run_explain(root: Path, fmt: Format, targets: tuple[str, ...], paths: tuple[str, ...]) -> int:
    """Print, per target, the steps a build re-runs after the change, and whether the image can change."""
    from dockergen import commands

    found = commands.explanations(root, targets, paths)
    if fmt is Format.json:
        _out(json.dumps([asdict(e) for e in found], indent=2, ensure_ascii=False))
        return ExitCode.OK
    for e in found:
        runs = sum(1 for s in e.steps if s.status == "re-runs")
        maybe = len(e.steps) - runs
        total = sum(n for _, n in e.executed)
        _out(
            f"target {e.target} ({e.dockerfile}): {e.image}; {runs} of {total} steps re-run"
            + (f", {maybe} more if the files they copy changed" if maybe else "")
            + ("" if e.sent else " (no changed path is in its build context)")
        )
        for stage, count in e.executed:
            steps = [s for s in e.steps if s.stage == stage]
            if not steps:
                continue
            reruns = sum(1 for s in steps if s.status == "re-runs")
            _out(
                f"  {stage}: {reruns} of {count} re-run"
                + (f", {len(steps) - reruns} may" if len(steps) > reruns else "")
            )
            shown = ""
            for s in steps:  # the causes only; the steps after a cause follow it
                if s.why != shown and not s.why.startswith("an earlier step"):
                    _out(f"    {s.status}: {s.summary}; {s.why}")
                    shown = s.why
        if e.note:
            _out(f"  note: {e.note}")
    return ExitCode.OK


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _report(outcome: "Outcome") -> None:
    for change in outcome.changes:
        if change.path in outcome.written:
            verb = "created" if change.action == "create" else "updated"
            _out(f"{verb} {change.path}" + (" (previous version kept as .bak)" if change.conflict else ""))
    if not outcome.written:
        _out(f"dockergen: {len(outcome.changes)} files already up to date")


# ------------------------------------------------------------------ typer app


def _app() -> Any:
    """The typer app (imported only when a command needs it)."""
    import typer

    app = typer.Typer(
        add_completion=False,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        help="Generate cache-optimal, minimal Docker builds for a pnpm monorepo and keep them in sync.",
    )
    root_help = "Root of the pnpm workspace (default: current directory)."
    root_opt = Annotated[Path, typer.Option("--root", help=root_help, show_default=False)]
    targets_opt = Annotated[list[str] | None, typer.Option("--target", help="Only this target (repeatable).")]
    format_opt = Annotated[Format, typer.Option("--format", help="text for people, json for tools.")]

    def done(code: int) -> None:
        if code:
            raise typer.Exit(code)

    @app.command()
    def init(
        root: root_opt = Path("."),
        package: Annotated[
            list[str] | None,
            typer.Option("--package", help="Name (package.json) of a package to ship (repeatable); default: detect."),
        ] = None,
        force: Annotated[
            bool, typer.Option(help="Overwrite Dockerfiles dockergen did not write (keeps <file>.bak).")
        ] = False,
        dockerfile: Annotated[
            str | None, typer.Option(help="Where the new target's Dockerfile goes (default: a free place).")
        ] = None,
        dockerignore: Annotated[
            str | None, typer.Option(help="Where its ignore file goes (default: <dockerfile>.dockerignore).")
        ] = None,
    ) -> None:
        """Write dockergen.yaml (commented, with detected defaults) and generate the Docker files."""
        done(run_init(root, tuple(package or ()), force, (dockerfile, dockerignore)))

    @app.command()
    def generate(
        root: root_opt = Path("."),
        diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff of what would change.")] = False,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would change; write nothing.")] = False,
        force: Annotated[bool, typer.Option(help="Overwrite hand-edited or foreign files (keeps <file>.bak).")] = False,
    ) -> None:
        """Re-render every target from dockergen.yaml and the workspace; write only files that changed."""
        done(run_generate(root, diff, dry_run, force))

    @app.command()
    def check(root: root_opt = Path(".")) -> None:
        """Exit 0 when every generated file matches; exit 1 with a unified diff when one drifted."""
        done(run_check(root))

    @app.command()
    def plan(root: root_opt = Path("."), format: format_opt = Format.text, target: targets_opt = None) -> None:
        """Print the build plan of every target (stages, steps and why), writing nothing."""
        done(run_plan(root, format, tuple(target or ())))

    @app.command()
    def context(root: root_opt = Path("."), format: format_opt = Format.text, target: targets_opt = None) -> None:
        """Report the files and bytes each build context sends, with and without its ignore file."""
        done(run_context(root, format, tuple(target or ())))

    @app.command()
    def explain(
        paths: Annotated[
            list[str] | None,
            typer.Argument(help="Changed paths, relative to --root (default: git's changes against HEAD)."),
        ] = None,
        root: root_opt = Path("."),
        format: format_opt = Format.text,
        target: targets_opt = None,
    ) -> None:
        """Say which build steps of each target re-run after a change, why, and whether the image can change."""
        done(run_explain(root, format, tuple(target or ()), tuple(paths or ())))

    return app


def _fast_check_root(args: list[str]) -> Path | None:
    """`check`, `check --root DIR` or `check --root=DIR`: the pre-commit hot path."""
    if args == ["check"]:
        return Path(".")
    if len(args) == 3 and args[:2] == ["check", "--root"]:
        return Path(args[2])
    if len(args) == 2 and args[0] == "check" and args[1].startswith("--root="):
        return Path(args[1].split("=", 1)[1])
    return None


def _cached_check(root: Path) -> bool:
    cache_dir = _cache_dir()
    if cache_dir is None or not root.is_dir():
        return False
    from dockergen.check_record import lookup  # nothing heavy: this is the pre-commit hot path

    warnings = lookup(cache_dir, root)
    if warnings is None:
        return False
    _warn(warnings)
    _out("dockergen: generated files are up to date (nothing they depend on changed since the last check)")
    return True


def _click_exceptions() -> Any:
    """Typer >= 0.20 vendors click as typer._click; older ones use click itself."""
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - depends on the installed typer
        from click import exceptions  # type: ignore[no-redef]
    return exceptions


def main(argv: list[str] | None = None) -> NoReturn:
    """Console entry point: the single error boundary mapping exceptions to exit codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    fast_root = _fast_check_root(args)
    if fast_root is not None:  # the pre-commit hot path needs neither typer nor its pydantic
        sys.exit(_guarded(lambda: ExitCode.OK if _cached_check(fast_root) else run_check(fast_root)))
    sys.exit(_guarded(lambda: _run_typer(args)))


def _run_typer(args: list[str]) -> int:
    import typer

    click = _click_exceptions()
    try:
        command = typer.main.get_command(_app())
        # With standalone_mode=False click returns the code of `typer.Exit` instead of exiting.
        result = command.main(args=args, prog_name="dockergen", standalone_mode=False)
    except typer.Exit as exc:
        result = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return ExitCode.USAGE if isinstance(exc, click.UsageError) else ExitCode.BAD_INPUT
    except typer.Abort:  # click turns Ctrl-C into Abort
        raise KeyboardInterrupt from None
    if result == INTERRUPTED:  # typer turns Ctrl-C into exit code 130 before we see it
        raise KeyboardInterrupt
    return result if isinstance(result, int) else ExitCode.OK


def _guarded(run: Callable[[], int]) -> int:
    try:
        return int(run())
    except DockergenError as exc:
        _warn(exc.warnings)
        _err(f"dockergen: error: {exc.one_line()}")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        _err("dockergen: interrupted; each file is either as it was or fully written, never half")
        return INTERRUPTED
    except Exception:  # a bug: show everything and ask for a report
        traceback.print_exc()
        _err("dockergen: internal error (a bug in dockergen); please report it with the traceback above")
        return int(ExitCode.INTERNAL)
