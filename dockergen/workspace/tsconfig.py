"""TypeScript build inputs outside the dependency graph: the files a tsconfig `extends` (by
relative path or through a workspace package's name), the projects it `references`, and the folders
its `paths` map imports to (`"@x/lib/*": ["libraries/x/src/*"]`, often folders with no package.json)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from dockergen.repo import Repo
from dockergen.validate import context_path
from dockergen.workspace.bundler_config import BundlerConfig
from dockergen.workspace.manifest import Package

_TSCONFIG = re.compile(r"^tsconfig(\.[\w.-]+)?\.json$")
# Strings, comments, or anything else, so comments are only removed outside strings.
MAX_FILES = 2000  # files read through extends chains besides the packages' own tsconfig files
MAX_PATHS = 200  # `paths` entries (and targets per entry) read from one tsconfig
MAX_EXTENDS = 20  # files of one `extends` chain read for outDir/rootDir


@dataclass(frozen=True, slots=True)
class TsLink:
    """`source` (a tsconfig) needs `target`: a file it extends, a project folder it references, or
    a folder its `paths` map imports to."""

    source: str
    target: str
    kind: Literal["extends", "references", "paths"]


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """What a package's build tools say about its output: its tsconfig projects and Nest CLI config."""

    projects: tuple[TsProject, ...] = ()
    nest_source_root: str = "src"
    nest_entry_file: str = "main"
    nest_tsconfig: str = "tsconfig.build.json"
    bundler: BundlerConfig | None = None  # its tsup/tsdown config file's entry, format and out folder


@dataclass(frozen=True, slots=True)
class TsProject:
    """A package's tsconfig and where `tsc` writes (repository-relative; None when unset)."""

    config: str
    out_dir: str | None
    root_dir: str | None


def ts_projects(repo: Repo, packages: Iterable[Package], warnings: list[str] | None = None) -> tuple[TsProject, ...]:
    """`outDir`/`rootDir` of each package's tsconfig.json and tsconfig.build.json, inherited
    through `extends` as tsc does (each path relative to the file that sets it)."""
    members = {p.name: p.dir for p in packages if p.name}
    out = []
    for pkg in packages:
        for name in ("tsconfig.json", "tsconfig.build.json"):
            if name in pkg.entries:
                config = f"{_prefix(pkg.dir)}{name}"
                out.append(TsProject(config, *_out_and_root(repo, config, members, warnings)))
    return tuple(out)


def _out_and_root(
    repo: Repo, config: str, members: dict[str, str], warnings: list[str] | None
) -> tuple[str | None, str | None]:
    found: dict[str, str] = {}
    current: str | None = config
    for hop in range(MAX_EXTENDS + 1):  # extends chains are short; a cycle ends here
        data = _read(repo, current) if current else None
        if data is None or current is None:
            break
        if hop == MAX_EXTENDS:
            if warnings is not None:
                warnings.append(
                    f"{config}: its `extends` chain is longer than {MAX_EXTENDS} files (a cycle?); "
                    f"outDir and rootDir are read from the first {MAX_EXTENDS}"
                )
            break
        options = data.get("compilerOptions")
        for key in ("outDir", "rootDir"):
            value = options.get(key) if isinstance(options, dict) else None
            if key not in found and isinstance(value, str):
                found[key] = _inside(posixpath.dirname(current), value) or ""
        if "include" not in found and isinstance(data.get("include"), list):
            found["include"] = _common_root(posixpath.dirname(current), data["include"])
        extends = data.get("extends")
        spec = extends[-1] if isinstance(extends, list) and extends else extends
        current = _resolve_extends(repo, posixpath.dirname(current), spec, members) if isinstance(spec, str) else None
    # without rootDir, tsc roots the output at the common folder of its inputs: with no `include`
    # (all of the folder), that is the folder itself when TypeScript sits at its top level
    if "include" not in found and _top_level_sources(repo, posixpath.dirname(config)):
        found["include"] = posixpath.dirname(config)
    return found.get("outDir") or None, found.get("rootDir") or found.get("include") or None


