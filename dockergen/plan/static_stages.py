"""Static front-ends (`kind: static`): the member's build output, served as a non-root user with
SPA fallback to index.html for extension-less paths (`spa: false` turns it off) and long caching
for hashed files. By default by Debian's nginx-light on debian slim (90 MB: the smallest runtime
here; dockergen writes its configuration), or, with `runtime: distroless` or `slim`, by a tiny
Node file server that dockergen writes into the image (no dependencies)."""

from __future__ import annotations

import posixpath

from dockergen.config.keys import CONFIG_FILE
from dockergen.errors import InputError
from dockergen.plan.base_stage import apt_install
from dockergen.plan.model import Command, Copy, Run, Step
from dockergen.plan.stage_inputs import APP, WORKDIR, StageInputs, package_path
from dockergen.programs import program
from dockergen.workspace.static_site import output_dir

SERVER = "/static-server.mjs"
SITE = f"{APP}/site"
# programs/static-server.mjs: serves SITE (its root is SITE's value), index.html for folders, SPA fallback.
SOURCE = program("static-server.mjs")
WRITE = program("write-file.js")
NGINX_CONF = "/nginx.conf"
NGINX_CONF_IN_IMAGE = "/etc/nginx/dockergen.conf"
NGINX_COMMAND = ("nginx", "-e", "stderr", "-c", NGINX_CONF_IN_IMAGE)
# nginx's configuration is programs/nginx.conf: non-root, hashed file names cached for good, a missing
# file (a name with an extension) a 404, never the page; the fallback is one of these two.
SPA_FALLBACK = "/index.html"
NO_FALLBACK = "=404"
DEFAULT_PORT = 8080


def nginx_conf(port: int, site: str, fallback: str) -> str:
    """programs/nginx.conf with its port, site folder and fallback (validated values: a port number,
    dockergen's own folder, one of two fallbacks)."""
    return program("nginx.conf").replace("@port@", str(port)).replace("@site@", site).replace("@fallback@", fallback)


def server_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `server` (from `base`): nginx's configuration, or the Node file server's script;
    written by node from an argument (no shell quoting games)."""
    if inputs.images.runtime_kind == "nginx":
        port = inputs.cfg.port or DEFAULT_PORT
        fallback = SPA_FALLBACK if inputs.cfg.spa else NO_FALLBACK
        conf = nginx_conf(port, SITE, fallback)
        why = f"nginx's configuration: non-root, port {port}, {'SPA fallback, ' if inputs.cfg.spa else ''}caching"
        dollars = "hadolint ignore=SC2016"  # $uri is nginx's variable, written as is: no shell expansion wanted
        return (Run((Command(("node", "-e", WRITE, NGINX_CONF, conf)),), why, pragmas=(dollars,)),)
    why = "dockergen's static file server: no dependencies, SPA fallback, long caching for hashed files"
    return (Run((Command(("node", "-e", WRITE, SERVER, SOURCE)),), why),)


def command(runtime_kind: str) -> tuple[str, ...]:
    return NGINX_COMMAND if runtime_kind == "nginx" else ("node", "server.mjs")


def runtime_files(inputs: StageInputs) -> list[Step]:
    """The server and the site (the member's build output) in /app."""
    if inputs.cfg.files:
        folder, why = inputs.cfg.files[0].rstrip("/"), f"`files` in {CONFIG_FILE}"
        origin = CONFIG_FILE
    else:
        folder, why = output_dir(inputs.pkg)
        origin = inputs.pkg.manifest
    # `--outDir ../../..` would ship the build stage's whole file system: inside the package only
    folder = package_path(folder, origin, inputs.pkg.dir)
    if folder == ".":
        raise InputError(
            f"{inputs.pkg.name}'s site folder is the package folder itself ({why}): its sources would be served",
            path=origin,
            hint="build into a folder of its own (vite's default dist), or set it with `files:` in dockergen.yaml",
        )
    source = posixpath.join(WORKDIR, inputs.pkg.dir, folder) + "/"
    site = Copy((source,), f"{SITE}/", f"{inputs.pkg.name} build output ({why})", from_stage="build")
    if inputs.images.runtime_kind == "nginx":
        return [
            apt_install(("nginx-light",), "nginx, Debian's smallest build of it"),
            Copy((NGINX_CONF,), NGINX_CONF_IN_IMAGE, "its configuration", from_stage="server"),
            site,
        ]
    return [
        Copy((SERVER,), f"{APP}/server.mjs", "the file server", from_stage="server"),
        site,
    ]
