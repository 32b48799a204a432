"""`dockergen init`: pick the apps to ship, say why, place their files where nothing of the
user's is, and write them into dockergen.yaml (comments kept). Nothing is written here."""

from __future__ import annotations

import dataclasses
import difflib
import json
import posixpath
import re
from dataclasses import dataclass

from dockergen.config.keys import CONFIG_FILE
from dockergen.config.model import parse_config
from dockergen.errors import DockergenError, InputError, UsageError
from dockergen.init import detect as apps
from dockergen.init.health_route import find_health_route
from dockergen.init.yaml_edit import NewTarget, add_targets, set_ci
from dockergen.plan.planner import placement
from dockergen.render import split_generated
from dockergen.repo import Repo, parse_yaml
from dockergen.workspace import static_site
from dockergen.workspace.manifest import Package
from dockergen.workspace.scan import Workspace
from dockergen.workspace.start_command import resolve_start


@dataclass(frozen=True, slots=True)
class Pick:
    """A package init adds as a target: why, and where its files go (and why there)."""

    target: str
    package: str
    reason: str
    files: str = ""
    placement_note: str = ""


@dataclass(frozen=True, slots=True)
class InitResult:
    """The new dockergen.yaml text, the targets added, and the apps skipped with their reasons."""

    text: str
    picks: tuple[Pick, ...]
    skipped: tuple[apps.Finding, ...]
    scanned: int


def init_config(
    repo: Repo,
    ws: Workspace,
    existing: str | None,
    requested: tuple[str, ...],
    paths: tuple[str | None, str | None] = (None, None),
    ci: str | None = None,
) -> InitResult:
    """Targets for the requested packages, or for every app detection offers and can plan (an
    app it cannot is skipped with the planner's error); `ci` adds `ci:`."""
    taken = _taken(existing)
    findings = apps.survey(ws, repo)
    if requested:
        packages = _requested(ws, repo, requested)
    else:
        findings = tuple(_planned(repo, ws, f) if f.offered and f.package.name not in taken else f for f in findings)
        packages = _detected(findings)
    fresh = [(pkg, reason) for pkg, reason in packages if pkg.name not in taken]
    if any(paths) and len(fresh) != 1:
        raise UsageError(
            "--dockerfile/--dockerignore name the files of one new target",
            hint="run init once per app with --package NAME --dockerfile PATH",
        )
    total = len(taken) + len(fresh)
    names, chosen = set(taken.values()), set[str]()
    picks = [Pick(taken[p.name], p.name, "already in dockergen.yaml") for p, _ in packages if p.name in taken]
    new: list[NewTarget] = []
    for pkg, reason in fresh:
        name = _target_name(pkg, names)
        names.add(name)
        files, note = _placement(repo, pkg, total, chosen, paths)
        chosen.update(files)
        new.append(_new_target(repo, ws, pkg, name, files if note or any(paths) else None))
        picks.append(Pick(name, pkg.name, reason, " + ".join(files), note))
    skipped = tuple(f for f in findings if not f.offered and f.package.name not in {p.package for p in picks})
    text = add_targets(existing, new) if new or existing is None else existing
    if ci is not None:
        text = set_ci(text, ci)
    return InitResult(text, tuple(picks), skipped, len(ws.packages))


def _taken(existing: str | None) -> dict[str, str]:
    """package -> target name of the targets dockergen.yaml holds already (none under an empty
    `targets:`, which init fills; the whole file is checked once the new targets are in)."""
    if not existing:
        return {}
    data = parse_yaml(existing, CONFIG_FILE)
    if isinstance(data, dict) and not data.get("targets"):
        return {}
    return {t.package: t.name for t in parse_config(existing).targets}


def _planned(repo: Repo, ws: Workspace, finding: apps.Finding) -> apps.Finding:
    """The finding as it stands once planned alone: an app the planner refuses is skipped, the
    planner's one-line error its reason (the other apps are still written; `--package` shows the error)."""
    from dockergen.pipeline import generate_all

    target = _new_target(repo, ws, finding.package, _target_name(finding.package, set()), None, finding)
    try:
        generate_all(repo, config_text=add_targets(None, [target]), ws=ws)
    except DockergenError as exc:
        return dataclasses.replace(finding, offered=False, reason=f"dockergen cannot plan it: {exc.one_line()}")
    return finding


def _requested(ws: Workspace, repo: Repo, requested: tuple[str, ...]) -> list[tuple[Package, str]]:
    out = []
    for name in requested:
        pkg = ws.find(name)
        if pkg is None or pkg.dir == ".":
            close = difflib.get_close_matches(name, [p.name for p in ws.packages], n=1)
            raise UsageError(
                f"unknown --package {name!r}: no workspace package has that name",
                hint=f"did you mean {close[0]!r}?" if close else "pass the `name` from the app's package.json",
            )
        finding = apps.judge(ws, repo, pkg)
        out.append((pkg, "named with --package" + (f"; detection: {finding.reason}" if finding else "")))
    return out


def _detected(findings: tuple[apps.Finding, ...]) -> list[tuple[Package, str]]:
    offered = [(f.package, f.reason) for f in findings if f.offered]
    if not offered:
        skipped = "; ".join(f"{f.package.name}: {f.reason}" for f in findings[:3])
        raise InputError(
            "no deployable app found (no member has a production start script, a build whose output can "
            f"start it, or an HTTP framework){f'; skipped {skipped}' if skipped else ''}",
            path="package.json",
            hint="name the app to ship: dockergen init --package <package name>",
        )
    return offered


