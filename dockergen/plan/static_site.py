"""Static front-ends (`kind: static`): the member's build output served by a tiny Node file
server that dockergen writes into the image: no dependencies, non-root, SPA fallback to
index.html for extension-less paths (`spa: false` turns it off), long caching for hashed assets.
The runtime defaults to distroless Node (the smallest image here that runs as non-root)."""

from __future__ import annotations

import posixpath
import re

from dockergen.plan.inputs import APP, WORKDIR, StageInputs
from dockergen.plan.model import Command, Copy, Run, Step
from dockergen.workspace.manifest import Package

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
# Build tools and the folder they write by default.
OUTPUTS = (("react-scripts", "build"), ("vite", "dist"), ("astro", "dist"), ("parcel", "dist"), ("ng", "dist"))
_OUT_DIR = re.compile(r"--(?:outDir|out-dir|outdir)[= ](\S+)")


def output_dir(pkg: Package) -> tuple[str, str]:
    """The folder the build writes, and how dockergen knows."""
    build = pkg.script("build") or ""
    flag = _OUT_DIR.search(build)
    if flag:
        return posixpath.normpath(flag.group(1)), f"--outDir in its build script ({build})"
    for tool, folder in OUTPUTS:
        if re.search(rf"(^|[\s&;]){re.escape(tool)}\s", build + " "):
            return folder, f"{tool}'s default output ({build})"
    return "dist", "the usual output folder (set `files:` if it is another)"


def server_steps(inputs: StageInputs) -> tuple[Step, ...]:
    """Stage `server` (from `base`): the file server's script, written by node (no shell quoting games)."""
    why = "dockergen's static file server: no dependencies, SPA fallback, long caching for hashed files"
    return (Run((Command(("node", "-e", WRITE, SERVER, SOURCE)),), why),)


def runtime_files(inputs: StageInputs) -> list[Step]:
    """The server and the site (the member's build output) in /app."""
    if inputs.cfg.files:
        folder, why = inputs.cfg.files[0].rstrip("/"), "`files` in dockergen.yaml"
    else:
        folder, why = output_dir(inputs.pkg)
    source = posixpath.join(WORKDIR, inputs.pkg.dir, posixpath.normpath(folder)) + "/"
    return [
        Copy((SERVER,), f"{APP}/server.mjs", "the file server", from_stage="server"),
        Copy((source,), f"{SITE}/", f"{inputs.pkg.name} build output ({why})", from_stage="build"),
    ]
