"""Fuzzing through the CLI, in-process: any manifest field, dockergen.yaml key, workspace setting,
config file or file name a repository can hold gives exit 0 or a one-line error (exit 3), never
an internal error (exit 4) and never a traceback.

Examples per field: HYPOTHESIS_PROFILE=ci (set by CI=true) runs 200, the default profile 25,
`thorough` 1,000 (the profiles of tests/test_hostile_values.py).
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockergen.cli import main
from tests.helpers import api_workspace
from tests.test_hostile_values import HOSTILE  # noqa: F401  (loads the hypothesis profiles)

CONFIG = {"targets": {"api": {"package": "@t/api", "port": 3000}}}
WORDS = st.sampled_from(
    ["", ".", "..", "-", "--", "--from=x", "-r", "/", "*", "**", "!", "$X", "${X:-1}", "a b", "'", '"', "\\",
     "\x07", "\u2028", "\x85", "\x7f", "\x00", "é", "🙂", "dist", "src/index.ts", "node", "tsc", "vite",
     "workspace:*", "workspace:^", "catalog:", "link:../x", "file:.", ">=99", "^1.0.0", "@t/core", "@t/util",
     "pnpm@10.34.9", "pnpm@8.15.0", "22", "x" * 300]
)  # fmt: skip
TEXT = st.one_of(WORDS, st.text(max_size=30), st.lists(WORDS, max_size=4).map(" ".join))
JSON: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(WORDS, st.text(max_size=8)), inner, max_size=4)
    ),
    max_leaves=12,
)
MANIFEST_KEYS = ["name", "version", "main", "bin", "files", "scripts", "dependencies", "devDependencies",
                 "peerDependencies", "optionalDependencies", "engines", "packageManager", "devEngines", "pnpm",
                 "type", "exports", "private", "workspaces", "dependenciesMeta"]  # fmt: skip
SCRIPTS = st.dictionaries(st.sampled_from(["start", "build", "prebuild", "postinstall", "dev", "serve", "x"]), TEXT)
CONFIG_KEYS = ["port", "health", "command", "node", "pnpm", "runtime", "build_image", "build_packages", "prebuild",
               "build_env", "dockerfile", "dockerignore", "files", "env", "labels", "ignore", "keep", "user",
               "data_dirs", "npmrc_secret", "handle_signals", "instructions", "lint_ignore", "digests", "kind",
               "spa", "assets", "standalone", "tags", "platforms", "shared", "optimize", "unsafe"]  # fmt: skip
WORKSPACE_KEYS = ["packages", "catalog", "catalogs", "patchedDependencies", "onlyBuiltDependencies", "allowBuilds",
                  "nodeLinker", "shamefullyHoist", "injectWorkspacePackages", "overrides", "nodeVersion"]  # fmt: skip
CONFIG_FILES = ["apps/api/tsconfig.json", "packages/core/tsconfig.json", "apps/api/nest-cli.json",
                "apps/api/next.config.js", "apps/api/vite.config.ts", "packages/core/tsup.config.ts", "turbo.json",
                ".nvmrc", ".npmrc", ".node-version", ".tool-versions", ".mise.toml"]  # fmt: skip


def _generate(root: Path, *args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as done:
        main([*args, "--root", str(root)])
    return int(done.value.code or 0), err.getvalue()


@contextlib.contextmanager
def _workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root = api_workspace(Path(tmp) / "ws", {"dockergen.yaml": json.dumps(CONFIG)})
        yield root


def _never_internal(code: int, err: str, what: object) -> None:
    assert code in (0, 3), (what, err[-3000:])
    assert "Traceback" not in err and "internal error" not in err, (what, err[-3000:])
    if code == 3:
        assert err.rstrip("\n").split("\n")[-1].startswith("dockergen: error: "), (what, err)


def _edit_json(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


def _fuzz(strategy: st.SearchStrategy[Any], apply: Callable[[Path, Any], None], *commands: str) -> None:
    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(value=strategy)
    def check(value: Any) -> None:
        with _workspace() as root:
            try:
                apply(root, value)
            except OSError:
                return  # not a name this file system takes
            for command in commands or ("generate",):
                _never_internal(*_generate(root, command), value)

    check()


@pytest.mark.slow
@pytest.mark.parametrize("member", ["apps/api", "packages/core", "packages/util", "."])
def test_fuzz_manifest_fields(member: str) -> None:
    path = f"{member}/package.json"
    fields = st.dictionaries(st.sampled_from(MANIFEST_KEYS), JSON, min_size=1, max_size=3)
    with_scripts = st.tuples(fields, SCRIPTS)

    def apply(root: Path, value: tuple[dict[str, Any], dict[str, str]]) -> None:
        extra, scripts = value
        _edit_json(root / path, lambda d: d.update({**extra, "scripts": {**d.get("scripts", {}), **scripts}}))

    _fuzz(with_scripts, apply)


@pytest.mark.slow
def test_fuzz_config_keys() -> None:
    keys = st.dictionaries(st.sampled_from(CONFIG_KEYS), JSON, min_size=1, max_size=3)

    def apply(root: Path, value: dict[str, Any]) -> None:
        config = json.loads(json.dumps(CONFIG))
        config["targets"]["api"].update(value)
        (root / "dockergen.yaml").write_text(json.dumps(config))

    _fuzz(keys, apply, "generate", "check")


@pytest.mark.slow
def test_fuzz_config_top_level() -> None:
    top = st.dictionaries(st.sampled_from(["version", "bake", "defaults", "targets", "x"]), JSON, max_size=3)
    _fuzz(top, lambda root, value: (root / "dockergen.yaml").write_text(json.dumps({**CONFIG, **value})))


@pytest.mark.slow
def test_fuzz_workspace_settings() -> None:
    keys = st.dictionaries(st.sampled_from(WORKSPACE_KEYS), JSON, max_size=3)

    def apply(root: Path, value: dict[str, Any]) -> None:
        (root / "pnpm-workspace.yaml").write_text(json.dumps({"packages": ["apps/*", "packages/*"], **value}))

    _fuzz(keys, apply)


@pytest.mark.slow
@pytest.mark.parametrize("where", CONFIG_FILES)
def test_fuzz_config_files(where: str) -> None:
    texts = st.one_of(st.text(max_size=200), JSON.map(json.dumps), st.binary(max_size=100))

    def apply(root: Path, value: str | bytes) -> None:
        path = root / where
        if isinstance(value, bytes):
            path.write_bytes(value)
        else:
            path.write_text(value)

    _fuzz(texts, apply)


@pytest.mark.slow
def test_fuzz_file_names() -> None:
    """A file or folder of any name where the scan looks: the root, a member, a member's sources."""
    names = st.text(min_size=1, max_size=40).filter(lambda n: "/" not in n and "\x00" not in n and n not in (".", ".."))
    places = st.sampled_from(["", "apps/api/", "packages/", "packages/core/src/"])

    def apply(root: Path, value: tuple[str, str, bool]) -> None:
        place, name, folder = value
        target = root / place / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if folder:
            target.mkdir()
            (target / "package.json").write_text(json.dumps({"name": name}))
        else:
            target.write_text("export const x = 1;\n")

    _fuzz(st.tuples(places, names, st.booleans()), apply, "generate", "check")


