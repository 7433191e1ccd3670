"""Route handlers for SampleSite that imitate what real government servers do.

Tests and benchmarks register them on `SampleSite.routes`: a download
endpoint naming its file only in Content-Disposition, Hanweb's data proxy,
anti-bot challenges, endless and oversize downloads, redirects, servers that
fail a few times first.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

Route = Callable[..., None]


def downfile(names: dict[str, bytes], files: Path | None = None) -> Route:
    """`/module/download/downfile.jsp?fileid=N`: octet-stream, the name (raw bytes, GBK or
    UTF-8 as the server's platform has it) only in Content-Disposition. The body is
    `files/N` when that exists, else a stub of the named type."""
    def handle(handler) -> None:
        fileid = parse_qs(urlsplit(handler.path).query).get("fileid", ["0"])[0]
        raw = names.get(fileid, b"x.pdf")
        stored = files / fileid if files is not None and fileid.isdigit() else None
        if stored is not None and stored.is_file():
            body = stored.read_bytes()
        else:
            body = b"%PDF-1.4\n%%EOF\n" if raw.endswith(b".pdf") else b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 office file"
        handler.entry.status = 200
        handler.send_status(200, body, {"Content-Type": "application/octet-stream",
                                        "Content-Disposition": 'attachment; filename="' + raw.decode("latin-1") + '"'})
    return handle


def hanweb_dataproxy(records_file: Path, columnid: str, unitid: str) -> Route:
    """Hanweb jcms `dataproxy.jsp?startrecord=S&endrecord=E&perpage=P` (POST, column form):
    the records S..E as a <datastore>; 400 for another column's parameters."""
    text = records_file.read_text(encoding="utf-8").strip()
    records = ["<record>" + r if not r.startswith("<record>") else r for r in text.split("\n<record>")]

    def handle(handler) -> None:
        query = parse_qs(urlsplit(handler.path).query)
        form = parse_qs(getattr(handler, "post_body", b"").decode())
        if form.get("columnid") != [columnid] or form.get("unitid") != [unitid] or "startrecord" not in query:
            handler.entry.status = 400
            handler.send_status(400, b"bad column")
            return
        start, end = int(query["startrecord"][0]), int(query["endrecord"][0])
        body = ('<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>%d</totalrecord><recordset>%s'
                '</recordset></datastore>' % (len(records), "\n".join(records[start - 1:end]))).encode()
        handler.entry.status = 200
        handler.send_status(200, body, {"Content-Type": "text/xml;charset=UTF-8"})
    return handle


def fixed(status: int, body: bytes, headers: dict[str, str] | None = None) -> Route:
    """Always the same answer (a challenge page, an error)."""
    def handle(handler) -> None:
        handler.entry.status = status
        handler.send_status(status, body, {"Content-Type": "text/html", **(headers or {})})
    return handle


def file_with_type(path: Path, content_type: str) -> Route:
    """A file served with a given Content-Type (e.g. a GBK page announced as UTF-8)."""
    def handle(handler) -> None:
        handler.entry.status = 200
        handler.send_status(200, path.read_bytes(), {"Content-Type": content_type})
    return handle


def slow_endless(chunk: bytes = b"%PDF-1.4 " * 10, every_s: float = 0.1, for_s: float = 60.0) -> Route:
    """A download that trickles on without a length until the client hangs up."""
    def handle(handler) -> None:
        handler.entry.status = 200
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Connection", "close")
        handler.end_headers()
        deadline = time.monotonic() + for_s
        try:
            while time.monotonic() < deadline:
                handler.wfile.write(chunk)
                handler.wfile.flush()
                time.sleep(every_s)
        except OSError:
            pass
        handler.close_connection = True
    return handle


def big(size: int, *, length_header: bool) -> Route:
    """A `size`-byte PDF, announced with Content-Length or streamed without one."""
    def handle(handler) -> None:
        body = b"%PDF-1.4\n" + b"0" * size
        handler.entry.status = 200
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length" if length_header else "Connection",
                            str(len(body)) if length_header else "close")
        handler.end_headers()
        try:
            for i in range(0, len(body), 65536):
                handler.wfile.write(body[i:i + 65536])
        except OSError:
            pass
        handler.close_connection = True
    return handle


def redirect_to(url: str, status: int = 302) -> Route:
    def handle(handler) -> None:
        handler.entry.status = status
        handler.send_status(status, b"", {"Location": url})
    return handle


def flaky(failures: int, body: bytes, status: int = 503) -> Route:
    """`status` for the first `failures` requests, then `body` (a server coming back up)."""
    seen: list[int] = []

    def handle(handler) -> None:
        seen.append(1)
        if len(seen) <= failures:
            handler.entry.status = status
            handler.send_status(status, b"<html>busy</html>", {"Content-Type": "text/html"})
        else:
            handler.entry.status = 200
            handler.send_status(200, body, {"Content-Type": "text/html; charset=utf-8"})
    return handle
