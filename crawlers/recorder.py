"""Where a crawl's output goes: WARC records and a JSON-lines event log.

The crawl runs in its own process and never touches SQLite: it writes the raw
exchanges to a WARC file and one JSON line per event (each HTTP fetch, each
document found) to an events file, flushed line by line so a killed crawl
leaves everything up to the kill readable. The flow, the archive's single
writer, reads both afterwards.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import uuid
from datetime import datetime, timezone
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Headers describing the transfer, not the content: the body we store is
# de-chunked, so a replay that honoured Transfer-Encoding would break.
_HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive"}


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class CrawlRecorder:
    def __init__(self, warc_path: str, events_path: str) -> None:
        os.makedirs(os.path.dirname(os.path.abspath(warc_path)), exist_ok=True)
        self.warc_path = warc_path
        self.warc_name = os.path.basename(warc_path)
        self._warc = open(warc_path, "ab")
        self._writer = WARCWriter(self._warc, gzip=True)
        self._events = open(events_path, "a", encoding="utf-8")

    def event(self, kind: str, **fields: Any) -> None:
        fields["kind"] = kind
        # Lets the flow ingest an events file twice (after a crash) without double rows.
        fields["event_id"] = uuid.uuid4().hex
        self._events.write(json.dumps(fields, ensure_ascii=False) + "\n")
        self._events.flush()

    def write_exchange(self, *, url: str, method: str, request_headers: list[tuple[str, str]],
                       request_body: bytes, status: int, reason: str, protocol: str,
                       response_headers: list[tuple[str, str]], body: bytes) -> dict[str, Any]:
        """Write a response record and its request record; return where they are."""
        http_headers = StatusAndHeaders(
            f"{status} {reason}".strip(),
            [(k, v) for k, v in response_headers if k.lower() not in _HOP_BY_HOP],
            protocol=protocol,
        )
        response = self._writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                   length=len(body), http_headers=http_headers)
        offset = self._warc.tell()
        self._writer.write_record(response)
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        req_headers = StatusAndHeaders(f"{method} /{path} HTTP/1.1", request_headers, is_http_request=True)
        request = self._writer.create_warc_record(url, "request", payload=io.BytesIO(request_body),
                                                  length=len(request_body), http_headers=req_headers)
        request.rec_headers.add_header("WARC-Concurrent-To", record_id)
        self._writer.write_record(request)
        # fsync at record boundaries would cost a syscall per fetch; flushing is enough
        # for a crash of this process, and the flow verifies records before trusting them.
        self._warc.flush()
        return {"warc_file": self.warc_name, "warc_offset": offset, "warc_record_id": record_id,
                "warc_payload_digest": response.rec_headers.get_header("WARC-Payload-Digest")}

    def write_resource(self, *, url: str, content_type: str, body: bytes, refers_to: str | None) -> dict[str, Any]:
        """Write a `resource` record: content the crawl derived rather than received (a member
        unpacked from a ZIP download), pointing with WARC-Refers-To at the response it came from."""
        extra = {"WARC-Refers-To": refers_to} if refers_to else None
        record = self._writer.create_warc_record(url, "resource", payload=io.BytesIO(body), length=len(body),
                                                 warc_content_type=content_type, warc_headers_dict=extra)
        offset = self._warc.tell()
        self._writer.write_record(record)
        self._warc.flush()
        return {"warc_file": self.warc_name, "warc_offset": offset,
                "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
                "warc_payload_digest": record.rec_headers.get_header("WARC-Payload-Digest")}

    def close(self) -> None:
        self._warc.close()
        self._events.close()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_events(path: str) -> list[dict[str, Any]]:
    """The events of a crawl; a line cut short by a killed crawl is skipped."""
    events = []
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
    except FileNotFoundError:
        pass
    return events
