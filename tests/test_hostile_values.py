"""Property tests: arbitrary text in any value that reaches a generated file either gives a one-line
error (exit 3, nothing written) or files whose structure is the baseline's with only the expected
change. Structure is read by BuildKit's own parser (Dockerfile) and Docker's ignore-file rules.

Examples per field: HYPOTHESIS_PROFILE=ci (set by CI=true) runs 200, the default profile 25.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import posixpath
import shlex
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dockerfile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockergen import dockerignore
from dockergen.cli import main
from dockergen.plan.build_stages import BUILD_CONFIG_PREFIXES
from tests.buildkit_words import process_word
from tests.helpers import api_workspace

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "default"))

# Text that is hard to quote: controls, separators, backslashes, quotes, `$`, globs, unicode; and
# words that look like syntax: flags (`--from=x`, `--`), key=value, key:value, instructions.
HOSTILE = st.one_of(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(list("\n\r\t\x00\x0b\x1c\x85\u2028\\\"'`$ #*?[]{}!=,;&|<>/.-_@:~%")),
            st.characters(codec="utf-8", exclude_categories=("Cs",)),
        ),
        min_size=1,
        max_size=24,
    ),
    st.lists(
        st.sampled_from(
            ["-", "--", "--from=", "--chown=0:0", "--mount=type=bind,target=/", "=", ":", " ", "'", '"', "$HOME",
             "${X}", "\\", "é", "🙂", "a", "x.ts", "dist", "base", "RUN", "\nRUN x", "#", "!", "AS"]
        ),
        min_size=1,
        max_size=5,
    ).map("".join),
)  # fmt: skip

BASE_CONFIG = {
    "targets": {
        "api": {
            "package": "@t/api",
            "port": 3000,
            "health": "/health",
            "env": {"GREETING": "hello"},
            "labels": {"org.example.team": "core"},
            "data_dirs": ["/data"],
            "keep": ["tools/keep.txt"],
            "ignore": ["**/*.md"],
            "instructions": {"runtime": ["RUN echo base"]},
        }
    }
}


@dataclass(frozen=True)
class Outcome:
    code: int
    stderr: str
    dockerfile: str
    dockerignore: str


def _workspace(root: Path) -> Path:
    api_workspace(
        root,
        {
            "tools/keep.txt": "kept\n",
            "patches/base.patch": "--- a\n+++ b\n",
            "pnpm-workspace.yaml": _workspace_yaml("patches/base.patch"),
        },
    )
    return root


def _generate(root: Path) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    read = (root / "Dockerfile").read_text() if (root / "Dockerfile").is_file() else ""
    read_ignore = (root / ".dockerignore").read_text() if (root / ".dockerignore").is_file() else ""
    return Outcome(int(exit_info.value.code or 0), err.getvalue(), read, read_ignore)


_TEMPLATE: list[Path] = []


@contextlib.contextmanager
def _fresh() -> Iterator[Path]:
    """A copy of the baseline workspace, its files already generated."""
    if not _TEMPLATE:
        template = Path(tempfile.mkdtemp(prefix="dockergen-hostile-")) / "ws"
        _write_config(_workspace(template), BASE_CONFIG)
        assert _generate(template).code == 0
        _TEMPLATE.append(template)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        shutil.copytree(_TEMPLATE[0], root)
        yield root


def _files(root: Path) -> tuple[str, str]:
    return (root / "Dockerfile").read_text(), (root / ".dockerignore").read_text()


def _write_config(root: Path, config: dict[str, Any]) -> None:
    (root / "dockergen.yaml").write_text(json.dumps(config))  # JSON is YAML: any text round-trips


def _keywords(text: str) -> list[str]:
    return [c.cmd.upper() for c in dockerfile.parse_string(text)]


def _rules(text: str) -> list[str]:
    return [("!" if r.negated else "") + r.pattern for r in dockerignore.parse(text).rules]


@pytest.fixture(scope="module")
def baseline() -> Outcome:
    with _fresh() as root:
        outcome = _generate(root)
    assert outcome.code == 0, outcome.stderr
    return outcome


def _check(
    baseline: Outcome,
    outcome: Outcome,
    before: tuple[str, str],
    value: str,
    same_keywords: bool = True,
    user_patterns: bool = False,
) -> None:
    """The invariant every field shares."""
    if outcome.code != 0:
        lines = outcome.stderr.strip("\n").split("\n")
        assert outcome.code == 3, outcome.stderr
        assert lines[-1].startswith("dockergen: error: ") and "Traceback" not in outcome.stderr
        assert (outcome.dockerfile, outcome.dockerignore) == before, "a failed run wrote files"
        return
    new = _keywords(outcome.dockerfile)
    old = _keywords(baseline.dockerfile)
    if same_keywords:
        assert new == old, (value, outcome.dockerfile)
        flags = [(c.cmd, c.flags) for c in dockerfile.parse_string(outcome.dockerfile)]
        assert flags == [(c.cmd, c.flags) for c in dockerfile.parse_string(baseline.dockerfile)], (value, flags)
    assert new[-1] == "CMD" and "USER" in new
    parsed = dockerfile.parse_string(outcome.dockerfile)
    assert parsed[-1].json, "CMD left exec form"
    user = [c for c in parsed if c.cmd.upper() == "USER"][-1]
    assert user.value[0].replace(":", "").isdigit()
    _check_ignore(baseline, outcome, value, user_patterns)


def _check_ignore(baseline: Outcome, outcome: Outcome, value: str, user_patterns: bool = False) -> None:
    """Every new rule comes from the value, and (but for `ignore:` itself) names a plain path:
    a value never becomes a wildcard pattern."""
    old, new = set(_rules(baseline.dockerignore)), _rules(outcome.dockerignore)
    assert new[0] == "*", "the allow-list lost its first rule"
    parts = _segments(value)
    for rule in new:
        assert rule in old or any(part in rule for part in parts), (value, rule)
        if rule not in old and not user_patterns:  # a kept path, or a build output folder dropped
            assert not dockerignore._is_glob(rule.removeprefix("!")), (value, rule)


def _segments(value: str) -> list[str]:
    """The path segments of a value: what a new ignore rule may legitimately contain."""
    stripped = value.strip().strip("/")
    return [p for p in posixpath.normpath(stripped).split("/") if p not in ("", ".", "..")] if stripped else []


def _config_field(mutate: Callable[[dict[str, Any], str], None]) -> Callable[[Path, str], None]:
    def apply(root: Path, value: str) -> None:
        config = json.loads(json.dumps(BASE_CONFIG))
        mutate(config["targets"]["api"], value)
        _write_config(root, config)

    return apply


def _manifest_field(rel: str, mutate: Callable[[dict[str, Any], str], None]) -> Callable[[Path, str], None]:
    def apply(root: Path, value: str) -> None:
        path = root / rel
        data = json.loads(path.read_text())
        mutate(data, value)
        path.write_text(json.dumps(data))

    return apply


def _set(key: str) -> Callable[[dict[str, Any], str], None]:
    def mutate(target: dict[str, Any], value: str) -> None:
        target[key] = value

    return mutate


def _rename_library(root: Path, value: str) -> None:
    _manifest_field("packages/util/package.json", _set("name"))(root, value)
    core = root / "packages/core/package.json"
    data = json.loads(core.read_text())
    data["dependencies"] = {value: "workspace:^"}
    core.write_text(json.dumps(data))


def _filename(value: str) -> bool:
    return value not in (".", "..") and "/" not in value and "\x00" not in value and len(value.encode()) < 200


def _rename_folder(root: Path, value: str) -> None:
    shutil.move(root / "packages/util", root / "packages" / value)


def _workspace_yaml(patch: str) -> str:
    return "packages:\n  - apps/*\n  - packages/*\npatchedDependencies:\n  hono@4.0.0: " + json.dumps(patch) + "\n"


def _patch_file(root: Path, value: str) -> None:
    shutil.move(root / "patches/base.patch", root / "patches" / value)
    (root / "pnpm-workspace.yaml").write_text(_workspace_yaml(f"patches/{value}"))


def _prebuild_script(root: Path, value: str) -> None:
    """A script of the library that dockergen.yaml runs before its build: a RUN word."""
    _manifest_field("packages/core/package.json", lambda d, v: d["scripts"].update({v: "node gen.js"}))(root, value)
    _config_field(lambda t, v: t.update(prebuild={"@t/core": [v]}))(root, value)


def _rename_app(root: Path, value: str) -> None:
    """The app's folder: COPY sources, the start command's check, the ignore file."""
    shutil.move(root / "apps/api", root / "apps" / value)


Processed = list[tuple[str, tuple[str, ...]]]


def _processed(text: str) -> Processed:
    """Each instruction with its words as BuildKit uses them: processed words (COPY in either
    form, ENV, LABEL, WORKDIR: quotes and escapes applied, an expansion fails the test), the JSON
    arrays of CMD and HEALTHCHECK as they are,
    RUN's shell words as a POSIX shell splits them."""
    out: Processed = []
    for c in dockerfile.parse_string(text):
        if c.cmd in ("COPY", "ENV", "LABEL", "WORKDIR"):  # COPY's JSON form is processed too
            out.append((c.cmd, tuple(process_word(w) for w in c.value)))
        elif c.json:
            out.append((c.cmd, c.value))
        elif c.cmd == "RUN":
            out.append((c.cmd, tuple(shlex.split(c.value[0]))))
        else:
            out.append((c.cmd, c.value))
    return out


