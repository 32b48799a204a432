"""Real-world trial: dockergen on the maintainers' apps of real pnpm monorepos, as a new user runs it.

    bash ../shared/e2e/setup-docker && .venv/bin/python bench/realworld.py --checkouts DIR [--app REPO:PACKAGE ...]

DIR holds checkouts named `<owner>__<name>` (e.g. `git clone` each repository of ../shared/corpus
and `git checkout` the commit its NOTES.md names; the repositories beyond the corpus that
bench/realworld_outside.py lists, at the commits it names). For each app the maintainers ship
(APPS.txt, kind `node`, or realworld_outside.OUTSIDE): copy the checkout, `dockergen init
--package NAME` (plus the dockergen.yaml lines in CONFIG below, counted as "config lines"), a cold
`docker build`, `docker run` for 25 s, and a verdict:
`app code runs` (a port answers, or the app stops on its own configuration such as a missing
database) or the failure (`Cannot find module`, a crash, a build error, with its reason). Then an
app-code rebuild (a comment appended to the app's entry source) and an unrelated rebuild (a file
changed in a package outside the app's closure). Where the maintainers' own Dockerfile for the app
is known (realworld_outside.OUTSIDE), the same numbers for it, from a fresh copy and an empty
builder cache; a Dockerfile that cannot build here whatever anyone does (an Alpine base image, a
host this machine cannot reach) is reported with that reason, not built. The bench-only switches
(realworld_outside.adapt: Next's font mocks, a dropped `# syntax=` line) apply to both files alike
and are named in each row; dockergen's output is otherwise built as written. Results: a Markdown
table on stdout and bench/results/realworld.json (rows of earlier runs kept, rows of this run replaced). Builds run one
at a time; each starts with an empty builder cache.

`--together REPO:PKG,PKG,...` inits those apps together (one shared Dockerfile), empties the builder
cache once, then builds each `--target` in turn: its time, its steps run and how many of those are
shared stages (none after the first app), and the run verdict (bench/results/realworld-together.json).
`--report` prints the stored table without running anything.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realworld_outside import OUTSIDE, Outside, Theirs, adapt, node_images, stand_in  # noqa: E402
from tests.dockerutil import empty_builder_cache  # noqa: E402
from tests.helpers import CORPUS  # noqa: E402

DOCKERGEN = [sys.executable, "-m", "dockergen"]
MODULE_ERRORS = re.compile(r"Cannot find (module|package)|ERR_MODULE_NOT_FOUND|MODULE_NOT_FOUND")
# The empty query engine the `prisma-stub` switch leaves in the image, loaded by the app's first query.
PRISMA_STUB_LOAD = re.compile(
    r"libquery_engine[^\n]*(invalid ELF header|file too short)|Unable to (load|require)[^\n]*libquery_engine"
)
# Failures before the app's code: a syntax error (in dockergen's signal preload, say), not the app's configuration.
CRASHES = re.compile(r"^SyntaxError|data:text/javascript", re.M)
# dockergen.yaml lines an app needs here beyond what init writes, and why: written under
# `defaults:` before init (which keeps them and plans with them); counted with that header line.
CONFIG: dict[str, tuple[list[str], str]] = {
    "gitroomhq__postiz-app:postiz-backend": (
        ['pnpm: "10.34.9"'],
        "pnpm 10.6.1's deploy does not inherit overrides (pnpm#9283): dockergen refuses it and names this line",
    ),
    "homarr-labs__homarr:@homarr/nextjs": (
        ['build_env: {SKIP_ENV_VALIDATION: "true"}'],
        "its next build checks the runtime environment unless SKIP_ENV_VALIDATION is set (its own Dockerfile sets it)",
    ),
}
# Failures that come from this machine's network or images, not from dockergen: (log pattern, reason).
ENVIRONMENT = [
    (r"binaries\.prisma\.sh", "Prisma engines download from binaries.prisma.sh (unreachable here)"),
    (r"ENOTFOUND (cdn\.|github\.com|objects\.githubusercontent)", "a download from a host this machine cannot reach"),
    (r"ERR_PNPM_FETCH_404", "the lockfile pins a version this registry does not serve (404)"),
    (r"nodejs\.org", "a download from nodejs.org (unreachable here)"),
    (
        r"NextFontGoogleCssModuleReplacer",
        "Google Fonts (fonts.googleapis.com, unreachable here; Next's font mock does not reach Turbopack)",
    ),
]


@dataclass
class Result:
    repo: str
    package: str
    verdict: str = "not run"
    reason: str = ""
    init_exit: int | None = None
    config_lines: int = 0
    image_mb: float | None = None
    cold_s: float | None = None
    app_rebuild_s: float | None = None
    app_rebuild_steps: str = ""
    unrelated_steps: str = ""
    unrelated_same_image: bool | None = None
    log_tail: list[str] = field(default_factory=list)
    dockergen_commit: str = ""
    switches: list[str] = field(default_factory=list)
    theirs: dict[str, object] = field(default_factory=dict)


def apps(corpus: Path, checkouts: Path, selected: set[str]) -> list[tuple[str, str, str]]:
    """(repo, package dir, package name) of every shipped Node app (the corpus', then those of the
    repositories beyond it that DIR holds), or only the selected ones."""
    out = []
    for folder in sorted(p for p in corpus.iterdir() if (p / "APPS.txt").is_file()):
        for line in (folder / "APPS.txt").read_text().splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and not line.startswith(("#", "also")) and parts[2] == "node":
                key = f"{folder.name}:{parts[1]}"
                if not selected or key in selected:
                    out.append((folder.name, parts[0], parts[1]))
    for repo, outside in OUTSIDE.items():
        for directory, package in outside.apps:
            wanted = f"{repo}:{package}" in selected if selected else (checkouts / repo).is_dir()
            if wanted:
                out.append((repo, directory, package))
    return out


def docker(*args: str, timeout: int = 3600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, env=env)


def build(
    workspace: Path, dockerfile: str, tag: str, lines: int = 25, target: str | None = None
) -> tuple[bool, float, str, list[str]]:
    start = time.monotonic()
    stage = ["--target", target] if target else []
    done = docker("build", "--progress=plain", "-f", str(workspace / dockerfile), *stage, "-t", tag, str(workspace))
    log = done.stderr + done.stdout
    ran, total = steps_of(log)
    return done.returncode == 0, time.monotonic() - start, f"{len(ran)}/{len(total)}", log.splitlines()[-lines:]


def steps_of(log: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(steps that ran, all steps) of a `--progress=plain` build log: (vertex, "stage i/n",
    instruction), FROM lines and BuildKit's internal vertices left out."""
    steps = re.findall(r"^#(\d+) \[([^\]]+)\] (.*)$", log, re.M)
    cached = set(re.findall(r"^#(\d+) CACHED$", log, re.M))
    total = [s for s in steps if not s[1].startswith("internal") and not s[2].startswith("FROM")]
    return [s for s in total if s[0] not in cached], total


