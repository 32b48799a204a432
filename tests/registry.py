"""A tiny npm registry for one private package that demands a bearer token (for the secret tests)."""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import socket
import tarfile
import threading
from dataclasses import dataclass, field


def _tarball(name: str, version: str, marker: str) -> bytes:
    buf = io.BytesIO()
    files = {
        "package/package.json": json.dumps({"name": name, "version": version, "main": "index.js"}).encode(),
        "package/index.js": f"module.exports = (n) => `hello ${{n}} ({marker})`;\n".encode(),
    }
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@dataclass
class PrivateRegistry:
    """Serves `@private/greeting@1.0.0` to requests carrying `Authorization: Bearer <token>`."""

    token: str
    host: str
    marker: str
    authorized: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def start(self) -> int:
        tgz = _tarball("@private/greeting", "1.0.0", self.marker)
        integrity = "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode()
        registry = self
        with socket.socket() as probe:
            probe.bind(("0.0.0.0", 0))
            port = int(probe.getsockname()[1])

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.headers.get("Authorization") != f"Bearer {registry.token}":
                    registry.refused.append(self.path)
                    self.send_response(401)
                    self.end_headers()
                    return
                registry.authorized.append(self.path)
                if self.path.endswith(".tgz"):
                    body = tgz
                else:
                    tarball = f"http://{registry.host}:{port}/@private/greeting/-/greeting-1.0.0.tgz"
                    meta = {"name": "@private/greeting", "dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": {
                        "name": "@private/greeting", "version": "1.0.0", "main": "index.js",
                        "dist": {"tarball": tarball, "integrity": integrity}}}}  # fmt: skip
                    body = json.dumps(meta).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return None

        server = http.server.ThreadingHTTPServer(("0.0.0.0", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server
        return port

    def stop(self) -> None:
        self._server.shutdown()