def _top_level_sources(repo: Repo, folder: str) -> bool:
    return any(
        not e.is_dir and e.name.endswith((".ts", ".tsx", ".mts", ".cts")) and not e.name.endswith(".d.ts")
        for e in repo.list_dir(folder or ".")
    )


def _common_root(folder: str, patterns: list[Any]) -> str:
    """The deepest folder holding every `include` pattern (`src/**/*` and `prisma.config.ts` -> `.`)."""
    parts_list = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        static = [p for p in pattern.split("/")]
        cut = next((i for i, p in enumerate(static) if any(ch in p for ch in "*?[{")), len(static))
        prefix = static[:cut] if cut < len(static) else static[:-1]  # a file names its folder
        parts_list.append([p for p in prefix if p not in ("", ".")])
    common: list[str] = []
    for group in zip(*parts_list, strict=False) if parts_list else ():
        if len(set(group)) != 1:
            break
        common.append(group[0])
    if any(len(parts) < len(common) for parts in parts_list):
        common = common[: min(len(parts) for parts in parts_list)]
    return _inside(folder, "/".join(common) or ".") or folder


def ts_links(repo: Repo, packages: Iterable[Package], warnings: list[str] | None = None) -> tuple[TsLink, ...]:
    """Every extends/references link from the tsconfig files at the root of each package,
    followed through the files they extend (cycles and missing files are skipped)."""
    packages_list = list(packages)
    members = {p.name: p.dir for p in packages_list if p.name}
    near = _Near.of(members)
    queue = [f"{_prefix(p.dir)}{name}" for p in packages_list for name in p.entries if _TSCONFIG.match(name)]
    seen = set(queue)
    limit = len(seen) + MAX_FILES
    links: list[TsLink] = []
    skipped = 0  # files extended beyond the bound, not followed
    while queue:
        source = queue.pop()
        for link in _links_of(repo, source, members, near, warnings):
            links.append(link)
            if link.kind != "extends" or link.target in seen:
                continue
            if len(seen) >= limit:
                skipped += 1
                continue
            seen.add(link.target)
            queue.append(link.target)
    if skipped and warnings is not None:
        warnings.append(
            f"tsconfig files: the `extends` chains reach more than {MAX_FILES} files besides the packages' own; "
            f"{skipped} more are not followed (list what the builds need under `keep:`)"
        )
    return tuple(sorted(set(links), key=lambda x: (x.source, x.kind, x.target)))


@dataclass(frozen=True, slots=True)
class _Near:
    """Member folders and every folder above one: whether a folder is in, at or above a member
    costs a lookup per part of its path, not one per member."""

    dirs: frozenset[str]
    above: frozenset[str]

    @staticmethod
    def of(members: dict[str, str]) -> _Near:
        dirs = frozenset(d for d in members.values() if d not in ("", "."))  # the root holds everything
        above = frozenset(d.rsplit("/", i)[0] for d in dirs for i in range(1, d.count("/") + 1))
        return _Near(dirs, above)

    def __call__(self, folder: str) -> bool:
        if folder in self.above:
            return True
        parts = folder.split("/")
        return any("/".join(parts[:i]) in self.dirs for i in range(1, len(parts) + 1))


def _links_of(
    repo: Repo, source: str, members: dict[str, str], near: _Near, warnings: list[str] | None = None
) -> list[TsLink]:
    data = _read(repo, source)
    if data is None:
        return []
    folder = posixpath.dirname(source)
    raw_extends = data.get("extends")
    extends = raw_extends if isinstance(raw_extends, list) else [raw_extends]
    out = [
        TsLink(source, target, "extends")
        for spec in extends
        if isinstance(spec, str)
        for target in [_resolve_extends(repo, folder, spec, members)]
        if target
    ]
    references = data.get("references")
    for ref in references if isinstance(references, list) else []:
        spec = ref.get("path") if isinstance(ref, dict) else None
        target = _inside(folder, spec) if isinstance(spec, str) else None
        if target and repo.kind(target) in ("dir", "file"):
            out.append(
                TsLink(source, target if repo.kind(target) == "dir" else posixpath.dirname(target), "references")
            )
    # inside a workspace member or holding one (`"@acme/*": ["packages/*/src"]`): the dependency
    # graph copies members; `paths` matter for folders that are not packages
    folders = [f for f in _path_folders(repo, source, data, warnings) if not near(f)]
    return out + [TsLink(source, target, "paths") for target in folders]


