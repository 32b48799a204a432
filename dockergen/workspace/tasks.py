"""Tasks a package's build depends on: turbo.json's `dependsOn` for `build`, in the package itself
(`db:generate`) or in its dependencies (`^db:generate`; `^build` means the dependencies' builds,
which the build order already gives), and code generators a package uses without telling any task
runner. A package with such a task runs it before the builds even when it has no build itself."""

from __future__ import annotations

from dockergen.repo import Repo
from dockergen.validate import control_chars
from dockergen.workspace.manifest import Package

# Scripts that generate code a build compiles (a Prisma client, GraphQL types).
GENERATE_SCRIPTS = ("generate", "db:generate", "prisma:generate", "prisma-generate", "codegen", "gen")
GENERATORS = frozenset({
    "prisma", "@prisma/client", "@graphql-codegen/cli", "@hey-api/openapi-ts", "orval",
    "kysely-codegen", "zenstack", "openapi-typescript", "@tanstack/router-cli",
})  # fmt: skip


def build_prerequisites(repo: Repo) -> tuple[str, ...]:
    """Tasks turbo.json runs before `build` (both `tasks` and the older `pipeline`), in the package
    or, with `^`, in its dependencies: every package of the closure that defines one runs it."""
    if not repo.is_file("turbo.json"):
        return ()
    data = repo.read_jsonc("turbo.json")
    tasks = (data.get("tasks") or data.get("pipeline")) if isinstance(data, dict) else None
    build = tasks.get("build") if isinstance(tasks, dict) else None
    needs = build.get("dependsOn") if isinstance(build, dict) else None
    if not isinstance(needs, list):
        return ()
    names = (t.removeprefix("^") for t in needs if isinstance(t, str) and not t.startswith("$") and "#" not in t)
    # `pnpm run -x` reads -x as an option, and a RUN word is one line: such names are no script to run
    return tuple(dict.fromkeys(n for n in names if n and n != "build" and runnable(n)))


def runnable(script: str) -> bool:
    """`pnpm run <script>` runs it: not an option, one line of text."""
    return not script.startswith("-") and control_chars(script) is None


def generators(pkg: Package) -> tuple[str, ...]:
    """The code generators the package depends on (any kind of dependency), sorted."""
    return tuple(sorted({d.name for d in pkg.dependencies} & GENERATORS))


def before_build(pkg: Package, prerequisites: tuple[str, ...]) -> tuple[str, ...]:
    """Scripts of `pkg` to run before its build: turbo's prerequisites it defines, else its
    code-generation script when it uses a generator and its build does not run it already."""
    build = pkg.script("build") or ""
    found = tuple(t for t in prerequisites if pkg.script(t) and t not in build)
    if found:
        return found
    if not generators(pkg):
        return ()
    name = next((n for n in GENERATE_SCRIPTS if pkg.script(n)), None)
    return (name,) if name and name not in build and "prisma generate" not in build else ()
