"""Every program a generated Dockerfile runs (dockergen/programs/), run here on small trees with the
host's node (or bash), as the image runs it: one line, its arguments after it."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dockergen.plan.prod_install import KEPT_MANIFESTS, PROJECT_LIFECYCLE
from dockergen.plan.runtime_stages import IN_TURN, SIGNALS
from dockergen.plan.static_stages import SITE, nginx_conf
from dockergen.programs import program
from tests.helpers import ROOT, build_tree, require_node

PROGRAMS = ROOT / "dockergen" / "programs"


def node(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_node(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_every_program_file_is_one_line_without_comments_and_all_are_tested() -> None:
    names = sorted(p.name for p in PROGRAMS.iterdir() if p.suffix in (".js", ".mjs", ".conf", ".sh"))
    assert len(names) == 17
    for name in names:
        text = program(name)
        assert "\n" not in text and text == text.strip() and "//" not in text.replace("://", ""), name
    tested = Path(__file__).read_text()
    assert all(f'"{name}"' in tested for name in names if name != "nginx.conf") and "nginx_conf(" in tested


def test_entry_check_finds_the_file_as_node_resolves_it(tmp_path: Path) -> None:
    build_tree(tmp_path, {"dist/a.js": "", "dist/b/index.js": "", "dist/c.mjs": ""})
    for entry in ("dist/a.js", "dist/a", "dist/b", "dist/c"):
        assert node("-e", program("entry-check.js"), entry, cwd=tmp_path).returncode == 0, entry
    missing = node("-e", program("entry-check.js"), "dist/nope", cwd=tmp_path)
    assert missing.returncode == 1 and "runs dist/nope, which the build did not write" in missing.stderr


def test_file_check_fails_with_the_message_given(tmp_path: Path) -> None:
    assert node("-e", program("file-check.js"), str(tmp_path), "gone").returncode == 0
    done = node("-e", program("file-check.js"), str(tmp_path / "x"), "no standalone server")
    assert done.returncode == 1 and done.stderr.strip() == "no standalone server"


def test_bin_link_links_the_file_a_bin_names(tmp_path: Path) -> None:
    build_tree(tmp_path, {"node_modules/serve/package.json": {"name": "serve", "bin": {"serve": "build/main.js"}}})
    done = node("-e", program("bin-link.js"), "node_modules", "serve", "serve", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    link = tmp_path / "node_modules/.dockergen-bin/serve"
    assert os.readlink(link) == "../serve/build/main.js"
    missing = node("-e", program("bin-link.js"), "node_modules", "serve", "other", cwd=tmp_path)
    assert missing.returncode == 1 and "serve has no bin other" in missing.stderr


def test_bin_link_from_root_reads_the_roots_package(tmp_path: Path) -> None:
    build_tree(tmp_path, {"node_modules/next/package.json": {"name": "next", "bin": "dist/bin/next"}, "app/x": ""})
    done = node("-e", program("bin-link-from-root.js"), "app/node_modules", "next", "next", "node_modules", "../../../node_modules", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    link = tmp_path / "app/node_modules/.dockergen-bin/next"
    assert os.readlink(link) == "../../../node_modules/next/dist/bin/next" and link.resolve().parent.name == "bin"


def test_hide_project_scripts_keeps_the_manifest_aside_and_drops_only_lifecycle_scripts(tmp_path: Path) -> None:
    scripts = {name: "x" for name in PROJECT_LIFECYCLE} | {"build": "tsc", "start": "node ."}
    build_tree(tmp_path, {"apps/api/package.json": {"name": "api", "scripts": scripts}})
    assert KEPT_MANIFESTS == "/tmp/dockergen-manifests"  # the program names it too
    done = node("-e", program("hide-project-scripts.js"), "apps/api", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "apps/api/package.json").read_text())["scripts"] == {
        "build": "tsc",
        "start": "node .",
    }
    assert json.loads(Path(KEPT_MANIFESTS, "apps/api/package.json").read_text())["scripts"] == scripts


def test_link_as_at_dev_time_links_what_the_tree_holds_where_it_resolves(tmp_path: Path) -> None:
    build_tree(tmp_path, {
        "apps/api/package.json": {"name": "api", "devDependencies": {"express": "^4"}},
        "packages/lib/package.json": {"name": "lib", "peerDependencies": {"express": "^4"}},
        "apps/api/node_modules/.keep": "",
        "node_modules/.pnpm/node_modules/express/package.json": {"name": "express"},
    })  # fmt: skip
    done = node("-e", program("link-as-at-dev-time.js"), "apps/api", "packages/lib", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for folder in ("apps/api", "packages/lib"):
        assert (tmp_path / folder / "node_modules/express/package.json").is_file(), folder


def test_collect_copies_what_exists_keeping_its_place(tmp_path: Path) -> None:
    build_tree(tmp_path, {"packages/a/dist/index.js": "a"})
    done = node("-e", program("collect.js"), "out", "packages/a/dist", "packages/a/README.md", cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "out/packages/a/dist/index.js").read_text() == "a"
    assert 'packages/a/README.md (in "files") was not built; skipped' in done.stderr


def test_collect_manifests_takes_each_librarys_manifest_as_built_and_what_it_names(tmp_path: Path) -> None:
    """Dokploy's @dokploy/server: its build rewrites its main/exports from src/*.ts to dist/*.js."""
    built = {
        "main": "./dist/index.js",
        "exports": {".": {"import": "./dist/index.js"}, "./db": "./lib/db.js", "./x": "./x/*"},
    }
    build_tree(tmp_path, {
        "libs/server/package.json": {"name": "@d/server", **built},
        "libs/server/dist/index.js": "", "libs/server/lib/db.js": "", "libs/server/src/index.ts": "",
        "libs/plain/package.json": {"name": "plain", "main": "index.js"},
        "out/libs/server/lib/kept.js": "",  # gathered already (a "files" entry): not copied again
    })  # fmt: skip
    done = node("-e", program("collect-manifests.js"), "out", "libs/server", "libs/plain", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    found = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert found == [
        "libs/plain/package.json",
        "libs/server/dist/index.js",
        "libs/server/lib/kept.js",
        "libs/server/package.json",
    ]
    assert json.loads((tmp_path / "out/libs/server/package.json").read_text())["main"] == "./dist/index.js"


def test_node_gyp_seed_points_node_gyp_at_the_images_headers(tmp_path: Path) -> None:
    done = node("-e", program("node-gyp-seed.js"), env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    version = node("-p", "process.versions.node").stdout.strip()
    folder = tmp_path / ".cache/node-gyp" / version
    assert os.readlink(folder / "include") == "/usr/local/include" and (folder / "installVersion").read_text() == "99\n"


def test_write_file_and_move_record(tmp_path: Path) -> None:
    assert node("-e", program("write-file.js"), str(tmp_path / "f"), "a b\nc").returncode == 0
    assert (tmp_path / "f").read_text() == "a b\nc"
    build_tree(tmp_path, {"node_modules/.modules.yaml": "m", "node_modules/.pnpm/lock.yaml": "l"})
    files = ("node_modules/.modules.yaml", "node_modules/.pnpm/lock.yaml", "node_modules/absent")
    assert node("-e", program("move-record.js"), "record", *files, cwd=tmp_path).returncode == 0
    assert (tmp_path / "record/node_modules/.pnpm/lock.yaml").read_text() == "l"
    assert not (tmp_path / "node_modules/.modules.yaml").exists()


class _Status(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(int(self.path.strip("/")))
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def status_server() -> Iterator[int]:
    """A server answering GET /<code> with that status."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Status)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def test_health_checks_pass_on_2xx_only(status_server: int) -> None:
    for code, ok in ((200, True), (204, True), (500, False)):
        done = node("-e", program("health-check.js"), f"http://127.0.0.1:{status_server}/{code}")
        assert (done.returncode == 0) is ok, code
        bash = subprocess.run(
            ["bash", "-c", program("tcp-health.sh"), "health", str(status_server), f"/{code}"], timeout=30, check=False
        )
        assert (bash.returncode == 0) is ok, code
    assert node("-e", program("health-check.js"), "http://127.0.0.1:1/200").returncode == 1


@pytest.mark.parametrize(("handler", "code"), [("", 143), ("process.on('SIGTERM',()=>process.exit(7));", 7)])
def test_the_signal_preload_ends_an_app_without_a_handler_and_leaves_its_own(handler: str, code: int) -> None:
    assert "data:text/javascript," + program("signals.js") == SIGNALS
    app = subprocess.Popen([require_node(), "--import", SIGNALS, "-e", handler + "setInterval(()=>{},1000)"])
    time.sleep(1.0)
    app.send_signal(signal.SIGTERM)
    assert app.wait(timeout=10) == code


def test_in_turn_runs_each_command_to_success_then_the_last(tmp_path: Path) -> None:
    assert program("in-turn.js") == IN_TURN
    build_tree(tmp_path, {
        "a.js": "console.log('a', process.argv.slice(2).join(','))\n",
        "b.js": "console.log('b')\n",
        "fail.js": "process.exit(3)\n",
    })  # fmt: skip
    done = node("-e", IN_TURN, "node", "a.js", "x", "y", "&&", "node", "b.js", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "a x,y\nb\n")
    done = node("-e", IN_TURN, "node", "fail.js", "&&", "node", "b.js", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (3, "")  # as `&&`: the next command never starts
    done = node("-e", IN_TURN, "node", "a.js", "&&", "no-such-program", cwd=tmp_path)
    assert done.returncode == 127 and "cannot start no-such-program" in done.stderr


@pytest.mark.parametrize(("handler", "code"), [("", 143), ("process.on('SIGTERM',()=>process.exit(7));", 7)])
def test_in_turn_passes_sigterm_on_to_the_command_running(handler: str, code: int, tmp_path: Path) -> None:
    build_tree(tmp_path, {"first.js": "\n", "server.js": handler + "setInterval(()=>{},1000)\n"})
    runner = subprocess.Popen(
        [require_node(), "-e", IN_TURN, "node", "first.js", "&&", "node", "server.js"], cwd=tmp_path
    )
    time.sleep(1.0)
    runner.send_signal(signal.SIGTERM)
    assert runner.wait(timeout=10) == code  # the server's own exit, or 128 + SIGTERM when it has no handler


def test_the_static_server_serves_files_the_spa_fallback_and_404s(tmp_path: Path) -> None:
    """Its root is SITE; here a copy of it serves a temporary folder."""
    source = program("static-server.mjs")
    assert f'const root="{SITE}"' in source
    site = build_tree(
        tmp_path / "site", {"index.html": "<p>home</p>", "app.abcdef123.js": "js", "docs/index.html": "d"}
    )
    script = tmp_path / "server.mjs"
    script.write_text(source.replace(f'const root="{SITE}"', f"const root={json.dumps(str(site))}"))
    env = {**os.environ, "PORT": "18765"}
    server = subprocess.Popen([require_node(), str(script)], env=env)
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen("http://127.0.0.1:18765/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)

        def get(path: str) -> tuple[int, str, str]:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:18765{path}", timeout=5) as r:
                    return r.status, r.read().decode(), r.headers["cache-control"]
            except urllib.error.HTTPError as e:
                return e.code, "", ""

        assert get("/") == (200, "<p>home</p>", "no-cache")
        assert get("/some/route") == (200, "<p>home</p>", "no-cache")  # the SPA's fallback
        assert get("/docs") == (200, "d", "no-cache")
        assert get("/app.abcdef123.js") == (200, "js", "public, max-age=31536000, immutable")
        assert get("/missing.png")[0] == 404
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


def test_nginx_conf_is_filled_in_and_balanced() -> None:
    """nginx itself reads it in the docker tests of kind: static (vite-static serves through it)."""
    conf = nginx_conf(8080, SITE, "/index.html")
    assert "@" not in conf and "listen 8080; root /app/site;" in conf and "$uri/ /index.html;" in conf
    depth = 0
    for ch in conf:
        depth += (ch == "{") - (ch == "}")
        assert depth >= 0
    assert depth == 0
