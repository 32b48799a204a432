"""The pnpm releases dockergen knows and which lockfile formats each major writes and installs.

A range (`engines.pnpm: ">=8"`) is never installed as a range: `npm install -g 'pnpm@>=8'` takes
whatever the registry's newest is on the day of the build, and pnpm 11 and 12 refuse installs
that pnpm 9 and 10 pass on the same lockfile. dockergen pins the newest release the range allows
among the pnpm majors that wrote the lockfile, from this table, so the output depends only on the
repository's files.
"""

from __future__ import annotations

from dataclasses import dataclass

from dockergen.errors import InputError
from dockergen.workspace import semver
from dockergen.workspace.lockfile import Lockfile
from dockergen.workspace.semver import ENGINES  # pnpm reads engines ranges with includePrerelease

# The newest patch of every minor release of pnpm 7 to 12 (stable versions only), from
# `npm view pnpm versions --json` on 2026-12-07. Ranges that only newer releases satisfy are
# refused with the fix (pin `packageManager`), never guessed.
RELEASES: tuple[str, ...] = (
    "7.0.1", "7.1.9", "7.2.1", "7.3.0", "7.4.1", "7.5.2", "7.6.0", "7.7.1", "7.8.0", "7.9.5", "7.10.0",
    "7.11.0", "7.12.2", "7.13.6", "7.14.2", "7.15.0", "7.16.1", "7.17.1", "7.18.2", "7.19.0", "7.20.0",
    "7.21.0", "7.22.0", "7.23.0", "7.24.3", "7.25.1", "7.26.3", "7.27.1", "7.28.0", "7.29.3", "7.30.5",
    "7.31.0", "7.32.5", "7.33.7",
    "8.0.0", "8.1.1", "8.2.0", "8.3.1", "8.4.0", "8.5.1", "8.6.12", "8.7.6", "8.8.0", "8.9.2", "8.10.5",
    "8.11.0", "8.12.1", "8.13.1", "8.14.3", "8.15.9",
    "9.0.6", "9.1.4", "9.2.0", "9.3.0", "9.4.0", "9.5.0", "9.6.0", "9.7.1", "9.8.0", "9.9.0", "9.10.0",
    "9.11.0", "9.12.3", "9.13.2", "9.14.4", "9.15.9",
    "10.0.0", "10.1.0", "10.2.1", "10.3.0", "10.4.1", "10.5.2", "10.6.5", "10.7.1", "10.8.1", "10.9.0",
    "10.10.0", "10.11.1", "10.12.4", "10.13.1", "10.14.0", "10.15.1", "10.16.1", "10.17.1", "10.18.3",
    "10.19.0", "10.20.0", "10.21.0", "10.22.0", "10.23.0", "10.24.0", "10.25.0", "10.26.2", "10.27.0",
    "10.28.2", "10.29.3", "10.30.3", "10.31.0", "10.32.1", "10.33.4", "10.34.9",
    "11.0.9", "11.1.3", "11.2.2", "11.3.0", "11.4.0", "11.5.3", "11.6.0", "11.7.0", "11.8.0", "11.9.0",
    "11.10.0", "11.11.0", "11.12.0", "11.13.1", "11.14.0", "11.15.1", "11.16.0", "11.17.0", "11.18.0",
    "11.19.0", "11.20.0", "11.21.0", "11.22.0", "11.23.0", "11.24.0", "11.25.0", "11.26.0", "11.27.1",
    "11.28.13", "11.29.0",
    "12.0.0", "12.1.0", "12.2.1", "12.3.4", "12.4.2", "12.5.1", "12.6.0", "12.7.0", "12.8.2", "12.9.1",
    "12.10.1", "12.11.2", "12.12.1", "12.13.0", "12.14.0", "12.15.0", "12.16.1", "12.17.0", "12.18.0",
    "12.20.0", "12.21.0", "12.22.0", "12.23.0", "12.24.0", "12.25.1", "12.26.0",
)  # fmt: skip

