"""pnpm settings merged from pnpm-workspace.yaml, root package.json `pnpm` and `.npmrc`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Auth lines carry secrets; any of these makes the install read .npmrc through a build secret.
_AUTH_KEY = re.compile(r"(_authToken|_auth|_password|username|certfile|keyfile|:always-auth)$")
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)[?]?\}")


@dataclass(frozen=True, slots=True)
class Npmrc:
    """An `.npmrc` file: its path, its key/value lines and the env variables it references."""

    path: str
    entries: tuple[tuple[str, str], ...]

    @property
    def auth_keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.entries if _AUTH_KEY.search(k))

    @property
    def private_registries(self) -> tuple[str, ...]:
        """Registries other than the public npm registry (`registry=`, `@scope:registry=`)."""
        return tuple(
            v for k, v in self.entries
            if (k == "registry" or k.endswith(":registry")) and "registry.npmjs.org" not in v
        )  # fmt: skip

    @property
    def env_refs(self) -> tuple[str, ...]:
        refs = {m.group(1) for _, v in self.entries for m in _ENV_REF.finditer(v)}
        return tuple(sorted(refs))


def parse_npmrc(text: str, path: str) -> Npmrc:
    """`key=value` lines; `;`/`#` comments; `key[]=v` lists keep every value."""
    entries: list[tuple[str, str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;" or "=" not in line:
            continue
        key, value = line.split("=", 1)
        entries.append((key.strip(), value.strip().strip("\"'")))
    return Npmrc(path, tuple(entries))


def kebab_to_camel(key: str) -> str:
    """`link-workspace-packages` -> `linkWorkspacePackages`."""
    head, *rest = key.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(frozen=True, slots=True)
class Settings:
    """Scalar pnpm settings by camelCase name, with the file each came from."""

    values: tuple[tuple[str, str, str], ...]  # (name, value, source file)

    def get(self, name: str) -> str | None:
        for key, value, _ in self.values:
            if key == name:
                return value
        return None

    def source(self, name: str) -> str | None:
        for key, _, src in self.values:
            if key == name:
                return src
        return None

    def flag(self, name: str) -> bool:
        return (self.get(name) or "").lower() == "true"


def merge_settings(workspace_yaml: dict[str, Any], root_pnpm: dict[str, Any], npmrc: Npmrc | None) -> Settings:
    """pnpm-workspace.yaml wins over package.json#pnpm, which wins over .npmrc."""
    merged: dict[str, tuple[str, str]] = {}
    if npmrc is not None:
        for key, value in npmrc.entries:
            if not key.startswith("//") and not key.startswith("@") and not key.endswith("[]"):
                merged[kebab_to_camel(key)] = (value, npmrc.path)
    for source, data in (("package.json", root_pnpm), ("pnpm-workspace.yaml", workspace_yaml)):
        for key, value in data.items():
            if isinstance(value, (str, int, float, bool)):
                text = str(value).lower() if isinstance(value, bool) else str(value)
                merged[str(key)] = (text, source)
    return Settings(tuple(sorted((k, v, s) for k, (v, s) in merged.items())))
