import json
import subprocess
import sys
from pathlib import Path

import pytest

from dockergen.cli import main
from tests.helpers import api_workspace, build_tree

CONFIG = "targets:\n  api:\n    package: '@t/api'\n    port: 3000\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def snapshot_tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return api_workspace(tmp_path, {"dockergen.yaml": CONFIG})


def test_exit_0_generate_then_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "generate", "--root", str(repo))
    assert code == 0 and "created Dockerfile" in out and "created .dockerignore" in out
    code, out, _ = run(capsys, "check", "--root", str(repo))
    assert code == 0 and "up to date" in out
    before = snapshot_tree(repo)
    code, out, _ = run(capsys, "generate", "--root", str(repo))
    assert code == 0 and "already up to date" in out and snapshot_tree(repo) == before


def test_exit_1_check_shows_a_diff_after_a_new_package(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "generate", "--root", str(repo))
    build_tree(repo, {"packages/new/package.json": {"name": "@t/new", "version": "1.0.0"}})
    manifest = json.loads((repo / "apps/api/package.json").read_text())
    manifest["dependencies"]["@t/new"] = "workspace:*"
    (repo / "apps/api/package.json").write_text(json.dumps(manifest))
    code, out, err = run(capsys, "check", "--root", str(repo))
    assert code == 1
    assert "+COPY packages/new/package.json /repo/packages/new/" in out and "+!packages/new" in out
    assert "run `dockergen generate`" in err


def test_unrelated_package_does_not_change_output(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "generate", "--root", str(repo))
    build_tree(repo, {"packages/docs/package.json": {"name": "@t/docs"}})
    assert run(capsys, "check", "--root", str(repo))[0] == 0


@pytest.mark.parametrize(
    "args",
    [("plan", "--target", "nope"), ("init", "--package", "@t/nope"), ("frobnicate",), ("check", "--bogus")],
)
def test_exit_2_usage_errors(repo: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    before = snapshot_tree(repo)
    code, _, err = run(capsys, *args, "--root", str(repo))
    assert code == 2 and "Traceback" not in err
    assert snapshot_tree(repo) == before


def test_exit_2_missing_root(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", "--root", str(tmp_path / "missing"))
    assert code == 2 and err.count("\n") == 1


@pytest.mark.parametrize(
    ("files", "needle"),
    [
        ({"pnpm-workspace.yaml": "packages:\n  - apps/*\n  oops: [\n"}, "pnpm-workspace.yaml:"),
        ({"apps/api/package.json": '{"name": "@t/api",}'}, "apps/api/package.json:1:"),
        ({"dockergen.yaml": "targets:\n  api:\n    package: '@t/api'\n    prot: 1\n"}, "dockergen.yaml:4:5"),
        ({"apps/api/package.json": '{"name": "@t/api", "scripts": {"start": "next start"}}'}, "has no way to start"),
    ],
)
def test_exit_3_bad_input_is_one_line_and_writes_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], needle: str
) -> None:
    build_tree(repo, files)
    before = snapshot_tree(repo)
    code, _, err = run(capsys, "generate", "--root", str(repo))
    assert code == 3 and needle in err and "hint:" in err
    assert err.count("\n") == 1 and err.startswith("dockergen: error: ") and "Traceback" not in err
    assert snapshot_tree(repo) == before


def test_exit_3_no_workspace_at_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "init", "--root", str(tmp_path))
    assert code == 3 and "pnpm-workspace.yaml" in err and list(tmp_path.iterdir()) == []


def test_init_beside_a_foreign_dockerfile_places_its_own_files_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    theirs = {"Dockerfile": "FROM node:22\nCOPY . .\n", ".dockerignore": "node_modules\n"}
    repo = api_workspace(tmp_path, theirs)
    code, out, _ = run(capsys, "init", "--root", str(repo))
    assert code == 0, out
    assert "files: apps/api/Dockerfile + apps/api/Dockerfile.dockerignore" in out
    assert "Dockerfile and .dockerignore: not dockergen's, left alone" in out
    assert all((repo / name).read_text() == text for name, text in theirs.items())
    config = (repo / "dockergen.yaml").read_text()
    assert "dockerfile: apps/api/Dockerfile" in config and "dockerignore: apps/api/Dockerfile.dockerignore" in config
    assert run(capsys, "generate", "--root", str(repo))[0] == 0  # the placement is kept by generate


