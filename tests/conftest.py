"""pytest fixtures shared by every test module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import typescript_oracle
from tests.helpers import docker_available


@pytest.fixture(scope="session")
def docker() -> None:
    """Docker tests run under CI=true no matter what; elsewhere they skip when no daemon answers."""
    if os.environ.get("CI") == "true":
        if not docker_available():
            pytest.fail("CI=true but no Docker daemon answers: run ../shared/e2e/setup-docker first")
        return
    if not docker_available():
        pytest.skip("no Docker daemon answers (run ../shared/e2e/setup-docker; tests always run under CI=true)")


@pytest.fixture(autouse=True)
def _isolated_check_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep check's cache records out of the user's cache folder."""
    monkeypatch.setenv("DOCKERGEN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "dockergen-cache"))


@pytest.fixture(scope="session")
def typescript() -> Path:
    """The pinned typescript package (installed once into the test cache); without node or npm
    the test fails under CI=true and skips elsewhere."""
    return typescript_oracle.install()
