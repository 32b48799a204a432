"""dockergen.yaml edits by `init`: ruamel.yaml round-trip, so the user's comments, key order and
formatting survive; new targets arrive commented, explaining each key and its detected default."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

from dockergen.config.keys import SCHEMA_MODELINE, TARGET_KEYS

HEADER = f"""\
{SCHEMA_MODELINE}
# dockergen.yaml: how dockergen builds container images for this pnpm workspace.
# After editing, regenerate the Docker files:   dockergen generate
# In CI or pre-commit, fail when they drift:    dockergen check
# Every key but `package` is optional; leaving one out means "detect it".
# The first line lets editors complete and check the keys with dockergen.schema.json, which
# `dockergen generate` writes beside this file; delete that line and dockergen stops writing it.
version: 1
# bake: false  # with several targets, docker-bake.hcl is written: `docker buildx bake` builds them in one session
targets: {{}}
"""


@dataclass(frozen=True, slots=True)
class NewTarget:
    """A target `init` adds, with the detected values and why (written as comments)."""

    name: str
    package: str
    port: int | None
    health: str | None
    command: tuple[str, ...] | None
    notes: tuple[tuple[str, str], ...]  # (key, detected value) shown commented out
    settings: tuple[tuple[str, str | bool, str], ...] = ()  # (key, value, why): written, the why as a comment
    command_why: str = ""  # the comment beside `command:` (e.g. that it was inferred)


def add_targets(existing_text: str | None, targets: list[NewTarget]) -> str:
    """Append targets to dockergen.yaml text, keeping the user's comments, order and formatting."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    doc = yaml.load(existing_text if existing_text is not None else HEADER)
    if doc is None:
        doc = yaml.load(HEADER)
    if not doc.get("targets"):
        doc["targets"] = CommentedMap()
    for target in targets:
        # Parsed at its final nesting level so ruamel keeps the comment columns right.
        block = yaml.load("targets:\n" + _target_block(target))
        doc["targets"][target.name] = block["targets"][target.name]
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def set_ci(text: str, provider: str) -> str:
    """dockergen.yaml text with `ci: <provider>` at the top level (before `targets:`), comments kept."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    doc = yaml.load(text)
    if doc.get("ci") == provider:
        return text
    if "ci" in doc:
        doc["ci"] = provider
    else:
        position = list(doc).index("targets") if "targets" in doc else len(doc)
        doc.insert(position, "ci", provider)
        comment = "a workflow: dockergen check, then build and push the affected images"
        doc.yaml_add_eol_comment(comment, "ci", column=len(f"ci: {provider}") + 2)
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _target_block(t: NewTarget) -> str:
    pad = "    "
    lines = [f"  {t.name}:", f"{pad}package: {_quote(t.package)}  # {TARGET_KEYS['package']}"]
    if t.port is not None:
        lines.append(f"{pad}port: {t.port}  # {TARGET_KEYS['port']}")
    else:
        lines.append(f"{pad}# port: none found (no HTTP framework): this looks like a worker")
    if t.health is not None:
        lines.append(f"{pad}health: {_quote(t.health)}  # {TARGET_KEYS['health']}")
    if t.command is not None:
        why = _comment(t.command_why) or TARGET_KEYS["command"]
        lines.append(f"{pad}command: [{', '.join(_quote(a) for a in t.command)}]  # {why}")
    for key, value, why in t.settings:
        text = ("true" if value else "false") if isinstance(value, bool) else _quote(value)
        lines.append(f"{pad}{key}: {text}  # {_comment(why)}")
    for key, value in t.notes:
        lines.append(f"{pad}# {key}: {_comment(value)}. {TARGET_KEYS[key][:1].upper()}{TARGET_KEYS[key][1:]}")
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """Text for a YAML comment: kept on one line."""
    return re.sub(r"[\x00-\x1f\x7f\x85\u2028\u2029]+", " ", text)


def _quote(text: str) -> str:
    if re.match(r"^[A-Za-z0-9_./-]+$", text) and not re.match(
        r"^(true|false|null|yes|no|on|off|~|\d[\d.]*)$", text, re.I
    ):
        return text
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar, escapes included
