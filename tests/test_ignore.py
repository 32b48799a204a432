import pytest

from dockergen.dockerignore import parse, validate
from dockergen.errors import InputError


@pytest.mark.parametrize(
    ("patterns", "path", "ignored"),
    [
        ("*.md", "README.md", True),
        ("*.md", "docs/README.md", False),  # Docker anchors at the root, unlike git
        ("**/*.md", "docs/deep/README.md", True),
        ("**/*.md", "README.md", True),
        ("docs", "docs/a/b.txt", True),  # a folder pattern covers what is inside
        ("docs/", "docs/a.txt", True),
        ("*\n!src", "src/index.ts", False),
        ("*\n!src\nsrc/secret", "src/secret/key", True),
        ("*\n!src\n**/node_modules", "src/node_modules/x/index.js", True),
        ("!src\n*", "src/index.ts", True),  # last match wins
        ("dist\n!dist/keep.txt", "dist/keep.txt", False),
        ("# comment\n\n  *.log  ", "a.log", True),
        ("/abs.txt", "abs.txt", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a?c", "abc", True),
        ("[a-c].txt", "b.txt", True),
        ("*/**/.npmrc", ".npmrc", False),
        ("*/**/.npmrc", "pkg/.npmrc", True),
    ],
)
def test_docker_matching_rules(patterns: str, path: str, ignored: bool) -> None:
    assert parse(patterns).is_ignored(path) is ignored


def test_deciding_rule_is_reported() -> None:
    ignored, rule = parse("*\n!apps\n\n**/dist\n").decide("apps/api/dist/x.js")
    assert ignored and rule is not None and (rule.line, rule.text) == (4, "**/dist")


def test_validate_names_the_rule_and_the_path() -> None:
    ignore = parse("*\n!patches\n!pnpm-lock.yaml\n**/*.patch\n", "apps/api/Dockerfile.dockerignore")
    with pytest.raises(InputError) as err:
        validate(ignore, ("pnpm-lock.yaml", "patches/a.patch"), "apps/api/Dockerfile")
    assert err.value.message == "rule '**/*.patch' hides patches/a.patch, which apps/api/Dockerfile copies"
    assert (err.value.path, err.value.line) == ("apps/api/Dockerfile.dockerignore", 4)
