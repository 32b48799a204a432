"""The field's linters over every Dockerfile the tests generate: zero findings by default, and an
accepted finding declared in dockergen.yaml becomes the linter's own inline ignore, with its reason."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from dockergen.errors import InputError
from dockergen.init.config_text import init_config
from dockergen.pipeline import generate_all
from dockergen.repo import Repo
from dockergen.workspace.scan import scan
from tests import scenarios
from tests.helpers import CORPUS, api_workspace, materialize_corpus_repo, require_tool
from tests.test_corpus import REPOS
from tests.test_plan import _big_workspace

pytestmark = pytest.mark.slow  # seconds per linter over ~50 Dockerfiles; CI runs them

API = "targets:\n  api:\n    package: '@t/api'\n    port: 3000\n    health: /health\n"


def _dockerfiles(base: Path) -> dict[str, str]:
    """Every Dockerfile the scenarios expect (what dockergen writes for them), a 90-library
    workspace, and every app `init` finds in the 12 real monorepos."""
    found: dict[str, str] = {}
    for name in scenarios.names():
        for path, content in scenarios.expected(name).items():
            if path.endswith("Dockerfile"):
                found[f"{name}-{path.replace('/', '-')}"] = content
    big = _big_workspace(base / "big", 90)
    (big / "dockergen.yaml").write_text("targets:\n  api:\n    package: '@t/api'\n")
    found["ninety-libraries"] = generate_all(Repo(big)).files[0].content
    for name in REPOS:  # every app `init` finds in the 12 real monorepos
        assert CORPUS is not None
        repo = Repo(materialize_corpus_repo(CORPUS / name, base / "corpus" / name))
        try:
            text = init_config(repo, scan(repo), None, ()).text
        except InputError:
            continue
        for f in generate_all(repo, config_text=text).files:
            if f.target and not f.path.endswith("ignore"):  # the bake file has no target
                found[f"{name}-{f.target}"] = f.content
    return found


@pytest.fixture(scope="module")
def dockerfiles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("lint")
    out = base / "dockerfiles"
    for name, content in _dockerfiles(base / "workspaces").items():
        (out / name).mkdir(parents=True)
        (out / name / "Dockerfile").write_text(content)
    return out


def test_there_is_something_to_lint(dockerfiles: Path) -> None:
    assert len(list(dockerfiles.glob("*/Dockerfile"))) >= 10


def test_hadolint(dockerfiles: Path) -> None:
    files = sorted(str(p) for p in dockerfiles.glob("*/Dockerfile"))
    result = subprocess.run([require_tool("hadolint"), "--format", "json", *files], capture_output=True, text=True)
    assert json.loads(result.stdout or "[]") == [] and result.returncode == 0, result.stdout


def test_checkov(dockerfiles: Path) -> None:
    result = subprocess.run(
        [require_tool("checkov"), "--framework", "dockerfile", "--skip-download", "-d", str(dockerfiles), "-o", "json", "--quiet"],
        capture_output=True, text=True,
    )  # fmt: skip
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [c for r in reports for c in r.get("results", {}).get("failed_checks", [])]
    passed = sum(r.get("summary", {}).get("passed", 0) for r in reports)
    assert failed == [] and passed > 100, [(c["check_id"], c["file_path"]) for c in failed]


def test_trivy_config(dockerfiles: Path) -> None:
    result = subprocess.run(
        [require_tool("trivy"), "config", "--skip-check-update", "--quiet", "--format", "json", "--exit-code", "1", str(dockerfiles)],
        capture_output=True, text=True,
    )  # fmt: skip
    report = json.loads(result.stdout)
    findings = [(r["Target"], m["ID"]) for r in report.get("Results", []) for m in r.get("Misconfigurations", []) or []]
    scanned = [r["Target"] for r in report.get("Results", [])]
    assert findings == [] and result.returncode == 0 and len(scanned) >= 10, findings


def test_buildkit_parser(dockerfiles: Path) -> None:
    import dockerfile

    for path in sorted(dockerfiles.glob("*/Dockerfile")):
        commands = dockerfile.parse_string(path.read_text())
        assert commands and commands[0].cmd == "FROM", path
        assert {c.cmd for c in commands} <= {
            "FROM",
            "RUN",
            "COPY",
            "WORKDIR",
            "ENV",
            "USER",
            "EXPOSE",
            "HEALTHCHECK",
            "CMD",
            "LABEL",
        }


def _lint_all(path: Path) -> tuple[str, str, str]:
    hadolint = subprocess.run(
        [require_tool("hadolint"), str(path / "Dockerfile")], capture_output=True, text=True
    ).stdout
    checkov = subprocess.run([require_tool("checkov"), "--framework", "dockerfile", "--skip-download", "-f",
                              str(path / "Dockerfile"), "--compact", "--quiet"], capture_output=True, text=True).stdout  # fmt: skip
    trivy = subprocess.run([require_tool("trivy"), "config", "--skip-check-update", "--quiet", str(path)],
                           capture_output=True, text=True).stdout  # fmt: skip
    return hadolint, checkov, trivy


def test_accepted_findings_become_inline_ignores_with_their_reason(tmp_path: Path) -> None:
    risky = API + "    instructions: {runtime: ['RUN apt-get update && apt-get install -y curl', 'ADD x.tgz /opt/']}\n"
    accepted = (
        "    lint_ignore:\n      DL3008: we track Debian security updates by rebuilding nightly\n"
        "      DL3009: the layer is small enough\n      DL3015: curl needs its recommends here\n"
        "      DL3020: x.tgz is a local archive that ADD unpacks\n      CKV_DOCKER_4: same archive\n"
        "      AVD-DS-0029: recommends needed\n      DS-0005: same archive\n"
    )
    for name, config in (("without", risky), ("with", risky + accepted)):
        root = api_workspace(tmp_path / name, {"dockergen.yaml": config})
        dockerfile = generate_all(Repo(root)).files[0].content
        (tmp_path / f"lint-{name}").mkdir()
        (tmp_path / f"lint-{name}" / "Dockerfile").write_text(dockerfile)
        hadolint, checkov, trivy = _lint_all(tmp_path / f"lint-{name}")
        if name == "without":  # the control: each linter does flag these instructions
            assert "DL3008" in hadolint and "CKV_DOCKER_4" in checkov and "DS-0029" in trivy
        else:
            assert hadolint == "" and "Failed checks: 0" in checkov and "Skipped checks: 1" in checkov, (
                hadolint,
                checkov,
            )
            assert "DS-00" not in trivy, trivy
            assert "#checkov:skip=CKV_DOCKER_4:same archive" in dockerfile
            assert "# hadolint global ignore=DL3008,DL3009,DL3015,DL3020" in dockerfile
            assert "DL3008: we track Debian security updates by rebuilding nightly" in dockerfile


def test_lint_ignore_needs_a_known_rule_and_a_reason(tmp_path: Path) -> None:
    from dockergen.config.model import parse_config
    from dockergen.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        parse_config(API + "    lint_ignore: {nonsense: because}\n")
    assert "rule id and a reason" in err.value.message and err.value.line == 6
