import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dockergen.config.model import parse_config
from dockergen.errors import ConfigError, UsageError
from dockergen.pipeline import generate_all
from dockergen.plan.layers import MAX_LAYERS_PER_STAGE, layers
from dockergen.plan.model import BuildPlan, Copy, Run
from dockergen.plan.planner import build_plan
from dockergen.plan.runtime_stages import IN_TURN, SIGNALS
from dockergen.render import render_step
from dockergen.repo import Repo
from dockergen.workspace.scan import scan
from tests import scenarios
from tests.helpers import api_workspace, lockfile, workspace

API_CONFIG = "targets:\n  api:\n    package: '@t/api'\n    port: 3000\n    health: /health\n"


def plan_for(root: Path, config: str = API_CONFIG, target: str = "api") -> BuildPlan:
    return build_plan(scan(Repo(root)), parse_config(config), target)


def instructions(plan: BuildPlan, stage: str) -> list[str]:
    """Each step of a stage as rendered, on one line: comments dropped, continuations joined."""
    for s in plan.stages:
        if s.name == stage:
            return [one_line(render_step(step)) for step in s.steps]
    raise KeyError(stage)


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return " ".join(" ".join(lines).replace(" \\ ", " ").split())


def test_stages_in_order_with_libraries(tmp_path: Path) -> None:
    plan = plan_for(api_workspace(tmp_path))
    assert [(s.name, s.base) for s in plan.stages] == [
        ("base", "node:22-slim"), ("lib-manifests", "scratch"), ("lib-deps", "base"), ("libs", "base"), ("deps", "lib-deps"),
        ("build", "deps"), ("deploy", "deps"), ("runtime", "node:22-slim"),
    ]  # fmt: skip


def test_manifests_and_install_inputs_come_before_any_source(tmp_path: Path) -> None:
    plan = plan_for(api_workspace(tmp_path))
    assert instructions(plan, "lib-manifests") == [  # gathered beside the base stage, taken in one COPY
        "COPY packages/util/package.json /repo/packages/util/",
        "COPY packages/core/package.json /repo/packages/core/",
    ]
    lib_deps = instructions(plan, "lib-deps")
    assert lib_deps[:2] == [
        "COPY --from=lib-manifests /repo/ ./",
        "COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./",
    ]
    assert "pnpm install --frozen-lockfile" in lib_deps[2] and "--filter=@t/util --filter=@t/core" in lib_deps[2]
    assert lib_deps[2].startswith("RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install")
    libs = instructions(plan, "libs")
    assert libs[0] == "COPY --from=lib-deps /repo/ ./"
    assert libs[1:] == ["COPY packages/util/ packages/util/", "COPY packages/core/ packages/core/",
                        "RUN pnpm --filter=@t/core run build"]  # fmt: skip
    deps = instructions(plan, "deps")
    assert deps[:2] == ["COPY --from=lib-deps /pnpm/libs-install/ ./", "COPY apps/api/package.json apps/api/"]
    assert "--filter=@t/api..." in deps[3]
    assert "rm -f pnpm-lock.yaml" in lib_deps[2] and "/pnpm/libs-install node_modules/.modules.yaml" in lib_deps[2]


def test_runtime_is_minimal_non_root_and_exec_form(tmp_path: Path) -> None:
    runtime = instructions(plan_for(api_workspace(tmp_path)), "runtime")
    assert runtime[0] == "ENV NODE_ENV=production PORT=3000"
    assert "COPY --from=deploy /out/ ./" in runtime
    assert "COPY --from=build /repo/apps/api/dist ./dist" in runtime
    assert "USER 1000:1000" in runtime and "EXPOSE 3000" in runtime
    assert runtime[-1] == f'CMD ["node", "--import", "{SIGNALS}", "dist/index.js"]'
    assert any(r.startswith("HEALTHCHECK") and r.endswith('"http://127.0.0.1:3000/health"]') for r in runtime)


