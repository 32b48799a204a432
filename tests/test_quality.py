"""The style bar from STYLE.md, enforced: ruff check, ruff format, mypy --strict on dockergen/."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT, require_tool


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ruff", "check", "dockergen", "tests", "bench"],
        [sys.executable, "-m", "ruff", "format", "--check", "dockergen", "tests", "bench"],
        [sys.executable, "-m", "mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_code_quality(command: list[str]) -> None:
    require_tool(command[2], module=True)  # ruff, mypy: the lint extra
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_architecture_names_every_module() -> None:
    """ARCHITECTURE.md is the one-hop map: every module of the package has its line there."""
    text = (ROOT / "ARCHITECTURE.md").read_text()
    modules = sorted(p for p in (ROOT / "dockergen").rglob("*.py") if not p.name.startswith("__"))
    missing = [p.relative_to(ROOT).as_posix() for p in modules if p.name not in text]
    assert not missing, f"ARCHITECTURE.md does not mention {missing}"
