"""Framework planning (issue 13), without docker: Next.js standalone detection and layout, the
bin link, assets, static sites; tests/test_frameworks_docker.py proves the images answer."""

import json
import time
from pathlib import Path

import pytest

from dockergen.config.model import parse_config
from dockergen.errors import ConfigError, InputError
from dockergen.pipeline import generate_all
from dockergen.plan.model import BuildPlan
from dockergen.plan.planner import build_plan
from dockergen.repo import Repo
from dockergen.workspace.frameworks import standalone_switch
from dockergen.workspace.js_source import MAX_SOURCE_BYTES
from dockergen.workspace.scan import scan
from tests.scenarios import materialize
from tests.test_plan import instructions


def plan(tmp_path: Path, fixture: str, extra: str = "", target: str = "web") -> BuildPlan:
    root = materialize(fixture, tmp_path / fixture)
    config = (root / "dockergen.yaml").read_text() + extra
    return build_plan(scan(Repo(root)), parse_config(config), target)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('output: process.env.SELF_HOST === "true" ? "standalone" : undefined,', ("SELF_HOST", "true")),
        ("const OUT = process.env?.NEXT_OUTPUT ?? 'classic';\n...(OUT === 'standalone' ? {output: 'standalone'} : {})",
         ("NEXT_OUTPUT", "standalone")),
        ("...(process.env.BUILD_OUTPUT === 'standalone' ? {output: 'standalone'} : {})", ("BUILD_OUTPUT", "standalone")),
        ("module.exports = { output: process.env.NEXT_OUTPUT,\n}", ("NEXT_OUTPUT", "standalone")),
        ("module.exports = { reactStrictMode: true }", None),
        ("const mode = 'standalone'; // not compared to anything read from the environment", None),
    ],
)  # fmt: skip
def test_standalone_behind_an_environment_variable(text: str, expected: tuple[str, str] | None) -> None:
    assert standalone_switch(text) == expected


def next_app(tmp_path: Path, config: str | bytes) -> Path:
    """The next-standalone scenario with its next.config.mjs replaced."""
    root = materialize("next-standalone", tmp_path / "next")
    target = root / "apps/web/next.config.mjs"
    target.write_bytes(config if isinstance(config, bytes) else config.encode())
    return root


@pytest.mark.parametrize(
    ("text", "standalone"),
    [
        ('export default {\n  // output: "standalone",\n};\n', False),
        ('export default { /* output: "standalone" */ };\n', False),
        ("const doc = 'set output: \"standalone\" to ship less';\nexport default {};\n", False),
        ('export default { output: "standalone" /* , output: "export" */ };\n', True),
        ('export default { "output": `standalone` };\n', True),
    ],
    ids=["line-comment", "block-comment", "string", "comment-after", "quoted-key-template"],
)
def test_only_code_sets_output_standalone(tmp_path: Path, text: str, standalone: bool) -> None:
    ws = scan(Repo(next_app(tmp_path, text)))
    found = ws.next_configs[0]
    assert (found.file, found.standalone, found.standalone_env) == ("apps/web/next.config.mjs", standalone, None)


def test_a_next_config_that_is_not_utf8_is_an_error_naming_its_line(tmp_path: Path) -> None:
    root = next_app(tmp_path, b'export default {\n  output: "standalone", // caf\xe9\n};\n')
    with pytest.raises(InputError) as caught:
        scan(Repo(root))
    assert caught.value.one_line() == "apps/web/next.config.mjs:2: file is not valid UTF-8 (hint: save it as UTF-8)"


def test_a_next_config_larger_than_dockergen_reads_is_an_error(tmp_path: Path) -> None:
    root = next_app(tmp_path, 'export default { output: "standalone" };\n' + "//" * MAX_SOURCE_BYTES)
    with pytest.raises(InputError) as caught:
        scan(Repo(root))
    assert caught.value.one_line().startswith("apps/web/next.config.mjs: file is larger than 1 MiB")


