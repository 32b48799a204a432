"""Stage `base`: the build image with pnpm at the pinned version (and what every build stage needs)."""

from __future__ import annotations

from dockergen.plan.model import Command, Env, Mount, Run, Step, Workdir
from dockergen.plan.stage_inputs import NPM_CACHE_MOUNT, WORKDIR, StageInputs, extra_steps
from dockergen.programs import program

BASE_COMMENT = "pnpm at one exact version (its step says where it comes from)"
NODE_GYP_TOOLS = ("g++", "make", "python3")
# node-gyp's header folder for this Node (~/.cache/node-gyp/<version>), pointing at the image's headers.
NODE_GYP_SEED = program("node-gyp-seed.js")
# apt's lists and downloads survive between builds in cache mounts (Debian images delete
# downloaded packages after each install unless told to keep them).
APT_MOUNTS = (
    Mount("cache", id="apt-cache", target="/var/cache/apt", sharing="locked"),
    Mount("cache", id="apt-lists", target="/var/lib/apt", sharing="locked"),
)


def base_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `base`: build tools, pnpm at the pinned version and its settings, the workdir,
    `instructions.base`; every build stage starts from it."""
    workdir = Workdir(WORKDIR, "the workspace lives here in every build stage")
    tools = _build_tools(inputs)
    pnpm = (_pnpm_install(inputs), *_pnpm_env(inputs), *_node_for_pnpm(inputs))
    return (*tools, *pnpm, workdir, *extra_steps(inputs, "base"))


def _node_for_pnpm(inputs: StageInputs) -> list[Step]:
    """`use-node-version` makes pnpm download that Node for scripts; the image's node is the
    version it pins (dockergen chose the image from it), so pnpm finds it in place."""
    version = inputs.ws.settings.get("useNodeVersion")
    if not version or version.lstrip("v") != inputs.images.node:
        return []
    folder = f"/root/.local/share/pnpm/nodejs/{version.lstrip('v')}/bin"
    commands = (Command(("mkdir", "-p", folder)), Command(("ln", "-sf", "/usr/local/bin/node", f"{folder}/node")))
    return [Run(commands, f"use-node-version {version}: pnpm finds the image's node instead of downloading one")]


def _pnpm_install(inputs: StageInputs) -> Run:
    im = inputs.images
    spec = f"pnpm@{im.pnpm}"
    if im.pnpm_integrity:
        algo, digest = im.pnpm_integrity.split(".", 1)
        tgz = f"/tmp/pnpm-{im.pnpm}.tgz"
        check = f"/tmp/pnpm.{algo}"
        install = Run(
            (
                Command(("npm", "pack", "--pack-destination", "/tmp", spec)),
                Command(("printf", "%s  %s\\n", digest, tgz), stdout=check),
                Command((f"{algo}sum", "-c", check)),
                Command(("npm", "install", "-g", tgz)),
                Command(("rm", tgz, check)),
            ),
            f"pnpm {im.pnpm} ({im.pnpm_source}), checked against its {algo} before install",
            (NPM_CACHE_MOUNT,),
        )
    else:
        install = Run(
            (Command(("npm", "install", "-g", spec)),),
            f"pnpm {im.pnpm} ({im.pnpm_source}); npm's cache mount keeps reinstalls offline",
            (NPM_CACHE_MOUNT,),
        )
    return install


def _pnpm_env(inputs: StageInputs) -> list[Step]:
    """pnpm >= 11 checks node_modules before every `pnpm run` and reinstalls (or fails) when they
    differ from the lockfile; each build step here installs exactly what it needs, and the
    libraries' stage drops the lockfile to stay cacheable. pnpm >= 12 would also record its own
    version in a missing lockfile, which downloads every platform's binary."""
    pairs: list[tuple[str, str]] = []
    major, settings = inputs.images.pnpm_major, inputs.ws.settings
    if major >= 11:
        pairs.append(("pnpm_config_verify_deps_before_run", "false"))
    elif settings.get("verifyDepsBeforeRun") not in (None, "false"):
        pairs.append(("npm_config_verify_deps_before_run", "false"))
    if major >= 12:
        pairs.append(("pnpm_config_pm_on_fail", "ignore"))
    why = f"pnpm {major}: no dependency check before `pnpm run` (each step installs what it needs)"
    return [*([Env(tuple(pairs), why)] if pairs else []), *_pinned_elsewhere(inputs)]


# Where the repository pins a pnpm that pnpm itself switches to (pnpm >= 9.7 with
# manage-package-manager-versions, on by default in 10; pmOnFail: download in 11 and later).
SWITCHING_PINS = ("package.json packageManager", "package.json devEngines.packageManager")


def _pinned_elsewhere(inputs: StageInputs) -> list[Step]:
    """With `pnpm:` in dockergen.yaml other than the repository's pin, pnpm would download and run
    the pinned version instead of the one installed (seen: pnpm 10.11.1 running 10.6.1); tell it not
    to. pnpm <= 10 reads it from its global config (a `pnpm` that a script runs ignores the
    environment variable), pnpm 11 from `pnpm_config_pm_on_fail`."""
    versions, im = inputs.ws.versions, inputs.images
    if im.pnpm == versions.pnpm_version or versions.pnpm_source not in SWITCHING_PINS:
        return []
    why = (
        f"{versions.pnpm_source} pins pnpm {versions.pnpm_version}, dockergen.yaml asks for {im.pnpm}: "
        f"pnpm {im.pnpm} runs as it is, scripts' pnpm too, without switching to the pinned version"
    )
    if im.pnpm_major <= 10:
        setting = ("pnpm", "config", "set", "--global", "manage-package-manager-versions", "false")
        return [Run((Command(setting),), why)]
    if im.pnpm_major == 11:
        return [Env((("pnpm_config_pm_on_fail", "ignore"),), why)]
    return []  # pnpm >= 12: set for every build (see above)


def _build_tools(inputs: StageInputs) -> list[Step]:
    """Debian packages the build needs (node-gyp's compilers for native dependencies), installed
    before anything of the workspace is copied, so they stay cached."""
    packages, why = inputs.build_packages
    if not packages:
        return []
    install = apt_install(packages, why)
    if set(NODE_GYP_TOOLS) <= set(packages):
        headers = Env(
            (("npm_config_nodedir", "/usr/local"),),
            "node-gyp compiles against the headers in the image instead of downloading them",
        )
        seed = Run(
            (Command(("node", "-e", NODE_GYP_SEED)),),
            "the same headers in node-gyp's own folder: some pnpm versions (11.2) drop npm_config_* "
            "from install scripts, and node-gyp then looks there before downloading from nodejs.org",
        )
        return [install, headers, seed]
    return [install]


def apt_install(packages: tuple[str, ...], why: str) -> Run:
    """apt-get install with the lists and downloads in cache mounts: nothing of apt in the layer."""
    keep = Command(
        ("printf", 'Binary::apt::APT::Keep-Downloaded-Packages "true";\\n'),
        stdout="/etc/apt/apt.conf.d/keep-cache",
    )
    return Run(
        (
            Command(("rm", "-f", "/etc/apt/apt.conf.d/docker-clean")),
            keep,
            Command(("apt-get", "update")),
            Command(("apt-get", "install", "-y", "--no-install-recommends", *packages)),
        ),
        f"{why}; apt's cache mounts keep rebuilds offline",
        APT_MOUNTS,
        pragmas=("hadolint ignore=DL3008",),
    )
