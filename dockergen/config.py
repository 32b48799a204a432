"""dockergen.yaml <-> Config; edits go through ruamel.yaml round-trip so user comments survive."""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from dockergen import validate
from dockergen.errors import ConfigError
from dockergen.repo import Repo, item_position, key_position, parse_yaml

CONFIG_FILE = "dockergen.yaml"
RUNTIMES = ("slim", "distroless")
STAGES = ("base", "deps", "build", "runtime")
_TARGET_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class TargetConfig:
    """One deployable package and how to ship it; None means "detect"."""

    name: str
    package: str
    port: int | None = None
    health: str | None = None
    command: tuple[str, ...] | None = None
    node: str | None = None
    pnpm: str | None = None
    runtime: str = "slim"
    build_image: str | None = None
    dockerfile: str | None = None
    dockerignore: str | None = None
    files: tuple[str, ...] | None = None
    env: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    ignore: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    user: str | None = None
    data_dirs: tuple[str, ...] = ()
    npmrc_secret: bool | None = None
    handle_signals: bool = True
    instructions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    lint_ignore: tuple[tuple[str, str], ...] = ()
    digests: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    path: str
    targets: tuple[TargetConfig, ...] = field(default_factory=tuple)

    def target(self, name: str) -> TargetConfig | None:
        for t in self.targets:
            if t.name == name:
                return t
        return None


# key -> description; `init` writes it as the comment beside the key.
TARGET_KEYS: dict[str, str] = {
    "package": "workspace package to ship (its name in package.json)",
    "port": "port the app listens on: EXPOSE, ENV PORT; leave out for workers",
    "health": "HTTP path answering 200 when healthy: HEALTHCHECK",
    "command": "exec-form command, relative to the package folder",
    "node": "Node version of the base images (major or exact)",
    "pnpm": "exact pnpm version used in the build",
    "runtime": "runtime image: slim (node:<major>-slim), distroless, or any image",
    "build_image": "image of the build stages",
    "dockerfile": "where the Dockerfile is written",
    "dockerignore": "where its ignore file is written",
    "files": "package files the runtime image needs, relative to the package",
    "env": "extra ENV of the runtime image",
    "labels": "LABELs of the runtime image",
    "ignore": "extra .dockerignore patterns",
    "keep": "extra repository files the build needs (kept in the context, copied before building)",
    "user": "numeric uid:gid the app runs as",
    "data_dirs": "folders (absolute) the app may write to, owned by the app user",
    "npmrc_secret": "mount registry credentials as a build secret (auto for credentials or a private registry)",
    "handle_signals": "exit on SIGTERM/SIGINT when the app does not handle them (node as PID 1 ignores them)",
    "instructions": "extra Dockerfile instructions per stage: base, deps, build, runtime",
    "lint_ignore": "accepted linter findings: rule id -> reason",
    "digests": "base image digests: image -> sha256:...",
}


def load_config(repo: Repo) -> Config:
    """Read and validate dockergen.yaml; a missing file is an error with a hint to run init."""
    if not repo.is_file(CONFIG_FILE):
        raise ConfigError(
            "no dockergen.yaml in the workspace root",
            path=CONFIG_FILE,
            hint="run `dockergen init` to create it",
        )
    return parse_config(repo.read_text(CONFIG_FILE))


def parse_config(text: str) -> Config:
    data = parse_yaml(text, CONFIG_FILE)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("dockergen.yaml must be a mapping", path=CONFIG_FILE, line=1, col=1)
    _check_keys(data, ("version", "defaults", "targets"), "top level")
    version = data.get("version", 1)
    if version != 1:
        line, col = key_position(data, "version")
        raise ConfigError(
            f"unsupported version {version!r}", path=CONFIG_FILE, line=line, col=col, hint="use version: 1"
        )
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise _type_error(data, "defaults", "a mapping")
    _check_keys(defaults, tuple(k for k in TARGET_KEYS if k != "package"), "defaults")
    targets = data.get("targets") or {}
    if not isinstance(targets, dict) or not targets:
        line, col = key_position(data, "targets") if "targets" in data else (1, 1)
        raise ConfigError(
            "no targets in dockergen.yaml", path=CONFIG_FILE, line=line, col=col,
            hint='add `targets: {api: {package: "@scope/api", port: 3000}}` or run `dockergen init`',
        )  # fmt: skip
    parsed = [_target(str(name), body, defaults, targets) for name, body in targets.items()]
    return Config(CONFIG_FILE, tuple(sorted(parsed, key=lambda t: t.name)))


