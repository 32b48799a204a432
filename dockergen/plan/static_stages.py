"""Static front-ends (`kind: static`): the member's build output, served as a non-root user with
SPA fallback to index.html for extension-less paths (`spa: false` turns it off) and long caching
for hashed files. By default by Debian's nginx-light on debian slim (90 MB: the smallest runtime
here; dockergen writes its configuration), or, with `runtime: distroless` or `slim`, by a tiny
Node file server that dockergen writes into the image (no dependencies)."""

from __future__ import annotations

import posixpath

from dockergen.errors import InputError
from dockergen.plan.base_stage import apt_install
from dockergen.plan.model import Command, Copy, Run, Step
from dockergen.plan.stage_inputs import APP, WORKDIR, StageInputs, package_path
from dockergen.workspace.static_site import output_dir

SERVER = "/static-server.mjs"
SITE = f"{APP}/site"
# One line (it travels as a shell word): serves SITE, index.html for folders, SPA fallback.
SOURCE = (
    'import{createServer}from"node:http";import{createReadStream,statSync}from"node:fs";'
    'import{extname,join,normalize}from"node:path";'
    f'const root="{SITE}",spa=process.env.SPA!=="0",port=Number(process.env.PORT||8080);'
    'const types={".html":"text/html; charset=utf-8",".js":"text/javascript",".mjs":"text/javascript",'
    '".css":"text/css",".json":"application/json",".svg":"image/svg+xml",".png":"image/png",'
    '".jpg":"image/jpeg",".jpeg":"image/jpeg",".gif":"image/gif",".webp":"image/webp",".avif":"image/avif",'
    '".ico":"image/x-icon",".woff":"font/woff",".woff2":"font/woff2",".txt":"text/plain; charset=utf-8",'
    '".wasm":"application/wasm",".map":"application/json",".xml":"application/xml"};'
    'const file=p=>{try{const s=statSync(p);return s.isDirectory()?file(join(p,"index.html")):s.isFile()?p:null}'
    "catch{return null}};"
    'createServer((req,res)=>{let path;try{path=decodeURIComponent(new URL(req.url,"http://x").pathname)}'
    "catch{res.writeHead(400).end();return}"
    'const f=file(join(root,normalize(path)))??(spa&&!extname(path)?join(root,"index.html"):null);'
    'if(!f){res.writeHead(404,{"content-type":"text/plain"}).end("not found");return}'
    'if(req.method!=="GET"&&req.method!=="HEAD"){res.writeHead(405).end();return}'
    'res.writeHead(200,{"content-type":types[extname(f)]||"application/octet-stream",'
    '"cache-control":/[.-][0-9a-zA-Z_-]{8,}\\.[a-z0-9]+$/.test(f)?"public, max-age=31536000, immutable":"no-cache"});'
    'req.method==="HEAD"?res.end():createReadStream(f).pipe(res)}).listen(port,"0.0.0.0");'
    'process.on("SIGTERM",()=>process.exit(0));'
)
WRITE = "require('fs').writeFileSync(process.argv[1],process.argv[2])"
NGINX_CONF = "/nginx.conf"
NGINX_CONF_IN_IMAGE = "/etc/nginx/dockergen.conf"
NGINX_COMMAND = ("nginx", "-e", "stderr", "-c", NGINX_CONF_IN_IMAGE)
# nginx as a non-root user: its pid and temp files in /tmp, logs to the container's output; hashed
# file names cached for good; a missing file (a name with an extension) is a 404, never the page.
# One line (it travels as a shell word), no comments. Slots: the port (an int from dockergen.yaml)
# and the fallback (one of two constants).
NGINX_TEMPLATE = " ".join((
    "daemon off; worker_processes auto; pid /tmp/nginx.pid; error_log stderr warn;",
    "events {{ worker_connections 1024; }}",
    "http {{ include /etc/nginx/mime.types; default_type application/octet-stream; access_log /dev/stdout;",
    "client_body_temp_path /tmp/nginx-client-body; proxy_temp_path /tmp/nginx-proxy;",
    "fastcgi_temp_path /tmp/nginx-fastcgi; uwsgi_temp_path /tmp/nginx-uwsgi; scgi_temp_path /tmp/nginx-scgi;",
    "sendfile on; server_tokens off;",
    "server {{ listen {port}; root {site};",
    'location ~* "[.-][0-9a-zA-Z_-]{{8,}}\\.[a-z0-9]+$" {{',
    'add_header Cache-Control "public, max-age=31536000, immutable"; try_files $uri =404; }}',
    'location ~ "\\.[A-Za-z0-9]+$" {{ add_header Cache-Control "no-cache"; try_files $uri =404; }}',
    'location / {{ add_header Cache-Control "no-cache"; try_files $uri $uri/ {fallback}; }} }} }}',
))  # fmt: skip
SPA_FALLBACK = "/index.html"
NO_FALLBACK = "=404"
DEFAULT_PORT = 8080


def server_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `server` (from `base`): nginx's configuration, or the Node file server's script;
    written by node from an argument (no shell quoting games)."""
    if inputs.images.runtime_kind == "nginx":
        port = inputs.cfg.port or DEFAULT_PORT
        fallback = SPA_FALLBACK if inputs.cfg.spa else NO_FALLBACK
        conf = NGINX_TEMPLATE.format(site=SITE, port=port, fallback=fallback)
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
        folder, why = inputs.cfg.files[0].rstrip("/"), "`files` in dockergen.yaml"
        origin = "dockergen.yaml"
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
