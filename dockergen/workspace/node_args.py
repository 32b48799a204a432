"""`node [options] [script] [args]` as Node itself splits it: which words are Node's options (and
the values they take), which one is the script, which are the script's own arguments.

Node stops reading options at the first word that does not start with `-` (or at `--`); an option
that takes a value takes the next word unless written `--name=value`. The names that take a value
are Node's own (tests/test_node_args.py compares this table with the running node's option list
and runs node on every case of its table). Options Node does not know go to V8, which takes a
value only as `--name=value`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Options of Node 20, 22 and 24 that take a value (string, list, number, host:port).
VALUE_OPTIONS = frozenset({
    "--allow-fs-read", "--allow-fs-write", "--build-snapshot-config", "--conditions", "--cpu-prof-dir",
    "--cpu-prof-interval", "--cpu-prof-name", "--diagnostic-dir", "--disable-proto", "--disable-warning",
    "--dns-result-order", "--env-file", "--env-file-if-exists", "--eval", "--experimental-config-file",
    "--experimental-default-type", "--experimental-loader", "--experimental-policy", "--experimental-sea-config",
    "--experimental-test-isolation", "--heap-prof-dir", "--heap-prof-interval", "--heap-prof-name",
    "--heapsnapshot-near-heap-limit", "--heapsnapshot-signal", "--icu-data-dir", "--import", "--input-type",
    "--inspect-port", "--inspect-publish-uid", "--localstorage-file", "--max-http-header-size",
    "--max-old-space-size-percentage", "--network-family-autoselection-attempt-timeout", "--openssl-config",
    "--policy-integrity", "--redirect-warnings", "--report-dir", "--report-filename", "--report-signal",
    "--require", "--run", "--secure-heap", "--secure-heap-min", "--security-revert", "--snapshot-blob",
    "--stack-trace-limit", "--test-concurrency", "--test-coverage-branches", "--test-coverage-exclude",
    "--test-coverage-functions", "--test-coverage-include", "--test-coverage-lines", "--test-name-pattern",
    "--test-reporter", "--test-reporter-destination", "--test-shard", "--test-skip-pattern", "--test-timeout",
    "--title", "--tls-cipher-list", "--tls-keylog", "--trace-event-categories", "--trace-event-file-pattern",
    "--trace-require-module", "--unhandled-rejections", "--use-largepages", "--v8-pool-size",
    "--watch-kill-signal", "--watch-path",
})  # fmt: skip
# Other spellings Node accepts for an option (its aliases), by the name they stand for.
ALIASES = {
    "-r": "--require", "-C": "--conditions", "-e": "--eval", "-p": "--print", "-pe": "--print",
    "-i": "--interactive", "-c": "--check", "-v": "--version", "-h": "--help",
    "--loader": "--experimental-loader", "--debug-port": "--inspect-port", "--report-directory": "--report-dir",
    "--security-reverts": "--security-revert",
    "--es-module-specifier-resolution": "--experimental-specifier-resolution",
    "--experimental-permission": "--permission",
}  # fmt: skip
# `-p code` evaluates code: it takes a value although `--print` alone does not.
_TAKES_VALUE_AS_ALIAS = frozenset({"-p", "-pe"})
# Options after which node runs no script file: code on the command line, a REPL, a package.json
# script, the test runner, or information about node itself.
NO_SCRIPT = frozenset({
    "--eval", "--print", "--interactive", "--run", "--test", "--version", "--help", "--v8-options",
    "--prof-process", "--completion-bash",
})  # fmt: skip
# Options whose value is a module node loads before the script (a specifier, not a path).
PRELOADS = frozenset({"--require", "--import", "--experimental-loader"})


@dataclass(frozen=True, slots=True)
class NodeOption:
    """One option as written (one word, or two when the value is the next word) and what it means."""

    name: str  # canonical: aliases resolved, `_` read as `-`
    value: str | None
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NodeArgs:
    """The words after `node`, split as Node splits them; `problem` says why node would refuse them."""

    options: tuple[NodeOption, ...]
    script: str | None
    args: tuple[str, ...]
    problem: str = ""

    @property
    def preloads(self) -> tuple[str, ...]:
        """Module specifiers loaded before the script (`-r`, `--import`, `--loader`)."""
        return tuple(o.value for o in self.options if o.name in PRELOADS and o.value is not None)

    @property
    def runs_script(self) -> bool:
        return self.script is not None and not any(o.name in NO_SCRIPT for o in self.options)


def parse(words: Sequence[str]) -> NodeArgs:
    """Split the words that follow `node` into options, the script and its arguments."""
    options: list[NodeOption] = []
    index = 0
    while index < len(words):
        word = words[index]
        if len(word) <= 1 or not word.startswith("-"):
            break
        index += 1
        if word == "--":
            break
        option, taken = _option(word, words[index : index + 1])
        if option is None:
            return NodeArgs(tuple(options), None, (), f"node: {word} requires an argument")
        options.append(option)
        index += taken
    script = words[index] if index < len(words) else None
    return NodeArgs(tuple(options), script, tuple(words[index + 1 :]))


def _option(word: str, following: Sequence[str]) -> tuple[NodeOption | None, int]:
    """The option `word` starts, and how many following words it takes (None: a missing value)."""
    name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
    name = name[:2] + name[2:].replace("_", "-") if name.startswith("--") else name
    canonical = ALIASES.get(name, name)
    if equals:
        return NodeOption(canonical, value, (word,)), 0
    if canonical not in VALUE_OPTIONS and name not in _TAKES_VALUE_AS_ALIAS:
        return NodeOption(canonical, None, (word,)), 0
    if not following or following[0].startswith("-"):
        return None, 0
    return NodeOption(canonical, following[0], (word, following[0])), 1
