import pytest

from dockergen.workspace import semver


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ((22, 14, 0), ">=22.14.0", True),
        ((22, 13, 9), ">=22.14.0", False),
        ((22, 1, 0), "^22.0.0", True),
        ((23, 0, 0), "^22.0.0", False),
        ((0, 2, 5), "^0.2.3", True),
        ((0, 3, 0), "^0.2.3", False),
        ((1, 2, 9), "~1.2.3", True),
        ((1, 3, 0), "~1.2.3", False),
        ((20, 9, 0), ">=20 <21", True),
        ((21, 0, 0), ">=20 <21", False),
        ((18, 0, 0), "^16 || ^18", True),
        ((22, 5, 0), "22.x", True),
        ((22, 5, 0), "20 - 22", True),
        ((23, 0, 0), "20 - 22", False),
        ((1, 0, 0), "*", True),
        ((1, 0, 0), ">= 1.0.0", True),
    ],
)
def test_satisfies(version: tuple[int, int, int], spec: str, expected: bool) -> None:
    assert semver.satisfies(version, spec) is expected


def test_major_allowed_and_lowest_major() -> None:
    assert semver.major_allowed(22, ">=20")
    assert not semver.major_allowed(18, ">=20")
    assert semver.major_allowed(20, ">=20.19 <21")
    assert semver.lowest_major("^18 || ^20") == 18


@pytest.mark.parametrize("text", ["lts/*", "latest-ish", "", "git+ssh://x"])
def test_unparseable_versions_are_none(text: str) -> None:
    assert semver.parse_version(text) is None


def test_parse_version_accepts_v_prefix_and_prerelease() -> None:
    assert semver.parse_version("v24.6.0") == (24, 6, 0)
    assert semver.parse_version("12.0.0-rc.8") == (12, 0, 0)
    assert semver.parse_version("22") == (22, 0, 0)
