"""No value becomes syntax: every step kind, rendered with hostile words (leading dashes, `=`,
`:`, spaces, quotes, `$`, backslashes, unicode) where a repository or config value can reach it,
read back with BuildKit's own parser (the `dockerfile` package): exactly one instruction, exactly
the intended flags, and the values exactly as intended once BuildKit has processed the words
(tests/buildkit_words.py); RUN words as /bin/sh itself splits them. A value a filter cannot spell
safely is refused (ValueError: a bug upstream, which must have rejected it on input).

Examples: HYPOTHESIS_PROFILE=ci (set by CI=true) 200 per test, the default profile 25."""

from __future__ import annotations

import shutil
import subprocess

import dockerfile
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dockergen.plan.model import Cmd, Command, Copy, Env, Healthcheck, Label, Mount, Run, Step, Workdir
from dockergen.render import render_step
from dockergen.validate import absolute_path, context_path, control_chars, env_key, label_key
from tests import test_hostile_values  # noqa: F401  (loads the hypothesis profiles)
from tests.buildkit_words import Expanded, mount_fields, process_word

# Words built to look like syntax: flags (`--from=x`, `--`, `-r`), key=value, key:value, quotes,
# `$`, `\`, spaces, and unicode around them.
PIECES = st.sampled_from(
    ["-", "--", "--from=", "--chown=", "--mount=", "=", ":", ",", " ", "  ", "'", '"', "$", "${X}", "$X", "\\",
     "#", "[", "]", "{", "}", "*", "?", "!", "&&", ";", "|", "`", "é", "ü", "🙂", "\u00a0", "a", "b", "x", "1",
     "/", ".", "..", "./", "type=bind", "target=/", "from=base", "CMD", "RUN", "AS"]
)  # fmt: skip
WORD = st.one_of(
    st.lists(PIECES, min_size=1, max_size=6).map("".join),
    st.text(min_size=1, max_size=12),
)


def _one(step: Step) -> dockerfile.Command:
    """The step rendered, parsed by BuildKit: exactly one instruction (comments are not ones)."""
    parsed = dockerfile.parse_string(render_step(step) + "\n")
    assert len(parsed) == 1, (step, parsed)
    return parsed[0]


def _renders(step: Step) -> dockerfile.Command | None:
    """The parsed step, or None when the renderer refuses the value (a bug upstream by design)."""
    try:
        return _one(step)
    except ValueError as exc:
        assert "refusing to render" in str(exc), exc
        return None


def _path(word: str) -> str:
    """A value as the readers let paths through: a relative path with no pattern syntax (the
    characters they refuse are dropped, so few examples are thrown away)."""
    kept = "".join(ch for ch in word if ch not in "*?[]\\" and not control_chars(ch))
    path = kept.strip().strip("/") or "x"
    assume(context_path(path) is None and not path.startswith(".."))
    return path


settings_ = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@settings_
@given(sources=st.lists(WORD, min_size=1, max_size=3), dest=WORD, stage=st.booleans())
def test_copy_words_are_sources_and_destination_never_flags(sources: list[str], dest: str, stage: bool) -> None:
    """A source named `--from=base` or `--` was a flag of the plain form (the JSON form has none)."""
    paths = tuple(_path(s) for s in sources)
    target = _path(dest) + "/"
    step = Copy(paths, target, "c", from_stage="libs" if stage else None, chown="1000:1000" if stage else None)
    command = _one(step)
    assert command.cmd == "COPY"
    assert command.flags == (("--from=libs", "--chown=1000:1000") if stage else ())
    assert tuple(process_word(w) for w in command.value) == (*paths, target)


@settings_
@given(words=st.lists(WORD, min_size=1, max_size=4))
def test_run_words_reach_the_shell_as_the_same_words(words: list[str]) -> None:
    """RUN's shell form is run by /bin/sh: the words it receives are exactly the argv."""
    words = ["".join(ch for ch in w if not control_chars(ch)) for w in words]
    command = _one(Run((Command(("printf", "%s\\0", *words)),), "r"))
    assert command.cmd == "RUN" and command.flags == () and len(command.value) == 1
    sh = shutil.which("sh")
    assert sh is not None
    done = subprocess.run([sh, "-c", command.value[0]], capture_output=True, check=True, env={})
    assert done.stdout.decode("utf-8", "surrogateescape").split("\0")[:-1] == words


