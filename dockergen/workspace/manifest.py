"""package.json -> Package: the fields dockergen reasons about, validated and frozen."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from dockergen.errors import InputError
from dockergen.validate import control_chars, package_name

DependencyKind = Literal["prod", "optional", "dev", "peer"]
# (package.json field, dependency kind) in the order pnpm installs them.
DEP_FIELDS: tuple[tuple[str, DependencyKind], ...] = (
    ("dependencies", "prod"),
    ("optionalDependencies", "optional"),
    ("devDependencies", "dev"),
    ("peerDependencies", "peer"),
)
PROD_KINDS = frozenset({"prod", "optional"})
BUILD_KINDS = frozenset({"prod", "optional", "dev"})
INSTALL_SCRIPTS = ("preinstall", "install", "postinstall", "prepare")

_PROTOCOL = re.compile(r"^([a-z][a-z0-9+]*):")


@dataclass(frozen=True, slots=True)
class Dependency:
    """One entry of a dependency field: `name` as written, `spec` its raw specifier."""

    name: str
    spec: str
    kind: DependencyKind

    @property
    def protocol(self) -> str:
        """workspace, link, file, catalog, npm, jsr, github, https, ... or `range` for a plain range."""
        m = _PROTOCOL.match(self.spec)
        return m.group(1) if m else "range"


@dataclass(frozen=True, slots=True)
class Package:
    """A workspace project (the root is one too, with dir ".")."""

    name: str
    dir: str
    manifest: str
    version: str | None
    main: str | None
    bin: tuple[tuple[str, str], ...]
    scripts: tuple[tuple[str, str], ...]
    dependencies: tuple[Dependency, ...]
    files: tuple[str, ...] | None
    engines_node: str | None
    type_module: bool = False  # "type": "module": .js files are ES modules
    entries: tuple[str, ...] = ()  # names directly inside the package folder
    dangling: tuple[str, ...] = ()  # entries that are links to nothing (a submodule not checked out)
    optional_peers: tuple[str, ...] = ()  # peerDependenciesMeta.<name>.optional: true
    injected: tuple[str, ...] = ()  # dependenciesMeta.<name>.injected: true (a copy, not a link)
    # The workspace root's dependencies this member shows it uses (a script runs their bin, their
    # config file is here): Node finds them in the root's node_modules (set by the scanner).
    root_dependencies: tuple[Dependency, ...] = ()
    name_shared: bool = False  # another project has this name: pnpm's --filter by name selects both
    # The fields of an entry for importers it declares ("module", "types", "typings"): what a
    # bundler or TypeScript reads when another package imports it; a program run by node needs none.
    for_importers: tuple[str, ...] = ()

    def script(self, name: str) -> str | None:
        return dict(self.scripts).get(name)

    def deps(self, kinds: frozenset[str]) -> tuple[Dependency, ...]:
        return tuple(d for d in self.dependencies if d.kind in kinds)

    def deps_with_root(self, kinds: frozenset[str]) -> tuple[Dependency, ...]:
        """Its own dependencies of `kinds`, then the root's it uses that it does not declare."""
        own = self.deps(kinds)
        names = {d.name for d in own}
        return own + tuple(d for d in self.root_dependencies if d.kind in kinds and d.name not in names)

    @property
    def selector(self) -> str:
        """How `pnpm --filter` selects exactly this project: its name, or its folder when another
        project has the same name (`--filter=<name>` would select both)."""
        return f"./{self.dir}" if self.name_shared and self.dir != "." else self.name

    @property
    def install_scripts(self) -> tuple[str, ...]:
        """Lifecycle scripts pnpm runs for this project during `pnpm install`."""
        return tuple(s for s in INSTALL_SCRIPTS if self.script(s))


IMPORTER_FIELDS = ("module", "types", "typings")


def parse_manifest(data: Any, directory: str, path: str, entries: tuple[str, ...] = ()) -> Package:
    """Validate a parsed package.json; errors name the file and the field."""
    if not isinstance(data, dict):
        raise InputError("package.json must hold a JSON object", path=path)
    name = data.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise InputError('"name" must be a non-empty string', path=path, hint="fix the package name")
    pkg = Package(
        name=name or "",
        dir=directory,
        manifest=path,
        version=_opt_str(data, "version", path),
        main=_opt_str(data, "main", path),
        bin=_bin(data.get("bin"), name or "", path),
        scripts=_str_map(data.get("scripts"), "scripts", path),
        dependencies=_dependencies(data, path),
        files=_files(data.get("files"), path),
        engines_node=_engine(data, "node"),
        type_module=data.get("type") == "module",
        entries=entries,
        optional_peers=_meta_flag(data.get("peerDependenciesMeta"), "optional"),
        injected=_meta_flag(data.get("dependenciesMeta"), "injected"),
        for_importers=tuple(k for k in IMPORTER_FIELDS if isinstance(data.get(k), str) and data[k]),
    )
    _check_values(pkg)
    return pkg


def _meta_flag(meta: Any, flag: str) -> tuple[str, ...]:
    """Names whose `*Meta` entry sets `flag` to true; anything malformed counts as unset (pnpm
    reads it the same)."""
    if not isinstance(meta, dict):
        return ()
    return tuple(sorted(str(k) for k, v in meta.items() if isinstance(v, dict) and v.get(flag) is True))


def _check_values(pkg: Package) -> None:
    """Fields that reach a generated file must be single-line; a member's name must be npm's."""
    fields = [
        ("main", pkg.main or ""),
        ("version", pkg.version or ""),  # an OCI label of the image (the bake file)
        *((f"bin.{k}", v) for k, v in pkg.bin),
        *(("files", f) for f in pkg.files or ()),
    ]
    if pkg.dir != ".":
        fields.append(("name", pkg.name))
        reason = package_name(pkg.name) if pkg.name else None
        if reason:
            raise InputError(f'"name" {pkg.name!r} {reason}', path=pkg.manifest, hint="fix the package name")
    for field, value in fields:
        reason = control_chars(value)
        if reason:
            raise InputError(f'"{field}" {reason}', path=pkg.manifest, hint="a path or name is one line")


def _opt_str(data: dict[str, Any], key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f'"{key}" must be a string', path=path)
    return value


def _str_map(value: Any, field: str, path: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise InputError(f'"{field}" must be an object', path=path)
    out = []
    for key, item in value.items():
        if not isinstance(item, str):
            raise InputError(f'"{field}.{key}" must be a string', path=path)
        out.append((str(key), item))
    return tuple(sorted(out))


def _dependencies(data: dict[str, Any], path: str) -> tuple[Dependency, ...]:
    deps: list[Dependency] = []
    for field, kind in DEP_FIELDS:
        for name, spec in _str_map(data.get(field), field, path):
            deps.append(Dependency(name, spec.strip(), kind))
    return tuple(deps)


def _bin(value: Any, name: str, path: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return ((name.rsplit("/", 1)[-1], value),)
    return _str_map(value, "bin", path)


def _files(value: Any, path: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError('"files" must be a list of strings', path=path)
    return tuple(value)


def _engine(data: dict[str, Any], key: str) -> str | None:
    engines = data.get("engines")
    if isinstance(engines, dict) and isinstance(engines.get(key), str):
        return str(engines[key]).strip() or None
    return None