def test_deploy_is_scoped_inject_on_pnpm_10_and_plain_on_9(tmp_path: Path) -> None:
    deploy10 = instructions(plan_for(api_workspace(tmp_path / "a")), "deploy")[0]
    assert "--config.inject-workspace-packages=true" in deploy10 and "--legacy" not in deploy10
    assert "deploy --prod" in deploy10 and "rm -f /out/node_modules/.modules.yaml" in deploy10
    root9 = api_workspace(tmp_path / "b", {"package.json": {"name": "r", "packageManager": "pnpm@9.15.9"}})
    assert "inject-workspace-packages" not in instructions(plan_for(root9), "deploy")[0]
    injected = api_workspace(
        tmp_path / "c", {"pnpm-workspace.yaml": "packages: [apps/*, packages/*]\ninjectWorkspacePackages: true\n"}
    )
    assert "inject-workspace-packages" not in instructions(plan_for(injected), "deploy")[0]


def test_pnpm_9_links_what_the_packages_resolve_at_dev_time(tmp_path: Path) -> None:
    """On pnpm < 10 the production tree keeps the workspace layout, where a library's peer (and
    any package's devDependency) is not linked: a step links them from the tree (novu)."""
    root = api_workspace(tmp_path, {"package.json": {"name": "r", "packageManager": "pnpm@9.15.9"}})
    install = next(i for i in instructions(plan_for(root), "deploy") if "pnpm install" in i)
    from dockergen.plan.prod_install import LINK_AS_AT_DEV_TIME

    assert install.endswith(f"node -e {shlex.quote(LINK_AS_AT_DEV_TIME)} apps/api packages/util packages/core")


def test_distroless_runtime(tmp_path: Path) -> None:
    plan = plan_for(api_workspace(tmp_path), API_CONFIG + "    runtime: distroless\n")
    assert plan.stages[-1].base == "gcr.io/distroless/nodejs22-debian12:nonroot"
    runtime = instructions(plan, "runtime")
    assert "USER 65532:65532" in runtime and runtime[-1] == f'CMD ["--import", "{SIGNALS}", "dist/index.js"]'
    assert any('"/nodejs/bin/node", "-e"' in r for r in runtime)


@pytest.mark.parametrize("runtime", ["slim", "distroless"])
def test_commands_in_turn_run_through_node_without_a_shell(runtime: str, tmp_path: Path) -> None:
    start = "node dist/migrate.js && node dist/index.js"
    root = api_workspace(tmp_path)
    manifest = json.loads((root / "apps/api/package.json").read_text())
    manifest["scripts"]["start"] = start
    (root / "apps/api/package.json").write_text(json.dumps(manifest))
    plan = plan_for(root, API_CONFIG + f"    runtime: {runtime}\n")
    node = [] if runtime == "distroless" else ["node"]  # distroless's entrypoint is node
    argv = [*node, "-e", IN_TURN, "node", "dist/migrate.js", "&&", "node", "dist/index.js"]
    assert instructions(plan, "runtime")[-1] == "CMD " + json.dumps(argv)
    build = " ".join(instructions(plan, "build"))
    assert "apps/api/dist/migrate.js" in build and "apps/api/dist/index.js" in build  # both checked


@pytest.mark.parametrize(
    ("pnpm", "injected", "deploys"),
    [("10.22.0", False, False), ("10.25.1", False, False), ("10.22.0", True, True), ("10.26.0", False, True),
     ("11.2.1", False, True)],
)  # fmt: skip
def test_pnpm_10_before_10_26_installs_the_production_tree_unless_the_workspace_injects(
    pnpm: str, injected: bool, deploys: bool, tmp_path: Path
) -> None:
    """pnpm 10.0-10.25 fail `deploy --config.inject-workspace-packages=true` (pnpm#10294)."""
    root = api_workspace(tmp_path)
    if injected:
        (root / "pnpm-workspace.yaml").write_text(
            "packages:\n  - apps/*\n  - packages/*\ninjectWorkspacePackages: true\n"
        )
    plan = plan_for(root, API_CONFIG + f"    pnpm: '{pnpm}'\n")
    deploy = " ".join(instructions(plan, "deploy"))
    assert (" deploy " in deploy) is deploys
    assert ("pnpm install --frozen-lockfile --prod" in deploy) is not deploys