def _target(name: str, body: Any, defaults: dict[str, Any], parent: Any) -> TargetConfig:
    if not _TARGET_NAME.match(name):
        line, col = key_position(parent, name)
        raise ConfigError(
            f"target name {name!r} must be lowercase letters, digits, '.', '_' or '-'",
            path=CONFIG_FILE, line=line, col=col,
        )  # fmt: skip
    if not isinstance(body, dict):
        raise _type_error(parent, name, "a mapping with at least `package:`")
    _check_keys(body, tuple(TARGET_KEYS), f"target {name!r}")
    if not isinstance(body.get("package"), str) or not body["package"].strip():
        line, col = key_position(parent, name)
        raise ConfigError(
            f"target {name!r} has no `package:`", path=CONFIG_FILE, line=line, col=col,
            hint="name the workspace package to ship, e.g. package: \"@scope/api\"",
        )  # fmt: skip
    merged = {**defaults, **body}
    src = body if "port" in body else defaults
    return TargetConfig(
        name=name,
        package=body["package"].strip(),
        port=_opt_port(src, merged.get("port")),
        health=_opt_path(merged, "health", body, defaults),
        command=_command(merged, body, defaults),
        node=_opt_scalar(merged, "node", body, defaults),
        pnpm=_opt_scalar(merged, "pnpm", body, defaults),
        runtime=_image(merged, "runtime", body, defaults) or "slim",
        build_image=_image(merged, "build_image", body, defaults),
        dockerfile=_opt_relpath(merged, "dockerfile", body, defaults),
        dockerignore=_opt_relpath(merged, "dockerignore", body, defaults),
        files=_paths(merged, "files", body, defaults, validate.context_path),
        env=_keyed_map(merged, "env", body, defaults, validate.env_key),
        labels=_keyed_map(merged, "labels", body, defaults, validate.label_key),
        ignore=_ignore_patterns(merged, body, defaults),
        keep=_paths(merged, "keep", body, defaults, validate.context_path) or (),
        user=_opt_user(merged, body, defaults),
        data_dirs=_data_dirs(merged, body, defaults),
        npmrc_secret=_opt_bool(merged, "npmrc_secret", body, defaults),
        handle_signals=_opt_bool(merged, "handle_signals", body, defaults) is not False,
        instructions=_instructions(merged, body, defaults),
        lint_ignore=_lint_ignore(merged, body, defaults),
        digests=_keyed_map(merged, "digests", body, defaults, validate.image_reference),
    )