@settings_
@given(value=WORD)
def test_mount_fields_are_the_values_given_or_refused(value: str) -> None:
    """`--mount` fields reach BuildKit through its flag reader, a CSV reader and its word
    processing: a value is written as is only when all three leave it alone, else refused."""
    step = Run((Command(("true",)),), "m", (Mount("cache", id=value, target=f"/cache/{value}"),))
    command = _renders(step)
    if command is None:
        return
    assert len(command.flags) == 1, command.flags
    fields = mount_fields(command.flags[0])
    assert fields == {"type": "cache", "id": value, "target": f"/cache/{value}"}


ENV_KEY = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,8}\Z")
LABEL_KEY = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._/-]{0,12}\Z")


@settings_
@given(pairs=st.lists(st.tuples(ENV_KEY, WORD), min_size=1, max_size=3, unique_by=lambda p: p[0]))
def test_env_pairs_are_the_keys_and_values_given(pairs: list[tuple[str, str]]) -> None:
    assert all(env_key(k) is None for k, _ in pairs)
    command = _renders(Env(tuple(pairs), "e"))
    if command is None:
        return
    assert command.cmd == "ENV" and command.flags == ()
    assert _pairs(command.value) == pairs


@settings_
@given(pairs=st.lists(st.tuples(LABEL_KEY, WORD), min_size=1, max_size=3))
def test_label_pairs_are_the_keys_and_values_given(pairs: list[tuple[str, str]]) -> None:
    assert all(label_key(k) is None for k, _ in pairs)
    command = _renders(Label(tuple(pairs), "l"))
    if command is None:
        return
    assert command.cmd == "LABEL" and command.flags == ()
    assert _pairs(command.value) == pairs


def _pairs(value: tuple[str, ...]) -> list[tuple[str, str]]:
    words = [process_word(w) for w in value]
    return list(zip(words[::2], words[1::2], strict=True))


@settings_
@given(word=WORD)
def test_workdir_is_the_path_given(word: str) -> None:
    """WORKDIR processes its word (quotes, `\\`, `$`): a member folder named `a $b` was /app/a ."""
    path = "/app/" + _path(word)
    assume(absolute_path(path) is None)
    command = _renders(Workdir(path, "w"))
    if command is None:
        return
    assert command.cmd == "WORKDIR" and command.flags == ()
    assert process_word(" ".join(command.value)) == path


@settings_
@given(argv=st.lists(WORD, min_size=1, max_size=4))
def test_cmd_and_healthcheck_are_exec_form_with_the_argv_given(argv: list[str]) -> None:
    cmd = _renders(Cmd(tuple(argv), "c"))
    if cmd is None:
        assert any(control_chars(a) for a in argv)
        return
    assert cmd.cmd == "CMD" and cmd.json and cmd.flags == () and cmd.value == tuple(argv)
    health = _one(Healthcheck(tuple(argv), "h"))
    assert health.cmd == "HEALTHCHECK" and health.json
    assert health.flags == ("--interval=30s", "--timeout=5s", "--start-period=10s", "--retries=3")
    assert health.value == ("CMD", *argv)


@pytest.mark.parametrize("word", ["--from=base", "--", "-r", "--chown=0:0", "--mount=type=bind,target=/"])
def test_copy_of_a_path_named_like_a_flag(word: str) -> None:
    command = _one(Copy((word,), "./", "c"))
    assert command.json and command.flags == () and command.value == (word, "./")


def test_workdir_of_a_folder_named_with_dollar_quotes_and_spaces() -> None:
    path = "/app/apps/my $HOME 'q' \"d\" \\b"
    command = _one(Workdir(path, "w"))
    assert process_word(" ".join(command.value)) == path


def test_buildkit_words_reports_expansions() -> None:
    with pytest.raises(Expanded):
        process_word("a$HOME")
    assert process_word('a\\$HOME \'b c\' "d\\"e"') == 'a$HOME b c d"e'