@pytest.mark.parametrize(
    ("pnpm", "overrides", "refused"),
    [("10.6.1", True, True), ("10.11.0", True, True), ("10.11.1", True, False), ("10.6.1", False, False),
     ("10.26.0", True, False)],
)  # fmt: skip
def test_pnpm_before_10_11_1_cannot_deploy_an_injected_workspace_with_overrides(
    pnpm: str, overrides: bool, refused: bool, tmp_path: Path
) -> None:
    """postiz (pnpm 10.6.1, inject-workspace-packages, pnpm.overrides): deploy ends with
    ERR_PNPM_LOCKFILE_CONFIG_MISMATCH on "overrides" (pnpm#9283, fixed in 10.11.1): refused at
    the pnpm key, with the fix, instead of a build that fails."""
    members = ["apps/api", "packages/core", "packages/util"]
    lock = lockfile([".", *members], extra="\noverrides:\n  multer: ^2.2.0\n" if overrides else "")
    root = api_workspace(tmp_path, {
        "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\ninjectWorkspacePackages: true\n",
        "pnpm-lock.yaml": lock,
    })  # fmt: skip
    config = API_CONFIG + f"    pnpm: '{pnpm}'\n"
    if not refused:
        assert " deploy " in " ".join(instructions(plan_for(root, config), "deploy"))
        return
    with pytest.raises(ConfigError) as err:
        plan_for(root, config)
    line = err.value.one_line()
    assert "pnpm#9283" in line and 'pnpm: "10.34.9"' in line and "dockergen.yaml:" in line


@pytest.mark.parametrize(
    ("pinned", "wanted", "env"),
    [("10.6.1", "10.11.1", "pnpm config set --global manage-package-manager-versions false"),
     ("11.2.1", "11.7.0", "pnpm_config_pm_on_fail=ignore"),
     ("10.6.1", "10.6.1", None)],
)  # fmt: skip
def test_pnpm_from_the_config_runs_instead_of_the_repositorys_pin(
    pinned: str, wanted: str, env: str | None, tmp_path: Path
) -> None:
    """pnpm >= 9.7 switches to the version packageManager pins (seen: pnpm 10.11.1, installed for
    `pnpm: "10.11.1"`, ran postiz's install with 10.6.1); the base stage turns that off when
    dockergen.yaml asks for another version (checked by hand: pnpm 10.11.1 and 11.7.0 run as
    themselves with these settings, a script's pnpm too, and switch without them)."""
    root = api_workspace(tmp_path, {"package.json": {"name": "r", "private": True, "packageManager": f"pnpm@{pinned}"}})
    base = " ".join(instructions(plan_for(root, API_CONFIG + f"    pnpm: '{wanted}'\n"), "base"))
    assert f"pnpm@{wanted}" in base
    if env is None:
        assert "manage_package_manager_versions" not in base and "pm_on_fail" not in base
    else:
        assert env in base


def test_digests_pin_images_keeping_the_tag(tmp_path: Path) -> None:
    digest = "sha256:" + "a" * 64
    plan = plan_for(api_workspace(tmp_path), API_CONFIG + f"    digests: {{'node:22-slim': '{digest}'}}\n")
    assert plan.stages[0].base == f"node:22-slim@{digest}" and plan.stages[-1].base == f"node:22-slim@{digest}"
    with pytest.raises(ConfigError):
        plan_for(api_workspace(tmp_path / "x"), API_CONFIG + "    digests: {'node:22-slim': 'latest'}\n")


def test_package_manager_integrity_is_verified(tmp_path: Path) -> None:
    pm = "pnpm@10.32.1+sha512." + "ab" * 64
    root = api_workspace(tmp_path, {"package.json": {"name": "r", "packageManager": pm}})
    base = instructions(plan_for(root), "base")[0]
    assert "npm pack --pack-destination /tmp pnpm@10.32.1" in base
    assert "sha512sum -c /tmp/pnpm.sha512" in base and "npm install -g /tmp/pnpm-10.32.1.tgz" in base