def test_fuzz_cases_found_stay_fixed(tmp_path: Path) -> None:
    """Inputs the fuzzing pass found (each was exit 4 with a traceback)."""
    for value in FOUND:
        root = api_workspace(tmp_path / str(len(list(tmp_path.iterdir()))), {"dockergen.yaml": json.dumps(CONFIG)})
        value(root)
        _never_internal(*_generate(root, "generate"), value)
        shutil.rmtree(root)


def _start(char: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        _edit_json(root / "apps/api/package.json", lambda d: d["scripts"].update(start=f"node dist/i{char}.js"))

    return apply


def _config_line(line: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / "dockergen.yaml").write_text("targets:\n  api:\n    package: '@t/api'\n    port: 3000\n" + line + "\n")

    return apply


def _turbo_task(root: Path) -> None:
    (root / "turbo.json").write_text(json.dumps({"tasks": {"build": {"dependsOn": ["gen\x07", "--x"]}}}))
    _edit_json(root / "packages/core/package.json", lambda d: d["scripts"].update({"gen\x07": "x", "--x": "y"}))


FOUND: list[Callable[[Path], None]] = [
    *(_start(char) for char in ("\x07", "\u2028", "\x85", "\x7f")),  # rendered, then refused by the template
    _config_line("    dockerfile: " + "d" * 300),  # ENAMETOOLONG from pathlib while checking the destination
    _config_line("    dockerignore: docker/" + "d" * 300),
    _turbo_task,  # a RUN word with a control character
]
