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

from dockergen.errors import DockergenError, ExitCode, UsageError

if TYPE_CHECKING:
    from dockergen.model import BuildPlan, Step
    from dockergen.pipeline import Generated
    from dockergen.repo import AccessLog, Repo
    from dockergen.sync import FileChange


class Format(StrEnum):
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


def _repo(root: Path, log: "AccessLog | None" = None) -> "Repo":
    from dockergen.repo import Repo

    if not root.is_dir():
        raise UsageError(f"--root {root}: no such directory", hint="pass the folder holding pnpm-workspace.yaml")
    return Repo(root.resolve(), log)


def _remember(repo: "Repo", generated: "Generated") -> None:
    cache_dir = _cache_dir()
    if cache_dir is not None and repo.log is not None:
        from dockergen.cache import save

        save(cache_dir, repo.root, repo.log, tuple(f.path for f in generated.files), generated.warnings)


# ------------------------------------------------------------------ commands


def run_init(root: Path, targets: tuple[str, ...], force: bool) -> int:
    from dockergen.config import CONFIG_FILE
    from dockergen.init import init_config
    from dockergen.pipeline import generate_all
    from dockergen.render import RenderedFile
    from dockergen.repo import AccessLog
    from dockergen.sync import compare, refuse_conflicts, write
    from dockergen.workspace import scan

    repo = _repo(root, AccessLog())
    existing = repo.read_text(CONFIG_FILE) if repo.is_file(CONFIG_FILE) else None
    ws = scan(repo)
    text, picks = init_config(repo, ws, existing, targets)
    generated = generate_all(repo, config_text=text, ws=ws)
    config_change = compare((RenderedFile(CONFIG_FILE, text, ""),), repo, owned=False)
    changes = config_change + compare(generated.files, repo)
    if not force:
        refuse_conflicts(changes)
    for pick in picks:
        _out(f"target {pick.target}: {pick.package} ({pick.reason})")
    _warn(generated.warnings)
    _report(write(changes, repo, force=force), changes)
    return ExitCode.OK


def run_generate(root: Path, diff: bool, dry_run: bool, force: bool) -> int:
    from dockergen.pipeline import generate_all
    from dockergen.repo import AccessLog
    from dockergen.sync import compare, write

    repo = _repo(root, AccessLog())
    generated = generate_all(repo)
    changes = compare(generated.files, repo)
    _warn(generated.warnings)
    if diff or dry_run:
        for change in changes:
            if change.action != "unchanged":
                _out(change.diff() if diff else f"would {change.action} {change.path}", end="" if diff else "\n")
        return ExitCode.OK
    _report(write(changes, repo, force=force), changes)
    _remember(repo, generated)
    return ExitCode.OK


def run_check(root: Path) -> int:
    from dockergen.pipeline import generate_all
    from dockergen.repo import AccessLog
    from dockergen.sync import compare

    repo = _repo(root, AccessLog())
    generated = generate_all(repo)
    _warn(generated.warnings)
    stale = [c for c in compare(generated.files, repo) if c.action != "unchanged"]
    if not stale:
        _remember(repo, generated)
        _out(f"dockergen: {len(generated.files)} generated files are up to date")
        return ExitCode.OK
    for change in stale:
        _out(change.diff(), end="")
    _err(f"dockergen: {len(stale)} file(s) out of date; run `dockergen generate`")
    return ExitCode.DRIFT


def run_plan(root: Path, fmt: Format, targets: tuple[str, ...]) -> int:
    from dockergen.model import to_json
    from dockergen.pipeline import generate_all

    generated = generate_all(_repo(root))
    plans = _select(generated, targets)
    if fmt is Format.json:
        _out(json.dumps(to_json(plans), indent=2, ensure_ascii=False))
        return ExitCode.OK
    _warn(generated.warnings)
    for p in plans:
        _out(_plan_text(p))
    return ExitCode.OK


def run_context(root: Path, fmt: Format, targets: tuple[str, ...]) -> int:
    from dockergen import ignore
    from dockergen.context import report
    from dockergen.pipeline import generate_all

    repo = _repo(root)
    generated = generate_all(repo)
    files = {f.path: f.content for f in generated.files}
    plans = _select(generated, targets)
    reports = [report(repo, p.target, ignore.parse(files[p.dockerignore], p.dockerignore)) for p in plans]
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


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _select(generated: "Generated", names: tuple[str, ...]) -> "list[BuildPlan]":
    known = {p.target: p for p in generated.plans}
    for name in names:
        if name not in known:
            raise UsageError(f"unknown --target {name!r}", hint=f"targets: {', '.join(known)}")
    return [p for p in generated.plans if not names or p.target in names]


def _plan_text(p: "BuildPlan") -> str:
    lines = [
        f"target {p.target}: {p.package} ({p.package_dir}) -> {p.dockerfile} + {p.dockerignore}",
        f"  node {p.node} ({p.node_source}), pnpm {p.pnpm} ({p.pnpm_source})",
        f"  images: build {p.images.build}, runtime {p.images.runtime} as {p.images.user}",
    ]
    for stage in p.stages:
        lines.append(f"  stage {stage.name} (from {stage.base}): {stage.comment}")
        for step in stage.steps:
            lines.append(f"    {_step_text(step)}")
            lines.append(f"      why: {step.comment}")
    lines.append(f"  context: {len(p.context.keep)} kept paths, {len(p.context.drop)} exclusions")
    return "\n".join(lines)


def _step_text(step: "Step") -> str:
    """One line saying what a step does (for people; the Dockerfile spelling is the template's)."""
    from dockergen import model

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


def _report(written: tuple[str, ...], changes: "tuple[FileChange, ...]") -> None:
    for change in changes:
        if change.path in written:
            verb = "created" if change.action == "create" else "updated"
            _out(f"{verb} {change.path}" + (" (previous version kept as .bak)" if change.conflict else ""))
    if not written:
        _out(f"dockergen: {len(changes)} files already up to date")


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
        target: Annotated[
            list[str] | None, typer.Option("--target", help="Package name to ship (repeatable); default: detect.")
        ] = None,
        force: Annotated[
            bool, typer.Option(help="Overwrite Dockerfiles dockergen did not write (keeps <file>.bak).")
        ] = False,
    ) -> None:
        """Write dockergen.yaml (commented, with detected defaults) and generate the Docker files."""
        done(run_init(root, tuple(target or ()), force))

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
    from dockergen.cache import lookup

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
        return result if isinstance(result, int) else ExitCode.OK
    except typer.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return ExitCode.USAGE if isinstance(exc, click.UsageError) else ExitCode.BAD_INPUT
    except typer.Abort:
        _err("dockergen: aborted")
        return ExitCode.INTERNAL


def _guarded(run: Callable[[], int]) -> int:
    try:
        return int(run())
    except DockergenError as exc:
        _warn(exc.warnings)
        _err(f"dockergen: error: {exc.one_line()}")
        return int(exc.exit_code)
    except Exception:  # a bug: show everything and ask for a report
        traceback.print_exc()
        _err("dockergen: internal error (a bug in dockergen); please report it with the traceback above")
        return int(ExitCode.INTERNAL)