def test_npmrc_with_token_is_read_through_secrets_never_copied(tmp_path: Path) -> None:
    npmrc = "@t:registry=https://npm.example\n//npm.example/:_authToken=${NPM_TOKEN}\n"
    plan = plan_for(api_workspace(tmp_path, {".npmrc": npmrc}))
    text = "\n".join(i for s in plan.stages for i in instructions(plan, s.name))
    assert ".npmrc ./" not in text and " .npmrc " not in text and ".npmrc" not in plan.build_context.keep
    assert text.count("--mount=type=secret,id=npmrc,target=/root/.npmrc --mount=type=secret,id=NPM_TOKEN") == 3
    assert text.count('NPM_TOKEN="$(cat /run/secrets/NPM_TOKEN 2>/dev/null)" pnpm') == 3
    comments = [step.comment for s in plan.stages for step in s.steps if "pnpm install" in one_line(render_step(step))]
    assert all("--secret id=npmrc,src=$HOME/.npmrc --secret id=NPM_TOKEN,env=NPM_TOKEN" in c for c in comments)


def test_private_registry_without_credentials_in_the_repo_copies_npmrc_and_mounts_the_secret(tmp_path: Path) -> None:
    plan = plan_for(api_workspace(tmp_path, {".npmrc": "@t:registry=https://npm.example/\n"}))
    deps = instructions(plan, "deps")
    assert "COPY .npmrc package.json pnpm-lock.yaml pnpm-workspace.yaml ./" in deps
    assert any("--mount=type=secret,id=npmrc,target=/root/.npmrc pnpm install" in line for line in deps)


def test_plain_npmrc_is_copied(tmp_path: Path) -> None:
    plan = plan_for(api_workspace(tmp_path, {".npmrc": "save-exact=true\n"}))
    assert "COPY .npmrc package.json pnpm-lock.yaml pnpm-workspace.yaml ./" in instructions(plan, "deps")


def test_package_with_install_script_is_copied_whole_before_install(tmp_path: Path) -> None:
    root = api_workspace(tmp_path)
    (root / "packages/util/package.json").write_text('{"name": "@t/util", "scripts": {"postinstall": "node gen.js"}}')
    manifests = plan_for(root).stages[1].steps
    assert manifests[0] == Copy(("packages/util/",), "/repo/packages/util/", manifests[0].comment)
    assert "postinstall script runs during install" in manifests[0].comment


def test_app_without_libraries_has_no_lib_stages(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"apps/api": {"name": "@t/api", "main": "server.js", "dependencies": {"ms": "^2"}}})
    plan = plan_for(root)
    assert [s.name for s in plan.stages] == ["base", "deps", "deploy", "runtime"]  # nothing to build
    runtime = instructions(plan, "runtime")
    assert "COPY apps/api/ ./" in runtime  # whole package: entry point at its root
    assert plan.dockerfile == "Dockerfile" and plan.dockerignore == ".dockerignore"


def test_placement_several_targets_and_overrides(tmp_path: Path) -> None:
    root = api_workspace(tmp_path)
    config = API_CONFIG + "  util:\n    package: '@t/util'\n    dockerfile: docker/util.Dockerfile\n"
    assert (plan_for(root, config).dockerfile, plan_for(root, config).dockerignore) == ("Dockerfile", ".dockerignore")
    alone = config.replace("health: /health\n", "health: /health\n    shared: false\n")
    assert (plan_for(root, alone).dockerfile, plan_for(root, alone).dockerignore) == (
        "apps/api/Dockerfile", "apps/api/Dockerfile.dockerignore",
    )  # fmt: skip
    util = plan_for(root, config, "util")
    assert (util.dockerfile, util.dockerignore) == ("docker/util.Dockerfile", "docker/util.Dockerfile.dockerignore")


