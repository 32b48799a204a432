"""The command line: the only module that prints, reads the environment or exits.

`dockergen check` runs on every commit (pre-commit), so when the last run was in sync and nothing
it read has changed it answers from a cache record, importing nothing but `os`, `sys` and the
light `dockergen.fs` and `dockergen.check_record`: no typer, ruamel.yaml, jinja2, pathspec, not
even `pathlib` or `enum`. Everything else goes through the typer app built in `_app()`.
"""

# No `from __future__ import annotations` here: typer reads the commands' annotations at runtime,
# and they are local to _app(); names only needed by mypy are quoted instead.
import os
import sys

TYPE_CHECKING = False  # typing itself costs the hot path more than the check does
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any, NoReturn

    import typer

    from dockergen.commands import Locking, Outcome


INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


def _out(text: str = "", *, end: str = "\n") -> None:
    sys.stdout.write(text + end)


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _warn(warnings: "tuple[str, ...]") -> None:
    for warning in warnings:
        _err(f"warning: {warning}")


def _cache_dir() -> "str | None":
    """Where check records live: $DOCKERGEN_CACHE_DIR, else the XDG cache; None when disabled."""
    if os.environ.get("DOCKERGEN_NO_CACHE"):
        return None
    if os.environ.get("DOCKERGEN_CACHE_DIR"):
        return os.environ["DOCKERGEN_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "dockergen")


def _cache_path() -> "Path | None":
    from pathlib import Path

    found = _cache_dir()
    return Path(found) if found is not None else None


DEFAULT_LOCK_TIMEOUT = 120.0  # seconds a run waits for another one writing the same workspace


def _locking() -> "Locking":
    """The workspace locks: in the cache folder (a per-user temporary folder when the cache is
    off); DOCKERGEN_LOCK_TIMEOUT seconds of waiting for another run."""
    import tempfile
    from pathlib import Path

    from dockergen.commands import Locking
    from dockergen.errors import UsageError

    temporary = Path(tempfile.gettempdir()) / f"dockergen-{os.getuid()}" / "locks"
    cache = _cache_dir()
    raw = os.environ.get("DOCKERGEN_LOCK_TIMEOUT", "")
    try:
        timeout = float(raw) if raw else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        timeout = -1.0
    if not 0 <= timeout < 86_400:  # nan and inf fail this too
        raise UsageError(f"DOCKERGEN_LOCK_TIMEOUT={raw!r} is not a number of seconds (0 to 86400)")
    return Locking(Path(cache) / "locks", timeout, temporary) if cache else Locking(temporary, timeout)


# ------------------------------------------------------------------ commands


def run_init(
    root: "Path", packages: tuple[str, ...], force: bool, paths: tuple[str | None, str | None], ci: "str | None"
) -> int:
    """Print what init found (offered and skipped, with reasons), where the files go, what it wrote."""
    from dockergen import commands
    from dockergen.errors import ExitCode

    outcome = commands.init(root, packages, force, paths, ci, _locking())
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


def run_generate(root: "Path", diff: bool, dry_run: bool, force: bool) -> int:
    """Print what generate wrote (or, with --diff/--dry-run, would write)."""
    from dockergen import commands
    from dockergen.errors import ExitCode

    if diff or dry_run:
        outcome = commands.preview(root)
        _warn(outcome.warnings)
        for change in outcome.stale:
            _out(change.diff() if diff else f"would {change.action} {change.path}", end="" if diff else "\n")
        return ExitCode.OK
    outcome = commands.generate(root, force, _cache_path(), _locking())
    _warn(outcome.warnings)
    _report(outcome)
    return ExitCode.OK


def run_check(root: "Path") -> int:
    """Print the drift, if any; exit 1 on drift."""
    from dockergen import commands
    from dockergen.errors import ExitCode

    outcome = commands.check(root, _cache_path(), _locking())
    _warn(outcome.warnings)
    if not outcome.stale:
        _out(f"dockergen: {len(outcome.changes)} generated files are up to date")
        return ExitCode.OK
    for change in outcome.stale:
        _out(change.diff(), end="")
    _err(f"dockergen: {len(outcome.stale)} file(s) out of date; run `dockergen generate`")
    return ExitCode.DRIFT


def run_plan(root: "Path", fmt: "Any", targets: tuple[str, ...]) -> int:
    """Print the plans as text or JSON."""
    import json

    from dockergen import commands
    from dockergen.errors import ExitCode
    from dockergen.plan.model import to_json
    from dockergen.report.describe import describe

    warnings, plans = commands.plans(root, targets)
    if fmt == "json":
        _out(json.dumps(to_json(plans), indent=2, ensure_ascii=False))
        return ExitCode.OK
    _warn(warnings)
    for p in plans:
        _out(describe(p))
    return ExitCode.OK


def run_context(root: "Path", fmt: "Any", targets: tuple[str, ...]) -> int:
    """Print what each build context sends."""
    import json
    from dataclasses import asdict

    from dockergen import commands
    from dockergen.errors import ExitCode

    reports = commands.context_reports(root, targets)
    if fmt == "json":
        _out(json.dumps([asdict(r) for r in reports], indent=2))
        return ExitCode.OK
    for r in reports:
        share = 100 * r.sent.bytes / r.unfiltered.bytes if r.unfiltered.bytes else 100.0
        _out(
            f"target {r.target} ({r.ignore_file}): sends {r.sent.files:,} files, {_size(r.sent.bytes)}; "
            f"without it {r.unfiltered.files:,} files, {_size(r.unfiltered.bytes)} ({share:.2f}% of the bytes kept)"
        )
    return ExitCode.OK


def run_explain(root: "Path", fmt: "Any", targets: tuple[str, ...], paths: tuple[str, ...]) -> int:
    """Print, per target, the steps a build re-runs after the change, and whether the image can change."""
    import json
    from dataclasses import asdict

    from dockergen import commands
    from dockergen.errors import ExitCode

    found = commands.explanations(root, targets, paths)
    if fmt == "json":
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


def run_affected(root: "Path", fmt: "Any", base: str) -> int:
    """Print the targets whose image the change since `base` can alter (JSON: for a CI matrix)."""
    import json

    from dockergen import commands
    from dockergen.errors import ExitCode
    from dockergen.report.affected import matrix

    changed, found = commands.affected_targets(root, base)
    if fmt == "json":
        _out(json.dumps(matrix(base, changed, found), indent=2, ensure_ascii=False))
        return ExitCode.OK
    if not found:
        _out(f"dockergen: no target's image can change ({len(changed)} path(s) changed since {base})")
    for a in found:
        _out(f"{a.target} ({a.dockerfile}, --target {a.stage}): {a.image}; {a.reason}")
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


def _app() -> "typer.Typer":
    """The typer app (imported only when a command needs it)."""
    from typing import Annotated

    import typer

    import dockergen

    def version(value: bool) -> None:
        if value:
            _out(f"dockergen {dockergen.__version__}")
            raise typer.Exit()

    app = typer.Typer(
        add_completion=False,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        help="Generate cache-optimal, minimal Docker builds for a pnpm monorepo and keep them in sync.",
    )
    version_opt = Annotated[
        bool, typer.Option("--version", callback=version, is_eager=True, help="Print the version and exit.")
    ]

    @app.callback()
    def options(show_version: version_opt = False) -> None:
        """Generate cache-optimal, minimal Docker builds for a pnpm monorepo and keep them in sync."""

    _writing_commands(app)
    _reading_commands(app)
    return app


ROOT_HELP = "Root of the pnpm workspace (default: found upward from the current directory, as pnpm finds it)."


def _done(code: int) -> None:
    import typer

    if code:
        raise typer.Exit(code)


def _writing_commands(app: "typer.Typer") -> None:
    """init, generate and check: the commands that write or compare the generated files."""
    from enum import StrEnum
    from pathlib import Path
    from typing import Annotated

    import typer

    root_opt = Annotated[Path | None, typer.Option("--root", help=ROOT_HELP, show_default=False)]

    class CI(StrEnum):
        """CI systems `init --ci` writes a workflow for."""

        github = "github"

    @app.command()
    def init(
        root: root_opt = None,
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
        ci: Annotated[
            CI | None,
            typer.Option("--ci", help="Also write a CI workflow that builds and pushes the affected images."),
        ] = None,
    ) -> None:
        """Write dockergen.yaml (commented, with detected defaults) and generate the Docker files."""
        paths = (dockerfile, dockerignore)
        _done(run_init(_root(root), tuple(package or ()), force, paths, ci.value if ci else None))

    @app.command()
    def generate(
        root: root_opt = None,
        diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff of what would change.")] = False,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would change; write nothing.")] = False,
        force: Annotated[bool, typer.Option(help="Overwrite hand-edited or foreign files (keeps <file>.bak).")] = False,
    ) -> None:
        """Re-render every target from dockergen.yaml and the workspace; write only files that changed."""
        _done(run_generate(_root(root), diff, dry_run, force))

    @app.command()
    def check(root: root_opt = None) -> None:
        """Exit 0 when every generated file matches; exit 1 with a unified diff when one drifted."""
        _done(run_check(_root(root)))