def _has(cmd: str, *words: str) -> Callable[[Processed], bool]:
    """An instruction of that kind whose words include these, consecutively."""

    def found(parsed: Processed) -> bool:
        n = len(words)
        return any(c == cmd and any(v[i : i + n] == words for i in range(len(v))) for c, v in parsed)

    return found


# name: where the value must appear, intact, when it is accepted
EXPECT: dict[str, Callable[[str], Callable[[Processed], bool]]] = {
    "env value": lambda v: _has("ENV", "GREETING", v),
    "label value": lambda v: _has("LABEL", "org.example.team", v),
    "health": lambda v: lambda p: any(c == "HEALTHCHECK" and any(v.strip() in w for w in ws) for c, ws in p),
    "command": lambda v: _has("CMD", v),
    "keep": lambda v: _has("COPY", v.rstrip("/"), v.rstrip("/")),
    "data_dirs": lambda v: _has("COPY", posixpath.normpath(v)),
    "prebuild script": lambda v: _has("RUN", "pnpm", "--filter=@t/core", "run", v),
    "app folder": lambda v: _has("COPY", f"apps/{v}/", f"apps/{v}/"),
    "member folder": lambda v: _has("COPY", f"packages/{v}/", f"packages/{v}/"),
    "patch file": lambda v: lambda p: any(c == "COPY" and f"patches/{v}" in ws for c, ws in p),
}


