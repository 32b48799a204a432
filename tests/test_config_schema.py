"""The config model's derived artefacts: the JSON Schema (shipped, and beside dockergen.yaml on
request) and the docs' tables stay in sync with it; the schema, checked by an independent validator
(jsonschema), accepts every config the parser accepts and refuses unknown keys; every check's error
points at the value's line:col, in a target or in `defaults:`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from dockergen.config import schema
from dockergen.config.keys import SCHEMA_FILE, SCHEMA_MODELINE, TARGET_KEYS, Target
from dockergen.config.model import parse_config
from dockergen.errors import ConfigError
from dockergen.render import split_generated
from dockergen.repo import parse_yaml
from tests.helpers import SAMPLE

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = sorted(
    p for p in [*ROOT.glob("tests/fixtures/**/dockergen.yaml"), SAMPLE / "dockergen.yaml"] if ".venv" not in p.parts
)


def _validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema.json_schema())
    return jsonschema.Draft202012Validator(schema.json_schema())


def _as_json(text: str) -> object:
    """The YAML as plain JSON data, as an editor's language server sees it."""
    return json.loads(json.dumps(parse_yaml(text, "dockergen.yaml")))


def test_the_shipped_schema_is_the_models() -> None:
    assert schema.shipped_schema_text() == schema.json_schema_text(), "run python -m dockergen.config.schema"


def test_the_docs_tables_are_the_models() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text()
    assert schema.docs_with_tables(docs) == docs, "run python -m dockergen.config.schema"
    for key in TARGET_KEYS:
        assert f"| `{key}` |" in docs


def test_there_are_configs_to_check() -> None:
    assert len(CONFIGS) >= 40


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fixture_config_is_valid_for_both(path: Path) -> None:
    text = path.read_text()
    parse_config(text)
    errors = [e.message for e in _validator().iter_errors(_as_json(text))]
    assert errors == []


@pytest.mark.parametrize(
    "text",
    [
        "targets:\n  api:\n    package: a\n    prot: 3000\n",
        "defaults:\n  helth: /h\ntargets:\n  api: {package: a}\n",
        "targets:\n  api: {package: a}\nbakefile: x\n",
        "targets:\n  api:\n    package: a\n    assets: [{package: b, from: dist}]\n",
    ],
)
def test_an_unknown_key_fails_both(text: str) -> None:
    with pytest.raises(ConfigError, match=r"unknown key|must be"):
        parse_config(text)
    assert list(_validator().iter_errors(_as_json(text)))


@pytest.mark.parametrize(
    "text",
    [
        "targets:\n  api:\n    port: 1\n",  # no package
        "targets: {}\n",
        "version: 2\ntargets: {a: {package: a}}\n",
        "targets:\n  Bad: {package: a}\n",
        "targets:\n  scratch: {package: a}\n",
        "targets:\n  a: {package: a, port: 70000}\n",
        "targets:\n  a: {package: a, kind: site}\n",
        "targets:\n  a: {package: a, optimize: fast}\n",
        "targets:\n  a: {package: a, instructions: {final: [RUN x]}}\n",
        "targets:\n  a: {package: a, user: node}\n",
        "targets:\n  a: {package: a, health: health}\n",
        "ci: gitlab\ntargets:\n  a: {package: a}\n",
        "targets:\n  a: {package: a, unsafe: [everything]}\n",
        "targets:\n  a: {package: a, digests: {node: md5:1}}\n",
    ],
)
def test_what_the_schema_refuses_the_parser_refuses(text: str) -> None:
    """The schema catches a subset (what a JSON Schema can say); each of those the parser refuses too."""
    assert list(_validator().iter_errors(_as_json(text)))
    with pytest.raises(ConfigError):
        parse_config(text)


# one bad value per key: (key, YAML value); each error must point at the key's line:col
BAD_VALUES = {
    "port": "http",
    "health": "health",
    "command": "[]",
    "node": "twenty",
    "pnpm": "latest-ish",
    "runtime": "'Not An Image'",
    "build_image": "'a b'",
    "build_packages": "['bad package!']",
    "prebuild": "{'@a/db': 'db:generate'}",
    "build_env": "{'1BAD': x}",
    "dockerfile": "../Dockerfile",
    "dockerignore": "/abs",
    "files": "['../x']",
    "env": "{'A B': x}",
    "labels": "[x]",
    "ignore": "['!.env']",
    "keep": "['../secret']",
    "user": "node",
    "data_dirs": "[relative]",
    "npmrc_secret": "maybe",
    "handle_signals": "sometimes",
    "instructions": "{build: ['FROM x']}",
    "lint_ignore": "{DL3008: ''}",
    "digests": "{'node:22-slim': 'sha256:1'}",
    "kind": "site",
    "spa": "yes please",
    "assets": "[{package: '@a/b', path: '../../x'}]",
    "standalone": "perhaps",
    "tags": "['Bad Tag']",
    "platforms": "['windows']",
    "cache": "s3",
    "shared": "no thanks",
    "optimize": "fast",
    "unsafe": "[everything]",
}


