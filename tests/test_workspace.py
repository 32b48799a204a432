import json
from pathlib import Path

import pytest

from dockergen.errors import InputError
from dockergen.repo import Repo
from dockergen.workspace.manifest import parse_manifest
from dockergen.workspace.scan import scan
from dockergen.workspace.tsconfig import ts_links
from tests.helpers import api_workspace, build_tree, lockfile, workspace


def test_scan_reads_members_graph_and_inputs(tmp_path: Path) -> None:
    ws = scan(Repo(api_workspace(tmp_path)))
    assert [p.dir for p in ws.packages] == ["apps/api", "packages/core", "packages/util"]
    assert {(link.source, link.target, link.kind) for link in ws.links} == {
        ("@t/api", "@t/core", "prod"),
        ("@t/core", "@t/util", "prod"),
    }
    assert [i.path for i in ws.install_inputs] == ["pnpm-lock.yaml", "package.json", "pnpm-workspace.yaml"]
    assert [p.name for p in ws.closure("@t/api", prod=True)] == ["@t/util", "@t/core", "@t/api"]


def test_workspace_protocol_variants_and_aliases(tmp_path: Path) -> None:
    members = {
        "packages/a": {"name": "a", "version": "1.2.0"},
        "packages/b": {"name": "b", "version": "1.0.0"},
        "packages/c": {"name": "c", "version": "1.0.0"},
        "apps/app": {
            "name": "app",
            "dependencies": {"a": "workspace:^1.0.0", "alias-b": "workspace:b@*", "c": "workspace:../../packages/c"},
            "devDependencies": {"linked": "link:../../packages/a", "zod": "catalog:", "x": "npm:lodash@^4"},
        },
    }
    ws = scan(
        Repo(
            workspace(
                tmp_path, members, {"pnpm-workspace.yaml": "packages: [apps/*, packages/*]\ncatalog:\n  zod: ^3\n"}
            )
        )
    )
    targets = sorted((link.target, link.kind) for link in ws.links if link.source == "app")
    assert targets == [("a", "dev"), ("a", "prod"), ("b", "prod"), ("c", "prod")]
    assert not [w for w in ws.warnings if "catalog" in w]


def test_missing_catalog_entry_warns(tmp_path: Path) -> None:
    members = {"apps/app": {"name": "app", "dependencies": {"zod": "catalog:tools"}}}
    ws = scan(Repo(workspace(tmp_path, members)))
    assert any("catalog 'tools' has no such entry" in w for w in ws.warnings)


def test_link_workspace_packages_links_plain_ranges(tmp_path: Path) -> None:
    members = {
        "packages/a": {"name": "a", "version": "2.1.0"},
        "apps/app": {"name": "app", "dependencies": {"a": "^2.0.0"}},
    }
    ws = scan(Repo(workspace(tmp_path, members, {".npmrc": "link-workspace-packages=true\n"})))
    assert [(link.source, link.target) for link in ws.links] == [("app", "a")]
    assert ".npmrc" in [i.path for i in ws.install_inputs]


def test_prerelease_members_link_as_pnpm_decides(tmp_path: Path) -> None:
    members = {
        "packages/a": {"name": "a", "version": "2.0.0-beta.1"},
        "packages/b": {"name": "b", "version": "2.0.0-beta.1"},
        "packages/c": {"name": "c", "version": "1.0.0"},
        "packages/d": {"name": "d", "version": "2.0.0-beta.1"},
        "packages/e": {"name": "e", "version": "2.0.0-beta.1"},
        "apps/app": {
            "name": "app",
            "dependencies": {"a": "^2.0.0-beta.0", "b": "^2.0.0", "c": "=v1.0.0"},
            "devDependencies": {"d": "workspace:^2.0.0", "e": "workspace:~2.0.0-beta"},
        },
    }
    ws = scan(Repo(workspace(tmp_path, members, {".npmrc": "link-workspace-packages=true\n"})))
    # ^2.0.0 admits no prerelease of 2.0.0, so pnpm takes b from the registry and warns about d
    assert sorted(link.target for link in ws.links if link.source == "app") == ["a", "c", "d", "e"]
    assert [w for w in ws.warnings if "does not match" in w] == [
        "apps/app/package.json: d@workspace:^2.0.0 does not match d@2.0.0-beta.1 in the workspace"
    ]


