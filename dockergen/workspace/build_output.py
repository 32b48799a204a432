"""When every start script is for development (`tsx watch src/index.ts`, `nest start --watch`),
the production command is node on what the build writes: inferred from the build tool (Nest's
CLI, tsc's outDir, tsup, tsdown, esbuild) and the development entry point. A guess, flagged so."""

from __future__ import annotations

import posixpath
import re
import shlex

from dockergen.workspace.bundler_config import BundlerConfig
from dockergen.workspace.manifest import Package
from dockergen.workspace.shell_words import split, unwrap
from dockergen.workspace.tsconfig import BuildInfo

DEV_SCRIPTS = ("start", "start:dev", "dev", "start:prod", "watch")
DEV_RUNNERS = frozenset({"tsx", "ts-node", "ts-node-dev", "nodemon", "node", "bun", "jiti"})
OUT_FLAGS = ("--out-dir", "--outDir", "--outdir", "--outfile", "--outFile")
SOURCE_SUFFIX = re.compile(r"\.(m|c)?[jt]sx?$")


def infer_from_build(pkg: Package, info: BuildInfo) -> tuple[tuple[str, ...], str] | None:
    """(argv, source) of `node <build output>`, or None when the build's output is unknown."""
    build = pkg.script("build")
    if not build:
        return None
    entry, dev = dev_entry(pkg)
    for words in _commands(build, pkg):
        out = _output(words, entry, pkg, info)
        if out is not None:
            tool = words[0]
            via = f"{dev} is for development" if dev else "no start script"
            return ("node", out), f'inferred: {via}; the build ("{tool}") writes {out}'
    return None


def nest_entry(pkg: Package, info: BuildInfo) -> str:
    """Where `nest build` writes `src/main.ts`: tsconfig.build.json's outDir and (inferred) rootDir."""
    entry = f"{info.nest_source_root}/{info.nest_entry_file}.ts"
    return _tsc_output(entry, pkg, info, info.nest_tsconfig) or "dist/main.js"


def declared_outputs(pkg: Package) -> tuple[str, ...]:
    """Where the build script's commands say they write (`--outDir`, a bundler's `-d`/`--out-dir`/
    `--outfile`), relative to the package folder."""
    out = []
    for words in _commands(pkg.script("build") or "", pkg):
        names = OUT_FLAGS if words[0] == "tsc" else ("-d", *OUT_FLAGS)  # tsc's -d is --declaration
        flag = _flag(words, names)
        if flag and not flag.startswith("-"):
            out.append(posixpath.normpath(flag))
    return tuple(out)


def dev_entry(pkg: Package) -> tuple[str | None, str | None]:
    """The source file a development start script runs, and that script's name."""
    for name in DEV_SCRIPTS:
        words = _through_runner(unwrap(split(pkg.script(name) or ""), []), pkg)
        if not words:
            continue
        if words[:2] == ["nest", "start"]:
            return "src/main.ts", name
        if words[0] in DEV_RUNNERS:
            files = [w for w in words[1:] if not w.startswith("-") and SOURCE_SUFFIX.search(w)]
            if files:
                return posixpath.normpath(files[0]), name
    return None, None


def _through_runner(words: list[str] | None, pkg: Package) -> list[str] | None:
    """`pnpm with-env tsx src/main.ts` -> the with-env script's command with `tsx src/main.ts`
    appended, as pnpm runs it (one hop)."""
    if not words or words[0] != "pnpm" or len(words) < 2:
        return words
    rest = words[2:] if words[1] == "run" else words[1:]
    script = pkg.script(rest[0]) if rest else None
    if script is None:
        return words
    args = rest[1:][1:] if rest[1:2] == ["--"] else rest[1:]
    return unwrap(split(" ".join([script, *(shlex.quote(a) for a in args)])), [])


def build_commands(pkg: Package) -> list[list[str]]:
    """The commands of the build script as words (`a && b` split, `pnpm run x` followed)."""
    return _commands(pkg.script("build") or "", pkg)