def test_next_config_with_8000_comparisons_reads_in_well_under_a_second(tmp_path: Path) -> None:
    """A regex search per compared name over the whole file made this quadratic (26-42 s)."""
    chain = "".join(f'  a{i} === "standalone" ? {i} :\n' for i in range(8000))
    text = f"const n =\n{chain}  0;\nexport default {{ output: process.env.NEXT_OUTPUT }};\n"
    start = time.perf_counter()
    assert standalone_switch(text) == ("NEXT_OUTPUT", "standalone")
    assert standalone_switch(text.replace("process.env.NEXT_OUTPUT", "undefined")) is None
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize("char", ["\x07", "\u2028", "\x85", "\x7f"], ids=["BEL", "U+2028", "NEL", "DEL"])
@pytest.mark.parametrize("spelled", ["raw", "escaped"])
def test_a_compared_value_with_a_control_character_is_not_a_switch(tmp_path: Path, char: str, spelled: str) -> None:
    """The build would need ENV SELF_HOST=<value>: a value no Dockerfile line can hold is ignored."""
    value = char if spelled == "raw" else f"\\u{ord(char):04x}"
    text = f'export default {{ output: process.env.SELF_HOST === "on{value}" ? "standalone" : undefined }};\n'
    assert standalone_switch(text) is None
    root = next_app(tmp_path, text)
    generated = generate_all(Repo(root))  # no traceback: classic Next.js, with its warning
    assert any('does not set output: "standalone"' in w for w in generated.warnings)


@pytest.mark.parametrize("char", ["\x07", "\u2028", "\x85", "\x7f"], ids=["BEL", "U+2028", "NEL", "DEL"])
@pytest.mark.parametrize("field", ["sourceRoot", "entryFile", "tsConfigPath"])
def test_nest_cli_json_with_a_control_character_is_refused_where_read(tmp_path: Path, char: str, field: str) -> None:
    root = materialize("nest-prod", tmp_path / "nest")
    cli = root / "apps/api/nest-cli.json"
    data = json.loads(cli.read_text())
    (data["compilerOptions"] if field == "tsConfigPath" else data)[field] = f"a{char}b"
    cli.write_text(json.dumps(data))
    with pytest.raises(InputError) as caught:
        scan(Repo(root))
    assert caught.value.one_line() == (
        f"apps/api/nest-cli.json: {field} contains the control character U+{ord(char):04X} "
        f"(hint: set {field} to a plain relative path)"
    )


def test_standalone_ships_the_trace_static_and_public_without_deploy(tmp_path: Path) -> None:
    p = plan(tmp_path, "next-standalone")
    assert [s.name for s in p.stages] == [
        "base",
        "lib-manifests",
        "lib-deps",
        "libs",
        "deps",
        "build",
        "data-dirs",
        "runtime",
    ]
    build = instructions(p, "build")
    assert "ENV NEXT_TELEMETRY_DISABLED=1 NEXT_PRIVATE_OUTPUT_TRACE_ROOT=/repo" in build
    assert any("--mount=type=cache,id=next-apps-web,target=/repo/apps/web/.next/cache" in i for i in build)
    assert any("apps/web/.next/standalone/apps/web/server.js" in i for i in build)  # checked after the build
    runtime = instructions(p, "runtime")
    assert runtime[1:5] == [
        "WORKDIR /app/apps/web",
        "COPY --from=build /repo/apps/web/.next/standalone/ /app/",
        "COPY --from=build /repo/apps/web/.next/static ./.next/static",
        "COPY --from=build /repo/apps/web/public ./public",
    ]
    assert "HOSTNAME=0.0.0.0" in runtime[0] and runtime[-1].endswith('"server.js"]')
    assert not p.warnings


def test_standalone_false_keeps_the_deployed_layout_and_runs_next_through_its_bin(tmp_path: Path) -> None:
    p = plan(tmp_path, "next-standalone", "    standalone: false\n")
    assert "deploy" in [s.name for s in p.stages]
    runtime = instructions(p, "runtime")
    assert "COPY --from=build /repo/apps/web/.next ./.next" in runtime
    assert runtime[-1].endswith('"node_modules/.dockergen-bin/next", "start"]')
    assert instructions(p, "deploy")[-1].endswith("/out/node_modules next next")


def test_classic_next_warns_with_the_measured_difference(tmp_path: Path) -> None:
    p = plan(tmp_path, "next-classic")
    assert any(
        'does not set output: "standalone"' in w and "60 MB above the base image instead of 378 MB" in w
        for w in p.warnings
    )


def test_standalone_true_without_a_build_script_is_refused(tmp_path: Path) -> None:
    root = materialize("next-standalone", tmp_path / "x")
    manifest = root / "apps/web/package.json"
    manifest.write_text(manifest.read_text().replace('"build": "next build"', '"compile": "next build"'))
    with pytest.raises(ConfigError, match="no build script"):
        build_plan(scan(Repo(root)), parse_config((root / "dockergen.yaml").read_text()), "web")


def test_assets_are_built_with_the_libraries_and_placed_relative_to_the_app(tmp_path: Path) -> None:
    p = plan(tmp_path, "nest-vite", target="api")
    libs = instructions(p, "libs")
    assert "RUN pnpm --filter=@nv/client run build" in libs
    runtime = instructions(p, "runtime")
    assert "COPY --from=libs /repo/apps/client/dist /client/dist" in runtime  # ../client/dist from /app


