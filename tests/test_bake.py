"""The bake file (`bake:` in dockergen.yaml): valid HCL whose every target names a stage of its
Dockerfile, values that cannot become HCL syntax, and the same drift rules as the other files."""

from __future__ import annotations

import contextlib
import io
import json
import posixpath
import re
import shutil
from pathlib import Path

import dockerfile
import hcl2
import pytest

from dockergen.cli import main
from dockergen.render import hcl_string
from tests import scenarios
from tests.helpers import api_workspace
from tests.test_cli import run

TWO = (
    "targets:\n  api:\n    package: '@t/api'\n    port: 3000\n"
    "  api2:\n    package: '@t/api'\n    dockerfile: other/Dockerfile\n"
)


def _bake(text: str) -> dict:  # type: ignore[type-arg]
    return hcl2.loads(text)  # type: ignore[no-any-return]


def test_every_bake_target_is_a_stage_of_its_dockerfile() -> None:
    files = scenarios.expected("sample-bake")
    bake = _bake(files["docker-bake.hcl"])
    targets = {name: body for block in bake["target"] for name, body in block.items()}
    assert bake["group"][0]["default"]["targets"] == [["api", "worker"]] or bake["group"][0]["default"]["targets"] == [
        "api",
        "worker",
    ]
    assert set(targets) == {"api", "worker"}
    for name, body in targets.items():
        stages = [
            c.value[-1] for c in dockerfile.parse_string(files[_first(body["dockerfile"])]) if c.cmd.upper() == "FROM"
        ]
        assert _first(body["target"]) == name and name in stages, name  # the shared file's stage for the app
        assert _first(body["context"]) == "."
    assert _flat(targets["api"]["tags"]) == ["ghcr.io/acme/api:1.4.0", "ghcr.io/acme/api:latest"]
    assert _flat(targets["api"]["platforms"]) == ["linux/amd64", "linux/arm64"]
    assert _flat(targets["worker"]["tags"]) == ["${REGISTRY}worker:${TAG}"]  # the variables, interpolated by bake
    assert "platforms" not in targets["worker"]
    variables = {name: _first(body["default"]) for block in bake["variable"] for name, body in block.items()}
    assert variables == {"REGISTRY": "", "TAG": "latest", "SOURCE": "", "REVISION": ""}
    labels = _first(targets["api"]["labels"])
    assert labels["org.opencontainers.image.title"] == "api" and labels["org.opencontainers.image.version"] == "1.0.0"
    assert "REVISION" in str(labels["org.opencontainers.image.revision"])  # a conditional on the variable


def test_several_targets_get_a_bake_file_by_default_one_target_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = api_workspace(tmp_path / "two", {"dockergen.yaml": TWO})
    assert run(capsys, "generate", "--root", str(root))[0] == 0
    assert 'targets = ["api", "api2"]' in (root / "docker-bake.hcl").read_text()
    one = api_workspace(tmp_path / "one", {"dockergen.yaml": TWO.split("  api2:")[0]})
    assert run(capsys, "generate", "--root", str(one))[0] == 0
    assert not (one / "docker-bake.hcl").exists()
    (one / "dockergen.yaml").write_text("bake: true\n" + TWO.split("  api2:")[0])
    assert run(capsys, "generate", "--root", str(one))[0] == 0
    assert (one / "docker-bake.hcl").is_file()  # asked for: one target gets one too