def _commands(script: str, pkg: Package, hops: int = 0) -> list[list[str]]:
    """The commands of a build script (`a && b` split), `pnpm run x` followed."""
    out: list[list[str]] = []
    for part in script.split("&&"):
        words = unwrap(split(part.strip()), [])
        if not words:
            continue
        target = words[2] if words[:2] in (["pnpm", "run"], ["npm", "run"]) and len(words) > 2 else None
        if target is None and words[0] == "pnpm" and len(words) == 2:
            target = words[1]
        if target and pkg.script(target) and hops < 5:
            out += _commands(pkg.script(target) or "", pkg, hops + 1)
        else:
            out.append(words)
    return out


def _output(words: list[str], entry: str | None, pkg: Package, info: BuildInfo) -> str | None:
    tool = words[0]
    if tool == "nest" and words[1:2] == ["build"]:
        return nest_entry(pkg, info)
    if tool == "tsc":
        config = _flag(words, ("-p", "--project")) or "tsconfig.json"
        return _tsc_output(entry, pkg, info, posixpath.basename(config)) if entry else None
    if tool in ("tsup", "tsdown"):
        bundler = info.bundler if info.bundler is not None and info.bundler.tool == tool else None
        return _bundler_output(words, entry, pkg, bundler)
    if tool == "esbuild":
        outfile = _flag(words, ("--outfile",))
        return posixpath.normpath(outfile) if outfile else None
    return None


def _tsc_output(entry: str, pkg: Package, info: BuildInfo, config: str) -> str | None:
    """outDir + the entry relative to rootDir (tsc's default rootDir for `src/x.ts` is `src`)."""
    prefix = "" if pkg.dir == "." else f"{pkg.dir}/"
    project = next((p for p in info.projects if p.config == f"{prefix}{config}"), None)
    project = project or next((p for p in info.projects if p.config == f"{prefix}tsconfig.json"), None)
    out_dir = _relative(project.out_dir, pkg.dir) if project and project.out_dir else "dist"
    root = _relative(project.root_dir, pkg.dir) if project and project.root_dir else posixpath.dirname(entry)
    inside = posixpath.relpath(entry, root or ".") if root else entry
    if inside.startswith(".."):
        inside = entry
    return posixpath.normpath(posixpath.join(out_dir, SOURCE_SUFFIX.sub(".js", inside)))


def _bundler_output(words: list[str], entry: str | None, pkg: Package, config: BundlerConfig | None) -> str | None:
    """tsup/tsdown write `<outDir>/<entry name>` with the extension of their format; flags win over
    the config file, which wins over the defaults. tsup: CommonJS by default, `.js` for the format
    of the package type, else `.mjs`/`.cjs`. tsdown: ES modules and `src/index.ts` by default, and
    on its default platform (node) a fixed extension, `.mjs`/`.cjs` whatever the package type
    (checked against tsdown 0.21 in tests/test_bundler_oracle.py)."""
    tool = words[0]
    config = config or BundlerConfig(pkg.dir, tool)
    files = [w for w in words[1:] if not w.startswith("-") and SOURCE_SUFFIX.search(w)]
    source = files[0] if files else config.entry or ("src/index.ts" if tool == "tsdown" else entry)
    if source is None:
        return None
    out_dir = _flag(words, ("-d", "--out-dir", "--outDir")) or config.out_dir or "dist"
    fmt = _flag(words, ("--format", "-f")) or config.format or ("cjs" if tool == "tsup" else "esm")
    esm = fmt.split(",")[0] in ("esm", "es", "module")
    platform = _flag(words, ("--platform",)) or config.platform or "node"
    fixed = "--fixed-extension" in words or (
        tool == "tsdown" and (config.fixed_extension if config.fixed_extension is not None else platform == "node")
    )
    ext = ".js" if esm == pkg.type_module and not fixed else (".mjs" if esm else ".cjs")
    name = (config.entry_name if not files and config.entry else None) or SOURCE_SUFFIX.sub(
        "", posixpath.basename(source)
    )
    return posixpath.normpath(posixpath.join(out_dir, name + ext))


def _flag(words: list[str], names: tuple[str, ...]) -> str | None:
    for index, word in enumerate(words):
        for name in names:
            if word == name and index + 1 < len(words):
                return words[index + 1]
            if word.startswith(name + "="):
                return word.split("=", 1)[1]
    return None


def _relative(path: str, package_dir: str) -> str:
    return path if package_dir == "." else posixpath.relpath(path, package_dir)