def test_unknown_package_unknown_target_and_no_way_to_start(tmp_path: Path) -> None:
    root = api_workspace(tmp_path)
    with pytest.raises(ConfigError) as err:
        plan_for(root, "targets: {api: {package: '@t/apii'}}\n")
    assert err.value.hint == "did you mean '@t/api'?"
    with pytest.raises(UsageError):
        plan_for(root, API_CONFIG, "nope")
    (root / "apps/api/package.json").write_text('{"name": "@t/api", "scripts": {"start": "next start"}}')
    with pytest.raises(ConfigError) as err:
        plan_for(root)
    assert err.value.path == "apps/api/package.json" and "has no way to start" in err.value.message
    assert "command:" in (err.value.hint or "")


def test_user_instructions_env_and_labels(tmp_path: Path) -> None:
    extra = (
        "    env: {TZ: UTC, GREETING: hello world}\n    labels: {org.opencontainers.image.source: https://x}\n"
        "    instructions:\n      runtime: ['RUN echo hi']\n"
    )
    runtime = instructions(plan_for(api_workspace(tmp_path), API_CONFIG + extra), "runtime")
    assert runtime[0] == 'ENV NODE_ENV=production PORT=3000 GREETING="hello world" TZ=UTC'
    assert "RUN echo hi" in runtime and "LABEL org.opencontainers.image.source=https://x" in runtime
    assert runtime.index("RUN echo hi") < runtime.index("USER 1000:1000")


def _big_workspace(root: Path, count: int) -> Path:
    members: dict[str, dict[str, Any]] = {}
    for i in range(count):
        deps = {f"lib{j}": "workspace:*" for j in (i - 1, i - 2) if j >= 0}
        members[f"packages/lib{i}"] = {"name": f"lib{i}", "scripts": {"build": "tsc"}, "dependencies": deps}
    members["apps/api"] = {
        "name": "@t/api",
        "main": "dist/index.js",
        "dependencies": {f"lib{count - 1}": "workspace:*"},
    }
    return workspace(root, members)


def _lib_builds(plan: BuildPlan) -> list[str]:
    return [
        line
        for s in plan.stages
        if s.name.startswith("libs")
        for line in instructions(plan, s.name)
        if " run build" in line
    ]


def test_libraries_build_in_one_step_by_default_and_per_level_when_asked(tmp_path: Path) -> None:
    root = _big_workspace(tmp_path, 6)  # lib{i} depends on lib{i-1} and lib{i-2}: six levels
    default = _lib_builds(plan_for(root, "targets: {api: {package: '@t/api'}}\n"))
    assert len(default) == 1 and all(f"--filter=lib{i} " in default[0] for i in range(6))
    by_level = _lib_builds(plan_for(root, "targets: {api: {package: '@t/api', optimize: libraries}}\n"))
    assert [line.count("--filter=") for line in by_level] == [1] * 6


def test_large_closure_is_grouped_by_level_and_split_into_stages(tmp_path: Path) -> None:
    plan = plan_for(_big_workspace(tmp_path, 120), "targets: {api: {package: '@t/api', optimize: libraries}}\n")
    lib_stages = [s for s in plan.stages if s.name.startswith("libs")]
    assert len(lib_stages) >= 3
    assert len(_lib_builds(plan)) == 120  # every library is a level of its own here
    for stage in plan.stages:
        assert layers(stage.steps) <= MAX_LAYERS_PER_STAGE, stage.name
    copies = [
        step for s in lib_stages for step in s.steps if isinstance(step, Copy) and "packages/lib" in step.sources[0]
    ]
    assert len(copies) == 120
    first = lib_stages[1].steps[0]
    assert isinstance(first, Copy) and (first.from_stage, first.sources, first.dest) == ("libs-1", ("/repo/",), "./")


def test_plan_is_the_same_in_processes_with_other_hash_seeds(tmp_path: Path) -> None:
    """`dockergen plan --format json` in two interpreters whose set and dict orders differ."""
    root = api_workspace(tmp_path, {"dockergen.yaml": API_CONFIG})
    outputs = [
        subprocess.run(
            [sys.executable, "-m", "dockergen", "plan", "--root", str(root), "--format", "json"],
            env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "4242")
    ]  # fmt: skip
    assert outputs[0] == outputs[1] and json.loads(outputs[0])["targets"][0]["target"] == "api"


