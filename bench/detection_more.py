"""Detection beyond the corpus: what `init` offers and skips on public pnpm monorepos of the shapes
issue 24 names (a root named like the app, every dependency at the root, dotenv without `--`,
browser extensions, command-line tools without a bin), against what their maintainers ship.

    .venv/bin/python bench/detection_more.py --checkouts DIR

DIR holds work trees named `<owner>__<name>` at the commits below (a clone, or `git archive` of
the commit). What each ships was read from its own Dockerfiles, compose files and deploy configs
(no file of theirs is kept here). Repositories missing from DIR are left out of the table.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dockergen.errors import DockergenError  # noqa: E402
from dockergen.init.config_text import init_config  # noqa: E402
from dockergen.repo import Repo  # noqa: E402
from dockergen.workspace.scan import scan  # noqa: E402


@dataclass(frozen=True)
class Truth:
    commit: str
    shipped: frozenset[str]  # the packages their images run
    also: frozenset[str] = frozenset()  # real apps without an image of theirs (not false positives)


REPOSITORIES = {
    "Dokploy__dokploy": Truth("772b76821", frozenset({"dokploy", "@dokploy/api", "@dokploy/schedules"})),
    "gitroomhq__postiz-app": Truth(
        "74b01ada1", frozenset({"postiz-backend", "postiz-frontend", "postiz-orchestrator"})
    ),
    "Openpanel-dev__openpanel": Truth(
        "ed7bdddb", frozenset({"@openpanel/api", "@openpanel/worker", "start"}), frozenset({"public"})
    ),
    "homarr-labs__homarr": Truth("464d98e12", frozenset({"@homarr/nextjs"})),
    "karakeep-app__karakeep": Truth(
        "7ca5ee23", frozenset({"@karakeep/web", "@karakeep/workers"}), frozenset({"@karakeep/landing"})
    ),
    "latitude-dev__latitude-llm": Truth(
        "10c6c2d9d", frozenset({"@app/api", "@app/ingest", "@app/workers", "@app/workflows", "@app/web"})
    ),
    "docmost__docmost": Truth("549cf7c00", frozenset({"server"}), frozenset({"client"})),
}


def row(name: str, root: Path) -> str:
    truth = REPOSITORIES[name]
    repo = Repo(root)
    try:
        result = init_config(repo, scan(repo), None, ())
    except DockergenError as exc:
        return f"| {name} | 0/{len(truth.shipped)} | init stops: {exc.one_line()} | | |"
    offered = {p.package for p in result.picks}
    found = offered & truth.shipped
    false = sorted(offered - truth.shipped - truth.also)
    skipped = sorted(f"{f.package.name} ({f.reason.split(' (')[0]})" for f in result.skipped)
    missing = sorted(truth.shipped - offered - {f.package.name for f in result.skipped})
    return (
        f"| {name} | {len(found)}/{len(truth.shipped)} | {', '.join(false) or 'none'} | "
        f"{', '.join(missing) or 'none'} | {'; '.join(skipped) or 'none'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkouts", type=Path, required=True, help="folder of work trees named <owner>__<name>")
    checkouts = parser.parse_args().checkouts
    print("| repository | shipped apps offered | other members offered | shipped, not listed | skipped (why) |")
    print("|---|---:|---|---|---|")
    for name in sorted(REPOSITORIES):
        if (checkouts / name).is_dir():
            print(row(name, checkouts / name))


if __name__ == "__main__":
    main()
