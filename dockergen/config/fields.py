"""Reading one target's keys from dockergen.yaml: its own body over `defaults`, each value checked
where it is read; an error points (line:col) at whichever mapping holds the key."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dockergen import validate
from dockergen.errors import ConfigError
from dockergen.repo import item_position, key_position

CONFIG_FILE = "dockergen.yaml"
RUNTIMES = ("slim", "distroless")
STAGES = ("base", "deps", "build", "runtime")
LINT_RULE = re.compile(r"^((DL|SC)\d{4}|CKV2?_[A-Z0-9_]+|(AVD-)?DS-\d{4})$")
INSTRUCTION_HINT = (
    "one complete Dockerfile instruction per list item, e.g. RUN apt-get install -y --no-install-recommends curl"
)
Check = Callable[[str], "str | None"]
ROOT_USER = "root-user"
SYSTEM_FOLDERS = "system-folders"
UNSAFE = (ROOT_USER, SYSTEM_FOLDERS)
# Folders of the image's system: the tree below each of these, and these exact folders (a folder
# of one's own below /var or /srv is what data belongs in).
_SYSTEM_TREES = ("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/dev",
                 "/proc", "/sys", "/root", "/run")  # fmt: skip
_SYSTEM_EXACT = ("/", "/var", "/var/lib", "/var/cache", "/var/log", "/tmp", "/home", "/opt", "/srv", "/mnt", "/media")


def is_root(user: str) -> bool:
    """A numeric uid[:gid] whose uid is 0."""
    return user.split(":")[0].lstrip("0") == ""


def system_folder(path: str) -> str | None:
    """A reason when an absolute, normal path is a system folder or lies in one."""
    if path in _SYSTEM_EXACT:
        return f"{path} is a folder of the image's system"
    tree = next((t for t in _SYSTEM_TREES if path == t or path.startswith(f"{t}/")), None)
    return f"{path} is in {tree}, a folder of the image's system" if tree else None


@dataclass(frozen=True, slots=True)
class Asset:
    """Build output of another member that the app needs at run time (a client served by an API)."""

    package: str
    path: str  # inside that member, e.g. dist
    to: str  # where it goes, as a path in the workspace (the layout around the app is kept)


@dataclass(frozen=True, slots=True)
class TargetFields:
    """A target's mapping over `defaults`; `descriptions` feed the hints (TARGET_KEYS)."""

    body: dict[str, Any]
    defaults: dict[str, Any]
    descriptions: dict[str, str]

    def raw(self, key: str) -> Any:
        return self.body[key] if key in self.body else self.defaults.get(key)

    def where(self, key: str) -> Any:
        return self.body if key in self.body else self.defaults

    # ------------------------------------------------------------ scalars

    def scalar(self, key: str) -> str | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.type_error(key, "a string")
        text = str(value).strip()
        if not text:
            raise self.type_error(key, "a non-empty string")
        return text

    def port(self) -> int | None:
        value = self.raw("port")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
            raise self.type_error("port", "a number between 1 and 65535 (or leave it out for workers)")
        return value

    def flag(self, key: str) -> bool | None:
        value = self.raw(key)
        if value is not None and not isinstance(value, bool):
            raise self.type_error(key, "true or false")
        return value

    def url_path(self, key: str) -> str | None:
        value = self.scalar(key)
        if value is not None and validate.url_path(value):
            raise self.type_error(key, "a URL path starting with / (letters, digits, URL punctuation)")
        return value

    def relative_path(self, key: str) -> str | None:
        value = self.scalar(key)
        if value is None:
            return None
        normal = posixpath.normpath(value)
        reason = validate.context_path(normal) or ("is the workspace root, not a file" if normal == "." else None)
        if reason:
            raise self.value_error(key, value, reason)
        return normal

    def image(self, key: str) -> str | None:
        value = self.scalar(key)
        if value is None or (key == "runtime" and value in RUNTIMES):
            return value
        reason = validate.image_reference(value)
        if reason:
            raise self.value_error(key, value, reason)
        return value

    def user(self, unsafe: tuple[str, ...] = ()) -> str | None:
        value = self.scalar("user")
        if value is not None and not re.match(r"^\d+(:\d+)?$", value):
            raise self.type_error("user", "a numeric uid:gid such as 1000:1000")
        if value is not None and is_root(value) and ROOT_USER not in unsafe:
            raise self.value_error(
                "user", value, f"runs the app as root; if it must, allow it with `unsafe: [{ROOT_USER}]`"
            )
        return value

    def unsafe(self) -> tuple[str, ...]:
        """The secure defaults this target opts out of, each by name."""
        values = self.strings("unsafe") or ()
        for index, value in enumerate(values):
            if value not in UNSAFE:
                raise self.item_error("unsafe", index, value, f"is not one of: {', '.join(UNSAFE)}")
        return values

    # ------------------------------------------------------------ lists and maps

    def strings(self, key: str) -> tuple[str, ...] | None:
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            raise self.type_error(key, "a list of strings")
        return tuple(str(v) for v in value)

    def checked(self, key: str, check: Check) -> tuple[str, ...] | None:
        """A list whose every item passes `check` (trailing slashes ignored)."""
        values = self.strings(key)
        for index, value in enumerate(values or ()):
            reason = check(value.rstrip("/") or value)
            if reason:
                raise self.item_error(key, index, value, reason)
        return values

    def command(self) -> tuple[str, ...] | None:
        argv = self.strings("command")
        if argv is not None and (not argv or not argv[0].strip()):
            raise self.type_error("command", "a non-empty list: the program, then its arguments")
        return self.checked("command", validate.control_chars)

    def ignore_patterns(self) -> tuple[str, ...]:
        values = self.checked("ignore", _pattern) or ()
        return tuple(v.strip() for v in values)

    def data_dirs(self, unsafe: tuple[str, ...] = ()) -> tuple[str, ...]:
        dirs = self.checked("data_dirs", _data_dir) or ()
        for index, value in enumerate(dirs):
            reason = system_folder(posixpath.normpath(value))
            if reason and SYSTEM_FOLDERS not in unsafe:
                raise self.item_error(
                    "data_dirs", index, value,
                    f"{reason}: the app user would own it; if it must, allow it with `unsafe: [{SYSTEM_FOLDERS}]`",
                )  # fmt: skip
        return tuple(posixpath.normpath(d) for d in dirs)

    def mapping(self, key: str) -> tuple[tuple[str, str], ...]:
        value = self.raw(key)
        if value is None:
            return ()
        if not isinstance(value, dict) or not all(isinstance(v, (str, int, float, bool)) for v in value.values()):
            raise self.type_error(key, "a mapping of names to strings")
        return tuple(sorted((str(k), _scalar_text(v)) for k, v in value.items()))

    def keyed(self, key: str, check_key: Check) -> tuple[tuple[str, str], ...]:
        """A mapping whose names pass `check_key` and whose values are one line each."""
        pairs = self.mapping(key)
        for name, value in pairs:
            reason = check_key(name)
            if reason:
                raise self._entry_error(key, name, f"name {name!r} {reason}")
            if validate.control_chars(value):
                raise self._entry_error(key, name, f"the value of {name!r} {validate.control_chars(value)}")
        return pairs

    def script_lists(self, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """package name -> script names, each checked."""
        value = self.raw(key)
        if value is None:
            return ()
        if not isinstance(value, dict):
            raise self.type_error(key, "a mapping of package names to lists of script names")
        out = []
        for name, scripts in value.items():
            ok = isinstance(scripts, list) and all(isinstance(x, str) and x.strip() for x in scripts)
            reason = validate.package_name(str(name)) or (None if ok else "needs a list of script names")
            reason = reason or next((validate.control_chars(x) for x in scripts if validate.control_chars(x)), None)
            if reason is None and any(x.strip().startswith("-") for x in scripts):
                reason = "names a script starting with '-', which `pnpm run` reads as an option"
            if reason:
                raise self._entry_error(key, str(name), f"{name!r} {reason}")
            out.append((str(name), tuple(x.strip() for x in scripts)))
        return tuple(sorted(out))

    def choice(self, key: str, allowed: tuple[str, ...]) -> str | None:
        value = self.scalar(key)
        if value is not None and value not in allowed:
            raise self.value_error(key, value, f"is not one of: {', '.join(allowed)}")
        return value

    def assets(self) -> tuple[Asset, ...]:
        """`assets: [{package, path, to}]`: each package an npm name, each path plain and relative."""
        value = self.raw("assets")
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.type_error("assets", "a list of {package, path, to} mappings")
        return tuple(self._asset(index, item) for index, item in enumerate(value))

    def _asset(self, index: int, item: Any) -> Asset:
        if not isinstance(item, dict) or set(item) - {"package", "path", "to"} or not item.get("package"):
            raise self.item_error("assets", index, str(item), "must be {package: NAME, path: PATH, to: PATH}")
        package, path, to = str(item["package"]), str(item.get("path") or "."), item.get("to")
        reason = (
            validate.package_name(package)
            or validate.context_path(posixpath.normpath(path))
            or (validate.context_path(posixpath.normpath(str(to))) if to is not None else None)
        )
        if reason:
            raise self.item_error("assets", index, str(item), reason)
        return Asset(package, posixpath.normpath(path), posixpath.normpath(str(to)) if to is not None else "")

    def lint_ignore(self) -> tuple[tuple[str, str], ...]:
        entries = self.mapping("lint_ignore")
        for rule, reason in entries:
            if not LINT_RULE.match(rule) or not reason.strip() or validate.control_chars(reason):
                line, col = key_position(self.where("lint_ignore").get("lint_ignore"), rule)
                raise ConfigError(
                    f"lint_ignore: {rule!r} needs a hadolint (DL3008), checkov (CKV_DOCKER_2) or trivy (DS-0026) "
                    "rule id and a reason",
                    path=CONFIG_FILE, line=line, col=col, hint="write it as `RULE: why this finding is accepted`",
                )  # fmt: skip
        return entries

    def instructions(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        value = self.raw("instructions")
        if value is None:
            return ()
        if not isinstance(value, dict):
            raise self.type_error("instructions", f"a mapping of stage ({', '.join(STAGES)}) to instruction lists")
        return tuple(sorted((str(stage), _stage_instructions(value, stage)) for stage in value))

    # ------------------------------------------------------------ errors

    def hint(self, key: str) -> str:
        return f"`{key}` is the {self.descriptions[key]}" if key in self.descriptions else "see the README"

    def type_error(self, key: str, expected: str) -> ConfigError:
        line, col = key_position(self.where(key), key)
        return ConfigError(f"`{key}` must be {expected}", path=CONFIG_FILE, line=line, col=col, hint=self.hint(key))

    def value_error(self, key: str, value: str, reason: str) -> ConfigError:
        line, col = key_position(self.where(key), key)
        return ConfigError(f"`{key}`: {value!r} {reason}", path=CONFIG_FILE, line=line, col=col, hint=self.hint(key))

    def item_error(self, key: str, index: int, value: str, reason: str) -> ConfigError:
        line, col = item_position(self.where(key).get(key), index)
        if line is None:
            line, col = key_position(self.where(key), key)
        return ConfigError(
            f"`{key}` item {index + 1}: {value!r} {reason}", path=CONFIG_FILE, line=line, col=col, hint=self.hint(key)
        )

    def _entry_error(self, key: str, name: str, message: str) -> ConfigError:
        line, col = key_position(self.where(key).get(key), name)
        return ConfigError(f"{key}: {message}", path=CONFIG_FILE, line=line, col=col, hint=self.hint(key))


def _pattern(value: str) -> str | None:
    from dockergen.dockerignore import pattern_error, reincluded_secret

    reason = validate.control_chars(value)
    if not reason and (not value.strip() or value.strip().startswith("#")):
        reason = "is empty or a comment, not a pattern"
    reason = reason or pattern_error(value)
    secret = None if reason else reincluded_secret(value)
    if secret is not None:
        reason = (
            f"would send {secret} again, which the built-in rules keep out of every build context "
            "(secrets: .env files, .git, keys, nested .npmrc)"
        )
    return reason


def _data_dir(value: str) -> str | None:
    reason = validate.absolute_path(value)
    normal = posixpath.normpath(value) if value.startswith("/") else value
    if reason is None and (normal in ("/", "/app") or normal.startswith("/app/")):
        reason = "must be a folder outside /app (the app's files stay read-only)"
    return reason


def _scalar_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _stage_instructions(stages: Any, stage: Any) -> tuple[str, ...]:
    """The validated instructions of one `instructions.<stage>` list."""
    if stage not in STAGES:
        line, col = key_position(stages, stage)
        raise ConfigError(
            f"unknown stage {stage!r} in instructions", path=CONFIG_FILE, line=line, col=col,
            hint=f"use one of: {', '.join(STAGES)}",
        )  # fmt: skip
    lines = stages[stage]
    if not isinstance(lines, list) or not all(isinstance(x, str) and x.strip() for x in lines):
        line, col = key_position(stages, stage)
        raise ConfigError(
            f"`instructions.{stage}` must be a list of Dockerfile instructions",
            path=CONFIG_FILE, line=line, col=col, hint=INSTRUCTION_HINT,
        )  # fmt: skip
    for index, text in enumerate(lines):
        reason = validate.instruction(text)
        if reason:
            line, col = item_position(lines, index)
            raise ConfigError(
                f"`instructions.{stage}` item {index + 1}: {text!r} {reason}",
                path=CONFIG_FILE, line=line, col=col, hint=INSTRUCTION_HINT,
            )  # fmt: skip
    return tuple(x.strip() for x in lines)
