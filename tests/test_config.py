import pytest

from dockergen.config.keys import SCHEMA_MODELINE
from dockergen.config.model import parse_config
from dockergen.errors import ConfigError
from dockergen.init.yaml_edit import NewTarget, add_targets


def test_minimal_config() -> None:
    config = parse_config('targets: {api: {package: "@scope/api", port: 3000}}\n')
    api = config.target("api")
    assert api is not None and (api.package, api.port, api.runtime, api.node) == (
        "@scope/api",
        3000,
        None,
        None,
    )  # None: the default


def test_defaults_merge_into_targets() -> None:
    config = parse_config(
        "defaults:\n  runtime: distroless\n  node: 24\n  env: {TZ: UTC}\n"
        "targets:\n  a: {package: a}\n  b: {package: b, runtime: slim, env: {X: 1}}\n"
    )
    a, b = config.target("a"), config.target("b")
    assert a is not None and b is not None
    assert (a.runtime, a.node, a.env) == ("distroless", "24", (("TZ", "UTC"),))
    assert (b.runtime, b.env) == ("slim", (("X", "1"),))


@pytest.mark.parametrize(
    ("text", "message", "line", "col"),
    [
        ("targets:\n  api:\n    package: a\n    prot: 3000\n", "unknown key 'prot'", 4, 5),
        ("targets:\n  api:\n    package: a\n    port: http\n", "`port` must be", 4, 5),
        ("targets:\n  api:\n    port: 1\n", "has no `package:`", 2, 3),
        ("targets: {}\n", "no targets", 1, 1),
        ("version: 2\ntargets: {a: {package: a}}\n", "unsupported version", 1, 1),
        ("targets:\n  Bad Name: {package: a}\n", "must be lowercase", 2, 3),
        ("targets:\n  scratch: {package: a}\n", "the empty image's name", 2, 3),
        ("targets:\n  a:\n    package: a\n    health: health\n", "URL path", 4, 5),
        ("targets:\n  a:\n    package: a\n    user: node\n", "numeric uid:gid", 4, 5),
        ("targets:\n  a:\n    package: a\n    dockerfile: ../x\n", "outside the workspace root", 4, 5),
        ("targets:\n  a:\n    package: a\n    instructions: {final: [RUN x]}\n", "unknown stage", 4, 20),
        ("- a\n", "must be a mapping", 1, 1),
    ],
)
def test_config_errors_point_at_the_key(text: str, message: str, line: int, col: int) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert message in err.value.message
    assert (err.value.path, err.value.line, err.value.col) == ("dockergen.yaml", line, col)


def test_unknown_key_suggests_the_closest() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config("targets:\n  a:\n    package: a\n    helth: /h\n")
    assert err.value.hint == "did you mean `health`?"


def test_add_targets_keeps_user_comments_order_and_formatting() -> None:
    existing = (
        "# my team's notes\n"
        "version: 1\n"
        "targets:\n"
        "  web:   # the storefront\n"
        "    package: '@s/web'\n"
        "    port: 8080   # behind the proxy\n"
    )
    new = NewTarget("api", "@s/api", 3000, "/health", None, (("node", '"22"  # detected from .nvmrc'),))
    out = add_targets(existing, [new])
    assert out.startswith(existing)
    assert '  api:\n    package: "@s/api"  # workspace package to ship' in out
    assert '    # node: "22"  # detected from .nvmrc.' in out
    parsed = parse_config(out)
    assert [t.name for t in parsed.targets] == ["api", "web"]


def test_add_targets_to_a_fresh_file_parses_back() -> None:
    out = add_targets(None, [NewTarget("worker", "@s/worker", None, None, None, ())])
    assert out.startswith(f"{SCHEMA_MODELINE}\n# dockergen.yaml")
    worker = parse_config(out).target("worker")
    assert worker is not None and worker.port is None