def test_library_bins_used_by_other_libraries_get_placeholders(tmp_path: Path) -> None:
    root = api_workspace(tmp_path)
    (root / "packages/util/package.json").write_text('{"name": "@t/util", "bin": {"gen": "./dist/gen.js"}}')
    lib_deps = instructions(plan_for(root), "lib-deps")
    assert "RUN mkdir -p packages/util/dist && printf '#!/usr/bin/env node\\n' > packages/util/dist/gen.js" in lib_deps
    assert (
        lib_deps.index("RUN mkdir -p packages/util/dist && printf '#!/usr/bin/env node\\n' > packages/util/dist/gen.js")
        < len(lib_deps) - 1
    )


@pytest.mark.parametrize(
    ("stage", "where"),
    [
        ("base", "last step of base: every build stage starts from it"),
        ("deps", "last step of deps: after the app's install, before build and deploy"),
        ("build", "last step of build: after the app's build"),
        ("runtime", "runtime: after the app's files, before LABEL/USER"),
    ],
)
def test_where_user_instructions_land(tmp_path: Path, stage: str, where: str) -> None:
    plan = plan_for(api_workspace(tmp_path), API_CONFIG + f"    instructions:\n      {stage}: ['RUN echo {stage}']\n")
    found = [(s.name, i) for s in plan.stages for i, line in enumerate(instructions(plan, s.name)) if "echo" in line]
    assert len(found) == 1, where
    name, index = found[0]
    assert name == stage, where
    lines = instructions(plan, name)
    if stage == "runtime":
        assert lines[index + 1].startswith("USER") and lines[index - 1].startswith("COPY --from=build"), where
    else:
        assert index == len(lines) - 1, where
    if stage == "deps":  # after the install and the built libraries laid over it
        assert lines[index - 1].startswith("COPY --from=libs")
        install = next(line for line in lines if "--filter=@t/api..." in line)
        assert install.startswith("RUN --mount=type=cache") and lines.index(install) < index - 1


def test_build_instructions_without_a_build_stage_are_an_error(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"apps/api": {"name": "@t/api", "main": "server.js", "dependencies": {"ms": "^2"}}})
    with pytest.raises(ConfigError, match="no stage to go in"):
        plan_for(root, API_CONFIG + "    instructions:\n      build: ['RUN echo hi']\n")


def test_start_script_notes_become_warnings(tmp_path: Path) -> None:
    root = api_workspace(tmp_path)
    manifest = root / "apps/api/package.json"
    manifest.write_text(manifest.read_text().replace("node dist/index.js", "node --env-file=.env dist/index.js"))
    plan = plan_for(root)
    assert any("dropped `--env-file=.env`" in w for w in plan.warnings)


def test_start_script_node_env_never_overrides_production(tmp_path: Path) -> None:
    root = api_workspace(tmp_path)
    manifest = root / "apps/api/package.json"
    manifest.write_text(
        manifest.read_text().replace('"node dist/index.js"', '"NODE_ENV=development node dist/index.js"')
    )
    plan = plan_for(root)
    runtime = instructions(plan, "runtime")
    assert runtime[0].startswith("ENV NODE_ENV=production") and "development" not in runtime[0]
    assert any("NODE_ENV=development" in w for w in plan.warnings)


def test_a_long_workspace_chain_plans_without_recursion_limits(tmp_path: Path) -> None:
    plan = plan_for(_big_workspace(tmp_path, 1500), "targets: {api: {package: '@t/api'}}\n")
    sources = [s for st in plan.stages for s in st.steps if isinstance(s, Copy) and s.comment.endswith(" sources")]
    assert len(sources) == 1500  # one COPY per library, in dependency order


def test_main_outside_the_package_is_not_a_start_command(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"apps/api": {"name": "@t/api", "main": "../../etc/passwd.js"}})
    with pytest.raises(ConfigError, match="points outside the package"):
        plan_for(root)


