"""Framework fixtures (issue 13), built and run: Next.js standalone (slim and distroless) and
classic, React Router's server, a Nest API serving another member's Vite build, a static Vite
site. Each answers as non-root with what only a complete image serves: client chunks, public
files, the other member's files; sizes are measured by bench/frameworks.py, not asserted here."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests import scenarios

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]

# (fixture, runtime override or None) -> (port, uid, [(path, status, text in the body)], asset page)
# `asset page`: a page whose first /assets/ or /_next/static/ script must be served too.
CASES: dict[tuple[str, str | None], tuple[int, str, list[tuple[str, int, str]], str]] = {
    ("next-standalone", None): (
        3000,
        "1000",
        [
            ("/health", 200, '{"status":"ok"}'),
            ("/", 200, "@nx/ui 1.0.0"),
            ("/logo.svg", 200, "<svg"),
        ],
        "/",
    ),
    ("next-standalone", "distroless"): (
        3000,
        "65532",
        [
            ("/health", 200, '{"status":"ok"}'),
            ("/", 200, "Hello from @nx/web"),
        ],
        "/",
    ),
    ("next-classic", None): (
        3000,
        "1000",
        [
            ("/health", 200, '{"status":"ok"}'),
            ("/", 200, "@nx/ui 1.0.0"),
            ("/logo.svg", 200, "<svg"),
        ],
        "/",
    ),
    ("react-router", None): (
        3000,
        "1000",
        [
            ("/health", 200, '{"status":"ok"}'),
            ("/", 200, "Hello, React Router!"),
            ("/favicon.svg", 200, "<svg"),
        ],
        "/",
    ),
    # the client is not a dependency of the API: `assets` puts its dist where the API looks
    ("nest-vite", None): (
        3000,
        "1000",
        [
            ("/health", 200, '{"status":"ok"}'),
            ("/", 200, "<h1>@nv/client</h1>"),
        ],
        "/",
    ),
    ("vite-static", None): (
        8080,
        "101",
        [
            ("/", 200, "<title>vs spa</title>"),
            # the app's vite.config.ts imports ../../vite.shared.config.ts, whose plugin adds this
            ("/", 200, '<meta name="built-with" content="vite.shared.config">'),
            ("/about", 200, "<title>vs spa</title>"),  # SPA fallback for a client-side route
            ("/assets/missing.js", 404, "not found"),  # but not for a missing file
            ("/favicon.svg", 200, "<svg"),
        ],
        "/",
    ),
    # the same site from Node's file server on distroless
    ("vite-static", "distroless"): (
        8080,
        "65532",
        [("/about", 200, "<title>vs spa</title>"), ("/assets/missing.js", 404, "not found")],
        "/",
    ),
}


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.parametrize(("name", "runtime"), sorted(CASES, key=str), ids=lambda v: str(v))
def test_framework_fixture_serves(name: str, runtime: str | None, tmp_path: Path) -> None:
    port, uid, probes, asset_page = CASES[(name, runtime)]
    root = scenarios.materialize(name, tmp_path / name)
    if runtime:
        config = root / "dockergen.yaml"
        config.write_text(config.read_text() + f"    runtime: {runtime}\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    image = d.build(root, "Dockerfile")
    container = d.run_detached(image.tag, "-p", f"127.0.0.1::{port}")
    try:
        base = f"http://127.0.0.1:{d.host_port(container, port)}"
        d.http_get(base + probes[0][0])  # waits until the server answers
        for path, status, text in probes:
            got, _, body = fetch(base + path)
            found = text.lower() in body.lower() if status == 404 else text in body  # nginx: "Not Found"
            assert (got, found) == (status, True), (path, got, body[:300])
        _, _, page = fetch(base + asset_page)
        script = re.search(r'(?:src|href)="(/(?:assets|_next/static)/[^"]+\.js)"', page)
        assert script, page[:500]
        got, headers, _ = fetch(base + script.group(1))
        assert got == 200, script.group(1)
        if name == "vite-static":  # hashed file names: cached for good
            assert "immutable" in headers.get("Cache-Control", headers.get("cache-control", ""))
        assert d.inspect(image.tag)["Config"]["User"] == f"{uid}:{uid}"
        _healthcheck_passes(image.tag, container)
        d.docker("stop", container)
        assert d.docker("inspect", "-f", "{{.State.ExitCode}}", container).stdout.strip() in ("0", "143")
    finally:
        d.remove(container)
        d.remove_images(image.tag)


def _healthcheck_passes(tag: str, container: str) -> None:
    """The image's HEALTHCHECK command, run now inside the container (not after its interval)."""
    test = d.inspect(tag)["Config"]["Healthcheck"]["Test"]
    assert test[0] == "CMD", test
    d.docker("exec", container, *test[1:])