def run_verdict(tag: str, port: int | None) -> tuple[str, str, list[str]]:
    publish = ["-p", f"127.0.0.1::{port}"] if port else []
    container = docker("run", "-d", *publish, tag).stdout.strip()
    answered = False
    for _ in range(25):
        time.sleep(1)
        if port:
            mapped = docker("port", container, f"{port}/tcp").stdout.strip().splitlines()
            if (
                mapped
                and subprocess.run(["curl", "-s", "-m", "2", "-o", "/dev/null", f"http://{mapped[0]}/"]).returncode == 0
            ):
                answered = True
                break
    logs = docker("logs", container).stdout + docker("logs", container).stderr
    state = docker("inspect", "-f", "{{.State.Running}} {{.State.ExitCode}}", container).stdout.split()
    docker("rm", "-f", container)
    tail = [line for line in logs.splitlines() if line.strip()][-12:]
    if PRISMA_STUB_LOAD.search(logs):
        line = next(line for line in logs.splitlines() if PRISMA_STUB_LOAD.search(line))
        return "app code runs (stops at Prisma's stubbed engine)", line.strip()[:200], tail
    if MODULE_ERRORS.search(logs):
        return "module missing", next(line for line in logs.splitlines() if MODULE_ERRORS.search(line)), tail
    if not answered and CRASHES.search(logs):
        return "crashed before the app's code", next(line for line in logs.splitlines() if CRASHES.search(line)), tail
    if answered:
        return "app code runs", f"port {port} answers", tail
    if state and state[0] == "true":
        return "app code runs", "still running after 25 s (a worker, or waiting for a service)", tail
    return "app code runs (stops on its configuration)", stop_reason(tail), tail


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def stop_reason(tail: list[str]) -> str:
    """The line that says why the app stopped (an error it raised, the settings it misses), else
    its last line; a list of missing settings (names on the following lines) is joined to it."""
    lines = [ANSI.sub("", line).strip() for line in tail]
    names = [m.group(1) for line in lines if (m := re.match(r'^"?([A-Z][A-Z0-9_]{2,})"?\s*[:,{]?', line))]
    telling = re.compile(r"\b[A-Z]\w*Error\b|Invalid|ECONNREFUSED|is not set|is missing|Missing")
    line = next((line for line in lines if telling.search(line)), "")
    fields = dict(m.groups() for x in lines if (m := re.match(r"^(code|syscall|path|id): '([^']*)',?$", x)))
    if not line and fields.get("code", "").startswith("E"):  # a system error's fields (Node prints them)
        return " ".join(fields[k] for k in ("code", "syscall", "path") if k in fields)
    if not line and "id" in fields:  # an error object's own id (postiz: MASTRA_STORAGE_PG_INITIALIZATION_FAILED)
        return fields["id"]
    if line and line.endswith(":") and names:
        return f"{line} {', '.join(names)}"
    if not line and names and any('"Required"' in x or "Required" in x for x in lines):
        return f"required settings missing: {', '.join(names)}"
    return line or (lines[-1] if lines else "exited")