def test_cycle_is_a_warning_with_deterministic_order(tmp_path: Path) -> None:
    members = {
        "packages/a": {"name": "a", "dependencies": {"b": "workspace:*"}},
        "packages/b": {"name": "b", "dependencies": {"a": "workspace:*"}},
        "apps/app": {"name": "app", "dependencies": {"a": "workspace:*"}},
    }
    ws = scan(Repo(workspace(tmp_path, members)))
    assert [p.name for p in ws.closure("app", prod=False)] == ["b", "a", "app"]
    assert ws.cycle_warnings("app") == ("dependency cycle: a -> b -> a",)


def test_build_closure_adds_dev_workspace_packages(tmp_path: Path) -> None:
    members = {
        "packages/testing": {"name": "testing"},
        "apps/app": {"name": "app", "devDependencies": {"testing": "workspace:*"}},
    }
    ws = scan(Repo(workspace(tmp_path, members)))
    assert [p.name for p in ws.closure("app", prod=True)] == ["app"]
    assert [p.name for p in ws.closure("app", prod=False)] == ["testing", "app"]


def test_install_inputs_include_pnpmfile_and_patches_from_yaml_and_package_json(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {"apps/app": {"name": "app"}},
        {
            "package.json": {"name": "r", "packageManager": "pnpm@10.0.0", "pnpm": {"patchedDependencies": {"b@1.0.0": "patches/b.patch"}}},
            "pnpm-workspace.yaml": "packages: [apps/*]\npatchesDir: my-patches\npatchedDependencies:\n  a@1.0.0: my-patches/a.patch\n",
            "my-patches/a.patch": "x", "patches/b.patch": "y", ".pnpmfile.cjs": "module.exports = {}",
        },
    )  # fmt: skip
    paths = [i.path for i in scan(Repo(root)).install_inputs]
    assert paths[-3:] == [".pnpmfile.cjs", "my-patches/a.patch", "patches/b.patch"]


def test_custom_pnpmfile_setting(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"apps/app": {"name": "app"}}, {
        "pnpm-workspace.yaml": "packages: [apps/*]\npnpmfile: config/hooks.cjs\n", "config/hooks.cjs": "",
    })  # fmt: skip
    assert "config/hooks.cjs" in [i.path for i in scan(Repo(root)).install_inputs]


# ---------------------------------------------------------------- bad input


def _error(root: Path) -> InputError:
    with pytest.raises(InputError) as err:
        scan(Repo(root))
    return err.value


def test_no_workspace_file_and_no_package_json(tmp_path: Path) -> None:
    err = _error(tmp_path)
    assert err.path == "pnpm-workspace.yaml" and "no package.json" in err.message and "--root" in (err.hint or "")


@pytest.mark.parametrize("content", ["", "~\n", "# only a comment\n"])
def test_empty_or_null_workspace_file_is_root_only_with_warning(tmp_path: Path, content: str) -> None:
    ws = scan(Repo(workspace(tmp_path, {"apps/a": {"name": "a"}}, {"pnpm-workspace.yaml": content})))
    assert ws.packages == ()
    assert any("only the root project" in w for w in ws.warnings)


def test_workspace_file_without_packages_key_is_root_only_with_warning(tmp_path: Path) -> None:
    ws = scan(Repo(workspace(tmp_path, {"apps/a": {"name": "a"}}, {"pnpm-workspace.yaml": "catalog:\n  zod: ^3\n"})))
    assert ws.packages == ()
    assert any("no `packages:` key" in w for w in ws.warnings)


def test_malformed_workspace_yaml(tmp_path: Path) -> None:
    err = _error(workspace(tmp_path, {}, {"pnpm-workspace.yaml": "packages:\n  - apps/*\n  bad: [\n"}))
    assert err.path == "pnpm-workspace.yaml" and err.line is not None and err.col is not None


def test_glob_escaping_the_root_names_line_and_column(tmp_path: Path) -> None:
    err = _error(workspace(tmp_path, {}, {"pnpm-workspace.yaml": "packages:\n  - apps/*\n  - ../other/*\n"}))
    assert (err.line, err.col) == (3, 5)
    assert "outside the workspace root" in err.message


def test_invalid_member_json(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, {"apps/a/package.json": '{"name": "a",,}'})
    err = _error(root)
    assert err.location == "apps/a/package.json:1:14"


def test_member_without_name(tmp_path: Path) -> None:
    err = _error(workspace(tmp_path, {"apps/a": {"version": "1.0.0"}}))
    assert err.path == "apps/a/package.json" and 'no "name"' in err.message