def test_version_warnings_stop_once_the_config_sets_the_version(tmp_path: Path) -> None:
    root = api_workspace(tmp_path)
    (root / ".nvmrc").unlink()
    assert any("no Node version" in w for w in plan_for(root).warnings)
    assert not any("Node" in w for w in plan_for(root, API_CONFIG + "    node: '22'\n").warnings)


def test_the_signal_preload_is_a_data_url_every_node_reads_whole() -> None:
    """Node 20 ends a data: URL's body at '?' (a query) and '#'; '%' starts an escape; a space or a
    double quote would need quoting in NODE_OPTIONS."""
    body = SIGNALS.split(",", 1)[1]
    assert not set(body) & set('?#% "'), body


def test_pnpm_9_warns_of_a_librarys_required_peer_nothing_provides(tmp_path: Path) -> None:
    """novu's ws: its library requires @nestjs/passport as a peer, which ws does not depend on."""
    core = {
        "name": "@t/core", "version": "1.0.0", "main": "dist/index.js", "files": ["dist"],
        "scripts": {"build": "tsc"}, "dependencies": {"@t/util": "workspace:^"},
        "peerDependencies": {"hono": "^4", "react": "^19", "vue": "^3"},
        "peerDependenciesMeta": {"vue": {"optional": True}},
    }  # fmt: skip
    root = api_workspace(
        tmp_path, {"package.json": {"name": "r", "packageManager": "pnpm@9.15.9"}, "packages/core/package.json": core}
    )
    warnings = [w for w in plan_for(root).warnings if "peer dependencies" in w]
    assert len(warnings) == 1 and "@t/core requires the peer dependencies react, which neither @t/api" in warnings[0]
    assert "add them to @t/api's dependencies" in warnings[0]


def test_link_script_links_the_apps_copy_else_the_hoisted_one(tmp_path: Path) -> None:
    """The link step runs in the image; here the same script runs on the host's node."""
    from dockergen.plan.prod_install import LINK_AS_AT_DEV_TIME

    hoisted = "node_modules/.pnpm/node_modules"
    for folder in ("apps/api/node_modules/@s/a", f"{hoisted}/@s/a", f"{hoisted}/express", f"{hoisted}/b"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "lib/node_modules/b").mkdir(parents=True)  # installed by pnpm: kept
    peers = {"@s/a": "^1", "b": "^1", "express": "^4", "next": "*"}  # next: in no tree, stays absent
    (tmp_path / "lib/package.json").write_text(json.dumps({"peerDependencies": peers}))
    (tmp_path / "apps/api/package.json").write_text(json.dumps({"devDependencies": {"express": "^4"}}))
    subprocess.run(["node", "-e", LINK_AS_AT_DEV_TIME, "apps/api", "lib"], cwd=tmp_path, check=True)
    assert os.readlink(tmp_path / "lib/node_modules/@s/a") == "../../../apps/api/node_modules/@s/a"
    assert os.readlink(tmp_path / "lib/node_modules/express") == "../../apps/api/node_modules/express"  # linked first
    assert os.readlink(tmp_path / "apps/api/node_modules/express") == "../../../node_modules/.pnpm/node_modules/express"
    assert not (tmp_path / "lib/node_modules/b").is_symlink() and not os.path.lexists(
        tmp_path / "lib/node_modules/next"
    )


def test_optimize_cold_installs_once_and_builds_every_library_in_one_step(tmp_path: Path) -> None:
    plan = plan_for(api_workspace(tmp_path), API_CONFIG + "    optimize: cold\n")
    assert [(s.name, s.base) for s in plan.stages] == [
        ("base", "node:22-slim"), ("manifests", "scratch"), ("deps", "base"), ("libs", "deps"),
        ("build", "libs"), ("deploy", "libs"), ("runtime", "node:22-slim"),
    ]  # fmt: skip
    assert instructions(plan, "manifests") == [
        "COPY packages/util/package.json /repo/packages/util/",
        "COPY packages/core/package.json /repo/packages/core/",
        "COPY apps/api/package.json /repo/apps/api/",
    ]
    installs = [line for s in plan.stages for line in instructions(plan, s.name) if "pnpm install" in line]
    assert len(installs) == 1 and "--filter=@t/api..." in installs[0]
    builds = [line for line in instructions(plan, "libs") if "run build" in line]
    assert builds == ["RUN pnpm --filter=@t/core run build"]  # @t/util has no build script


