"""How a package starts in production: a start script turned into an exec-form command."""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass

from dockergen.validate import control_chars
from dockergen.workspace import node_args
from dockergen.workspace.build_output import build_commands, infer_from_build, nest_entry
from dockergen.workspace.manifest import PROD_KINDS, Package
from dockergen.workspace.shell_words import and_list, expansions, split, unwrap
from dockergen.workspace.tsconfig import BuildInfo

TS_SOURCE = (".ts", ".tsx", ".mts", ".cts")
# Tools that only make sense while developing, or that are not node.
DEV_TOOLS = frozenset({
    "tsx", "ts-node", "ts-node-dev", "nodemon", "vite", "tsc", "tsgo", "webpack", "rollup", "esbuild",
    "pnpm", "npm", "yarn", "npx", "bun", "deno", "turbo", "expo", "react-scripts", "react-app-rewired",
    "docusaurus", "web-dev-server", "concurrently", "run-p", "run-s", "jiti", "vite-node", "esno",
})  # fmt: skip
# bin name -> the package that provides it, where the two differ.
KNOWN_BINS = {"remix-serve": "@remix-run/serve", "react-router-serve": "@react-router/serve", "srvx": "srvx"}
_DEV_FLAGS = ("--watch", "--inspect", "--inspect-brk")
# Node options that only make sense while developing.
_DEV_OPTIONS = frozenset({"--watch", "--watch-path", "--inspect", "--inspect-brk", "--inspect-wait"})
_ENV_FILE_OPTIONS = frozenset({"--env-file", "--env-file-if-exists"})
# Where the build links a dependency's bin file, relative to the app folder.
BIN_DIR = "node_modules/.dockergen-bin"


# Scripts that may start the app, production ones first.
START_SCRIPTS = ("start:prod", "start:production", "prod", "start", "serve")
RUNNERS = frozenset({"pnpm", "npm", "yarn"})
MAX_SCRIPT_HOPS = 5
NO_BUILD_INFO = BuildInfo()


@dataclass(frozen=True, slots=True)
class StartCommand:
    """Exec-form argv relative to the package folder, where it came from, and what it needs."""

    argv: tuple[str, ...]
    source: str
    env: tuple[tuple[str, str], ...] = ()
    needs_shell: bool = False  # a command only a shell can run (kept for `command:` in dockergen.yaml)
    notes: tuple[str, ...] = ()
    inferred: bool = False  # guessed from the build's output: worth checking
    bin_package: str | None = None  # runs this dependency's bin through a link the build makes (BIN_DIR)
    # node commands the start script runs first, each to success (`node migrate.mjs && node server.mjs`)
    before: tuple[tuple[str, ...], ...] = ()

    @property
    def entry(self) -> str | None:
        """The script file node runs: the first word after node's options, as node splits them."""
        if not self.argv or self.argv[0] != "node":
            return None
        return node_args.parse(self.argv[1:]).script

    @property
    def preload_files(self) -> tuple[str, ...]:
        """Package-relative files node loads before the script (`-r ./x.cjs`, `--import ./y.mjs`),
        in every command of the start script."""
        specs = [
            s for argv in (*self.before, self.argv) if argv[:1] == ("node",) for s in node_args.parse(argv[1:]).preloads
        ]
        return tuple(dict.fromkeys(posixpath.normpath(s) for s in specs if s.startswith(("./", "../"))))

    @property
    def scripts(self) -> tuple[str, ...]:
        """The script file each node command of the start script runs, the ones run first included."""
        found = (node_args.parse(argv[1:]).script for argv in (*self.before, self.argv) if argv[:1] == ("node",))
        return tuple(s for s in found if s is not None)

    @property
    def from_bin(self) -> bool:
        return self.source.startswith('"bin"')


def resolve_start(pkg: Package, info: BuildInfo = NO_BUILD_INFO) -> tuple[StartCommand | None, str]:
    """The production start command, or None and the reason none was found: a production start
    script, else the output of the build when the start scripts are for development, else
    `main` or a single `bin`. A command with a control character is none: it goes into CMD."""
    command, why = _resolve(pkg, info)
    words = (*command.argv, *(v for _, v in command.env)) if command else ()
    unprintable = next((control_chars(w) for w in words if control_chars(w)), None)
    if command is not None and unprintable:
        return None, f"its start command ({command.source}) {unprintable}"
    return command, why