def trial(checkouts: Path, repo: str, directory: str, package: str, work: Path, theirs_too: bool = True) -> Result:
    result = Result(repo, package, dockergen_commit=_dockergen_commit())
    key = f"{repo}:{package}"
    source = checkouts / repo
    if not source.is_dir():
        result.reason = f"no checkout at {source}"
        return result
    outside = OUTSIDE.get(repo)
    result.switches = list(outside.switches) if outside else []
    workspace = _fresh_copy(source, work / repo)
    extra, _ = CONFIG.get(key, ([], ""))
    result.config_lines = len(extra) + 1 if extra else 0
    if extra:
        lines = "".join(f"  {line}\n" for line in extra)
        (workspace / "dockergen.yaml").write_text(f"version: 1\ndefaults:\n{lines}targets: {{}}\n")
    init = subprocess.run(
        [*DOCKERGEN, "init", "--root", str(workspace), "--package", package], capture_output=True, text=True
    )
    result.init_exit = init.returncode
    if init.returncode != 0:
        result.verdict, result.reason = "init failed", (init.stderr.strip().splitlines() or ["?"])[-1]
        return result
    plan = json.loads(
        subprocess.run(
            [*DOCKERGEN, "plan", "--root", str(workspace), "--format", "json"], capture_output=True, text=True
        ).stdout
    )
    target = next(t for t in plan["targets"] if t["package"] == package)
    port = next((s["port"] for st in target["stages"] for s in st["steps"] if s["kind"] == "expose"), None)
    tag = f"realworld/{repo.lower()}-{re.sub(r'[^a-z0-9]+', '-', package.lower())}"
    numbers = measure(workspace, Subject(target["dockerfile"], None, tag, directory, port, tuple(result.switches)))
    for name, value in numbers.items():
        setattr(result, name, value)
    theirs = outside.theirs.get(package) if outside and theirs_too else None
    if theirs is not None:
        result.theirs = their_numbers(source, work / f"{repo}-theirs", directory, theirs, f"{tag}-theirs", outside)
    return result


