"""Detection quality: what `init` offers on the 12 corpus monorepos against the apps their
maintainers ship as images (APPS.txt).

    .venv/bin/python bench/detection.py [--checkouts DIR]

The corpus holds manifests and lockfiles only; a static front-end is recognised by its files too
(an index.html, a site config), so with --checkouts (full clones at the corpus commits, named
<owner>__<name>, as bench/realworld.py uses) each repository is scanned from its clone.

Recall counts the maintainers' Node apps (kind `node`) that `init` offers as Node apps, and their
static front-ends (kind `static`) that it offers as `kind: static`; a false positive is an offered
package that is neither a shipped app nor an `also` line (a real app without an image).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dockergen.init import detect as apps  # noqa: E402
from dockergen.repo import Repo  # noqa: E402
from dockergen.workspace.scan import scan  # noqa: E402
from tests.helpers import CORPUS, materialize_corpus_repo  # noqa: E402


@dataclass(frozen=True)
class Score:
    repo: str
    shipped: frozenset[str]  # the maintainers' Node apps
    offered: frozenset[str]  # offered as Node apps
    false_positives: frozenset[str]
    sites: frozenset[str] = frozenset()  # the maintainers' static front-ends
    offered_sites: frozenset[str] = frozenset()  # offered as `kind: static`

    @property
    def found(self) -> frozenset[str]:
        return self.shipped & self.offered

    @property
    def found_sites(self) -> frozenset[str]:
        return self.sites & self.offered_sites


def ground_truth(folder: Path) -> tuple[dict[str, str], set[str]]:
    """(package -> kind) of shipped apps, and the `also` packages."""
    shipped, also = {}, set()
    for line in (folder / "APPS.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if parts[0].startswith("also"):
            also.add(parts[1])
        else:
            shipped[parts[1]] = parts[2]
    return shipped, also


def score(folder: Path, checkouts: Path | None = None) -> Score:
    shipped, also = ground_truth(folder)
    with tempfile.TemporaryDirectory() as tmp:
        clone = checkouts / folder.name if checkouts else None
        root = clone if clone and clone.is_dir() else materialize_corpus_repo(folder, Path(tmp) / "repo")
        ws = scan(Repo(root))
        findings = [f for f in apps.survey(ws, Repo(root)) if f.offered]
    offered = frozenset(f.package.name for f in findings if f.site is None)
    sites = frozenset(f.package.name for f in findings if f.site is not None)
    node = frozenset(name for name, kind in shipped.items() if kind == "node")
    static = frozenset(name for name, kind in shipped.items() if kind == "static")
    false = frozenset((offered | sites) - set(shipped) - also)
    return Score(folder.name, node, offered, false, static, sites)


def scores(checkouts: Path | None = None) -> list[Score]:
    assert CORPUS is not None, "../shared/corpus is missing"
    return [score(f, checkouts) for f in sorted(CORPUS.iterdir()) if (f / "APPS.txt").is_file()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkouts", type=Path, help="folder of full clones at the corpus commits")
    rows = scores(parser.parse_args().checkouts)
    print("| repository | Node apps offered | static front-ends offered as `kind: static` | false positives |")
    print("|---|---:|---:|---|")
    for s in rows:
        fps = ", ".join(sorted(s.false_positives)) or "none"
        print(f"| {s.repo} | {len(s.found)}/{len(s.shipped)} | {len(s.found_sites)}/{len(s.sites)} | {fps} |")
    found, shipped = sum(len(s.found) for s in rows), sum(len(s.shipped) for s in rows)
    sites, all_sites = sum(len(s.found_sites) for s in rows), sum(len(s.sites) for s in rows)
    fps = sum(len(s.false_positives) for s in rows)
    print(f"| **all 12** | **{found}/{shipped}** | **{sites}/{all_sites}** | {fps} |")


if __name__ == "__main__":
    main()