def _resolve(pkg: Package, info: BuildInfo) -> tuple[StartCommand | None, str]:
    reasons = []
    for name in START_SCRIPTS:
        script = pkg.script(name)
        if script:
            command, why = _from_script(script, pkg, name, info)
            if command is not None:
                return command, ""
            reasons.append(f'its {name} script "{script}" {why}')
    inferred = infer_from_build(pkg, info)
    if inferred is not None:
        return StartCommand(inferred[0], inferred[1], inferred=True), ""
    if not reasons and any(words[:2] == ["next", "build"] for words in build_commands(pkg)):
        # a Next.js app without a start script: what `next build` writes, `next start` serves
        source = 'build script "next build" (no start script: next start)'
        command, _ = _program(["next", "start"], pkg, source, [], info)
        if command is not None:
            return command, ""
    command, why = _from_fields(pkg)
    return command, "; ".join([*reasons, why] if why else reasons) or "it has no start script, main or bin"


def _from_fields(pkg: Package) -> tuple[StartCommand | None, str]:
    reasons = []
    for field, value in (("main", pkg.main), ("bin", pkg.bin[0][1] if len(pkg.bin) == 1 else None)):
        normal = posixpath.normpath(value) if value else ""
        if normal.startswith(("/", "../")) or normal == "..":
            reasons.append(f'its "{field}" ({value}) points outside the package')
        elif value and not value.endswith(TS_SOURCE):
            return StartCommand(("node", normal), f'"{field}": "{value}"'), ""
        elif value:
            reasons.append(f'its "{field}" is TypeScript source ({value})')
    return None, "; ".join(reasons)


def start_command(pkg: Package, info: BuildInfo = NO_BUILD_INFO) -> StartCommand | None:
    """The production start command, or None."""
    return resolve_start(pkg, info)[0]


def _from_script(
    script: str, pkg: Package, name: str, info: BuildInfo, hops: int = 0
) -> tuple[StartCommand | None, str]:
    env: list[tuple[str, str]] = []
    expanded = expansions(script)
    if expanded:
        return None, (
            f"uses {', '.join(dict.fromkeys(expanded))}, which only a shell expands "
            "(the image runs its command in exec form, without a shell)"
        )
    problems: list[str] = []
    words = unwrap(split(script), env, problems)
    if words is None and not problems and and_list(script):
        return _in_turn(script, pkg, name, info, hops)
    if words is None:
        return None, problems[0] if problems else "chains several shell commands"
    if not words:
        return None, "runs nothing dockergen recognises"
    target = _run_script_target(words)
    if target is not None:
        return _other_script(target, words[0], pkg, info, hops)
    return _program(words, pkg, f'{name} script "{script}"', env, info)


def _in_turn(script: str, pkg: Package, name: str, info: BuildInfo, hops: int) -> tuple[StartCommand | None, str]:
    """`node migrate.mjs && node server.mjs`: node commands the image runs in turn, as the shell
    would, each to success before the next; the last is the app. Environment assignments and
    other programs before the last are not turned into exec form (they would need a shell)."""
    commands = []
    for part in and_list(script) or ():
        command, why = _from_script(part, pkg, name, info, hops + 1) if hops < MAX_SCRIPT_HOPS else (None, "loops")
        if command is None:
            return None, f"chains several commands, and {part!r} {why}"
        commands.append(command)
    *first, last = commands
    odd = next((c for c in first if c.argv[:1] != ("node",) or c.bin_package or c.env or c.before), None)
    if odd is not None or last.env or last.before or any("&&" in c.argv for c in commands):
        which = " ".join(odd.argv) if odd else " ".join(last.argv)
        return None, f"chains several shell commands ({which!r} needs a shell to run in turn with the others)"
    source = f'{name} script "{script}", its commands in turn'
    notes = tuple(n for c in commands for n in c.notes)
    before = tuple(c.argv for c in first)
    return StartCommand(last.argv, source, notes=notes, bin_package=last.bin_package, before=before), ""


def _other_script(
    target: tuple[str, list[str] | None], runner: str, pkg: Package, info: BuildInfo, hops: int
) -> tuple[StartCommand | None, str]:
    """`pnpm start:prod`: the command of the script it runs, with the words the runner appends."""
    name, args = target
    inner = pkg.script(name)
    if inner is None or hops >= MAX_SCRIPT_HOPS:
        return None, f"runs the script {name!r}, which {'is missing' if inner is None else 'loops'}"
    if args is None:
        return None, f"runs the script {name!r} with options {runner} takes as its own"
    # the runner appends the words after the script's name to it (`pnpm with-env next start`)
    command, why = _from_script(" ".join([inner, *(shlex.quote(a) for a in args)]), pkg, name, info, hops + 1)
    return (command, "") if command else (None, f"runs {name}, which {why}")


