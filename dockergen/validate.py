"""Checks for values read from a repository or dockergen.yaml before they reach a generated file.

Each check returns a reason (a short phrase) when the value is unusable, else None; the caller
raises the error naming its file and field. What passes here is rendered correctly by the
templates, whatever it contains (spaces, quotes, `$`, unicode are quoted, not refused).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from typing import Any

# npm's validate-npm-package-name (upper case kept for legacy names pnpm still installs).
_NPM_NAME = re.compile(r"^(?:@[A-Za-z0-9~-][A-Za-z0-9._~-]*/)?[A-Za-z0-9~-][A-Za-z0-9._~-]*$")
# docker/distribution's reference grammar: [registry[:port]/]path[:tag][@digest].
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_IMAGE = re.compile(rf"^(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*(?::{_TAG})?(?:@{_DIGEST})?$")
_ENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LABEL_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
# RFC 3986 path and query characters (percent-escapes included).
_URL_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$")
# Characters Docker reads as glob syntax in COPY sources and .dockerignore patterns, and the
# backslash, which both its word lexer and its glob matcher consume.
_GLOB = frozenset("*?[]\\")
MAX_NAME = 214
MAX_PATH_PART = 255  # NAME_MAX of Linux and macOS file systems
MAX_PATH = 1024  # a repository path; the root folder's own path comes on top (PATH_MAX is 4,096 on Linux)
INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})  # fmt: skip


def control_chars(value: str) -> str | None:
    """A reason when the text holds a control character, a line/paragraph separator, or half of a
    surrogate pair (which YAML's `\\u` escapes can produce and no file can hold)."""
    if value.isprintable():  # none of those is printable: the common case costs one C call
        return None
    for ch in value:
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp"):
            return f"contains the control character U+{ord(ch):04X}"
        if category == "Cs":
            return f"contains an unpaired surrogate U+{ord(ch):04X}"
    return None


def package_name(name: str) -> str | None:
    """A reason unless the name follows npm's rules."""
    if len(name) > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    if not _NPM_NAME.match(name):
        return "is not a valid npm package name (letters, digits, '-', '.', '_', '~', one optional @scope/)"
    return None


def context_path(path: str) -> str | None:
    """A reason when a repository-relative path cannot be copied by a Dockerfile and re-included
    by a .dockerignore line exactly (it leaves the root, or Docker would read part of it as syntax)."""
    reason = control_chars(path)
    if reason:
        return reason
    if not path or path != path.strip():
        return "is empty or starts or ends with whitespace (Docker trims ignore-file lines)"
    if path.startswith("/"):
        return "is absolute; it must be relative to the workspace root"
    normal = posixpath.normpath(path)
    if normal == ".." or normal.startswith("../"):
        return "points outside the workspace root"
    bad = sorted(set(path) & _GLOB)
    if bad:
        return f"contains {' '.join(bad)}, which Docker reads as pattern syntax in COPY and .dockerignore"
    return path_length(path)


def path_length(path: str) -> str | None:
    """A reason when no file system takes the path: a name over 255 bytes, or the whole over 1,024."""
    encoded = path.encode("utf-8", "surrogatepass")
    if len(encoded) > MAX_PATH:
        return f"is {len(encoded):,} bytes long; file systems take paths of {MAX_PATH:,} at most here"
    longest = max((len(part) for part in encoded.split(b"/")), default=0)
    if longest > MAX_PATH_PART:
        return f"has a name of {longest} bytes; file systems take {MAX_PATH_PART} at most"
    return None


def absolute_path(path: str) -> str | None:
    """A reason when a path inside the image is unusable: it must be absolute, plain and normal."""
    reason = control_chars(path)
    if reason:
        return reason
    if not path.startswith("/"):
        return "must be absolute"
    if ".." in path.split("/"):
        return "must not contain '..'"
    bad = sorted(set(path) & _GLOB)
    if bad:
        return f"contains {' '.join(bad)}, which Docker reads as pattern syntax"
    return None


def image_reference(ref: str) -> str | None:
    """A reason unless the text is a Docker image reference."""
    if len(ref) > 255 or not _IMAGE.match(ref):
        return "is not an image reference like node:22-slim or registry.example.com/team/node:22@sha256:…"
    return None


def registry_prefix(value: str) -> str | None:
    """A reason unless `<value><name>:<tag>` is an image reference for a plain name (ends in /)."""
    if not value.endswith("/"):
        return "must end in / (an image name prefix such as ghcr.io/acme/)"
    if image_reference(value + "x:t") or "@" in value:
        return "is not an image name prefix such as ghcr.io/acme/ (lowercase, no tag)"
    return None


_PLATFORM = re.compile(r"^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$")


def platform(value: str) -> str | None:
    """A reason unless the text is an OCI platform such as linux/amd64 or linux/arm/v7."""
    return None if _PLATFORM.match(value) else "is not a platform like linux/amd64 or linux/arm64/v8"


def debian_package(name: str) -> str | None:
    """A reason unless the text is a Debian package name (optionally `=version`)."""
    if re.match(r"^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+:~-]+)?$", name):
        return None
    return "is not a Debian package name like python3 or libcairo2-dev"


def env_key(key: str) -> str | None:
    """A reason unless the key is a valid environment variable name."""
    return None if _ENV_KEY.match(key) else "must be letters, digits and '_', not starting with a digit"


def label_key(key: str) -> str | None:
    """A reason unless the key is a plain label key."""
    if _LABEL_KEY.match(key):
        return None
    return "must be letters, digits, '.', '_', '/' or '-' (e.g. org.opencontainers.image.source)"


def url_path(path: str) -> str | None:
    """A reason unless the text is a URL path (and query)."""
    return None if _URL_PATH.match(path) else "must be a URL path starting with / (letters, digits and URL punctuation)"


def instruction(text: str) -> str | None:
    """A reason unless `text` parses (BuildKit's own parser) as exactly one complete instruction
    other than FROM, with no continuation left open."""
    stripped = text.strip()
    if control_chars(text):
        return f"{control_chars(text)} (one instruction per list item)"
    if stripped.endswith("\\"):
        return "ends with a line continuation"
    if stripped.startswith("#"):
        return "is a comment, not an instruction"
    import dockerfile

    try:
        parsed = dockerfile.parse_string(stripped + "\n")
    except dockerfile.GoParseError as exc:
        return f"does not parse: {str(exc).splitlines()[0]}"
    return _one_instruction(parsed)


def _one_instruction(parsed: tuple[Any, ...]) -> str | None:
    if len(parsed) != 1:
        return f"parses as {len(parsed)} instructions, not one"
    command = parsed[0]
    keyword = command.cmd.upper()
    if keyword in ("FROM", "ONBUILD"):
        return f"is a {keyword} instruction; dockergen writes the stages itself"
    if keyword not in INSTRUCTIONS:
        return f"starts with {command.cmd!r}, which is not a Dockerfile instruction"
    if not any(v.strip() for v in command.value):
        return f"is an empty {keyword}"
    return "uses a heredoc, which this BuildKit does not support" if command.heredocs else None
