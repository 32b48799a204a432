"""Every fixture monorepo: generate, build with its generated ignore file, run, probe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockergen.cli import main
from tests import dockerutil as d
from tests import scenarios

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker")]

# fixture -> (port, extra path, what its body must contain, expected uid)
PROBES = {
    "plain-js": (8080, "/uptime", '"uptime"', "1000"),
    # the patch file and the postinstall codegen must both have reached the image
    "ts-patched": (4000, "/info", '"patch":"escape-html@1.0.3+ts-patched"', "65532"),
    "pnpm9": (5000, "/hello?name=dockergen", "Hello, dockergen!", "1000"),
    # a member folder and a patch file whose names hold spaces, `$` and quotes; quoted env and label values
    "unusual-names": (4000, "/info", '"patch":"escape-html@1.0.3+ts-patched"', "1000"),
    # issue 10's patterns, each answering through the libraries it imports
    "root-deps": (3000, "/info", '"uptime":"', "1000"),  # ms and a library declared only by the root
    "pnpm8": (3000, "/info", '"cacheTtlMs":300000', "1000"),  # lockfile v6.0
    "pnpm11": (3000, "/info", '"service":"p11"', "1000"),  # settings in pnpm-workspace.yaml, verify-deps
    "pnpm12": (3000, "/info", '"uptime":"', "1000"),  # two-document lockfile
    "hoisted": (3000, "/info", '"service":"api"', "1000"),  # nodeLinker: hoisted, one install
    "tsconfig-extends": (3000, "/info", '"since":"', "1000"),  # extends by path and by name, references
    "native": (3000, "/info", '"sqlite":"3.', "1000"),  # better-sqlite3 compiled by node-gyp, loaded at runtime
    "native-pnpm11": (3000, "/info", '"sqlite":"3.', "1000"),  # the same through pnpm 11's allowBuilds
    "native-pnpm11-2": (3000, "/info", '"sqlite":"3.', "1000"),  # pnpm 11.2, which drops npm_config_nodedir
    # turbo.json's db:generate before a build, a root script a library build runs, root install hooks
    # through `cd` and `run-s`, and an app whose own postinstall needs a devDependency
    "build-inputs": (3000, "/info", '"stampedBy":"scripts/stamp.mjs"', "1000"),
    # optimize: cold: one install, all libraries in one build step; the notes service answers through them
    "sample-cold": (3000, "/notes", '"notes":', "1000"),
    # pnpm 10.22.0, whose deploy cannot inject the workspace packages: the production tree installed instead
    "pnpm10-early": (3000, "/notes", '"notes":', "1000"),
    # a library whose main is its TypeScript source (tsc --noEmit build): its src/ reaches the build
    "ts-source-lib": (3000, "/", '"message":"Hello, dockergen!"', "1000"),
    # a library with no build, only db:generate, which turbo.json runs in the dependencies (^db:generate)
    "codegen-lib": (3000, "/", '"models":["user","post"]', "1000"),
    # a library built with tsc that only the app declares (shamefullyHoist finds it in the repository)
    "hoisted-tool": (3000, "/", '"message":"HOISTED!"', "1000"),
    # shared code in a folder that is no package, reached through tsconfig `paths`
    "ts-paths": (3000, "/", '"message":"hello from a folder, dockergen"', "1000"),
    # pnpm 9 builds every dependency: zstd-napi's prebuilt download (GitHub) fails here, node-gyp
    # compiles it (g++, make, python3 in the build stages), and the runtime loads it
    "native-pnpm9": (3000, "/info", '"roundTrip":true', "1000"),
    # pnpm 8 and `"prepare": "husky install"` at the root: the production install does not run it
    # (husky is a devDependency) but still runs zstd-napi's install script (compiled), which loads
    "husky-pnpm8": (3000, "/info", '"restored":true', "1000"),
    # engines.pnpm ">=8" and no packageManager: pnpm 10.34.9 pinned (pnpm 11/12 fail on its lockfile)
    "pnpm-range": (3000, "/info", '"service":"rng-api"', "1000"),
    # the app's own postinstall left out of the deploy, a dependency's install script run in it
    "app-postinstall": (3000, "/info", '"sqlite":"3.', "1000"),
}
# init scenarios (no dockergen.yaml): what `dockergen init` writes must build and start as is.
INIT_PROBES = {
    "nest-prod": (3000, "/live/health", '"status":"ok"'),  # start:prod preferred; health under a prefix
    "dev-start-worker": (None, None, None),  # tsx watch start; the command inferred from tsup
    "foreign-files": (8080, "/health", '"status":"ok"'),  # the repository's own Dockerfile left alone
    # node --import ./instrumentation.mjs -r ./tracing.cjs dist/index.js: both preloads shipped and
    # loaded (relative specifiers kept), the script's own arguments as written (a URL's `//` kept)
    "preload-start": (
        3000,
        "/info",
        '"preloaded":true,"traced":true,"args":["--port","3000","--upstream","http://upstream//api"]',
    ),
    # the root's package.json is named like the app: every --filter names the app's folder
    "root-named-member": (8080, "/info", '"app":"shop","price":"12.34 EUR","build":"built by scripts/build.mjs"'),
    # the app init could plan, written although a worker beside it could not be planned
    "init-skips": (8080, "/health", '"status":"ok"'),
    # a bare `tsdown` build whose config asks for CommonJS in a module package: node dist/server.cjs
    "bundled-cjs": (3000, "/info", '"message":"Hello, dockergen!","format":"cjs"'),
    # `node dist/migrate.js && node dist/server.js`: run in turn; drizzle/ shipped for the migration
    "start-in-turn": (3000, "/info", '"migrated":{"migrations":["0000_init","0001_notes"]'),
    # a library whose build points its main/exports from src/*.ts at dist/*.js (switch:prod): the
    # image carries its manifest as the build left it, else Node resolves the sources (pnpm 9 layout)
    "rewritten-manifest": (3000, "/", '"greeting":"hello, dockergen!"'),
}
# init scenarios whose logs must show a line (what the app printed while starting)
INIT_LOGS = {"preload-start": "instrumentation loaded"}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_fixture_builds_and_serves(name: str, tmp_path: Path) -> None:
    port, path, needle, uid = PROBES[name]
    root = scenarios.materialize(name, tmp_path / name)
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    assert exit_info.value.code == 0
    image = d.build(root, "Dockerfile")
    container = d.run_detached(image.tag, "-p", f"127.0.0.1::{port}")
    try:
        base = f"http://127.0.0.1:{d.host_port(container, port)}"
        assert d.http_get(base + "/health") == (200, '{"status":"ok"}')
        status, body = d.http_get(base + path)
        assert status == 200 and needle in body
        if name == "ts-patched":
            assert json.loads(body)["codegenVersion"] == "0.3.1"
        if name == "unusual-names":
            _check_quoted_values(image.tag, container)
        assert d.inspect(image.tag)["Config"]["User"] == f"{uid}:{uid}"
        d.docker("stop", container)
        assert d.docker("inspect", "-f", "{{.State.ExitCode}}", container).stdout.strip() == "0"
    finally:
        d.remove(container)
        d.remove_images(image.tag)


@pytest.mark.parametrize("name", sorted(INIT_PROBES))
def test_init_output_builds_and_starts(name: str, tmp_path: Path) -> None:
    port, path, needle = INIT_PROBES[name]
    root = scenarios.materialize(name, tmp_path / name)
    with pytest.raises(SystemExit) as exit_info:
        main(["init", "--root", str(root)])
    assert exit_info.value.code == 0
    config = (root / "dockergen.yaml").read_text()
    dockerfile = config.split("dockerfile: ", 1)[1].split()[0] if "dockerfile: " in config else "Dockerfile"
    image = d.build(root, dockerfile)
    publish = ("-p", f"127.0.0.1::{port}") if port else ()
    container = d.run_detached(image.tag, *publish)
    try:
        if port and path and needle:
            status, body = d.http_get(f"http://127.0.0.1:{d.host_port(container, port)}{path}")
            assert status == 200 and needle in body, body
        else:
            d.wait_for_log(container, "heartbeat")
        if name in INIT_LOGS:
            d.wait_for_log(container, INIT_LOGS[name])
        assert d.inspect(image.tag)["Config"]["User"] == "1000:1000"
        assert d.docker("inspect", "-f", "{{.State.Running}}", container).stdout.strip() == "true"
    finally:
        d.remove(container)
        d.remove_images(image.tag)


# root-declared: every dependency at the root (hoisted); each target and what it must answer
ROOT_DECLARED = {
    "rd-api": (3000, "/live/info", '"env":"production"'),  # Nest from the root, `dotenv ... node` unwrapped
    "rd-web": (3000, "/", "<h1>rd-web</h1>"),  # no start script: the root's next, through its bin
}


@pytest.mark.parametrize("target", sorted(ROOT_DECLARED))
def test_apps_whose_dependencies_the_root_declares_build_and_serve(target: str, tmp_path: Path) -> None:
    port, path, needle = ROOT_DECLARED[target]
    root = scenarios.materialize("root-declared", tmp_path / "root-declared")
    with pytest.raises(SystemExit) as exit_info:
        main(["init", "--root", str(root)])
    assert exit_info.value.code == 0
    image = d.build(root, "Dockerfile", None, "--target", target)
    container = d.run_detached(image.tag, "-p", f"127.0.0.1::{port}")
    try:
        status, body = d.http_get(f"http://127.0.0.1:{d.host_port(container, port)}{path}")
        assert status == 200 and needle in body, body
        assert d.inspect(image.tag)["Config"]["User"] == "1000:1000"
    finally:
        d.remove(container)
        d.remove_images(image.tag)


def _check_quoted_values(tag: str, container: str) -> None:
    """Values with quotes, `$`, a backslash and unicode reach the image exactly as configured."""
    greeting = d.docker("exec", container, "node", "-p", "process.env.GREETING").stdout
    assert greeting == 'it\'s "quoted" $HOME ü \\ end\n'
    assert d.inspect(tag)["Config"]["Labels"]["org.example.note"] == "a label with spaces"
    d.docker("exec", container, "node", "-e", "require('fs').writeFileSync('/var/my data/x', 'ok')")