def test_optimize_takes_rebuilds_or_cold(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        plan_for(api_workspace(tmp_path), API_CONFIG + "    optimize: fast\n")
    assert "optimize" in err.value.message and err.value.line == 6


def test_code_generation_of_a_library_without_a_build_runs_before_the_builds(tmp_path: Path) -> None:
    """turbo.json's `^db:generate`: a database package with only that script generates its client
    in the libraries' build step (fixture codegen-lib, with a docker test)."""
    root = scenarios.materialize("codegen-lib", tmp_path / "ws")
    (plan,) = generate_all(Repo(root)).plans
    libs = next(s for s in plan.stages if s.name == "libs")
    argv = [c.argv for step in libs.steps if isinstance(step, Run) for c in step.commands]
    assert argv == [("pnpm", "--filter=@cg/db", "run", "db:generate")]


def test_prebuild_naming_a_missing_script_is_refused_and_one_outside_the_build_warned(tmp_path: Path) -> None:
    root = scenarios.materialize("codegen-lib", tmp_path / "ws")
    config = (root / "dockergen.yaml").read_text()
    (root / "dockergen.yaml").write_text(config + "    prebuild: {'@cg/db': [db:gen]}\n")
    with pytest.raises(ConfigError, match=r"runs 'db:gen' in @cg/db, whose package\.json has no such script"):
        generate_all(Repo(root))
    (root / "dockergen.yaml").write_text(config + "    prebuild: {'@cg/nope': [x]}\n")
    assert any(
        "`prebuild` names @cg/nope, which its build does not include" in w for w in generate_all(Repo(root)).warnings
    )


def test_build_env_reaches_the_build_steps_not_the_installs_nor_the_shared_base(tmp_path: Path) -> None:
    """Adding `build_env` to one target re-runs builds, not installs, and the targets still share."""
    root = scenarios.materialize("sample", tmp_path / "ws")
    config = root / "dockergen.yaml"
    lines = config.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if 'package: "@acme/api"' in line)
    config.write_text(
        "".join([*lines[: at + 1], '    build_env: {DATABASE_URL: "postgres://build"}\n', *lines[at + 1 :]])
    )
    api, worker = generate_all(Repo(root)).plans
    with_env = [
        s.name
        for s in api.stages
        if any(
            getattr(step, "kind", "") == "env" and ("DATABASE_URL", "postgres://build") in step.pairs
            for step in s.steps
        )
    ]  # type: ignore[union-attr]
    assert with_env == ["api-libs", "api-own-libs", "api-build"]  # its libraries' stage is its own now
    shared = {s.name for s in worker.stages} & {s.name for s in api.stages}
    assert {"base", "lib-manifests", "lib-deps"} <= shared


def test_a_local_folder_dependency_lands_at_its_own_place(tmp_path: Path) -> None:
    """`file:` a folder or a tarball: `COPY x x` (a folder's COPY takes its contents, not itself)."""
    root = api_workspace(
        tmp_path, {"vendor/greeter/package.json": {"name": "greeter", "version": "1.0.0"}, "vendor/t.tgz": b"x"}
    )
    manifest = json.loads((root / "apps/api/package.json").read_text())
    manifest["dependencies"].update({"greeter": "file:../../vendor/greeter", "t": "file:../../vendor/t.tgz"})
    (root / "apps/api/package.json").write_text(json.dumps(manifest))
    copies = [
        s for stage in plan_for(root).stages for s in stage.steps if isinstance(s, Copy) and "vendor" in str(s.sources)
    ]
    assert {(c.sources, c.dest) for c in copies} == {
        (("vendor/greeter",), "vendor/greeter"),
        (("vendor/t.tgz",), "vendor/t.tgz"),
    }
