"""Tools a library's build runs that no library nor the workspace root declares (`tsc` while only
the app declares `typescript`): with `shamefullyHoist` the repository resolves them from the root's
node_modules, where the package that declares them puts them. The libraries' install then installs
that package's own dependencies too (not its workspace ones), so hoisting exposes the tool there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockergen.workspace.manifest import Package
from dockergen.workspace.shell_words import split, unwrap

if TYPE_CHECKING:
    from dockergen.plan.stage_inputs import StageInputs

# Commands whose package has another name; any other command is looked up by its own name.
PROVIDERS = {
    "tsc": "typescript", "tsserver": "typescript", "nest": "@nestjs/cli", "babel": "@babel/cli",
    "swc": "@swc/cli", "webpack": "webpack-cli", "ng": "@angular/cli", "tailwind": "tailwindcss",
    "vue-tsc": "vue-tsc", "tspc": "ts-patch", "lerna": "lerna", "eslint": "eslint", "rimraf": "rimraf",
}  # fmt: skip
# Not packages: the shell's and pnpm's own commands.
_BUILTIN = frozenset(
    {"pnpm", "npm", "npx", "node", "cd", "rm", "cp", "mv", "mkdir", "echo", "test", "true", "sh", "bash"}
)
MAX_SCRIPT_HOPS = 5


def build_commands(pkg: Package, warnings: list[str] | None = None) -> tuple[str, ...]:
    """The commands the package's build script runs (`rimraf dist && tsc -b` -> rimraf, tsc),
    following `pnpm run <script>` within the package, MAX_SCRIPT_HOPS deep (a warning says so)."""
    found: list[str] = []
    scripts = [pkg.script("build") or ""]
    for _ in range(MAX_SCRIPT_HOPS):
        if not scripts:
            break
        nested: list[str] = []
        for script in scripts:
            for part in script.replace("||", "&&").replace(";", "&&").split("&&"):
                words = unwrap(split(part.strip()), [])
                if not words:
                    continue
                target = words[2] if words[:2] in (["pnpm", "run"], ["npm", "run"]) and len(words) > 2 else None
                if target and pkg.script(target):
                    nested.append(pkg.script(target) or "")
                elif words[0] not in _BUILTIN:
                    found.append(words[0])
        scripts = nested
    if scripts and warnings is not None:
        warnings.append(
            f"{pkg.manifest}: its build runs `pnpm run` more than {MAX_SCRIPT_HOPS} deep (a loop?); "
            "the tools of the scripts past that are not looked for"
        )
    return tuple(dict.fromkeys(found))


def provider(command: str) -> str:
    """The package whose bin the command is."""
    return PROVIDERS.get(command, command)


def undeclared_tools(
    libs: tuple[Package, ...], root: Package, warnings: list[str] | None = None
) -> tuple[tuple[str, str, str], ...]:
    """(library, command, package) for each tool a library's build runs whose package neither the
    libraries (any of them: pnpm links what they declare) nor the root declare."""
    declared = {d.name for p in (*libs, root) for d in p.dependencies}
    out = []
    for lib in libs:
        for command in build_commands(lib, warnings):
            if provider(command) not in declared:
                out.append((lib.name, command, provider(command)))
    return tuple(out)


def tool_providers(inputs: StageInputs) -> tuple[Package, ...]:
    """Workspace packages whose own dependencies the libraries' install adds, so that hoisting
    exposes the tools the libraries' builds run (the app first, then by folder); () without
    `shamefullyHoist` (no repository build could find them either) or when nothing is missing."""
    if not inputs.ws.settings.flag("shamefullyHoist") or not inputs.libs:
        return ()
    names = {p.name for p in inputs.libs}
    candidates = [inputs.pkg, *(p for p in inputs.ws.packages if p.name != inputs.pkg.name)]
    chosen: list[Package] = []
    for lib, command, package in undeclared_tools(inputs.libs, inputs.ws.root, inputs.warnings):
        declaring = next(
            (p for p in candidates if p.name not in names and package in {d.name for d in p.dependencies}), None
        )
        if declaring is None:
            continue
        if declaring not in chosen:
            chosen.append(declaring)
        inputs.warnings.append(
            f"{lib}'s build runs {command}, which only {declaring.name} declares ({package}; shamefullyHoist finds "
            f"it at the root): the libraries' install installs {declaring.name}'s dependencies too; "
            f"declare {package} in {lib}'s devDependencies to keep them apart"
        )
    return tuple(chosen)