def test_every_target_key_has_a_bad_value_case() -> None:
    assert set(BAD_VALUES) == set(TARGET_KEYS) - {"package"}


@pytest.mark.parametrize("key", sorted(BAD_VALUES))
def test_a_bad_value_points_at_its_key_in_a_target(key: str) -> None:
    text = f"targets:\n  api:\n    package: '@a/api'\n    {key}: {BAD_VALUES[key]}\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert (err.value.path, err.value.line) == ("dockergen.yaml", 4), err.value.message
    assert key in err.value.message, err.value.message


@pytest.mark.parametrize("key", sorted(BAD_VALUES))
def test_a_bad_default_points_at_its_key_in_defaults(key: str) -> None:
    text = f"defaults:\n  {key}: {BAD_VALUES[key]}\ntargets:\n  api:\n    package: '@a/api'\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert err.value.line == 2 and (err.value.col or 0) >= 3, err.value.message  # the key, or the item in it
    assert key in err.value.message, err.value.message


def test_a_list_item_error_points_at_the_item() -> None:
    text = "targets:\n  api:\n    package: a\n    files:\n      - dist\n      - ../x\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert (err.value.line, err.value.col) == (6, 9)
    assert "item 2" in err.value.message


def test_an_instruction_error_points_at_the_instruction() -> None:
    text = "targets:\n  api:\n    package: a\n    instructions:\n      build:\n        - RUN ok\n        - FROM x\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert (err.value.line, err.value.col) == (7, 11)


def test_the_first_problem_in_the_file_is_reported() -> None:
    text = "targets:\n  b:\n    package: b\n    port: x\n  a:\n    package: a\n    user: y\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert err.value.line == 4


def test_a_value_left_empty_is_the_key_left_out() -> None:
    config = parse_config("defaults:\n  env: {A: b}\ntargets:\n  a:\n    package: a\n    env:\n    port:\n")
    target = config.target("a")
    assert target is not None and (target.env, target.port) == ((), None)


def test_config_values_checked_at_load_time_not_plan_time() -> None:
    """node, pnpm, digests and runtime: nginx with kind: node fail when read, with line:col."""
    cases = {
        "node: '22.x'": 4,
        "pnpm: 'ten'": 4,
        "digests: {'node:22-slim': 'sha256:abc'}": 4,
        "runtime: nginx\n    kind: node": 4,
    }
    for body, line in cases.items():
        with pytest.raises(ConfigError) as err:
            parse_config(f"targets:\n  api:\n    package: a\n    {body}\n")
        assert err.value.line == line, (body, err.value.message)


def test_descriptions_come_from_the_model() -> None:
    assert TARGET_KEYS["port"] == Target.model_fields["port"].description
    assert next(iter(TARGET_KEYS)) == "package"


def test_the_modeline_asks_for_the_schema_file(tmp_path: Path) -> None:
    import shutil

    from dockergen.pipeline import generate_all
    from dockergen.repo import Repo

    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo)
    config = repo / "dockergen.yaml"
    assert config.read_text().startswith(f"{SCHEMA_MODELINE}\n")  # the sample shows it
    files = {f.path: f.content for f in generate_all(Repo(repo)).files}
    written = files[SCHEMA_FILE]
    assert written == (SAMPLE / SCHEMA_FILE).read_text()
    assert split_generated(written) == (True, True)
    data = json.loads(written)
    assert data.pop("$comment").startswith("Generated by dockergen")
    assert data == schema.json_schema()
    assert split_generated(written.replace('"minimum": 1', '"minimum": 2', 1)) == (True, False)  # edited
    assert split_generated('{"$schema": "x"}') == (False, False)  # someone else's
    # without the line: not written, and the one left behind is pointed out
    config.write_text(config.read_text().replace(f"{SCHEMA_MODELINE}\n", ""))
    generated = generate_all(Repo(repo))
    assert SCHEMA_FILE not in {f.path for f in generated.files}
    assert any(w.startswith(f"{SCHEMA_FILE} was written by dockergen") for w in generated.warnings)
