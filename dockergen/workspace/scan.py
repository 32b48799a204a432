"""scan(repo) -> Workspace: pnpm-workspace.yaml, every package.json, the graph, install inputs."""

from __future__ import annotations

import dataclasses
import posixpath
from dataclasses import dataclass, field
from typing import Any

from dockergen.errors import InputError
from dockergen.repo import Repo, item_position, key_position
from dockergen.validate import context_path
from dockergen.workspace import graph
from dockergen.workspace.build_configs import FactsCache, build_configs
from dockergen.workspace.bundler_config import BundlerConfig, bundler_configs
from dockergen.workspace.frameworks import NestConfig, NextConfig, nest_configs, next_configs
from dockergen.workspace.glob_patterns import glob_problem
from dockergen.workspace.globs import find_members
from dockergen.workspace.hooks import build_script_files, hook_files
from dockergen.workspace.install_inputs import InstallInput, install_inputs
from dockergen.workspace.lockfile import Lockfile, parse_lockfile
from dockergen.workspace.manifest import BUILD_KINDS, PROD_KINDS, Package, parse_manifest
from dockergen.workspace.native import build_policy, native_builds
from dockergen.workspace.pnpm_settings import Npmrc, Settings, merge_settings, parse_npmrc
from dockergen.workspace.root_deps import used_root_dependencies
from dockergen.workspace.tasks import build_prerequisites
from dockergen.workspace.tsconfig import BuildInfo, TsLink, TsProject, ts_links, ts_projects
from dockergen.workspace.versions import ToolVersions, detect_versions

WORKSPACE_FILE = "pnpm-workspace.yaml"
LOCKFILE = "pnpm-lock.yaml"
MAX_NPMRC = 2**20  # an .npmrc holds a few settings; each line becomes a pair (30x its bytes)


@dataclass(frozen=True, slots=True)
class Workspace:
    """Everything dockergen knows about a pnpm workspace; the planner's only input besides config."""

    root: Package
    packages: tuple[Package, ...]  # members without the root, sorted by folder
    links: tuple[graph.Link, ...]
    local_paths: tuple[graph.LocalPath, ...]
    lockfile: Lockfile
    settings: Settings
    versions: ToolVersions
    npmrc: Npmrc | None
    install_inputs: tuple[InstallInput, ...]
    root_files: tuple[str, ...]  # regular files at the workspace root (build configs live here)
    root_script_files: tuple[str, ...]  # files the root's install-time scripts run
    warnings: tuple[str, ...]
    ts_links: tuple[TsLink, ...] = ()  # tsconfig extends/references, followed through chains
    native_builds: tuple[str, ...] = ()  # lockfile packages that compile with node-gyp and may build
    ts_projects: tuple[TsProject, ...] = ()  # where each package's tsc writes
    build_prerequisites: tuple[str, ...] = ()  # same-package tasks turbo.json runs before `build`
    build_script_files: tuple[tuple[str, str], ...] = ()  # (package, file outside it its build runs)
    config_import_files: tuple[tuple[str, str], ...] = ()  # (package, file outside it its build configs import)
    config_out_dirs: tuple[tuple[str, str], ...] = ()  # (package, folder outside it its build configs write)
    next_configs: tuple[NextConfig, ...] = ()
    nest_configs: tuple[NestConfig, ...] = ()
    bundler_configs: tuple[BundlerConfig, ...] = ()
    workspace_file: bool = True  # pnpm-workspace.yaml exists (without it, only the root is a project)
    dependency_builds: bool = False  # pnpm may run some dependency's build scripts (allowed, or pnpm < 10)
    # lookups by name and folder, built once: the planner asks per package (linear, not quadratic)
    _index: _Index = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index.of(self))

    @property
    def hoisted(self) -> bool:
        """node-linker=hoisted: one flat node_modules, which filters cannot narrow."""
        return (self.settings.get("nodeLinker") or "").lower() == "hoisted"

    @property
    def all_packages(self) -> tuple[Package, ...]:
        return (self.root, *self.packages)

    def find(self, name: str) -> Package | None:
        """The project named `name`: a member before the root (whose name, when a member has it
        too, the scanner drops); a name several members share names no one project."""
        members = self._index.members.get(name, ())
        if len(members) > 1:
            folders = ", ".join(p.dir for p in members)
            raise InputError(
                f"{len(members)} workspace members are named {name!r} ({folders}): pnpm accepts that, "
                "but `--filter` by that name selects all of them, and dockergen ships one package per target",
                path=members[-1].manifest,
                hint="rename one of them, or exclude one folder with a `!` glob in pnpm-workspace.yaml",
            )
        if members:
            return members[0]
        return self.root if name and self.root.name == name else None

    def closure(
        self, name: str, *, prod: bool, with_root: bool = False, also: tuple[str, ...] = ()
    ) -> tuple[Package, ...]:
        """The package and the members it needs, dependencies first (prod: at run time). With
        `with_root`, also what the workspace root depends on: an app can import the root's
        dependencies, and builds can use its tools; `also`: more members and what they need."""
        kinds = PROD_KINDS if prod else BUILD_KINDS
        names = graph.closure(self.links, name, kinds)
        for extra in (*((self.root.name,) if with_root else ()), *also):
            names |= graph.closure(self.links, extra, kinds)
        return self.in_order(names, prod=prod)

    def in_order(self, names: set[str], *, prod: bool) -> tuple[Package, ...]:
        """The named members, dependencies first, ties by name (whoever depends on them)."""
        order, _ = graph.topological(self.links, names, PROD_KINDS if prod else BUILD_KINDS)
        by_name = self._index.linked
        return tuple(by_name[n] for n in order)

    def build_info(self, pkg: Package) -> BuildInfo:
        """The package's tsconfig projects and Nest CLI settings (what its build writes where)."""
        projects = self._index.projects.get(pkg.dir, ())
        nest = self._index.nest.get(pkg.dir)
        bundler = self._index.bundler.get(pkg.dir)
        if nest is None:
            return BuildInfo(projects, bundler=bundler)
        return BuildInfo(projects, nest.source_root, nest.entry_file, posixpath.basename(nest.tsconfig), bundler)

    def next_config(self, pkg: Package) -> NextConfig | None:
        return self._index.next.get(pkg.dir)

    def cycle_warnings(self, name: str) -> tuple[str, ...]:
        names = graph.closure(self.links, name, BUILD_KINDS)
        return graph.topological(self.links, names, BUILD_KINDS)[1]