def their_numbers(source: Path, workspace: Path, directory: str, theirs: Theirs, tag: str, outside: Outside) -> dict:
    """The same numbers for the maintainers' Dockerfile, from a fresh copy (their own ignore file
    and nothing of dockergen's), or why it cannot build here."""
    if theirs.blocked:
        return {"verdict": "cannot build here", "reason": theirs.blocked}
    _fresh_copy(source, workspace)
    subject = Subject(theirs.dockerfile, theirs.target, tag, directory, theirs.port, outside.switches)
    numbers = measure(workspace, subject)
    shutil.rmtree(workspace, ignore_errors=True)
    return numbers


@dataclass(frozen=True)
class Subject:
    """One Dockerfile to measure: where it is in the copy, the stage that ships the app, the tag
    to build, the app's folder (for the app-code change), its port, the bench-only switches."""

    dockerfile: str
    stage: str | None
    tag: str
    directory: str
    port: int | None
    switches: tuple[str, ...]


def measure(workspace: Path, subject: Subject) -> dict:
    """Cold build (builder cache emptied), size, run verdict, an app-code rebuild and an unrelated
    rebuild of one Dockerfile (its bench-only switches applied to the copy)."""
    dockerfile, stage, tag = subject.dockerfile, subject.stage, subject.tag
    adapt(workspace / dockerfile, subject.switches)
    missing = _alias_node_images(workspace / dockerfile)
    if missing:
        return {"verdict": "cannot build here", "reason": f"FROM {missing} (no such image here)"}
    empty_builder_cache()
    ok, seconds, _, tail = build(workspace, dockerfile, tag, lines=60, target=stage)
    out: dict = {"cold_s": round(seconds, 1)}
    if not ok:
        out["verdict"], out["log_tail"] = "build failed", tail
        out["reason"] = next(
            (line for line in reversed(tail) if "ERR" in line or "rror" in line), tail[-1] if tail else ""
        )
        for pattern, reason in ENVIRONMENT:
            if re.search(pattern, "\n".join(tail)):
                out["verdict"], out["reason"] = "blocked here", reason
        return out
    out["image_mb"] = round(int(docker("image", "inspect", "-f", "{{.Size}}", tag).stdout.strip()) / 1e6, 1)
    out["verdict"], out["reason"], out["log_tail"] = run_verdict(tag, subject.port)
    out["app_rebuild_s"], out["app_rebuild_steps"] = _rebuild_after_app_change(
        workspace, subject.directory, dockerfile, stage, tag
    )
    out["unrelated_steps"], out["unrelated_same_image"] = _rebuild_after_unrelated_change(
        workspace, dockerfile, stage, tag
    )
    docker("image", "rm", "-f", tag)
    return out


def _fresh_copy(source: Path, workspace: Path) -> Path:
    shutil.rmtree(workspace, ignore_errors=True)
    shutil.copytree(source, workspace, symlinks=True, ignore=shutil.ignore_patterns(".git", "node_modules"))
    return workspace


def _dockergen_commit() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip()


