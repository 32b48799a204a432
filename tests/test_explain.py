"""`dockergen explain`: which steps re-run after a change, on the sample's plans (pure), and the
command (paths, git's changes, JSON, bad input)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from dockergen import dockerignore
from dockergen.pipeline import generate_all
from dockergen.repo import Repo
from dockergen.report.explain import CHANGES, MAY_CHANGE, MAYBE, RERUN, SAME, Explanation, explain
from tests import scenarios
from tests.test_cli import run


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scenarios.materialize("sample", tmp_path_factory.mktemp("explain") / "sample")


def _explain(root: Path, target: str, *changed: str) -> Explanation:
    generated = generate_all(Repo(root))
    plan = next(p for p in generated.plans if p.target == target)
    ignore = next(f for f in generated.files if f.path == plan.dockerignore)
    return explain(plan, dockerignore.parse(ignore.content, ignore.path), changed)


def _stages(e: Explanation, status: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in e.steps:
        if s.status == status:
            out[s.stage] = out.get(s.stage, 0) + 1
    return out


def test_app_source_reruns_only_the_app_build(sample: Path) -> None:
    e = _explain(sample, "api", "apps/api/src/app.ts")
    assert _stages(e, RERUN) == {"api-build": 2} and _stages(e, MAYBE) == {"api": 1}
    assert e.image == MAY_CHANGE and e.sent == ("apps/api/src/app.ts",)
    assert "it reads apps/api/src/app.ts, which changed" in e.steps[0].why


def test_a_file_outside_the_closure_or_ignored_reruns_nothing(sample: Path) -> None:
    for changed in ("README.md", "apps/worker/src/index.ts", "apps/api/dist/index.js", "apps/api/node_modules/x/a.js"):
        e = _explain(sample, "api", changed)
        assert e.steps == () and e.image == SAME and e.sent in ((), (changed,)), changed


def test_library_source_reruns_from_that_library(sample: Path) -> None:
    e = _explain(sample, "api", "packages/core/src/index.ts")
    libs = [s for s in e.steps if s.stage == "libs"]
    assert libs[0].summary == "@acme/core sources" and all(s.status == RERUN for s in libs)
    assert "lib-deps" not in _stages(e, RERUN)  # the libraries' install stays cached
    # the app's install runs beside the libraries' builds: cached; the built libraries laid over it may differ
    assert "api-deps" not in _stages(e, RERUN) and _stages(e, MAYBE)["api-deps"] == 2 and e.image == MAY_CHANGE


def test_lockfile_reruns_the_installs(sample: Path) -> None:
    e = _explain(sample, "api", "pnpm-lock.yaml")
    reruns = _stages(e, RERUN)
    assert reruns["lib-deps"] >= 2 and reruns["api-deps"] >= 2 and reruns["api-deploy"] == 1
    # content-addressed: a lockfile change may leave the libraries alone (the stage is shared: the
    # libraries both targets use, 4 sources and one build step, plus the install it copies and a config)
    assert _stages(e, MAYBE)["libs"] == 7


def test_a_library_only_one_target_uses_reruns_its_own_stage_only(sample: Path) -> None:
    """@acme/db is the API's alone: its change re-runs the API's own libraries' stage, not the
    shared ones, and leaves the worker's image alone."""
    e = _explain(sample, "api", "packages/db/src/index.ts")
    assert "libs" not in _stages(e, RERUN) and "lib-deps" not in _stages(e, RERUN)
    assert _stages(e, RERUN)["api-own-libs"] >= 2
    assert _explain(sample, "worker", "packages/db/src/index.ts").image == SAME


def test_the_dockerfile_itself_is_noted(sample: Path) -> None:
    e = _explain(sample, "api", "Dockerfile")
    assert "changed itself" in e.note


def test_a_change_to_the_runtime_files_is_a_new_image(tmp_path: Path) -> None:
    root = scenarios.materialize("plain-js", tmp_path / "ws")
    generated = generate_all(Repo(root))
    plan = generated.plans[0]
    runtime_reads = [r for st in plan.stages[-1:] for step in st.steps for r in step.reads]
    if not runtime_reads:
        pytest.skip("plain-js copies nothing from the context in its runtime stage")
    e = _explain(root, plan.target, runtime_reads[0] + "/x.js")
    assert e.image == CHANGES


def test_cli_text_and_json(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "--root", str(sample), "--target", "api", "apps/api/src/app.ts")
    assert code == 0 and out.startswith("target api (Dockerfile): the image may change; 2 of ")
    assert "api-build: 2 of 2 re-run" in out and "api: 0 of 3 re-run, 1 may" in out
    code, out, _ = run(capsys, "explain", "--root", str(sample), "--format", "json", "./README.md")
    data = json.loads(out)
    assert code == 0 and {d["target"] for d in data} == {"api", "worker"}
    assert all(d["image"] == SAME and d["steps"] == [] for d in data)


def test_cli_reads_gits_changes_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = scenarios.materialize("sample", tmp_path / "ws")
    git = ["git", "-C", str(root), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    (root / "apps/api/src/app.ts").write_text((root / "apps/api/src/app.ts").read_text() + "\n// changed\n")
    (root / "packages/db/src/new.ts").write_text("export {}\n")  # untracked counts too
    code, out, _ = run(capsys, "explain", "--root", str(root), "--target", "api", "--format", "json")
    data = json.loads(out)[0]
    assert code == 0 and data["sent"] == ["apps/api/src/app.ts", "packages/db/src/new.ts"]


def test_cli_bad_input(tmp_path: Path, sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "--root", str(sample), "../elsewhere.ts")
    assert code == 2 and "not a path inside the workspace" in err and "Traceback" not in err
    code, _, err = run(capsys, "explain", "--root", str(sample), "--target", "nope", "README.md")
    assert code == 2 and "unknown --target 'nope'" in err
    not_git = scenarios.materialize("plain-js", tmp_path / "plain")
    code, _, err = run(capsys, "explain", "--root", str(not_git))
    assert code == 2 and "not in a git repository with a commit" in err and "dockergen explain PATH" in err
    assert len(err.strip().splitlines()) == 1


def test_a_library_manifest_reruns_its_install_through_the_gathered_manifests(sample: Path) -> None:
    """The manifests stage copies context files only: when it re-runs, what it holds changed, so
    the COPY that takes it into the libraries' install re-runs for sure (not "may")."""
    e = _explain(sample, "api", "packages/core/package.json")
    reruns = _stages(e, RERUN)
    assert reruns["lib-manifests"] >= 1 and reruns["lib-deps"] == 3  # the COPY, the lockfile COPY after it, the install
    taken = next(s for s in e.steps if s.stage == "lib-deps")
    assert "whose copied files changed" in taken.why


def test_an_untracked_dockerfile_is_new_not_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before its first commit the generated Dockerfile is not "changed": there is nothing to compare."""
    root = scenarios.materialize("sample", tmp_path / "ws")
    git = ["git", "-C", str(root), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run(
        [*git, "add", "package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", "apps", "packages"], check=True
    )
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    code, out, _ = run(capsys, "explain", "--root", str(root), "--target", "api")
    assert code == 0 and "Dockerfile or its ignore file is not in git yet" in out and "changed itself" not in out
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "y"], check=True)
    (root / "Dockerfile").write_text((root / "Dockerfile").read_text() + "\n")
    code, out, _ = run(capsys, "explain", "--root", str(root), "--target", "api")
    assert code == 0 and "Dockerfile or its ignore file changed itself" in out