@dataclass(frozen=True, slots=True)
class _Index:
    """A workspace's members by name, and its tsconfig projects and framework configs by folder
    (the first of each, as a scan in order would find)."""

    members: dict[str, tuple[Package, ...]]  # members by name, in folder order
    linked: dict[str, Package]  # each name's project as pnpm links it (graph.by_name), the root's too
    projects: dict[str, tuple[TsProject, ...]]
    nest: dict[str, NestConfig]
    next: dict[str, NextConfig]
    bundler: dict[str, BundlerConfig]

    @staticmethod
    def of(ws: Workspace) -> _Index:
        members: dict[str, list[Package]] = {}
        for pkg in ws.packages:
            members.setdefault(pkg.name, []).append(pkg)
        linked = {**graph.by_name(ws.packages), ws.root.name: ws.root}
        projects: dict[str, list[TsProject]] = {}
        for project in ws.ts_projects:
            projects.setdefault(posixpath.dirname(project.config), []).append(project)
        nest: dict[str, NestConfig] = {}
        for n in ws.nest_configs:
            nest.setdefault(n.dir, n)
        nexts: dict[str, NextConfig] = {}
        for x in ws.next_configs:
            nexts.setdefault(x.dir, x)
        named = {k: tuple(v) for k, v in members.items()}
        bundler = {b.dir: b for b in ws.bundler_configs}
        return _Index(named, linked, {k: tuple(v) for k, v in projects.items()}, nest, nexts, bundler)