def test_a_default_bake_file_gives_way_to_the_users(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No `bake:` key and a docker-bake.hcl of the user's: a warning naming the way out, their file
    untouched, and check passes (nothing of dockergen's is missing)."""
    root = api_workspace(tmp_path, {"dockergen.yaml": TWO, "docker-bake.hcl": 'target "x" {}\n'})
    code, _, err = run(capsys, "generate", "--root", str(root))
    assert code == 0 and "docker-bake.hcl is not dockergen's" in err and "bake: dockergen-bake.hcl" in err
    assert (root / "docker-bake.hcl").read_text() == 'target "x" {}\n'
    assert run(capsys, "check", "--root", str(root))[0] == 0


@pytest.mark.parametrize(
    ("cache", "expected"),
    [
        (
            "registry",
            ["type=registry,ref=${REGISTRY}api:buildcache", "type=registry,ref=${REGISTRY}api:buildcache,mode=max"],
        ),
        ("gha", ["type=gha,scope=api", "type=gha,scope=api,mode=max"]),
    ],
)
def test_cache_entries(cache: str, expected: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = TWO.replace("    port: 3000\n", f"    port: 3000\n    cache: {cache}\n", 1)
    root = api_workspace(tmp_path, {"dockergen.yaml": config})
    assert run(capsys, "generate", "--root", str(root))[0] == 0
    bake = _bake((root / "docker-bake.hcl").read_text())
    targets = {name: body for block in bake["target"] for name, body in block.items()}
    assert [_flat(targets["api"]["cache-from"])[0], _flat(targets["api"]["cache-to"])[0]] == expected
    assert "cache-from" not in targets["api2"]


def _first(value: object) -> str:
    return value[0] if isinstance(value, list) else value  # type: ignore[return-value]


def _flat(value: object) -> list[str]:
    items = value[0] if isinstance(value, list) and value and isinstance(value[0], list) else value
    return list(items)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    "value",
    ['a"b', "back\\slash", "${REGISTRY}", "%{ if true }x%{ endif }", "tab\there", "ünï ${x} $${y}"],
)
def test_hcl_strings_are_data(value: str) -> None:
    """Whatever the text, it is one HCL string that reads back as the same text: no interpolation,
    no directive, no way out of the quotes."""
    if "\t" in value:
        with pytest.raises(ValueError):
            hcl_string(value)  # control characters never reach a generated file
        return
    parsed = _bake(f"x = {hcl_string(value)}\ny = 1\n")
    assert set(parsed) == {"x", "y"}
    raw = _first(parsed["x"])  # this parser keeps escapes as written: undo them as HCL does
    assert not re.search(r"(?<![$])[$]\{", raw) and not re.search(r"(?<!%)%\{", raw)  # HCL's escapes: $${ %%{
    assert json.loads('"' + raw.replace("$${", "${").replace("%%{", "%{") + '"') == value


def test_bake_file_is_generated_checked_and_protected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = api_workspace(tmp_path, {"dockergen.yaml": "bake: true\n" + TWO})
    assert run(capsys, "generate", "--root", str(root))[0] == 0
    text = (root / "docker-bake.hcl").read_text()
    assert 'targets = ["api", "api2"]' in text and 'dockerfile = "other/Dockerfile"' in text
    assert run(capsys, "check", "--root", str(root))[0] == 0
    (root / "docker-bake.hcl").write_text(text.replace('"runtime"', '"deps"', 1))
    code, out, err = run(capsys, "check", "--root", str(root))
    assert code == 1 and "docker-bake.hcl" in err + out
    code, _, err = run(capsys, "generate", "--root", str(root))
    assert code == 3 and "refusing to overwrite docker-bake.hcl" in err  # a hand edit is never lost


def test_a_foreign_bake_file_is_left_alone_with_a_way_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = api_workspace(tmp_path, {"dockergen.yaml": "bake: true\n" + TWO, "docker-bake.hcl": 'target "x" {}\n'})
    code, _, err = run(capsys, "generate", "--root", str(root))
    assert code == 3 and "bake: dockergen-bake.hcl" in err
    assert (root / "docker-bake.hcl").read_text() == 'target "x" {}\n'
    (root / "dockergen.yaml").write_text("bake: ci/dockergen-bake.hcl\n" + TWO)
    assert run(capsys, "generate", "--root", str(root))[0] == 0
    assert (root / "ci/dockergen-bake.hcl").is_file()


def test_no_bake_key_no_bake_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = api_workspace(tmp_path, {"dockergen.yaml": "bake: false\n" + TWO})
    assert run(capsys, "generate", "--root", str(root))[0] == 0
    assert not (root / "docker-bake.hcl").exists()


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ("bake: ../out.hcl\n", "points outside the workspace root"),
        ("bake: [a]\n", "`bake` must be"),
        ("bake: true\n", "is not an image reference"),  # with a bad tag below
        ("bake: true\n", "is not a platform"),
    ],
    ids=["outside", "type", "tag", "platform"],
)
def test_bad_bake_values_are_one_line_errors(
    config: str, needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = {
        "is not an image reference": "    tags: ['api:${TAG}']\n",
        "is not a platform": "    platforms: ['linux amd64']\n",
    }
    body = TWO.replace("    port: 3000\n", "    port: 3000\n" + extra.get(needle, ""))
    root = api_workspace(tmp_path, {"dockergen.yaml": config + body})
    code, _, err = run(capsys, "generate", "--root", str(root))
    assert code == 3 and needle in err and "Traceback" not in err, err
    assert err.strip().count("\n") <= 1 and "dockergen.yaml" in err
    assert not (root / "Dockerfile").exists()


@pytest.mark.slow
@pytest.mark.parametrize("key", ["tags", "platforms", "bake", "registry"])
def test_hostile_bake_values_never_change_the_files_structure(key: str, tmp_path: Path) -> None:
    """Arbitrary text as a tag, a platform or the bake path: a one-line error (exit 3, nothing
    written), or a bake file that parses with the same blocks and carries the value as data."""
    from hypothesis import HealthCheck, example, given, settings

    from tests.test_hostile_values import HOSTILE

    template = api_workspace(tmp_path / "template", {})
    counter = iter(range(10**6))

    @settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], max_examples=60)
    @given(value=HOSTILE)
    @example(value={"tags": "ghcr.io/acme/api:1.0", "platforms": "linux/arm64/v8", "bake": "ci/my bake's.hcl",
                    "registry": "127.0.0.1:5000/acme/"}[key])  # fmt: skip
    @example(value={"tags": "api:${TAG}", "platforms": "linux/${ARCH}", "bake": "${HOME}/x.hcl",
                    "registry": "ghcr.io/${X}/"}[key])  # fmt: skip
    def check(value: str) -> None:
        root = tmp_path / f"ws{next(counter)}"
        shutil.copytree(template, root)
        api = {"package": "@t/api", "port": 3000}
        if key in ("tags", "platforms"):
            api[key] = [value]
        config = {"bake": value if key == "bake" else True, "targets": {"api": api}}
        if key == "registry":
            config["registry"] = value
        (root / "dockergen.yaml").write_text(json.dumps(config))
        code, _, err = _quiet_run("generate", "--root", str(root))
        written = sorted(p.name for p in root.rglob("*") if p.name.endswith(("hcl", "Dockerfile")))
        if code != 0:
            assert code == 3 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
            assert written == [], written
            return
        path = root / (posixpath.normpath(value.strip()) if key == "bake" else "docker-bake.hcl")
        bake = _bake(path.read_text())
        assert sorted(bake) == ["group", "target", "variable"]
        target = bake["target"][0]["api"]
        if key in ("tags", "platforms"):
            assert _flat(target[key]) == [value]
        if key == "registry":
            assert _first(bake["variable"][0]["REGISTRY"]["default"]) == value

    check()


def _quiet_run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()