def test_members_sharing_a_name_are_accepted_and_named_by_folder(tmp_path: Path) -> None:
    """pnpm accepts them (tests/test_pnpm_names.py asks pnpm); a target cannot name one of them."""
    ws = scan(
        Repo(workspace(tmp_path, {"apps/a": {"name": "dup"}, "packages/b": {"name": "dup"}, "apps/c": {"name": "c"}}))
    )
    assert [(p.dir, p.selector) for p in ws.packages] == [
        ("apps/a", "./apps/a"),
        ("apps/c", "c"),
        ("packages/b", "./packages/b"),
    ]
    with pytest.raises(InputError) as err:
        ws.find("dup")
    assert "(apps/a, packages/b)" in err.value.message and err.value.hint
    assert ws.find("c") is not None


def test_a_root_named_like_a_member_leaves_the_name_to_the_member(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"apps/x": {"name": "x", "dependencies": {"ms": "^2"}}}, {"package.json": {"name": "x"}})
    ws = scan(Repo(root))
    member = ws.find("x")
    assert member is not None and member.dir == "apps/x" and member.selector == "./apps/x"
    assert ws.root.name == "" and ws.root.dir == "."


def test_workspace_dependency_on_unmatched_package(tmp_path: Path) -> None:
    err = _error(workspace(tmp_path, {"apps/a": {"name": "a", "dependencies": {"ghost": "workspace:*"}}}))
    assert err.path == "apps/a/package.json" and "ghost" in err.message
    assert "pnpm-workspace.yaml" in (err.hint or "")


def test_missing_lockfile(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"apps/a": {"name": "a"}})
    (root / "pnpm-lock.yaml").unlink()
    err = _error(root)
    assert err.path == "pnpm-lock.yaml" and "pnpm install" in (err.hint or "")


def test_missing_patch_file(tmp_path: Path) -> None:
    root = workspace(
        tmp_path, {}, {"pnpm-workspace.yaml": "packages: []\npatchedDependencies:\n  a@1: patches/a.patch\n"}
    )
    err = _error(root)
    assert "patches/a.patch" in err.message


def test_crlf_and_bom_files_are_accepted(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, {
        "pnpm-workspace.yaml": "packages:\r\n  - apps/*\r\n",
        "apps/a/package.json": b'\xef\xbb\xbf{"name": "a"}\r\n',
    })  # fmt: skip
    assert [p.name for p in scan(Repo(root)).packages] == ["a"]


def test_stale_lockfile_importers_warn(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"apps/a": {"name": "a"}}, {"pnpm-lock.yaml": lockfile(["."])})
    assert any("no importer for apps/a" in w for w in scan(Repo(root)).warnings)


def test_root_without_package_json(tmp_path: Path) -> None:
    build_tree(tmp_path, {"pnpm-workspace.yaml": "packages: []\n", "pnpm-lock.yaml": lockfile(["."])})
    err = _error(tmp_path)
    assert err.path == "package.json"


def test_scan_output_does_not_depend_on_listing_order(tmp_path: Path) -> None:
    root = api_workspace(tmp_path)
    first = scan(Repo(root))
    (root / "apps" / "api" / "package.json").write_text(
        json.dumps(json.loads((root / "apps/api/package.json").read_text()))
    )
    assert scan(Repo(root)).packages == first.packages


def test_tsconfig_paths_link_folders_that_are_not_packages(tmp_path: Path) -> None:
    """`paths` into a folder with no package.json is a build input; into members, the graph's business."""
    root = build_tree(
        tmp_path,
        {
            "libraries/x/src/a.ts": "export const a = 1;\n",
            "packages/core/src/index.ts": "",
            "apps/api/tsconfig.json": '{"compilerOptions": {"baseUrl": ".", "paths": {'
            '"@x/lib/*": ["../../libraries/x/src/*"], "@acme/*": ["../../packages/*/src"], "@/*": ["./src/*"],'
            ' "@/exact": ["../../libraries/x/src/a.ts"], "mod": ["../../node_modules/mod"]}}}',
        },
    )
    repo = Repo(root)
    api = parse_manifest({"name": "api"}, "apps/api", "apps/api/package.json", ("tsconfig.json",))
    core = parse_manifest({"name": "core"}, "packages/core", "packages/core/package.json")
    links = ts_links(repo, (api, core))
    assert [(link.target, link.kind) for link in links] == [("libraries/x/src", "paths")]