def _reading_commands(app: "typer.Typer") -> None:
    """plan, context, explain and affected: the commands that only report."""
    from enum import StrEnum
    from pathlib import Path
    from typing import Annotated

    import typer

    class Format(StrEnum):
        """Output format of plan, context, explain and affected."""

        text = "text"
        json = "json"

    root_opt = Annotated[Path | None, typer.Option("--root", help=ROOT_HELP, show_default=False)]
    targets_opt = Annotated[list[str] | None, typer.Option("--target", help="Only this target (repeatable).")]
    format_opt = Annotated[Format, typer.Option("--format", help="text for people, json for tools.")]

    @app.command()
    def plan(root: root_opt = None, format: format_opt = Format.text, target: targets_opt = None) -> None:
        """Print the build plan of every target (stages, steps and why), writing nothing."""
        _done(run_plan(_root(root), format.value, tuple(target or ())))

    @app.command()
    def context(root: root_opt = None, format: format_opt = Format.text, target: targets_opt = None) -> None:
        """Report the files and bytes each build context sends, with and without its ignore file."""
        _done(run_context(_root(root), format.value, tuple(target or ())))

    @app.command()
    def explain(
        paths: Annotated[
            list[str] | None,
            typer.Argument(help="Changed paths, relative to --root (default: git's changes against HEAD)."),
        ] = None,
        root: root_opt = None,
        format: format_opt = Format.text,
        target: targets_opt = None,
    ) -> None:
        """Say which build steps of each target re-run after a change, why, and whether the image can change."""
        _done(run_explain(_root(root), format.value, tuple(target or ()), tuple(paths or ())))

    @app.command()
    def affected(
        root: root_opt = None,
        format: format_opt = Format.text,
        base: Annotated[
            str, typer.Option("--base", help="Git revision to compare the work tree with (untracked files count).")
        ] = "HEAD",
    ) -> None:
        """List the targets whose image can change since --base: what CI must rebuild (json: a matrix)."""
        _done(run_affected(_root(root), format.value, base))


