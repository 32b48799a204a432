"""What the config model (config/keys.py) says to people and editors: the JSON Schema shipped as
dockergen/dockergen.schema.json and the configuration table of docs/configuration.md. Both are
derived here and compared with the committed files by tests (tests/test_config_schema.py)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from dockergen.config.keys import CONFIG_FILE, SCHEMA_FILE, TARGET_KEYS, ConfigFile, Target


class _YamlSchema(GenerateJsonSchema):
    """The schema of the YAML as written: an optional key is left out (or null), not typed null;
    no generated titles."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        default = schema.get("default")
        if default is None or default == ():
            return inner
        return {**inner, "default": list(default) if isinstance(default, tuple) else default}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of dockergen.yaml (draft 2020-12)."""
    schema = ConfigFile.model_json_schema(schema_generator=_YamlSchema)
    schema.pop("title", None)
    targets = schema["properties"]["targets"]  # names as the parser has them: a pattern, and not scratch
    ((pattern, target),) = targets.pop("patternProperties").items()
    targets["propertyNames"] = {**targets.get("propertyNames", {}), "pattern": pattern}
    targets["additionalProperties"] = target
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": CONFIG_FILE, **schema}


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def shipped_schema_text() -> str:
    """The schema file installed with the package."""
    return resources.files("dockergen").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def markdown_tables() -> str:
    """The configuration reference: a table of every key of a target (`defaults:` takes the same
    ones but `package`), then one of the top-level keys."""
    return (
        _table(Target, [*TARGET_KEYS])
        + "\nTop level, beside `targets:`:\n\n"
        + _table(ConfigFile, ["bake", "registry", "ci"])
    )


def _table(model: type[BaseModel], names: list[str]) -> str:
    rows = ["| key | what it does | default |", "|---|---|---|"]
    for name in names:
        field = model.model_fields[name]
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        details = str(extra.get("x-details") or field.description or "")
        default = str(extra.get("x-default") or "")
        rows.append(f"| `{name}` | {details} | {default} |")
    return "\n".join(rows) + "\n"


def docs_with_tables(text: str) -> str:
    """docs/configuration.md with the part between its markers replaced by the tables."""
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{markdown_tables()}{END}{tail}"


BEGIN = "<!-- generated from dockergen/config/keys.py: python -m dockergen.config.schema -->"
END = "<!-- end of the generated tables -->"


def main() -> None:
    """Rewrite the derived files: the shipped schema and the tables of docs/configuration.md."""
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent
    (package / SCHEMA_FILE).write_text(json_schema_text(), encoding="utf-8")
    docs = package.parent / "docs" / "configuration.md"
    docs.write_text(docs_with_tables(docs.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