# Lockfile format majors each pnpm major installs with --frozen-lockfile.
LOCKFILE_READABLE = {7: (5,), 8: (5, 6), 9: (6, 9), 10: (6, 9), 11: (9,), 12: (9,)}
# The pnpm majors that write each lockfile format (one YAML document). pnpm 11 and 12 write the
# same `lockfileVersion: '9.0'` as pnpm 9 and 10, byte for byte, yet fail installs that 9 and 10
# pass: a dependency install script nobody approved is an error (strictDepBuilds,
# ERR_PNPM_IGNORED_BUILDS), settings in .npmrc and package.json's `pnpm` field are ignored, and
# minimumReleaseAge checks every entry. Only their env document (packageManager/config
# dependencies, written first) says pnpm 11 or 12 wrote the file.
WRITTEN_BY = {5: (7,), 6: (8,), 9: (9, 10)}
WRITTEN_WITH_ENV_DOCUMENT = (11, 12)


@dataclass(frozen=True, slots=True)
class PnpmChoice:
    """An exact pnpm version and why it was chosen (shown in comments, `plan` and init's config)."""

    version: str
    major: int
    why: str


def _known() -> tuple[semver.Version, ...]:
    parsed = (semver.parse_exact(v) for v in RELEASES)
    return tuple(v for v in parsed if v is not None)


def writers(lockfile: Lockfile) -> tuple[int, ...]:
    """The pnpm majors that write this lockfile as it is."""
    if lockfile.env_document:
        return WRITTEN_WITH_ENV_DOCUMENT
    return WRITTEN_BY.get(lockfile.major, ())


def readers(lockfile: Lockfile) -> tuple[int, ...]:
    """The pnpm majors that install this lockfile with --frozen-lockfile."""
    return tuple(m for m, formats in LOCKFILE_READABLE.items() if lockfile.major in formats)


def majors_text(majors: tuple[int, ...]) -> str:
    """(9, 10) -> "pnpm 9/10"."""
    return "pnpm " + "/".join(str(m) for m in majors)


def choose(spec: str | None, lockfile: Lockfile | None) -> PnpmChoice | None:
    """The version pnpm recorded in the lockfile's env document when `spec` (a range; None: any)
    allows it; else the newest known release `spec` allows among the majors that wrote the
    lockfile, else among those that install it; None when no known release fits."""
    wanted = spec or "*"
    recorded = semver.parse_exact(lockfile.env_pnpm) if lockfile and lockfile.env_pnpm else None
    if lockfile and recorded is not None and semver.satisfies(recorded, wanted, ENGINES):
        return PnpmChoice(recorded.text, recorded.major, f"the version {lockfile.path} records")
    allows = " it allows" if spec else ""
    for majors, reason in _groups(lockfile):
        found = [v for v in _known() if v.major in majors and semver.satisfies(v, wanted, ENGINES)]
        if found:
            best = max(found, key=lambda v: (v.major, v.minor, v.patch))
            return PnpmChoice(best.text, best.major, f"the newest release{allows} of {majors_text(majors)}{reason}")
    return None


def _groups(lockfile: Lockfile | None) -> list[tuple[tuple[int, ...], str]]:
    """The majors to pick from, in order, each with the reason that ends the choice's `why`."""
    if lockfile is None:
        return [(tuple(LOCKFILE_READABLE), "")]
    wrote, read, version = writers(lockfile), readers(lockfile), lockfile.version
    wrote_why = f", which wrote lockfile {version}"
    if lockfile.env_document:
        wrote_why += " with its env document"
    elif set(read) - set(wrote) and lockfile.major == max(WRITTEN_BY):
        wrote_why += f" (pnpm {min(WRITTEN_WITH_ENV_DOCUMENT)}+ fail on dependency builds nobody approved)"
    return [(wrote, wrote_why), (read, f", which install lockfile {version}")]


def no_release(spec: str, field: str, lockfile: Lockfile | None) -> InputError:
    """The error for a range that no known release satisfies (with a lockfile pnpm can install)."""
    which = f" that installs lockfile {lockfile.version} ({majors_text(readers(lockfile))})" if lockfile else ""
    return InputError(
        f"{field} {spec!r} allows no pnpm release{which} among those dockergen knows "
        f"({RELEASES[0]} to {RELEASES[-1]}, the newest patch of each minor)",
        path="package.json",
        hint="pin pnpm with packageManager: pnpm@<version>" + (", or regenerate the lockfile" if lockfile else ""),
    )