def _where(key: str, body: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return body if key in body else defaults


def _opt_port(src: Any, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise _type_error(src, "port", "a number between 1 and 65535 (or leave it out for workers)")
    return value


def _opt_scalar(merged: dict[str, Any], key: str, body: dict[str, Any], defaults: dict[str, Any]) -> str | None:
    value = merged.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _type_error(_where(key, body, defaults), key, "a string")
    text = str(value).strip()
    if not text:
        raise _type_error(_where(key, body, defaults), key, "a non-empty string")
    return text


def _opt_path(merged: dict[str, Any], key: str, body: dict[str, Any], defaults: dict[str, Any]) -> str | None:
    value = _opt_scalar(merged, key, body, defaults)
    if value is not None and validate.url_path(value):
        raise _type_error(
            _where(key, body, defaults), key, "a URL path starting with / (letters, digits, URL punctuation)"
        )
    return value


def _opt_relpath(merged: dict[str, Any], key: str, body: dict[str, Any], defaults: dict[str, Any]) -> str | None:
    value = _opt_scalar(merged, key, body, defaults)
    if value is None:
        return None
    normal = posixpath.normpath(value)
    reason = validate.context_path(normal)
    if reason or normal == ".":
        raise _value_error(_where(key, body, defaults), key, value, reason or "is the workspace root, not a file")
    return normal


def _image(merged: dict[str, Any], key: str, body: dict[str, Any], defaults: dict[str, Any]) -> str | None:
    value = _opt_scalar(merged, key, body, defaults)
    if value is None or (key == "runtime" and value in RUNTIMES):
        return value
    reason = validate.image_reference(value)
    if reason:
        raise _value_error(_where(key, body, defaults), key, value, reason)
    return value


def _command(merged: dict[str, Any], body: dict[str, Any], defaults: dict[str, Any]) -> tuple[str, ...] | None:
    argv = _opt_list(merged, "command", body, defaults)
    where = _where("command", body, defaults)
    if argv is not None and (not argv or not argv[0].strip()):
        raise _type_error(where, "command", "a non-empty list: the program, then its arguments")
    for index, word in enumerate(argv or ()):
        reason = validate.control_chars(word)
        if reason:
            raise _item_error(where, "command", index, word, reason)
    return argv


def _paths(
    merged: dict[str, Any], key: str, body: dict[str, Any], defaults: dict[str, Any], check: Any
) -> tuple[str, ...] | None:
    values = _opt_list(merged, key, body, defaults)
    for index, value in enumerate(values or ()):
        reason = check(value.rstrip("/") or value)
        if reason:
            raise _item_error(_where(key, body, defaults), key, index, value, reason)
    return values


def _ignore_patterns(merged: dict[str, Any], body: dict[str, Any], defaults: dict[str, Any]) -> tuple[str, ...]:
    values = _opt_list(merged, "ignore", body, defaults) or ()
    for index, value in enumerate(values):
        reason = validate.control_chars(value)
        if not reason and (not value.strip() or value.strip().startswith("#")):
            reason = "is empty or a comment, not a pattern"
        if reason:
            raise _item_error(_where("ignore", body, defaults), "ignore", index, value, reason)
    return tuple(v.strip() for v in values)


def _keyed_map(
    merged: dict[str, Any], key: str, body: dict[str, Any], defaults: dict[str, Any], check_key: Any
) -> tuple[tuple[str, str], ...]:
    pairs = _opt_map(merged, key, body, defaults)
    where = _where(key, body, defaults).get(key)
    for name, value in pairs:
        reason = check_key(name)
        if reason:
            line, col = key_position(where, name)
            raise ConfigError(f"{key}: name {name!r} {reason}", path=CONFIG_FILE, line=line, col=col, hint=_hint(key))
        reason = validate.control_chars(value)
        if reason:
            line, col = key_position(where, name)
            raise ConfigError(
                f"{key}: the value of {name!r} {reason}", path=CONFIG_FILE, line=line, col=col,
                hint="a Dockerfile value is one line",
            )  # fmt: skip
    return pairs


def _opt_user(merged: dict[str, Any], body: dict[str, Any], defaults: dict[str, Any]) -> str | None:
    value = _opt_scalar(merged, "user", body, defaults)
    if value is not None and not re.match(r"^\d+(:\d+)?$", value):
        raise _type_error(_where("user", body, defaults), "user", "a numeric uid:gid such as 1000:1000")
    return value


LINT_RULE = re.compile(r"^((DL|SC)\d{4}|CKV2?_[A-Z0-9_]+|(AVD-)?DS-\d{4})$")


def _lint_ignore(merged: dict[str, Any], body: dict[str, Any], defaults: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    entries = _opt_map(merged, "lint_ignore", body, defaults)
    for rule, reason in entries:
        if not LINT_RULE.match(rule) or not reason.strip() or validate.control_chars(reason):
            where = _where("lint_ignore", body, defaults)
            line, col = key_position(where.get("lint_ignore"), rule)
            raise ConfigError(
                f"lint_ignore: {rule!r} needs a hadolint (DL3008), checkov (CKV_DOCKER_2) or trivy (DS-0026) "
                "rule id and a reason",
                path=CONFIG_FILE, line=line, col=col, hint="write it as `RULE: why this finding is accepted`",
            )  # fmt: skip
    return entries


def _data_dirs(merged: dict[str, Any], body: dict[str, Any], defaults: dict[str, Any]) -> tuple[str, ...]:
    dirs = _opt_list(merged, "data_dirs", body, defaults) or ()
    for index, d in enumerate(dirs):
        normal = posixpath.normpath(d) if d.startswith("/") else d
        reason = validate.absolute_path(d)
        if reason is None and (normal in ("/", "/app") or normal.startswith("/app/")):
            reason = "must be a folder outside /app (the app's files stay read-only)"
        if reason:
            raise _item_error(_where("data_dirs", body, defaults), "data_dirs", index, d, reason)
    return tuple(posixpath.normpath(d) for d in dirs)


def _opt_bool(merged: dict[str, Any], key: str, body: dict[str, Any], defaults: dict[str, Any]) -> bool | None:
    value = merged.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise _type_error(_where(key, body, defaults), key, "true or false")
    return value


def _opt_list(
    merged: dict[str, Any], key: str, body: dict[str, Any], defaults: dict[str, Any]
) -> tuple[str, ...] | None:
    value = merged.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        raise _type_error(_where(key, body, defaults), key, "a list of strings")
    return tuple(str(v) for v in value)


def _opt_map(
    merged: dict[str, Any], key: str, body: dict[str, Any], defaults: dict[str, Any]
) -> tuple[tuple[str, str], ...]:
    value = merged.get(key)
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(isinstance(v, (str, int, float, bool)) for v in value.values()):
        raise _type_error(_where(key, body, defaults), key, "a mapping of names to strings")
    return tuple(sorted((str(k), _scalar_text(v)) for k, v in value.items()))


def _scalar_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _instructions(
    merged: dict[str, Any], body: dict[str, Any], defaults: dict[str, Any]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    value = merged.get("instructions")
    if value is None:
        return ()
    where = _where("instructions", body, defaults)
    if not isinstance(value, dict):
        raise _type_error(where, "instructions", f"a mapping of stage ({', '.join(STAGES)}) to instruction lists")
    out = []
    for stage, lines in value.items():
        if stage not in STAGES:
            line, col = key_position(value, stage)
            raise ConfigError(
                f"unknown stage {stage!r} in instructions", path=CONFIG_FILE, line=line, col=col,
                hint=f"use one of: {', '.join(STAGES)}",
            )  # fmt: skip
        if not isinstance(lines, list) or not all(isinstance(x, str) and x.strip() for x in lines):
            line, col = key_position(value, stage)
            raise ConfigError(
                f"`instructions.{stage}` must be a list of Dockerfile instructions",
                path=CONFIG_FILE, line=line, col=col, hint=INSTRUCTION_HINT,
            )  # fmt: skip
        for index, text in enumerate(lines):
            reason = validate.instruction(text)
            if reason:
                raise _item_error(value, stage, index, text, reason, INSTRUCTION_HINT, f"instructions.{stage}")
        out.append((str(stage), tuple(x.strip() for x in lines)))
    return tuple(sorted(out))


def _check_keys(mapping: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in mapping:
        if key not in allowed:
            line, col = key_position(mapping, key)
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean `{close[0]}`?" if close else f"known keys: {', '.join(allowed)}"
            raise ConfigError(f"unknown key {key!r} in {where}", path=CONFIG_FILE, line=line, col=col, hint=hint)


INSTRUCTION_HINT = (
    "one complete Dockerfile instruction per list item, e.g. RUN apt-get install -y --no-install-recommends curl"
)


def _hint(key: str) -> str:
    return f"`{key}` is the {TARGET_KEYS[key]}" if key in TARGET_KEYS else "see the configuration table in the README"


def _value_error(mapping: Any, key: str, value: str, reason: str) -> ConfigError:
    line, col = key_position(mapping, key)
    return ConfigError(f"`{key}`: {value!r} {reason}", path=CONFIG_FILE, line=line, col=col, hint=_hint(key))


def _item_error(
    mapping: Any, key: str, index: int, value: str, reason: str, hint: str | None = None, label: str | None = None
) -> ConfigError:
    line, col = item_position(mapping.get(key) if isinstance(mapping, dict) else None, index)
    if line is None:
        line, col = key_position(mapping, key)
    return ConfigError(
        f"`{label or key}` item {index + 1}: {value!r} {reason}",
        path=CONFIG_FILE,
        line=line,
        col=col,
        hint=hint or _hint(key),
    )


def _type_error(mapping: Any, key: str, expected: str) -> ConfigError:
    line, col = key_position(mapping, key)
    return ConfigError(f"`{key}` must be {expected}", path=CONFIG_FILE, line=line, col=col, hint=_hint(key))
