"""Tasks a package's build depends on inside the same package: turbo.json's `dependsOn` for
`build` (`db:generate`, `generate`; `^build` means the dependencies' builds, which the build order
already gives), and code generators a package uses without telling any task runner."""

from __future__ import annotations

from dockergen.repo import Repo
from dockergen.workspace.manifest import Package

# Scripts that generate code a build compiles (a Prisma client, GraphQL types).
GENERATE_SCRIPTS = ("generate", "db:generate", "prisma:generate", "prisma-generate", "codegen", "gen")
GENERATORS = frozenset({
    "prisma", "@prisma/client", "@graphql-codegen/cli", "@hey-api/openapi-ts", "orval",
    "kysely-codegen", "zenstack", "openapi-typescript", "@tanstack/router-cli",
})  # fmt: skip


def build_prerequisites(repo: Repo) -> tuple[str, ...]:
    """Same-package tasks turbo.json runs before `build` (both `tasks` and the older `pipeline`)."""
    if not repo.is_file("turbo.json"):
        return ()
    data = repo.read_jsonc("turbo.json")
    tasks = (data.get("tasks") or data.get("pipeline")) if isinstance(data, dict) else None
    build = tasks.get("build") if isinstance(tasks, dict) else None
    needs = build.get("dependsOn") if isinstance(build, dict) else None
    if not isinstance(needs, list):
        return ()
    return tuple(t for t in needs if isinstance(t, str) and t and not t.startswith(("^", "$")) and "#" not in t)


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