def test_assets_must_name_a_member(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a workspace member"):
        plan(tmp_path, "nest-vite", "      - package: '@nv/nope'\n        path: dist\n", target="api")


def test_assets_naming_the_app_itself_is_refused(tmp_path: Path) -> None:
    """It would be `COPY --from=libs`, a stage the app's own build is not in (BuildKit would look
    for an image called libs)."""
    with pytest.raises(ConfigError) as err:
        plan(tmp_path, "nest-vite", "      - package: '@nv/api'\n        path: dist\n", target="api")
    assert "the package the target ships" in err.value.one_line() and "`files:`" in err.value.one_line()


def _static_build(tmp_path: Path, build: str, extra: str = "") -> BuildPlan:
    root = materialize("vite-static", tmp_path / "vs")
    manifest = root / "apps/spa/package.json"
    data = json.loads(manifest.read_text())
    data["scripts"]["build"] = build
    manifest.write_text(json.dumps(data))
    return build_plan(scan(Repo(root)), parse_config((root / "dockergen.yaml").read_text() + extra), "spa")


@pytest.mark.parametrize(
    ("build", "why"),
    [
        ("vite build --outDir ../../..", "points outside the package folder"),
        ("vite build --outDir=../web-dist", "points outside the package folder"),
        ("vite build --outDir /srv/www", "is absolute"),
        ("vite build --outDir dist/*", "pattern syntax"),
        ("vite build --outDir .", "the package folder itself"),
        ("vite build --outDir dist\x07", "control character"),
    ],
)
def test_static_output_folder_outside_the_package_is_refused(tmp_path: Path, build: str, why: str) -> None:
    """`vite build --outDir ../../..` shipped the build stage's whole file system in the nginx image."""
    with pytest.raises(InputError) as err:
        _static_build(tmp_path, build.replace("\\x07", "\x07"))
    assert why in err.value.one_line() and err.value.path == "apps/spa/package.json", err.value.one_line()


def test_static_output_folder_from_files_is_validated_too(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):  # refused where dockergen.yaml is read
        _static_build(tmp_path, "vite build", "    files: ['../..']\n")
    p = _static_build(tmp_path / "ok", "vite build --outDir build/site")
    site = [i for i in instructions(p, "runtime") if i.startswith("COPY --from=build")]
    assert site[-1] == "COPY --from=build /repo/apps/spa/build/site/ /app/site/"


def test_a_dependency_bin_runs_as_node_on_its_linked_file(tmp_path: Path) -> None:
    p = plan(tmp_path, "react-router", target="site")
    deploy = instructions(p, "deploy")
    assert deploy[-1].endswith("/out/node_modules @react-router/serve react-router-serve")
    assert instructions(p, "runtime")[-1].endswith(
        '"node_modules/.dockergen-bin/react-router-serve", "./build/server/index.js"]'
    )


def test_static_sites_default_to_nginx_and_node_server_on_request(tmp_path: Path) -> None:
    p = plan(tmp_path, "vite-static", target="spa")
    assert p.images.runtime == "debian:bookworm-slim" and p.images.user == "101:101"
    runtime = instructions(p, "runtime")
    assert any("apt-get install -y --no-install-recommends nginx-light" in i for i in runtime)
    assert runtime[-1] == 'CMD ["nginx", "-e", "stderr", "-c", "/etc/nginx/dockergen.conf"]'
    server = " ".join(instructions(p, "server"))
    assert "listen 8080;" in server and "try_files $uri $uri/ /index.html;" in server
    node = plan(tmp_path / "n", "vite-static", "    runtime: distroless\n    spa: false\n", target="spa")
    assert node.images.runtime.startswith("gcr.io/distroless/nodejs22")
    assert "SPA=0" in instructions(node, "runtime")[0]


def test_nginx_runtime_is_for_static_sites_only(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="static sites only"):
        plan(tmp_path, "react-router", "    runtime: nginx\n", target="site")


def test_a_library_whose_sources_are_a_missing_submodule_ships_no_build_output(tmp_path: Path) -> None:
    """novu's enterprise packages: `src` links into a private submodule; their build writes nothing."""
    root = materialize("pnpm9", tmp_path / "pnpm9")
    src = root / "libs/greeting/src"
    for f in src.iterdir():
        f.unlink()
    src.rmdir()
    src.symlink_to("../../.source/greeting/src")
    p = build_plan(scan(Repo(root)), parse_config((root / "dockergen.yaml").read_text()), "hello")
    assert not any("libs/greeting/dist" in i for i in instructions(p, "runtime"))
    assert any("libs/greeting/src links to a path missing" in w for w in p.warnings)
