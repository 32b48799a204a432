"""Every bad input from the issues, through the real CLI: one line naming the file (line:col where
known) and a hint, exit 3, no traceback, nothing written; or a warning where pnpm itself copes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from dockergen.cli import main
from tests.helpers import api_workspace, build_tree, lockfile
from tests.test_cli import snapshot_tree

CONFIG = {"dockergen.yaml": "targets:\n  api:\n    package: '@t/api'\n    port: 3000\n"}
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(10)
)

ERRORS: dict[str, tuple[dict[str, Any], str]] = {
    "malformed workspace yaml": ({"pnpm-workspace.yaml": "packages:\n  - apps/*\n  - [\n"}, "pnpm-workspace.yaml:"),
    "duplicate keys": (
        {"pnpm-workspace.yaml": "packages: [apps/*]\npackages: [packages/*]\n"},
        "pnpm-workspace.yaml:2:1",
    ),
    "alias bomb": ({"pnpm-workspace.yaml": BOMB}, "pnpm-workspace.yaml: YAML expands"),
    "invalid member json": (
        {"packages/core/package.json": '{"name": "@t/core" "version": "1"}'},
        "packages/core/package.json:1:20",
    ),
    "invalid root json": ({"package.json": "{"}, "package.json:1:2"),
    "member without name": ({"packages/core/package.json": '{"version": "1.0.0"}'}, "packages/core/package.json"),
    "glob escaping the root": (
        {"pnpm-workspace.yaml": "packages:\n  - apps/*\n  - ../elsewhere/*\n"},
        "pnpm-workspace.yaml:3:5",
    ),
    "workspace dep on unmatched package": (
        {"apps/api/package.json": '{"name": "@t/api", "main": "x.js", "dependencies": {"@t/ghost": "workspace:*"}}'},
        "apps/api/package.json",
    ),
    "unknown package in config": ({"dockergen.yaml": "targets: {api: {package: '@t/nope'}}\n"}, "dockergen.yaml"),
    "malformed config": ({"dockergen.yaml": "targets:\n  api: [\n"}, "dockergen.yaml:"),
    "missing config": ({"dockergen.yaml": None}, "dockergen.yaml"),
    "app with no way to start": (
        {"apps/api/package.json": '{"name": "@t/api", "scripts": {"start": "tsx watch src/index.ts"}}'},
        "apps/api/package.json",
    ),
    "missing lockfile": ({"pnpm-lock.yaml": None}, "pnpm-lock.yaml"),
    "lockfile unreadable by pinned pnpm": (
        {"package.json": '{"name": "r", "packageManager": "pnpm@8.15.5"}'},
        "pnpm-lock.yaml:1",
    ),
    "engines.pnpm range no pnpm major satisfies": (
        {"package.json": '{"name": "r", "engines": {"pnpm": ">=99"}}'},
        "package.json: engines.pnpm '>=99' allows no pnpm",
    ),
    "not a pnpm package manager": ({"package.json": '{"name": "r", "packageManager": "yarn@4.0.0"}'}, "package.json"),
    "missing patch file": (
        {"pnpm-workspace.yaml": "packages: [apps/*, packages/*]\npatchedDependencies:\n  a@1.0.0: patches/a.patch\n"},
        "pnpm-workspace.yaml",
    ),
    "missing pnpmfile": (
        {
            "pnpm-lock.yaml": lockfile(
                [".", "apps/api", "packages/core", "packages/util"], extra="\npnpmfileChecksum: sha256-x\n"
            )
        },
        "pnpm-lock.yaml",
    ),
    "non-utf8 manifest": ({"packages/util/package.json": b'{"name": "\xff"}'}, "packages/util/package.json:1"),
    # values that would change a generated file's structure (issue 11)
    "package name with a space": (
        {"packages/util/package.json": '{"name": "@t/my util"}'},
        "packages/util/package.json",
    ),
    "newline in a library's main": (
        {"packages/core/package.json": '{"name": "@t/core", "main": "dist/x.js\\nRUN echo INJECTED"}'},
        "packages/core/package.json",
    ),
    "member folder with glob characters": ({"packages/ut*il/package.json": '{"name": "@t/x"}'}, "pnpm-workspace.yaml"),
    "app files leaving the package": (
        {
            "apps/api/package.json": '{"name": "@t/api", "files": ["../../etc"], "scripts": {"build": "tsc"}, "main": "dist/i.js"}'
        },
        "apps/api/package.json",
    ),
    "patch outside the root": (
        {"pnpm-workspace.yaml": "packages: [apps/*, packages/*]\npatchedDependencies:\n  a@1.0.0: ../a.patch\n"},
        "pnpm-workspace.yaml",
    ),
    "deeply nested package.json": (
        {"packages/util/package.json": "[" * 100_000 + "]" * 100_000},
        "packages/util/package.json",
    ),
    "deeply nested workspace yaml": (
        {"pnpm-workspace.yaml": "packages: [apps/*]\nx: " + "[" * 2000 + "]" * 2000 + "\n"},
        "pnpm-workspace.yaml",
    ),
    "instruction ending in a continuation": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    instructions: {runtime: ['RUN echo a \\\\']}\n"},
        "dockergen.yaml:5:",
    ),
    "two instructions in one item": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + '    instructions: {runtime: ["RUN a\\nUSER 0"]}\n'},
        "dockergen.yaml:5:",
    ),
    "FROM in instructions": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    instructions: {runtime: ['FROM scratch']}\n"},
        "dockergen.yaml:5:",
    ),
    "runtime that is not an image": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    runtime: node:22-slim AS x\n"},
        "dockergen.yaml:5:5",
    ),
    "env key with a space": ({"dockergen.yaml": CONFIG["dockergen.yaml"] + "    env: {A B: x}\n"}, "dockergen.yaml:5:"),
    "env value with a newline": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + '    env: {A: "x\\nUSER 0"}\n'},
        "dockergen.yaml:5:",
    ),
    "health path with a quote and a space": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + '    health: "/he alth\')"\n'},
        "dockergen.yaml:5:5",
    ),
    "data dir with a glob": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    data_dirs: ['/data*']\n"},
        "dockergen.yaml:5:",
    ),
    "keep path outside the root": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    keep: ['../secrets']\n"},
        "dockergen.yaml:5:",
    ),
    "ignore pattern Docker cannot read": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    ignore: ['x\\']\n"},
        "dockergen.yaml:5:",
    ),
    "ignore pattern with a newline": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + '    ignore: ["x\\n!**"]\n'},
        "dockergen.yaml:5:",
    ),
    "unknown cache backend": ({"dockergen.yaml": CONFIG["dockergen.yaml"] + "    cache: s3\n"}, "dockergen.yaml:5:5"),
    "unknown ci": ({"dockergen.yaml": "ci: gitlab\n" + CONFIG["dockergen.yaml"]}, "dockergen.yaml:1:1"),
    "ci without a bake file": (
        {"dockergen.yaml": "bake: false\nci: github\n" + CONFIG["dockergen.yaml"]},
        "dockergen.yaml:2:1",
    ),
    "ci with a bake path an action input would split": (
        {"dockergen.yaml": "bake: 'ci/a,b.hcl'\nci: github\n" + CONFIG["dockergen.yaml"]},
        "dockergen.yaml:1:1",
    ),
    "registry that is no image prefix": (
        {"dockergen.yaml": "registry: 'ghcr.io/acme/${{ secrets.X }}/'\n" + CONFIG["dockergen.yaml"]},
        "dockergen.yaml:1:1",
    ),
    "registry without a trailing slash": (
        {"dockergen.yaml": "registry: ghcr.io/acme\n" + CONFIG["dockergen.yaml"]},
        "dockergen.yaml:1:1",
    ),
    "package version with a newline": (
        {"apps/api/package.json": '{"name": "@t/api", "version": "1.0.0\\nUSER 0", "main": "x.js"}'},
        "apps/api/package.json",
    ),
    # issue 23: hostile, special and huge inputs
    **{
        f"start script with {name}": (
            {"apps/api/package.json": json.dumps({"name": "@t/api", "scripts": {"start": f"node dist/i{ch}.js"}})},
            "apps/api/package.json: target 'api': package @t/api has no way to start",
        )
        for name, ch in (("BEL", "\x07"), ("U+2028", "\u2028"), ("U+0085", "\x85"), ("DEL", "\x7f"))
    },
    "output path of 300 characters": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    dockerfile: " + "d" * 300 + "\n"},
        "dockergen.yaml:5:5",
    ),
    "dockerfile over dockergen.yaml": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    dockerfile: dockergen.yaml\n"},
        "dockergen.yaml: target 'api' would write dockergen.yaml, which is dockergen's configuration",
    ),
    "dockerfile over a member's manifest": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    dockerfile: packages/core/package.json\n"},
        "dockergen.yaml: target 'api' would write packages/core/package.json, which is a package manifest",
    ),
    "dockerignore over the lockfile": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    dockerignore: pnpm-lock.yaml\n"},
        "dockergen.yaml: target 'api' would write pnpm-lock.yaml, which is an input of the install",
    ),
    "dockerfile over pnpm-workspace.yaml": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    dockerfile: pnpm-workspace.yaml\n"},
        "dockergen.yaml: target 'api' would write pnpm-workspace.yaml",
    ),
    "dockerignore over .npmrc": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    dockerignore: .npmrc\n", ".npmrc": "x=1\n"},
        "dockergen.yaml: target 'api' would write .npmrc",
    ),
    "dockerfile inside .git": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    dockerfile: .git/hooks/pre-commit\n"},
        "dockergen.yaml: target 'api' would write .git/hooks/pre-commit, which is inside a .git folder",
    ),
    "bake file over the root manifest": (
        {"dockergen.yaml": "bake: package.json\n" + CONFIG["dockergen.yaml"]},
        "dockergen.yaml: `bake:` would write package.json",
    ),
    "dockerfile and dockerignore the same path": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    dockerfile: docker/api\n    dockerignore: docker/api\n"},
        "dockergen.yaml: target 'api' would write docker/api twice",
    ),
    "ignore re-including .env": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    ignore: ['!.env']\n"},
        "dockergen.yaml:5:",
    ),
    "ignore re-including everything": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    ignore: ['!**']\n"},
        "dockergen.yaml:5:",
    ),
    "ignore re-including keys": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    ignore: ['**/*.md', '!**/*.pem']\n"},
        "dockergen.yaml:5:",
    ),
    "root user without unsafe": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    user: '0:0'\n"},
        "dockergen.yaml:5:5",
    ),
    "data dir /etc without unsafe": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    data_dirs: [/etc]\n"},
        "dockergen.yaml:5:",
    ),
    "unknown unsafe value": (
        {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    unsafe: [everything]\n"},
        "dockergen.yaml:5:",
    ),
    "assets to etc without unsafe": (
        {
            "dockergen.yaml": CONFIG["dockergen.yaml"] + "    assets: [{package: '@t/util', path: '.', to: etc}]\n",
        },
        "dockergen.yaml:5:5: target 'api': `assets` puts @t/util's files at /etc",
    ),
}

WARNINGS: dict[str, tuple[dict[str, Any], str]] = {
    "empty workspace yaml": ({"pnpm-workspace.yaml": ""}, "only the root project"),
    "null workspace yaml": ({"pnpm-workspace.yaml": "~\n"}, "only the root project"),
    "no packages key": ({"pnpm-workspace.yaml": "catalog:\n  zod: ^3\n"}, "no `packages:` key"),
}


def apply(root: Path, files: dict[str, Any]) -> None:
    for rel, content in files.items():
        if content is None:
            (root / rel).unlink()
    build_tree(root, {k: v for k, v in files.items() if v is not None})


def run(capsys: pytest.CaptureFixture[str], root: Path) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--root", str(root)])
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_bad_input_is_one_line_exit_3_and_writes_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files, location = ERRORS[case]
    root = api_workspace(tmp_path, CONFIG)
    apply(root, files)
    before = snapshot_tree(root)
    code, out, err = run(capsys, root)
    assert code == 3, err
    assert err.startswith(f"dockergen: error: {location}"), err
    assert err.count("\n") == 1 and "hint:" in err and "Traceback" not in err
    assert out == "" and snapshot_tree(root) == before


@pytest.mark.parametrize(
    "case", ["dockerfile over dockergen.yaml", "dockerfile over a member's manifest", "dockerfile inside .git"]
)
def test_inputs_are_never_overwritten_even_with_force(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files, location = ERRORS[case]
    root = api_workspace(tmp_path, CONFIG)
    apply(root, files)
    (root / ".git/hooks").mkdir(parents=True)
    before = snapshot_tree(root)
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--force", "--root", str(root)])
    assert exit_info.value.code == 3 and capsys.readouterr().err.startswith(f"dockergen: error: {location}")
    assert snapshot_tree(root) == before


@pytest.mark.parametrize(
    ("extra", "warning"),
    [
        ("    user: '0:0'\n    unsafe: [root-user]\n", "the app runs as root (user 0:0"),
        ("    data_dirs: [/etc/app]\n    unsafe: [system-folders]\n", "the app user owns /etc/app"),
        (
            "    assets: [{package: '@t/util', path: '.', to: etc}]\n    unsafe: [system-folders]\n",
            "`assets` writes into /etc",
        ),
    ],
)
def test_unsafe_allows_root_and_system_folders_with_a_warning(
    extra: str, warning: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = api_workspace(tmp_path, {"dockergen.yaml": CONFIG["dockergen.yaml"] + extra})
    code, _, err = run(capsys, root)
    assert code == 0, err
    assert any(line.startswith("warning: ") and warning in line for line in err.splitlines()), err


def test_a_folder_negation_is_kept_and_the_secrets_come_again_after_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dockergen.dockerignore import parse

    root = api_workspace(tmp_path, {"dockergen.yaml": CONFIG["dockergen.yaml"] + "    ignore: ['!apps/api/dist']\n"})
    assert run(capsys, root)[0] == 0
    ignore = parse((root / ".dockerignore").read_text())
    assert not ignore.is_ignored("apps/api/dist/index.js")
    assert ignore.is_ignored("apps/api/dist/.env") and ignore.is_ignored("apps/api/dist/id.pem")


@pytest.mark.parametrize("case", sorted(WARNINGS))
def test_root_only_workspaces_warn(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files, needle = WARNINGS[case]
    root = api_workspace(tmp_path, CONFIG)
    apply(root, files)
    code, _, err = run(capsys, root)
    assert needle in err and "warning:" in err
    assert code == 3 and "no workspace package is named '@t/api'" in err  # the app is no longer a member


def test_symlinked_members_and_loops_do_not_hang(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = api_workspace(tmp_path, CONFIG)
    (root / "packages" / "loop").symlink_to(root / "packages")
    (root / "packages" / "util-link").symlink_to("util")
    code, _, err = run(capsys, root)
    # pnpm lists util and util-link (one name, two members) and links the later folder, util-link
    dockerfile = (root / "Dockerfile").read_text()
    assert code == 0, err
    assert "packages/util-link/package.json" in dockerfile and "packages/util/package.json" not in dockerfile


def test_a_target_naming_two_members_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pnpm accepts members that share a name; a target naming one of them is ambiguous."""
    root = api_workspace(tmp_path, CONFIG)
    apply(root, {"packages/other/package.json": '{"name": "@t/api"}'})
    code, _, err = run(capsys, root)
    assert code == 3 and "dockergen: error: packages/other/package.json: 2 workspace members are named '@t/api'" in err
    assert "(apps/api, packages/other)" in err and "hint:" in err


def test_non_utf8_file_names_do_not_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = api_workspace(tmp_path, CONFIG)
    os.mkdir(os.path.join(os.fsencode(root / "packages"), b"caf\xe9"))
    code, _, err = run(capsys, root)
    assert code == 0 and "not valid UTF-8" in err


def test_crlf_and_bom_everywhere_are_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = api_workspace(tmp_path, CONFIG)
    for path in [root / "pnpm-workspace.yaml", root / "dockergen.yaml", *root.glob("**/package.json")]:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert run(capsys, root)[0] == 0