def _target_name(pkg: Package, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9._-]+", "-", pkg.name.split("/")[-1].lower()).strip("-._") or "app"
    name = base
    if name in taken:
        name = re.sub(r"[^a-z0-9._-]+", "-", pkg.name.lower()).strip("-._")
    suffix = 2
    while name in taken:
        name = f"{base}-{suffix}"
        suffix += 1
    return name


# ------------------------------------------------------------------ where the files go


def _placement(
    repo: Repo, pkg: Package, total: int, chosen: set[str], paths: tuple[str | None, str | None]
) -> tuple[tuple[str, str], str]:
    """The files of a new target, and a note when they are not the default ones: the default
    when free (absent, or written by dockergen), else (several targets) one dockergen name at the
    root that they all share, else beside the package, else a dockergen name there."""
    if paths[0]:
        dockerfile = posixpath.normpath(paths[0])
        return (dockerfile, paths[1] or _ignore_beside(dockerfile)), "named with --dockerfile"
    default = _default_files(pkg, total)
    folder = f"{pkg.dir}/"
    shared = [default, ("Dockerfile", "Dockerfile.dockerignore")]
    if total > 1:
        shared.append(("dockergen.Dockerfile", "dockergen.Dockerfile.dockerignore"))
    candidates = [
        *shared,
        (f"{folder}Dockerfile", f"{folder}Dockerfile.dockerignore"),
        (f"{folder}dockergen.Dockerfile", f"{folder}dockergen.Dockerfile.dockerignore"),
    ]
    taken = [f for f in dict.fromkeys(default) if not _free(repo, f)]
    for files in dict.fromkeys(candidates):
        if all(_free(repo, f) and (files in shared or f not in chosen) for f in files):
            return files, "" if files == default else f"{' and '.join(taken)}: not dockergen's, left alone"
    raise InputError(
        f"no free place for {pkg.name}'s Dockerfile: {', '.join(f for c in candidates for f in c)} are taken",
        path=default[0],
        hint=f"name one: dockergen init --package {pkg.name} --dockerfile PATH",
    )


def _default_files(pkg: Package, total: int) -> tuple[str, str]:
    from dockergen.config.model import TargetConfig

    return placement(TargetConfig(name="x", package=pkg.name), pkg, total)


def _ignore_beside(dockerfile: str) -> str:
    return ".dockerignore" if dockerfile == "Dockerfile" else f"{dockerfile}.dockerignore"


def _free(repo: Repo, path: str) -> bool:
    """Absent, or a file dockergen wrote (it may rewrite its own files)."""
    kind = repo.kind(path)
    if kind == "missing":
        return True
    return kind == "file" and split_generated(repo.read_text(path))[0]


# ------------------------------------------------------------------ the new target's keys


def _new_target(
    repo: Repo, ws: Workspace, pkg: Package, name: str, files: tuple[str, str] | None, found: apps.Finding | None = None
) -> NewTarget:
    """The target's keys and the detected values beside them as comments, whether detection
    offered the package or `--package` named it."""
    found = found or apps.judge(ws, repo, pkg)
    site = static_site.detect(pkg)
    if site is not None:
        return _new_site(ws, pkg, name, files, site)
    port = found.port if found is not None else apps.default_port(pkg)
    command, _ = resolve_start(pkg, ws.build_info(pkg))
    v = ws.versions
    settings: list[tuple[str, str, str]] = []
    notes: list[tuple[str, str]] = []
    if files:
        settings += [
            ("dockerfile", files[0], "placed by init where no file of yours is"),
            ("dockerignore", files[1], "BuildKit reads <Dockerfile>.dockerignore before .dockerignore"),
        ]
    if command is not None and not command.inferred:
        also = f" (the last of {len(command.before) + 1}; a command: here replaces them all)" if command.before else ""
        notes.append(("command", f"{json.dumps(list(command.argv))}  # detected from the {command.source}{also}"))
    route = find_health_route(repo, pkg) if port is not None else None
    if route is not None and not route.certain:
        notes.append(("health", f"{route.path}  # found in {route.source}, unsure: {route.doubt}; check the URL"))
    notes += [
        ("node", f'"{v.node_version}"  # detected from {v.node_source}'),
        ("pnpm", f'"{v.pnpm_version}"  # detected from {v.pnpm_source}'),
        ("runtime", "slim  # default"),
    ]
    return NewTarget(
        name=name,
        package=pkg.name,
        port=port,
        health=route.path if route and route.certain else None,
        command=command.argv if command and command.inferred else None,
        command_why=f"{command.source}: check it" if command and command.inferred else "",
        notes=tuple(notes),
        settings=tuple(settings),
    )


def _new_site(
    ws: Workspace, pkg: Package, name: str, files: tuple[str, str] | None, site: static_site.StaticSite
) -> NewTarget:
    """A static front-end: kind static, its folder, SPA fallback as its file server had it."""
    settings: list[tuple[str, str | bool, str]] = [("kind", "static", site.reason)]
    if not site.spa:
        settings.append(("spa", False, "its file server ran without SPA fallback"))
    if files:
        settings += [
            ("dockerfile", files[0], "placed by init where no file of yours is"),
            ("dockerignore", files[1], "BuildKit reads <Dockerfile>.dockerignore before .dockerignore"),
        ]
    v = ws.versions
    notes = [
        ("files", f"[{site.folder}]  # the build output served"),
        ("node", f'"{v.node_version}"  # detected from {v.node_source}'),
        ("pnpm", f'"{v.pnpm_version}"  # detected from {v.pnpm_source}'),
        ("runtime", "distroless  # default for static sites: node's file server, no shell, non-root"),
    ]
    return NewTarget(name, pkg.name, apps.default_port(pkg), "/", None, tuple(notes), tuple(settings))
