"""A plain, non-editable `pip install .` into a fresh venv still finds the templates."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.helpers import ROOT, SAMPLE, copy_tree


@pytest.mark.slow
def test_non_editable_install_renders_the_sample(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(".venv", ".git", "*.egg-info", "__pycache__", "node_modules", "tests", "build"),
    )
    venv.create(tmp_path / "venv", with_pip=True)
    python = tmp_path / "venv" / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-cache-dir", str(src)], check=True, capture_output=True)
    shutil.rmtree(src)  # nothing may be read from the source tree any more
    sample = copy_tree(SAMPLE, tmp_path / "sample")
    check = subprocess.run([tmp_path / "venv" / "bin" / "dockergen", "check", "--root", str(sample)],
                           capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert check.returncode == 0, check.stderr
    where = subprocess.run([python, "-c", "import dockergen.templates as t; print(t.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True)  # fmt: skip
    assert "site-packages" in where.stdout
    assert sys.prefix not in where.stdout
