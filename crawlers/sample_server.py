"""A real HTTP server on loopback that serves a sample site from a directory.

`nianbao demo` and the tests crawl it. It behaves like a plain government web
server: robots.txt, ETag/Last-Modified with 304 answers to conditional
requests, gzip for HTML when asked, `?query` pages stored as `name__query`
files, and it logs every request so tests can assert what was (not) fetched.
Tests can register `routes` to answer a path with their own handler (slow
downloads, changed content, error codes).
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

SAMPLE_SITES = Path(__file__).parent / "sample_sites"
_TYPES = {".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf", ".txt": "text/plain",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".doc": "application/msword", ".zip": "application/zip", ".xls": "application/vnd.ms-excel"}


@dataclass
class LoggedRequest:
    method: str
    path: str
    headers: dict[str, str]
    status: int = 0
    body: bytes = b""
    at: float = 0.0  # time.monotonic() when the request arrived


Route = Callable[["_Handler"], None]


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        entry = self._log("GET")
        if not self._route():
            self._serve_file(entry)

    def do_POST(self) -> None:
        """POSTs go to `routes` only (a data proxy, a search form); a plain file server has none."""
        length = int(self.headers.get("Content-Length") or 0)
        self.post_body = self.rfile.read(length) if length else b""
        entry = self._log("POST", body=self.post_body)
        if not self._route():
            entry.status = 405
            self.send_status(405, b"", {"Allow": "GET"})

    def _log(self, method: str, body: bytes = b"") -> LoggedRequest:
        self.entry = LoggedRequest(method, self.path, dict(self.headers.items()), body=body, at=time.monotonic())
        self.server.site.log(self.entry)
        return self.entry

    def _route(self) -> bool:
        """Answer through a registered route, if one serves this path."""
        route = self.server.site.routes.get(urlsplit(self.path).path)
        if route is not None:
            route(self)
        return route is not None

    def send_status(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _serve_file(self, entry: LoggedRequest) -> None:
        parts = urlsplit(self.path)
        rel = unquote(parts.path).lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        if parts.query:
            rel += "__" + parts.query
        root = self.server.site.root
        path = (root / rel).resolve()
        if root not in path.parents or not path.is_file():
            entry.status = 404
            self.send_status(404, "<html><body>404 页面不存在</body></html>".encode(), {"Content-Type": "text/html; charset=utf-8"})
            return
        data = path.read_bytes()
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        mtime = path.stat().st_mtime
        last_modified = formatdate(mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag or self._not_modified_since(mtime):
            entry.status = 304
            self.send_status(304, headers={"ETag": etag, "Last-Modified": last_modified})
            return
        suffix = Path(rel.split("__")[0]).suffix.lower()
        ctype = _TYPES.get(suffix) or mimetypes.guess_type(rel)[0] or "application/octet-stream"
        headers = {"Content-Type": ctype, "ETag": etag, "Last-Modified": last_modified}
        if ctype == "text/html" and "gzip" in self.headers.get("Accept-Encoding", ""):
            data = gzip.compress(data, mtime=0)
            headers["Content-Encoding"] = "gzip"
        entry.status = 200
        self.send_status(200, data, headers)

    def _not_modified_since(self, mtime: float) -> bool:
        since = self.headers.get("If-Modified-Since")
        if not since or self.headers.get("If-None-Match"):
            return False
        try:
            return int(mtime) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: "SampleSite"

    def handle_error(self, request, client_address) -> None:
        # A crawler cutting a download off (size cap, timeout) resets the connection: expected here.
        import sys
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class SampleSite:
    """Serve `root` on http://host:port/ in a background thread."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root).resolve()
        self.routes: dict[str, Route] = {}
        self.requests: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._server = _Server((host, port), _Handler)
        self._server.site = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(entry)

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def start(self) -> "SampleSite":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "SampleSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def start_sample_sites(root: Path = SAMPLE_SITES, base_ip: int = 2, port: int = 0) -> dict[str, SampleSite]:
    """Start every site under `root`, each on its own loopback address (127.0.0.2, .3, …),
    so that each has a host of its own like real sites. A fixed `port` keeps the URLs
    stable across runs (so a second run sends conditional requests); if it is taken,
    any free port is used."""
    servers = {}
    for i, site_dir in enumerate(sorted(p for p in root.iterdir() if p.is_dir())):
        host = f"127.0.0.{base_ip + i}"
        try:
            site = SampleSite(site_dir, host=host, port=port)
        except OSError:
            site = SampleSite(site_dir, host=host, port=0)
        servers[site_dir.name] = site.start()
    return servers


def sample_sites_yaml(servers: dict[str, SampleSite], root: Path = SAMPLE_SITES) -> str:
    template = (root / "sites.yaml").read_text(encoding="utf-8")
    return template.format(**{name: s.url for name, s in servers.items()})