FIELDS: dict[str, tuple[Callable[[Path, str], None], bool]] = {
    # name: (apply the value, instruction keywords must stay exactly the baseline's)
    "prebuild script": (_prebuild_script, False),  # a script before a build: the app installs after it
    "env value": (_config_field(lambda t, v: t.update(env={"GREETING": v})), True),
    "env key": (_config_field(lambda t, v: t.update(env={v: "x"})), True),
    "label value": (_config_field(lambda t, v: t.update(labels={"org.example.team": v})), True),
    "label key": (_config_field(lambda t, v: t.update(labels={v: "x"})), True),
    "health": (_config_field(_set("health")), True),
    "runtime": (_config_field(_set("runtime")), True),
    "build_image": (_config_field(_set("build_image")), True),
    "data_dirs": (_config_field(lambda t, v: t.update(data_dirs=[v])), True),
    "command": (_config_field(lambda t, v: t.update(command=["node", v])), True),
    "keep": (_config_field(lambda t, v: t.update(keep=[v])), True),
    "ignore": (_config_field(lambda t, v: t.update(ignore=[v])), True),
    "dockerfile": (_config_field(_set("dockerfile")), True),
    "instructions": (_config_field(lambda t, v: t.update(instructions={"runtime": [v]})), False),
    "files (app)": (_manifest_field("apps/api/package.json", lambda d, v: d.update(files=[v])), True),
    "main (library)": (_manifest_field("packages/core/package.json", _set("main")), True),
    "bin (library)": (_manifest_field("packages/util/package.json", lambda d, v: d.update(bin={"x": v})), False),
    "start script": (_manifest_field("apps/api/package.json", lambda d, v: d["scripts"].update(start=v)), True),
    "library name": (_rename_library, True),
}


@pytest.mark.slow
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_hostile_value_never_changes_structure(field: str, baseline: Outcome) -> None:
    apply, same_keywords = FIELDS[field]

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(value=HOSTILE)
    def check(value: str) -> None:
        with _fresh() as root:
            before = _files(root)
            apply(root, value)
            outcome = _generate(root)
            if field == "dockerfile" and outcome.code == 0:
                target = posixpath.normpath(value.strip())
                text = (root / target).read_text()
                outcome = Outcome(0, outcome.stderr, text, (root / f"{target}.dockerignore").read_text())
            _check(baseline, outcome, before, value, same_keywords, user_patterns=field == "ignore")
            if outcome.code == 0 and field in EXPECT:
                assert EXPECT[field](value)(_processed(outcome.dockerfile)), (value, outcome.dockerfile)

    check()