def scan(repo: Repo) -> Workspace:
    """Read the workspace the way pnpm does; raise InputError on anything pnpm would reject."""
    warnings: list[str] = []
    ws_yaml = _read_workspace_yaml(repo, warnings)
    root_data = _read_root_manifest(repo)
    root = parse_manifest(root_data, ".", "package.json")
    patterns = _patterns(ws_yaml, warnings)
    search = find_members(repo, patterns)
    warnings.extend(search.warnings)
    root, members = graph.shared_names(root, tuple(_read_member(repo, _member_dir(d)) for d in search.dirs if d != "."))
    if root.dependencies:
        members = tuple(dataclasses.replace(m, root_dependencies=used_root_dependencies(root, m)) for m in members)
    npmrc = parse_npmrc(repo.read_text(".npmrc", limit=MAX_NPMRC), ".npmrc") if repo.is_file(".npmrc") else None
    root_pnpm: dict[str, Any] = root_data["pnpm"] if isinstance(root_data.get("pnpm"), dict) else {}
    settings = merge_settings(ws_yaml, root_pnpm, npmrc)
    lockfile = _read_lockfile(repo)
    versions = detect_versions(repo, root_data, settings, lockfile)
    deps_graph = graph.build_graph((root, *members), settings, _catalogs(ws_yaml))
    warnings.extend(deps_graph.warnings)
    warnings.extend(_lockfile_warnings(lockfile, (root, *members)))
    inputs = install_inputs(repo, ws_yaml, root_pnpm, settings, lockfile, npmrc)
    policy = build_policy(ws_yaml, root_pnpm, versions.pnpm_major)
    facts: FactsCache = {}  # files several packages' configs import are read once
    configs = [(p.name, build_configs(repo, p, facts)) for p in members]
    warnings.extend(w for _, c in configs for w in c.warnings)
    hooks = hook_files(repo, root, frozenset(p.dir for p in members), warnings)
    script_files = tuple((p.name, f) for p in members for f in build_script_files(repo, p, warnings))
    links, projects = ts_links(repo, (root, *members), warnings), ts_projects(repo, members, warnings)
    return Workspace(
        root=root,
        packages=members,
        links=deps_graph.links,
        local_paths=deps_graph.local_paths,
        lockfile=lockfile,
        settings=settings,
        versions=versions,
        npmrc=npmrc,
        install_inputs=inputs,
        root_files=tuple(e.name for e in repo.list_dir(".") if not e.is_dir),
        root_script_files=hooks,
        warnings=tuple(dict.fromkeys(warnings)),
        ts_links=links,
        ts_projects=projects,
        build_prerequisites=build_prerequisites(repo),
        build_script_files=script_files,
        config_import_files=tuple((name, f) for name, c in configs for f in c.imports),
        config_out_dirs=tuple((name, d) for name, c in configs for d in c.out_dirs),
        next_configs=next_configs(repo, members),
        nest_configs=nest_configs(repo, members),
        bundler_configs=bundler_configs(repo, members),
        native_builds=native_builds(policy, lockfile),
        dependency_builds=policy.allowed is None or bool(policy.allowed & lockfile.package_names),
        workspace_file=repo.is_file(WORKSPACE_FILE),
    )


def _read_workspace_yaml(repo: Repo, warnings: list[str]) -> dict[str, Any]:
    if not repo.is_file(WORKSPACE_FILE):
        if not repo.is_file("package.json"):
            raise InputError(
                "no pnpm-workspace.yaml and no package.json here",
                path=WORKSPACE_FILE,
                hint="run dockergen in the root of a pnpm workspace, or pass --root DIR",
            )
        if not repo.is_file(LOCKFILE):
            raise InputError(
                "no pnpm-workspace.yaml and no pnpm-lock.yaml: this is not a pnpm project",
                path=WORKSPACE_FILE,
                hint="create pnpm-workspace.yaml and run `pnpm install`",
            )
        warnings.append("no pnpm-workspace.yaml: treating the root package as the only project")
        return {}
    data = repo.read_yaml(WORKSPACE_FILE)
    if data is not None and _bad_patterns(data):
        data = repo.read_yaml(WORKSPACE_FILE, positions=True)  # only to point at the bad glob
    if data is None:
        warnings.append("pnpm-workspace.yaml is empty: the workspace holds only the root project")
        return {}
    if not isinstance(data, dict):
        raise InputError(
            "pnpm-workspace.yaml must be a mapping", path=WORKSPACE_FILE, line=1, hint="start with `packages:`"
        )
    return data