def _path_folders(repo: Repo, source: str, data: dict[str, Any], warnings: list[str] | None) -> list[str]:
    """The folders `compilerOptions.paths` maps imports to (each target's part before its first
    `*`, or an exact file's folder), relative to `baseUrl`, else to the tsconfig's folder."""
    options = data.get("compilerOptions")
    paths = options.get("paths") if isinstance(options, dict) else None
    if not isinstance(paths, dict):
        return []
    folder = posixpath.dirname(source)
    base_url = options.get("baseUrl") if isinstance(options, dict) else None
    base = _inside(folder, base_url) if isinstance(base_url, str) else folder
    found: dict[str, None] = {}
    lists = list(paths.values())
    longest = max((len(t) for t in lists if isinstance(t, list)), default=0)
    if (len(lists) > MAX_PATHS or longest > MAX_PATHS) and warnings is not None:
        warnings.append(
            f"{source}: `paths` has more than {MAX_PATHS} entries (or targets in one): the first {MAX_PATHS} "
            "are followed; list what the builds need beyond them under `keep:`"
        )
    for targets in lists[:MAX_PATHS]:
        for target in targets[:MAX_PATHS] if isinstance(targets, list) else []:
            where = _path_folder(repo, base, target) if isinstance(target, str) and base is not None else None
            if where is not None:
                found[where] = None
    return list(found)


def _resolve_extends(repo: Repo, folder: str, spec: str, members: dict[str, str]) -> str | None:
    """A relative path, or `<workspace package>[/sub/path]`; npm packages outside the workspace
    (e.g. `@tsconfig/node22`) are the install's business, not the build context's."""
    base = _inside(folder, spec) if spec.startswith((".", "/")) else _member_path(spec, members)
    if base is None:
        return None
    for candidate in (base, f"{base}.json", f"{base}/tsconfig.json"):
        if repo.kind(candidate) == "file" and context_path(candidate) is None:
            return candidate
    return None


def _path_folder(repo: Repo, base: str, target: str) -> str | None:
    """`libraries/x/src/*` -> `libraries/x/src`; `src/x-*` -> `src`; an exact file -> its folder."""
    static = target.split("*", 1)[0]
    if not static.strip("./"):
        return None  # the whole base: the package itself
    joined = _inside(base, static)
    if joined is None or "node_modules" in joined.split("/"):
        return None
    if "*" in target:
        where = joined if static.endswith("/") else posixpath.dirname(joined)
    else:
        where = joined if repo.kind(joined) == "dir" else posixpath.dirname(joined)
    if where in ("", ".") or repo.kind(where) != "dir" or context_path(where) is not None:
        return None
    return where


def _member_path(spec: str, members: dict[str, str]) -> str | None:
    parts = spec.split("/")
    name_parts = 2 if spec.startswith("@") else 1
    name, sub = "/".join(parts[:name_parts]), "/".join(parts[name_parts:])
    if name not in members:
        return None
    return posixpath.normpath(posixpath.join(members[name], sub or "tsconfig.json"))


def _inside(folder: str, rel: str) -> str | None:
    if rel.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(folder, rel))
    return None if joined == ".." or joined.startswith("../") else joined


def _read(repo: Repo, path: str) -> dict[str, Any] | None:
    """A tsconfig as data (comments and trailing commas allowed, as tsc allows them)."""
    data = repo.read_jsonc(path)
    return data if isinstance(data, dict) else None


def _prefix(directory: str) -> str:
    return "" if directory in ("", ".") else f"{directory}/"
