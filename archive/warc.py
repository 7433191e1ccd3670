"""Read archived captures back from the WARC files by (file, offset)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator


@dataclass
class StoredResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # as it came off the wire (still Content-Encoded if it was)
    record_id: str
    payload_digest: str | None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def decoded_body(self) -> bytes:
        """The body with any Content-Encoding undone, as a browser would see it."""
        from .content_encoding import decode_content
        return decode_content(self.body, self.header("content-encoding"))


def safe_warc_path(warc_dir: str | Path, warc_file: str) -> Path:
    """The WARC path inside `warc_dir`; names from the database never escape it."""
    root = Path(warc_dir).resolve()
    path = (root / warc_file).resolve()
    if path.parent != root:
        raise ValueError(f"WARC file name escapes the store: {warc_file!r}")
    return path


def read_response(warc_dir: str | Path, warc_file: str, offset: int) -> StoredResponse:
    with open(safe_warc_path(warc_dir, warc_file), "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        if record.rec_type == "resource":
            # A member the crawler unpacked from a ZIP download (crawlers/spiders/reports.py):
            # no HTTP exchange of its own, so a 200 with the record's Content-Type.
            ctype = record.rec_headers.get_header("Content-Type")
            return StoredResponse(
                url=record.rec_headers.get_header("WARC-Target-URI"), status=200,
                headers=[("Content-Type", ctype)] if ctype else [], body=record.raw_stream.read(),
                record_id=record.rec_headers.get_header("WARC-Record-ID"),
                payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
            )
        if record.rec_type != "response":
            raise ValueError(f"{warc_file}@{offset} is a {record.rec_type} record, not a response")
        status = int(record.http_headers.get_statuscode() or 0)
        headers = list(record.http_headers.headers)
        # content_stream() would undo chunking/encoding; raw_stream keeps the wire bytes.
        body = record.raw_stream.read()
        return StoredResponse(
            url=record.rec_headers.get_header("WARC-Target-URI"),
            status=status, headers=headers, body=body,
            record_id=record.rec_headers.get_header("WARC-Record-ID"),
            payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        )