def _patterns(ws_yaml: dict[str, Any], warnings: list[str]) -> list[str]:
    if "packages" not in ws_yaml or ws_yaml.get("packages") is None:
        if ws_yaml:
            warnings.append("pnpm-workspace.yaml has no `packages:` key: the workspace holds only the root project")
        return []
    raw = ws_yaml["packages"]
    if not isinstance(raw, list):
        line, col = key_position(ws_yaml, "packages")
        raise InputError("`packages` must be a list of globs", path=WORKSPACE_FILE, line=line, col=col)
    for index, item in enumerate(raw):
        line, col = item_position(raw, index)
        if not isinstance(item, str):
            raise InputError(
                f"`packages` item {index + 1} is not a string", path=WORKSPACE_FILE, line=line, col=col,
                hint="quote the glob",
            )  # fmt: skip
        problem = glob_problem(item)
        if problem is not None:
            raise InputError(
                f"glob {item!r} {problem.message}", path=WORKSPACE_FILE, line=line, col=col, hint=problem.hint
            )
    return [str(item) for item in raw]


def _bad_patterns(data: Any) -> bool:
    raw = data.get("packages") if isinstance(data, dict) else None
    if raw is None:
        return False
    return not isinstance(raw, list) or any(not isinstance(i, str) or glob_problem(i) is not None for i in raw)


def _read_root_manifest(repo: Repo) -> dict[str, Any]:
    if not repo.is_file("package.json"):
        raise InputError(
            "the workspace root has no package.json",
            path="package.json",
            hint="pnpm needs a root package.json (it holds packageManager); create one",
        )
    data = repo.read_json("package.json")
    if not isinstance(data, dict):
        raise InputError("package.json must hold a JSON object", path="package.json", line=1, col=1)
    return data


def _member_dir(directory: str) -> str:
    """A member folder's path goes into COPY lines and .dockerignore lines: it must be expressible."""
    reason = context_path(directory)
    if reason:
        raise InputError(
            f"workspace member folder {directory!r} {reason}",
            path=WORKSPACE_FILE,
            hint="rename the folder, or exclude it with a `!` glob in pnpm-workspace.yaml",
        )
    return directory


def _read_member(repo: Repo, directory: str) -> Package:
    for name in ("package.json", "package.yaml", "package.json5"):
        path = f"{directory}/{name}"
        if repo.is_file(path):
            break
    if name == "package.json5":
        raise InputError("package.json5 manifests are not supported", path=path, hint="convert it to package.json")
    data = repo.read_json(path) if name == "package.json" else repo.read_yaml(path)
    listing = repo.list_dir(directory)
    pkg = parse_manifest(data, directory, path, tuple(e.name for e in listing))
    dangling = tuple(
        e.name for e in listing if e.is_symlink and not e.is_dir and repo.kind(f"{directory}/{e.name}") == "missing"
    )
    if dangling:
        pkg = dataclasses.replace(pkg, dangling=dangling)
    if not pkg.name:
        raise InputError(
            'workspace member has no "name"',
            path=path,
            hint="add a name, or exclude the folder with a `!` glob in pnpm-workspace.yaml",
        )
    return pkg


def _read_lockfile(repo: Repo) -> Lockfile:
    if not repo.is_file(LOCKFILE):
        raise InputError(
            "no pnpm-lock.yaml: a reproducible build needs the lockfile",
            path=LOCKFILE,
            hint="run `pnpm install` and commit pnpm-lock.yaml",
        )
    return parse_lockfile(repo.read_text(LOCKFILE), LOCKFILE)


def _lockfile_warnings(lockfile: Lockfile, packages: tuple[Package, ...]) -> list[str]:
    importers = set(lockfile.importers)
    missing = [p.dir for p in packages if p.dir not in importers]
    if not missing or not importers:
        return []
    return [
        f"pnpm-lock.yaml has no importer for {', '.join(missing)}: "
        "`pnpm install --frozen-lockfile` will fail until you run `pnpm install`"
    ]


def _catalogs(ws_yaml: dict[str, Any]) -> dict[str, set[str]]:
    catalogs: dict[str, set[str]] = {}
    if isinstance(ws_yaml.get("catalog"), dict):
        catalogs["default"] = set(ws_yaml["catalog"])
    named = ws_yaml.get("catalogs")
    if isinstance(named, dict):
        for name, entries in named.items():
            if isinstance(entries, dict):
                catalogs.setdefault(str(name), set()).update(entries)
    return catalogs
