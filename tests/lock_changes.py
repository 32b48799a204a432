"""Lockfile edits the affected tests make to the multi-app fixture: a real dependency bump in a
library only the worker uses (p-queue 9.3.5 -> 9.3.4, manifest and lockfile agreeing, as `pnpm
install` writes them; the docker test installs it for real), and a bump of the lockfile's settings."""

from __future__ import annotations

from pathlib import Path

P_QUEUE_9_3_4 = "sha512-bpTeG3CuPiOgPcDqn51QUsRYshkiKiaG+hP49tCGI0+nT92h7rqD4LPKZzP8kwab/OniQf+ntA4ta6yCp1eA0Q=="


def bump_p_queue(root: Path) -> tuple[str, ...]:
    """packages/queue depends on p-queue 9.3.4 instead of ^9.3.5; returns the files changed."""
    manifest = root / "packages/queue/package.json"
    manifest.write_text(_replace(manifest.read_text(), '"p-queue": "^9.3.5"', '"p-queue": "9.3.4"'))
    lock = root / "pnpm-lock.yaml"
    text = _replace(lock.read_text(), "      p-queue:\n        specifier: ^9.3.5\n        version: 9.3.5\n",
                    "      p-queue:\n        specifier: 9.3.4\n        version: 9.3.4\n")  # fmt: skip
    head = "  p-queue@9.3.4:\n    resolution: {integrity: "
    text = _replace(text, "  p-queue@9.3.5:\n    resolution: {integrity: ", head)
    start = text.index(head) + len(head)
    text = text[:start] + P_QUEUE_9_3_4 + text[text.index("}", start) :]
    text = _replace(text, "  p-queue@9.3.5:\n    dependencies:", "  p-queue@9.3.4:\n    dependencies:")
    lock.write_text(text)
    return ("packages/queue/package.json", "pnpm-lock.yaml")


def change_settings(root: Path) -> tuple[str, ...]:
    lock = root / "pnpm-lock.yaml"
    lock.write_text(_replace(lock.read_text(), "  autoInstallPeers: true", "  autoInstallPeers: false"))
    return ("pnpm-lock.yaml",)


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)