def test_exit_3_init_refuses_to_overwrite_a_named_foreign_file_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = api_workspace(tmp_path, {"Dockerfile": "FROM node:22\nCOPY . .\n"})
    before = snapshot_tree(repo)
    code, _, err = run(capsys, "init", "--root", str(repo), "--dockerfile", "Dockerfile")
    assert code == 3 and "refusing to overwrite Dockerfile" in err and "hint:" in err
    assert snapshot_tree(repo) == before
    code, out, _ = run(capsys, "init", "--root", str(repo), "--dockerfile", "Dockerfile", "--force")
    assert code == 0 and "previous version kept as .bak" in out
    assert (repo / "Dockerfile.bak").read_text() == "FROM node:22\nCOPY . .\n"


def test_init_names_the_files_of_one_new_target_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = api_workspace(tmp_path)
    code, _, _ = run(capsys, "init", "--root", str(repo), "--dockerfile", "deploy/api.Dockerfile")
    assert code == 0 and (repo / "deploy/api.Dockerfile").is_file()
    assert (repo / "deploy/api.Dockerfile.dockerignore").is_file()
    (repo / "apps/admin").mkdir()
    (repo / "apps/admin/package.json").write_text('{"name": "@t/admin", "scripts": {"start": "node s.js"}}')
    (repo / "apps/web").mkdir()
    (repo / "apps/web/package.json").write_text('{"name": "@t/web", "scripts": {"start": "node s.js"}}')
    code, _, err = run(capsys, "init", "--root", str(repo), "--dockerfile", "x.Dockerfile")
    assert code == 2 and "one new target" in err