def _root(given: "Path | None") -> "Path":
    """--root as given, else the workspace root found upward from the current directory."""
    from pathlib import Path

    if given is not None:
        return given
    from dockergen import fs

    found = fs.find_root(os.getcwd())
    if found != os.path.abspath(os.getcwd()):
        _err(f"dockergen: workspace root {found}")
    return Path(found)


def _fast_root(args: "list[str]") -> "str | None":
    """`check` or `generate`, alone or with `--root DIR`/`--root=DIR`: the pre-commit hot path."""
    if not args or args[0] not in ("check", "generate"):
        return None
    if len(args) == 1:
        from dockergen import fs

        return fs.find_root(os.getcwd())
    if len(args) == 3 and args[1] == "--root":
        return args[2]
    if len(args) == 2 and args[1].startswith("--root="):
        return args[1].split("=", 1)[1]
    return None


def _cached(root: str) -> bool:
    """True when the record of the last in-sync run still holds (its warnings printed again)."""
    cache_dir = _cache_dir()
    if cache_dir is None or not os.path.isdir(root):
        return False
    from dockergen.check_record import lookup  # nothing heavy: this is the pre-commit hot path

    warnings = lookup(cache_dir, root)
    if warnings is None:
        return False
    _warn(warnings)
    _out("dockergen: generated files already up to date (nothing they depend on changed since the last check)")
    return True


def _click_exceptions() -> "Any":
    """Typer >= 0.20 vendors click as typer._click; older ones use click itself."""
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - depends on the installed typer
        from click import exceptions  # type: ignore[no-redef]
    return exceptions


def main(argv: "list[str] | None" = None) -> "NoReturn":
    """Console entry point: the single error boundary mapping exceptions to exit codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    fast_root = _fast_root(args)
    if fast_root is not None:
        try:
            answered = _cached(fast_root)
        except Exception:  # the record is an optimisation: any doubt means the full run
            answered = False
        if answered:
            sys.exit(0)  # ExitCode.OK; importing the enum would cost the hot path more than the check
        if args[0] == "check":
            from pathlib import Path

            sys.exit(_guarded(lambda: run_check(Path(fast_root))))
    sys.exit(_guarded(lambda: _run_typer(args)))


def _run_typer(args: "list[str]") -> int:
    import typer

    from dockergen.errors import ExitCode

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


def _guarded(run: "Callable[[], int]") -> int:
    from dockergen.errors import DockergenError, ExitCode

    try:
        return int(run())
    except DockergenError as exc:
        _warn(exc.warnings)
        _err(f"dockergen: error: {exc.one_line()}")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        _err("dockergen: interrupted; each file is either as it was or fully written, never half")
        return INTERRUPTED
    except OSError as exc:  # the system refused (a full disk, a permission, a name too long): not a bug
        from dockergen.errors import RefusedWrite

        name = exc.filename if isinstance(exc.filename, str) else os.fsdecode(exc.filename or b"?")
        error = RefusedWrite(
            f"{exc.strerror or exc}",
            path=name,
            hint="check the file's permissions, the free space and its path's length",
        )
        _err(f"dockergen: error: {error.one_line()}")
        return int(error.exit_code)
    except Exception:  # a bug: show everything and ask for a report
        import traceback

        traceback.print_exc()
        _err("dockergen: internal error (a bug in dockergen); please report it with the traceback above")
        from dockergen.errors import ExitCode

        return int(ExitCode.INTERNAL)