def _run_script_target(words: list[str]) -> tuple[str, list[str] | None] | None:
    """`pnpm start:prod`, `npm run start:prod`, `pnpm run start:prod` -> (`start:prod`, the words
    the runner passes on to it: after a first `--`; None when npm or yarn would take some as theirs)."""
    if words[0] not in RUNNERS or len(words) < 2:
        return None
    rest = words[2:] if words[1] == "run" else words[1:]
    if not rest or rest[0].startswith("-") or rest[0] in ("exec", "dlx", "install", "x"):
        return None
    args = rest[1:]
    if args[:1] == ["--"]:
        return rest[0], args[1:]
    if words[0] != "pnpm" and any(a.startswith("-") for a in args):
        return rest[0], None  # npm and yarn read options before `--` themselves
    return rest[0], args


def _program(
    words: list[str], pkg: Package, source: str, env: list[tuple[str, str]], info: BuildInfo
) -> tuple[StartCommand | None, str]:
    """The exec-form command for a plain program invocation: node, Nest's CLI, or a dependency's bin."""
    if words[0] == "node":
        return _node(words, pkg, source, env)
    if words[0] == "nest" and words[1:2] == ["start"] and _has_prod_dep(pkg, "@nestjs/core") and not _dev(words):
        entry = nest_entry(pkg, info)
        return StartCommand(("node", entry), f"{source}, where nest build writes src/main.ts: {entry}", tuple(env)), ""
    if words[0] in DEV_TOOLS or words[1:2] in (["dev"], ["--watch"]):
        return None, f"runs {words[0]}, a development tool"
    provider = _bin_provider(pkg, words[0])
    if provider is None:
        return None, f"runs {words[0]}, which no production dependency provides"
    # node on the bin's own file (a link the build makes), not pnpm's node_modules/.bin shim: that
    # is a /bin/sh script (no exec form, no distroless) and the bin's path varies between versions
    argv = ("node", f"{BIN_DIR}/{words[0]}", *words[1:])
    why = f"{source}, the {words[0]} bin of {provider}"
    return StartCommand(argv, why, tuple(env), bin_package=provider), ""


def _node(words: list[str], pkg: Package, source: str, env: list[tuple[str, str]]) -> tuple[StartCommand | None, str]:
    """node's own options kept as written (their values are specifiers, not paths), the script
    file normalised, the script's arguments untouched."""
    parsed = node_args.parse(words[1:])
    if parsed.problem:
        return None, parsed.problem
    kept: list[str] = []
    notes: list[str] = []
    for option in parsed.options:
        if option.name in _DEV_OPTIONS:
            return None, f"uses {option.words[0]}, which is for development"
        if option.name in _ENV_FILE_OPTIONS:
            notes.append(f"dropped `{' '.join(option.words)}`: a container gets its environment from the runtime")
            continue
        kept.extend(option.words)
    script = parsed.script
    if script is None or not parsed.runs_script:
        return None, "runs node without a script file"
    outside = next((p for p in parsed.preloads if _leaves_package(p)), None)
    if outside is not None:
        return None, f"preloads {outside}, outside the package (the image holds the app's folder only)"
    if script in (".", "./") and pkg.main:
        script = pkg.main
    elif script.endswith(TS_SOURCE):
        return None, f"runs TypeScript source ({script}) directly"
    script = posixpath.normpath(script)
    script = f"./{script}" if script.startswith("-") else script
    argv = ("node", *kept, script, *parsed.args)
    return StartCommand(argv, source, tuple(env), notes=tuple(notes)), ""


def _leaves_package(spec: str) -> bool:
    """A relative specifier (`./x`, `../x`) that leads out of the package folder."""
    normal = posixpath.normpath(spec)
    return spec.startswith(("./", "../")) and (normal == ".." or normal.startswith("../"))


def _dev(words: list[str]) -> bool:
    return any(w.split("=", 1)[0] in (*_DEV_FLAGS, "--debug") for w in words)


def _has_prod_dep(pkg: Package, name: str) -> bool:
    return any(d.name == name for d in pkg.deps_with_root(PROD_KINDS))


def _bin_provider(pkg: Package, binary: str) -> str | None:
    names = [d.name for d in pkg.deps_with_root(PROD_KINDS)]
    exact = [n for n in names if n == binary or KNOWN_BINS.get(binary) == n]
    scoped = [n for n in names if n.rsplit("/", 1)[-1] == binary]  # `@scope/next` may ship a `next` bin
    return next(iter(exact or scoped), None)