def test_exit_4_internal_error_prints_traceback(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dockergen.pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(dockergen.pipeline, "generate_all", boom)
    code, _, err = run(capsys, "check", "--root", str(repo))
    assert code == 4 and "Traceback" in err and "please report" in err


def test_init_detects_and_explains(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = api_workspace(tmp_path)
    code, out, _ = run(capsys, "init", "--root", str(repo))
    assert code == 0
    assert '+ api: @t/api (start script "node dist/index.js"; depends on hono)' in out
    assert "created dockergen.yaml" in out and "created Dockerfile" in out
    assert "port: 3000" in (repo / "dockergen.yaml").read_text()
    before = snapshot_tree(repo)
    code, out, _ = run(capsys, "init", "--root", str(repo))  # a second init changes nothing
    assert code == 0 and "already up to date" in out and snapshot_tree(repo) == before


def test_init_skips_an_app_it_cannot_plan_and_writes_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One app the planner refuses ends neither init nor the other apps; naming it shows the error."""
    from tests.scenarios import materialize

    root = materialize("init-skips", tmp_path / "a")
    code, out, _ = run(capsys, "init", "--root", str(root))
    assert code == 0 and "+ api: @is/api" in out
    assert (
        "- skipped @is/jobs (apps/jobs): dockergen cannot plan it: " in out and "main.cjs is at the package root" in out
    )
    assert "- skipped @is/cli (packages/cli): a command-line tool without a bin" in out
    assert "@is/jobs" not in (root / "dockergen.yaml").read_text()
    root = materialize("init-skips", tmp_path / "b")
    before = snapshot_tree(root)
    code, out, err = run(capsys, "init", "--root", str(root), "--package", "@is/jobs")
    assert code == 3 and "main.cjs is at the package root" in err and snapshot_tree(root) == before


@pytest.mark.parametrize("config", ["version: 1\ntargets: {}\n", "# mine\nversion: 1\ntargets:\n"])
def test_init_fills_a_config_without_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str) -> None:
    repo = api_workspace(tmp_path, {"dockergen.yaml": config})
    code, _, err = run(capsys, "init", "--root", str(repo), "--package", "@t/api")
    text = (repo / "dockergen.yaml").read_text()
    assert code == 0, err
    assert "api:" in text and "# command:" in text and "# node:" in text and text.startswith(config.split("targets")[0])


def test_plan_json_and_dry_run_write_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot_tree(repo)
    code, out, _ = run(capsys, "plan", "--root", str(repo), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["schema_version"] == 1
    plan = data["targets"][0]
    assert plan["target"] == "api" and plan["stages"][0]["name"] == "base"
    kinds = {step["kind"] for stage in plan["stages"] for step in stage["steps"]}
    assert kinds >= {"copy", "run", "env", "workdir", "user", "expose", "healthcheck", "cmd"}
    reads = {r for stage in plan["stages"] for step in stage["steps"] for r in step["reads"]}
    assert "pnpm-lock.yaml" in reads
    code, out, _ = run(capsys, "generate", "--root", str(repo), "--dry-run")
    assert code == 0 and "would create Dockerfile" in out
    code, out, _ = run(capsys, "generate", "--root", str(repo), "--diff")
    assert code == 0 and "+++ b/Dockerfile" in out
    assert snapshot_tree(repo) == before


def test_python_dash_m_entry_point(repo: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dockergen", "check", "--root", str(repo)], capture_output=True, text=True
    )
    assert result.returncode == 1 and "+++ b/Dockerfile" in result.stdout


def test_user_ignore_rule_hiding_a_copied_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests import scenarios

    root = scenarios.materialize("ts-patched", tmp_path / "ts")
    config = (root / "dockergen.yaml").read_text() + "    ignore: ['**/*.patch', '*.md']\n"
    (root / "dockergen.yaml").write_text(config)
    before = snapshot_tree(root)
    code, _, err = run(capsys, "generate", "--root", str(root))
    assert code == 3 and snapshot_tree(root) == before
    assert "rule '**/*.patch' hides patches/escape-html@1.0.3.patch, which Dockerfile copies" in err
    assert err.startswith("dockergen: error: .dockerignore:") and "hint:" in err


def test_user_keep_and_ignore_survive_regeneration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = api_workspace(tmp_path, {"dockergen.yaml": CONFIG + "    ignore: ['**/*.md']\n    keep: [scripts/setup.sh]\n",
                                    "scripts/setup.sh": "echo hi\n"})  # fmt: skip
    assert run(capsys, "generate", "--root", str(repo))[0] == 0
    ignore = (repo / ".dockerignore").read_text()
    assert "!scripts/setup.sh" in ignore and ignore.rstrip().endswith("**/*.md")
    assert "COPY scripts/setup.sh scripts/" in (repo / "Dockerfile").read_text()
    code, out, _ = run(capsys, "generate", "--root", str(repo))
    assert code == 0 and "already up to date" in out


@pytest.mark.parametrize("command", ["check", "generate", "plan"])
def test_the_workspace_root_is_found_upward_from_a_package_folder(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    assert run(capsys, "generate", "--root", str(repo))[0] == 0
    monkeypatch.chdir(repo / "apps" / "api" / "src" if (repo / "apps/api/src").is_dir() else repo / "apps" / "api")
    code, out, err = run(capsys, command)
    assert code == 0 and "not a pnpm project" not in err
    assert command != "plan" or "stage" in out
    assert not (repo / "apps" / "api" / "Dockerfile").exists()


def test_version_and_short_help(capsys: pytest.CaptureFixture[str]) -> None:
    import dockergen

    code, out, _ = run(capsys, "--version")
    assert code == 0 and out == f"dockergen {dockergen.__version__}\n"
    code, out, _ = run(capsys, "-h")
    assert code == 0 and "generate" in out and "check" in out
    code, out, _ = run(capsys, "check", "-h")
    assert code == 0 and "--root" in out


def test_a_missing_workspace_file_is_named_as_the_cause(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "pnpm-workspace.yaml").unlink()
    code, _, err = run(capsys, "generate", "--root", str(repo))
    line = err.strip().splitlines()[-1]
    assert code == 3 and line.startswith("dockergen: error: pnpm-workspace.yaml: ")
    assert "there is no pnpm-workspace.yaml" in line and "hint: restore pnpm-workspace.yaml" in line


def test_the_version_is_declared_once() -> None:
    import tomllib

    import dockergen
    from tests.helpers import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert dockergen.__version__
