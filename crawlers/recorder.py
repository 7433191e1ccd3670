"""Where a crawl's output goes: WARC records and a JSON-lines event log.

The crawl runs in its own process and never touches SQLite: it writes the raw
exchanges to a WARC file and one JSON line per event (each HTTP fetch, each
document found) to an events file, one pair of files per site, so the flow
(the archive's single writer) can ingest a site as soon as its crawl is done.
Each write opens the file in append mode and closes it again: one crawl
process serves hundreds of sites, and two descriptors held per site would run
into the process's limit; a killed crawl leaves everything up to the kill
readable.
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


# Builds records only (writing goes through a WARCWriter on the freshly opened file).
_WRITER = WARCWriter(io.BytesIO(), gzip=True)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class CrawlRecorder:
    def __init__(self, warc_path: str, events_path: str) -> None:
        os.makedirs(os.path.dirname(os.path.abspath(warc_path)), exist_ok=True)
        self.warc_path = warc_path
        self.warc_name = os.path.basename(warc_path)
        self.events_path = events_path

    def event(self, kind: str, **fields: Any) -> None:
        fields["kind"] = kind
        # Lets the flow ingest an events file twice (after a crash) without double rows.
        fields["event_id"] = uuid.uuid4().hex
        with open(self.events_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(fields, ensure_ascii=False) + "\n")

    def _append(self, *records: Any) -> int:
        """Append WARC records (each its own gzip member); the offset of the first."""
        with open(self.warc_path, "ab") as fh:
            offset = fh.tell()
            writer = WARCWriter(fh, gzip=True)
            for record in records:
                writer.write_record(record)
        return offset

    def write_exchange(self, *, url: str, method: str, request_headers: list[tuple[str, str]],
                       request_body: bytes, status: int, reason: str, protocol: str,
                       response_headers: list[tuple[str, str]], body: bytes) -> dict[str, Any]:
        """Write a response record and its request record; return where they are."""
        http_headers = StatusAndHeaders(
            f"{status} {reason}".strip(),
            [(k, v) for k, v in response_headers if k.lower() not in _HOP_BY_HOP],
            protocol=protocol,
        )
        response = _WRITER.create_warc_record(url, "response", payload=io.BytesIO(body),
                                              length=len(body), http_headers=http_headers)
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        req_headers = StatusAndHeaders(f"{method} /{path} HTTP/1.1", request_headers, is_http_request=True)
        request = _WRITER.create_warc_record(url, "request", payload=io.BytesIO(request_body),
                                             length=len(request_body), http_headers=req_headers)
        request.rec_headers.add_header("WARC-Concurrent-To", record_id)
        # No fsync at record boundaries (a syscall per fetch): closing the file is enough for
        # a crash of this process, and the flow verifies records before trusting them.
        offset = self._append(response, request)
        return {"warc_file": self.warc_name, "warc_offset": offset, "warc_record_id": record_id,
                "warc_payload_digest": response.rec_headers.get_header("WARC-Payload-Digest")}

    def write_resource(self, *, url: str, content_type: str, body: bytes, refers_to: str | None) -> dict[str, Any]:
        """Write a `resource` record: content the crawl derived rather than received (a member
        unpacked from a ZIP download), pointing with WARC-Refers-To at the response it came from."""
        extra = {"WARC-Refers-To": refers_to} if refers_to else None
        record = _WRITER.create_warc_record(url, "resource", payload=io.BytesIO(body), length=len(body),
                                            warc_content_type=content_type, warc_headers_dict=extra)
        offset = self._append(record)
        return {"warc_file": self.warc_name, "warc_offset": offset,
                "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
                "warc_payload_digest": record.rec_headers.get_header("WARC-Payload-Digest")}



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