def together(checkouts: Path, spec: str, work: Path) -> list[dict[str, object]]:
    """Several apps of one repository in the one Dockerfile dockergen shares between them: init
    with every package, an empty builder cache, then each target built in turn (`--target`):
    its time, its steps run, how many of them are shared stages (0 after the first app), verdict."""
    repo, names = spec.split(":", 1)
    workspace = work / f"{repo}-together"
    shutil.rmtree(workspace, ignore_errors=True)
    shutil.copytree(checkouts / repo, workspace, symlinks=True, ignore=shutil.ignore_patterns(".git", "node_modules"))
    packages = [arg for name in names.split(",") for arg in ("--package", name)]
    subprocess.run([*DOCKERGEN, "init", "--root", str(workspace), *packages], capture_output=True, check=True)
    plan = json.loads(
        subprocess.run(
            [*DOCKERGEN, "plan", "--root", str(workspace), "--format", "json"], capture_output=True, text=True
        ).stdout
    )
    empty_builder_cache()
    rows: list[dict[str, object]] = []
    for target in plan["targets"]:
        stage = target["build_target"]
        own = {stage, *(s["name"] for s in target["stages"] if s["name"].startswith(f"{stage}-"))}
        tag = f"realworld/together-{stage}"
        _alias_node_images(workspace / target["dockerfile"])
        start = time.monotonic()
        done = docker(
            "build", "--progress=plain", "-f", str(workspace / target["dockerfile"]), "--target", stage, "-t", tag,
            str(workspace),
        )  # fmt: skip
        seconds = time.monotonic() - start
        ran, _ = steps_of(done.stderr + done.stdout)
        port = next((s["port"] for st in target["stages"] for s in st["steps"] if s["kind"] == "expose"), None)
        verdict, reason, _ = run_verdict(tag, port) if done.returncode == 0 else ("build failed", "", [])
        rows.append({
            "app": target["package"], "target": stage, "build_s": round(seconds, 1), "steps_run": len(ran),
            "shared_steps_run": sum(1 for s in ran if s[1].split()[0] not in own), "verdict": verdict, "reason": reason,
        })  # fmt: skip
        docker("image", "rm", "-f", tag)
    return rows


def _alias_node_images(dockerfile: Path) -> str | None:
    """This machine has local stand-ins for `node:<major>-slim` and `node:<major>` only: tag each
    `node:<exact>(-bookworm)(-slim)` a Dockerfile starts from as its major's image, so the file
    builds unchanged (the Node inside is the stand-in's release of that major). Returns an image
    no stand-in can play (Alpine, another Debian release, a major with no stand-in)."""
    for image in sorted(node_images(dockerfile)):
        local = stand_in(image)
        if local is None or docker("image", "inspect", local).returncode != 0:
            return image
        if docker("image", "inspect", image).returncode != 0:
            docker("tag", local, image)
    return None


def _rebuild_after_app_change(
    workspace: Path, directory: str, dockerfile: str, stage: str | None, tag: str
) -> tuple[float | None, str]:
    sources = sorted(
        p
        for p in (workspace / directory).rglob("*.ts")
        if "node_modules" not in p.parts and not p.name.endswith(".d.ts")
    )
    if not sources:
        return None, ""
    with sources[0].open("a") as handle:
        handle.write("\n// dockergen realworld bench: an app-code change\n")
    ok, seconds, steps, _ = build(workspace, dockerfile, tag, target=stage)
    return (round(seconds, 1) if ok else None), steps


def _rebuild_after_unrelated_change(
    workspace: Path, dockerfile: str, stage: str | None, tag: str
) -> tuple[str, bool | None]:
    before = docker("image", "inspect", "-f", "{{.Id}}", tag).stdout.strip()
    marker = workspace / "docs-dockergen-bench.md"
    marker.write_text("a file no build reads\n")
    ok, _, steps, _ = build(workspace, dockerfile, tag, target=stage)
    after = docker("image", "inspect", "-f", "{{.Id}}", tag).stdout.strip()
    return steps, (before == after) if ok else None


