"""Detection quality: what `init` offers on the 12 corpus monorepos against the apps their
maintainers ship as images (APPS.txt).

    .venv/bin/python bench/detection.py

Recall counts the maintainers' Node apps (kind `node`) that `init` offers; a false positive is an
offered package that is neither a shipped app nor an `also` line (a real app without an image).
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dockergen import apps  # noqa: E402
from dockergen.repo import Repo  # noqa: E402
from dockergen.workspace.scan import scan  # noqa: E402
from tests.helpers import CORPUS, materialize_corpus_repo  # noqa: E402


@dataclass(frozen=True)
class Score:
    repo: str
    shipped: frozenset[str]  # the maintainers' Node apps
    offered: frozenset[str]
    false_positives: frozenset[str]

    @property
    def found(self) -> frozenset[str]:
        return self.shipped & self.offered


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


def score(folder: Path) -> Score:
    shipped, also = ground_truth(folder)
    with tempfile.TemporaryDirectory() as tmp:
        ws = scan(Repo(materialize_corpus_repo(folder, Path(tmp) / "repo")))
        offered = frozenset(f.package.name for f in apps.survey(ws) if f.offered)
    node = frozenset(name for name, kind in shipped.items() if kind == "node")
    return Score(folder.name, node, offered, frozenset(offered - set(shipped) - also))


def scores() -> list[Score]:
    assert CORPUS is not None, "../shared/corpus is missing"
    return [score(folder) for folder in sorted(CORPUS.iterdir()) if (folder / "APPS.txt").is_file()]


def main() -> None:
    rows = scores()
    print("| repository | maintainers' Node apps | offered by init | false positives |")
    print("|---|---:|---:|---|")
    for s in rows:
        fps = ", ".join(sorted(s.false_positives)) or "none"
        print(f"| {s.repo} | {len(s.shipped)} | {len(s.found)}/{len(s.shipped)} | {fps} |")
    found = sum(len(s.found) for s in rows)
    shipped = sum(len(s.shipped) for s in rows)
    fps = sum(len(s.false_positives) for s in rows)
    print(f"| **all 12** | {shipped} | **{found}/{shipped} ({100 * found / shipped:.0f}% recall)** | {fps} |")


if __name__ == "__main__":
    main()