@pytest.mark.slow
@pytest.mark.parametrize("field", ["member folder", "patch file", "app folder"])
def test_hostile_file_names(field: str, baseline: Outcome) -> None:
    apply = {"member folder": _rename_folder, "patch file": _patch_file, "app folder": _rename_app}[field]

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(value=HOSTILE.filter(_filename))
    def check(value: str) -> None:
        with _fresh() as root:
            before = _files(root)
            try:
                apply(root, value)
            except OSError:
                return  # not a name this file system takes
            outcome = _generate(root)
            _check(baseline, outcome, before, value)
            if outcome.code == 0:
                assert EXPECT[field](value)(_processed(outcome.dockerfile)), (value, outcome.dockerfile)

    check()


def test_plain_unusual_values_are_rendered_not_refused(tmp_path: Path) -> None:
    """Spaces, quotes, `$` and unicode are legal: they must be quoted, not refused."""
    root = _workspace(tmp_path / "ws")
    core = root / "packages/core/package.json"
    core.write_text(core.read_text().replace("workspace:^", "workspace:*"))
    config = json.loads(json.dumps(BASE_CONFIG))
    config["targets"]["api"]["env"] = {"GREETING": 'it\'s "quoted" $HOME ü \\'}
    config["targets"]["api"]["labels"] = {"org.example.note": "a b"}
    config["targets"]["api"]["keep"] = ["tools/keep.txt"]
    _write_config(root, config)
    shutil.move(root / "packages/util", root / "packages/my util $x 'q' ü")
    outcome = _generate(root)
    assert outcome.code == 0, outcome.stderr
    copies = [c for c in dockerfile.parse_string(outcome.dockerfile) if c.cmd == "COPY" and c.json]
    assert ("packages/my util \\$x \\'q\\' ü/", "packages/my util \\$x \\'q\\' ü/") in [c.value for c in copies]
    assert "!packages/my util $x 'q' ü" in outcome.dockerignore.split("\n")
    assert 'GREETING="it\'s \\"quoted\\" \\$HOME ü \\\\"' in outcome.dockerfile


@pytest.mark.slow
def test_hostile_config_import_paths(baseline: Outcome) -> None:
    """A file at the root whose name a build config imports: copied as one more COPY of exactly
    that file, or left out; never another instruction or a broken one."""

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(value=HOSTILE.filter(_filename).filter(lambda v: not v.startswith(BUILD_CONFIG_PREFIXES)))
    def check(value: str) -> None:
        # (a root build config such as .babelrc is copied for every build anyway: not one more COPY)
        with _fresh() as root:
            before = _files(root)
            try:
                (root / value).write_text("export const x = 1;\n")
            except OSError:
                return  # not a name this file system takes
            (root / "apps/api/vite.config.ts").write_text(f'import "../../{value}";\nexport default {{}};\n')
            outcome = _generate(root)
            _check(baseline, outcome, before, value, same_keywords=False)
            new, old = _keywords(outcome.dockerfile), _keywords(baseline.dockerfile)
            if new != old:
                assert len(new) == len(old) + 1, (value, outcome.dockerfile)
                # the one more COPY copies exactly that file, as BuildKit reads its words
                assert any(c == "COPY" and value in ws for c, ws in _processed(outcome.dockerfile)), value

    check()


@pytest.mark.slow
def test_hostile_dockerfile_path_in_the_bake_file_is_data(baseline: Outcome) -> None:
    """The `dockerfile:` path travels into docker-bake.hcl: it reads back (python-hcl2) as that
    path, in the one target block, or the run is a one-line error."""
    import hcl2

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(value=HOSTILE)
    def check(value: str) -> None:
        with _fresh() as root:
            config = json.loads(json.dumps(BASE_CONFIG))
            config["targets"]["api"]["dockerfile"] = value
            config["bake"] = True
            _write_config(root, config)
            outcome = _generate(root)
            if outcome.code != 0:
                assert outcome.code == 3 and "Traceback" not in outcome.stderr, outcome.stderr
                return
            bake = hcl2.loads((root / "docker-bake.hcl").read_text())
            target = bake["target"][0]["api"]
            written = target["dockerfile"][0] if isinstance(target["dockerfile"], list) else target["dockerfile"]
            raw = json.loads('"' + written.replace("$${", "${").replace("%%{", "%{") + '"')  # HCL's escapes
            assert raw == posixpath.normpath(value.strip()), (value, written)

    check()