def table(results: list[Result]) -> str:
    rows = [
        "| app | config lines | verdict | image MB | cold build | app-code rebuild (steps run) "
        "| unrelated change (steps, same image) | maintainers' Dockerfile: verdict, MB, cold, app-code rebuild, "
        "unrelated change | note |",
        "|---|---:|---|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        note = r.reason.replace("|", "\\|")[:140]
        if r.switches:
            note += f" (bench switches: {', '.join(r.switches)})"
        app = f"{r.repo.split('__')[1]} `{r.package}`"
        numbers = " | ".join(_numbers(asdict(r)))
        rows.append(f"| {app} | {r.config_lines} | {r.verdict} | {numbers} | {_theirs(r.theirs)} | {note} |")
    return "\n".join(rows)


def _numbers(row: dict) -> list[str]:
    """image MB, cold build, app-code rebuild (steps), unrelated change (steps, same image)."""
    cold = f"{row['cold_s']:.0f} s" if row.get("cold_s") else ""
    rebuild = f"{row['app_rebuild_s']:.0f} s ({row['app_rebuild_steps']})" if row.get("app_rebuild_s") else ""
    same = "yes" if row.get("unrelated_same_image") else "no"
    unrelated = f"{row['unrelated_steps']}, {same}" if row.get("unrelated_steps") else ""
    size = f"{row['image_mb']:.0f}" if row.get("image_mb") else ""
    return [size, cold, rebuild, unrelated]


def _theirs(theirs: dict) -> str:
    if not theirs:
        return ""
    verdict = str(theirs.get("verdict", ""))
    if verdict in ("cannot build here", "build failed", "blocked here"):
        reason = str(theirs.get("reason", "")).replace("|", "\\|")[:100]
        return f"{verdict}: {reason}"
    return ", ".join([verdict, *(n for n in _numbers(theirs) if n)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkouts", type=Path, required=True, help="folder of <owner>__<name> checkouts")
    parser.add_argument("--app", action="append", default=[], help="REPO:PACKAGE, e.g. makeplane__plane:live")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "realworld.json")
    parser.add_argument("--report", action="store_true", help="print the table of the stored rows, run nothing")
    parser.add_argument("--together", help="REPO:PKG,PKG,...: those apps in one shared Dockerfile, built in turn")
    parser.add_argument(
        "--no-theirs", action="store_true", help="skip the maintainers' Dockerfiles (keeps stored ones)"
    )
    args = parser.parse_args()
    assert CORPUS is not None, "../shared/corpus is missing"
    # Results accumulate in the JSON file across runs (a run of some apps updates their rows), so
    # the table can be completed one app at a time; each row is written as soon as its app is done.
    known = {f"{r['repo']}:{r['package']}": r for r in _load(args.out)}
    for row in known.values():  # rows of earlier runs: the stop reason as this version reads it
        if row["verdict"] == "app code runs (stops on its configuration)":
            row["reason"] = stop_reason(row["log_tail"])
    if args.report:
        print(table([Result(**known[k]) for k in sorted(known)]))
        return
    if args.together:
        with tempfile.TemporaryDirectory(prefix="dockergen-realworld-") as tmp:
            rows = together(args.checkouts, args.together, Path(tmp))
        (args.out.parent / "realworld-together.json").write_text(json.dumps(rows, indent=2) + "\n")
        print("| app | `--target` | cold build, in turn | steps run | of them in shared stages | verdict | note |")
        print("|---|---|---:|---:|---:|---|---|")
        for r in rows:
            note = str(r["reason"]).replace("|", "\\|")[:140]
            print(f"| {r['app']} | {r['target']} | {r['build_s']} s | {r['steps_run']} | {r['shared_steps_run']} "
                  f"| {r['verdict']} | {note} |")  # fmt: skip
        return
    with tempfile.TemporaryDirectory(prefix="dockergen-realworld-") as tmp:
        for repo, directory, package in apps(CORPUS, args.checkouts, set(args.app)):
            print(f"... {repo} {package}", file=sys.stderr, flush=True)
            result = trial(args.checkouts, repo, directory, package, Path(tmp), not args.no_theirs)
            if args.no_theirs and not result.theirs:
                result.theirs = known.get(f"{repo}:{package}", {}).get("theirs", {})
            print(f"    {result.verdict}: {result.reason}", file=sys.stderr, flush=True)
            known[f"{repo}:{package}"] = asdict(result)
            shutil.rmtree(Path(tmp) / repo, ignore_errors=True)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps([known[k] for k in sorted(known)], indent=2) + "\n")
    print(table([Result(**known[k]) for k in sorted(known)]))


def _load(path: Path) -> list[dict]:
    return json.loads(path.read_text()) if path.is_file() else []


if __name__ == "__main__":
    main()
