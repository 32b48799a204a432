"""dockergen.yaml -> Config: ruamel.yaml reads the text (keeping each value's line and column), the
models of config/keys.py check it, and the first problem in the file becomes one line naming the
key, its line:col and a hint."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from dockergen.config.keys import (
    BAKE_FILE,
    CI_FILES,
    CONFIG_FILE,
    SCHEMA_FILE,
    SCHEMA_MODELINE,
    TARGET_KEYS,
    ConfigFile,
    Keys,
    Problem,
    Target,
)
from dockergen.errors import ConfigError
from dockergen.repo import Repo, item_position, key_position, parse_yaml

__all__ = [
    "BAKE_FILE", "CI_FILES", "CONFIG_FILE", "SCHEMA_FILE", "TARGET_KEYS", "Config", "TargetConfig", "load_config",
]  # fmt: skip

Position = tuple[int | None, int | None]


class TargetConfig(Target):
    """One target of dockergen.yaml, its keys over `defaults`; None means "detect"."""

    name: str = Field(exclude=True)  # its key under `targets:`
    positions: tuple[tuple[str, int, int], ...] = Field((), exclude=True, repr=False)  # key -> line, col

    def error(self, key: str, message: str, hint: str | None = None) -> ConfigError:
        """A problem the planner finds with this target's `key`, pointing at where the key is set
        (the target's line when it is not set)."""
        line, col = next(((ln, c) for k, ln, c in self.positions if k == key), (None, None))
        if line is None:
            line, col = next(((ln, c) for k, ln, c in self.positions if k == ""), (None, None))
        return ConfigError(f"target {self.name!r}: {message}", path=CONFIG_FILE, line=line, col=col, hint=hint)


@dataclass(frozen=True, slots=True)
class Config:
    """dockergen.yaml, validated: its targets sorted by name."""

    path: str
    targets: tuple[TargetConfig, ...] = field(default_factory=tuple)
    bake: str | None = None  # where docker-bake.hcl is written; None: not written
    bake_implicit: bool = False  # `bake:` left out (several targets): a foreign file there is left alone
    ci: str | None = None  # github: write the CI workflow; None: none
    registry: str = ""  # the REGISTRY variable's default (e.g. ghcr.io/acme/); empty: local names
    schema: str | None = None  # the JSON Schema file dockergen.yaml's modeline names; None: no modeline

    def target(self, name: str) -> TargetConfig | None:
        return next((t for t in self.targets if t.name == name), None)


def load_config(repo: Repo) -> Config:
    """Read and validate dockergen.yaml; a missing file is an error with a hint to run init."""
    if not repo.is_file(CONFIG_FILE):
        raise ConfigError(
            f"no {CONFIG_FILE} in the workspace root", path=CONFIG_FILE, hint="run `dockergen init` to create it"
        )
    return parse_config(repo.read_text(CONFIG_FILE))


def parse_config(text: str) -> Config:
    """Validate dockergen.yaml text; errors name the key with line:col."""
    data = parse_yaml(text, CONFIG_FILE)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{CONFIG_FILE} must be a mapping", path=CONFIG_FILE, line=1, col=1)
    defaults = data.get("defaults")
    targets = data.get("targets")
    merged = dict(data)
    if isinstance(targets, dict):  # each target's keys over the defaults: checked together
        base = dict(defaults) if isinstance(defaults, dict) else {}
        merged["targets"] = {k: {**base, **v} if isinstance(v, dict) else v for k, v in targets.items()}
    elif targets is None:
        merged.pop("targets", None)
    try:
        model = ConfigFile.model_validate(merged)
    except ValidationError as exc:
        raise _first_error(exc, data) from None
    parsed = [_target(str(name), t, data) for name, t in model.targets.items()]
    bake = _bake(model, len(parsed))
    return Config(
        CONFIG_FILE,
        tuple(sorted(parsed, key=lambda t: t.name)),
        bake,
        "bake" not in model.model_fields_set,
        model.ci,
        model.registry or "",
        SCHEMA_FILE if SCHEMA_MODELINE in text.splitlines() else None,
    )


def _bake(model: ConfigFile, targets: int) -> str | None:
    """`bake: true` (docker-bake.hcl at the root), a path, false (none); left out: docker-bake.hcl
    when there are several targets."""
    if model.bake is True or ("bake" not in model.model_fields_set and targets > 1):
        return BAKE_FILE
    return model.bake if isinstance(model.bake, str) else None


def _target(name: str, target: Target, data: dict[str, Any]) -> TargetConfig:
    key = _original(data, name)
    body, defaults = data["targets"][key], data.get("defaults") or {}
    spots = [("", key_position(data["targets"], key))]
    for key in Target.model_fields:
        holder = body if key in body else defaults if key in defaults else None
        if holder is not None:
            spots.append((key, key_position(holder, key)))
    positions = tuple((key, line, col) for key, (line, col) in spots if line is not None and col is not None)
    values = {key: getattr(target, key) for key in Target.model_fields}
    return TargetConfig.model_construct(name=name, positions=positions, **values)


def _original(data: dict[str, Any], name: Any) -> Any:
    """The key under `targets:` as YAML read it (a number, say) for the name the model has."""
    return next((k for k in data["targets"] if str(k) == str(name)), name)


# ------------------------------------------------------------------ errors


@dataclass(frozen=True, slots=True)
class _Spot:
    """Where in the file a problem is, and which model describes the key."""

    key: str  # the key the message names ("" for the file itself)
    where: str  # "the top level", "defaults", "target 'api'"
    holder: Any  # the YAML mapping holding `key`
    model: type[BaseModel]


def _first_error(exc: ValidationError, data: dict[str, Any]) -> ConfigError:
    """The problem that comes first in the file (a default's problem is met once per target)."""
    errors = [_error(e, data) for e in exc.errors()]
    return min(errors, key=lambda e: (e.line or 10**9, e.col or 0))


def _error(error: Any, data: dict[str, Any]) -> ConfigError:
    loc, kind, problem = tuple(error["loc"]), error["type"], error.get("ctx", {}).get("error")
    if loc[:1] == ("targets",) and len(loc) >= 2 and loc[2:3] == ("[key]",):
        line, col = key_position(data["targets"], _original(data, loc[1]))  # a target's name
        reason = problem.reason if isinstance(problem, Problem) else f"target name {loc[1]!r} is not valid"
        hint = problem.hint if isinstance(problem, Problem) else None
        return ConfigError(reason, path=CONFIG_FILE, line=line, col=col, hint=hint)
    if loc == ("targets",) or (loc[:1] == ("targets",) and kind == "missing" and len(loc) == 1):
        line, col = key_position(data, "targets") if "targets" in data else (1, 1)
        return ConfigError(
            f"no targets in {CONFIG_FILE}", path=CONFIG_FILE, line=line or 1, col=col or 1,
            hint='add `targets: {api: {package: "@scope/api", port: 3000}}` or run `dockergen init`',
        )  # fmt: skip
    spot, rest = _spot(loc, data, problem)
    if kind == "missing" and spot.key == "package":
        line, col = key_position(data["targets"], _original(data, loc[1]))
        return ConfigError(
            f"target {loc[1]!r} has no `package:`", path=CONFIG_FILE, line=line, col=col,
            hint='name the workspace package to ship, e.g. package: "@scope/api"',
        )  # fmt: skip
    if kind == "extra_forbidden":
        line, col = key_position(spot.holder, spot.key)
        names = [k for k in spot.model.model_fields if k not in ("name", "positions")]
        close = difflib.get_close_matches(spot.key, names, n=1)
        return ConfigError(
            f"unknown key {spot.key!r} in {spot.where}", path=CONFIG_FILE, line=line, col=col,
            hint=f"did you mean `{close[0]}`?" if close else f"known keys: {', '.join(names)}",
        )  # fmt: skip
    if isinstance(problem, Problem):
        return _problem(problem, spot, rest)
    # a mapping expected (defaults:, a target, an asset)
    key = _original(data, spot.key) if spot.holder is data.get("targets") else spot.key
    line, col = key_position(spot.holder, key) if spot.key else (1, 1)
    what = "a mapping with at least `package:`" if loc[:1] == ("targets",) and len(loc) == 2 else "a mapping"
    return ConfigError(f"`{spot.key}` must be {what}", path=CONFIG_FILE, line=line, col=col)


def _spot(loc: tuple[Any, ...], data: dict[str, Any], problem: Any) -> tuple[_Spot, tuple[Any, ...]]:
    """The key a pydantic location is about, the mapping holding it, and the path inside its value."""
    key_of = problem.key if isinstance(problem, Problem) else None
    if loc[:1] == ("targets",) and len(loc) >= 2:
        body = data["targets"].get(_original(data, loc[1]))
        key = loc[2] if len(loc) > 2 else key_of
        if key is None:  # the target itself
            return _Spot(str(loc[1]), "targets", data["targets"], ConfigFile), ()
        defaults = data.get("defaults") or {}
        in_body = isinstance(body, dict) and key in body
        holder, where = (body, f"target {loc[1]!r}") if in_body else (defaults, "defaults")
        return _Spot(str(key), where, holder, Target), tuple(loc[3:])
    if loc[:1] == ("defaults",) and len(loc) >= 2:
        return _Spot(str(loc[1]), "defaults", data.get("defaults"), Keys), tuple(loc[2:])
    key = loc[0] if loc else key_of or ""
    return _Spot(str(key), "the top level", data, ConfigFile), tuple(loc[1:])


def _problem(problem: Problem, spot: _Spot, rest: tuple[Any, ...]) -> ConfigError:
    """One line for a check's problem: the key, the value or the item, what is wrong."""
    key, at = spot.key, problem.at
    path = (*rest, *(at if isinstance(at, tuple) else (at,) if at is not None else ()))
    line, col = _position(spot.holder, key, path)
    hint = problem.hint or _describe(spot.model, key)
    if problem.must:
        message = f"`{key}` must be {problem.must}"
    elif isinstance(at, int):
        message = f"`{key}` item {at + 1}: {problem.value!r} {problem.reason}"
    elif at is not None:
        message = f"{key}: {problem.reason}"
    elif problem.value is not None:
        message = f"`{key}`: {problem.value!r} {problem.reason}"
    else:
        message = problem.reason if key in ("", "version") else f"`{key}` {problem.reason}"
    return ConfigError(message, path=CONFIG_FILE, line=line, col=col, hint=hint)


def _position(holder: Any, key: str, path: tuple[Any, ...]) -> Position:
    """line:col of `key` in `holder`, then of each list index or mapping key of `path` below it."""
    if not key:
        return 1, 1
    line, col = key_position(holder, key)
    node: Any = holder.get(key) if isinstance(holder, dict) else None
    for step in path:
        found = item_position(node, step) if isinstance(step, int) else key_position(node, step)
        if found[0] is None:
            break
        line, col = found
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    return line, col


def _describe(model: type[BaseModel], key: str) -> str | None:
    description = model.model_fields[key].description if key in model.model_fields else None
    return f"`{key}` is the {description}" if description else None
