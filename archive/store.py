"""The archive's single writer: runs, fetches, documents, reports and versions.

Everything the harvest learns goes through an `ArchiveWriter`, used from one
thread only, and each step commits in its own transaction: a crash loses at
most the step under way, never what was committed before it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

import sqlite_utils

from parsers.identity import ReportIdentity
from parsers.model import Document

from .versions import dependency_versions


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass
class Capture:
    """One successful fetch of a document, as the crawl recorded it."""

    site_id: str
    url: str
    final_url: str
    status: int
    fetched_at: str
    headers: list[tuple[str, str]]
    warc_file: str
    warc_offset: int
    warc_record_id: str | None
    sha256: str
    size: int
    role: str | None = None
    link_text: str | None = None
    parent_url: str | None = None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class RunCounts:
    sites: int = 0
    pages_fetched: int = 0
    not_modified: int = 0
    documents_new: int = 0
    documents_seen: int = 0
    reports_new: int = 0
    versions_new: int = 0
    errors: int = 0
    robots_disallowed: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.errors_by_kind[kind] = self.errors_by_kind.get(kind, 0) + 1


class ArchiveWriter:
    def __init__(self, db: sqlite_utils.Database, run_id: str) -> None:
        self.db = db
        self.run_id = run_id

    # -- runs ---------------------------------------------------------------

    def start_run(self, *, command: str, started_at: str, sites_file: str | None, sites: int) -> None:
        with self.db.conn:
            self.db["runs"].upsert({
                "id": self.run_id, "command": command, "started_at": started_at, "status": "running",
                "sites_file": sites_file, "sites": sites, "versions_json": _json(dependency_versions()),
            }, pk="id")

    def finish_run(self, *, finished_at: str, status: str, counts: RunCounts) -> None:
        with self.db.conn:
            self.db["runs"].update(self.run_id, {
                "finished_at": finished_at, "status": status, "pages_fetched": counts.pages_fetched,
                "documents_new": counts.documents_new, "reports_new": counts.reports_new,
                "versions_new": counts.versions_new, "errors": counts.errors,
                "counts_json": _json(counts.__dict__),
            })

    def record_site_run(self, row: dict[str, Any]) -> None:
        with self.db.conn:
            self.db["site_runs"].insert(dict(row, run_id=self.run_id))

    # -- fetches ------------------------------------------------------------

    def log_fetches(self, events: Iterable[dict[str, Any]]) -> None:
        rows = [{
            "run_id": self.run_id, "site_id": e.get("site_id"), "url": e.get("url"),
            "method": e.get("method", "GET"), "status": e.get("status"), "fetched_at": e.get("fetched_at"),
            "conditional": int(bool(e.get("conditional"))), "not_modified": int(bool(e.get("not_modified"))),
            "error": e.get("error"), "error_kind": e.get("error_kind"), "size": e.get("size"),
            "warc_file": e.get("warc_file"), "warc_offset": e.get("warc_offset"),
        } for e in events]
        with self.db.conn:
            self.db["fetch_log"].insert_all(rows)

    def known_captures(self, site_id: str) -> dict[str, dict[str, Any]]:
        """For every known document URL of a site: the validators of its latest capture,
        and for a report page the attachment URLs it linked to (a 304 on the page must
        not stop the attachments from being checked)."""
        rows = self.db.query(
            """select url, etag, last_modified from captures c
               where site_id = ? and id = (select max(id) from captures c2 where c2.url = c.url)""", [site_id])
        known: dict[str, dict[str, Any]] = {r["url"]: {k: r[k] for k in ("etag", "last_modified") if r[k]} for r in rows}
        for r in self.db.query("select distinct parent_url, url, link_text from documents where site_id = ? and parent_url is not null", [site_id]):
            if r["parent_url"] in known:
                known[r["parent_url"]].setdefault("attachments", []).append({"url": r["url"], "link_text": r["link_text"]})
        return known

    # -- documents ------------------------------------------------------------

    def document_id_for_sha(self, sha256: str) -> int | None:
        row = next(self.db.query("select id from documents where sha256 = ?", [sha256]), None)
        return row["id"] if row else None

    def report_id_for_url(self, url: str) -> int | None:
        """The report whose document was last captured at `url`."""
        row = next(self.db.query(
            """select d.report_id from captures c join documents d on d.id = c.document_id
               where c.url = ? or c.final_url = ? order by c.id desc limit 1""", [url, url]), None)
        return row["report_id"] if row else None

    def report_for(self, identity: ReportIdentity, site_id: str, fetched_at: str) -> tuple[int, bool]:
        """(report id, created) for an agency's report of a year."""
        row = next(self.db.query("select id from reports where agency_key = ? and year = ?",
                                 [identity.agency_key, identity.year]), None)
        if row:
            with self.db.conn:
                self.db["reports"].update(row["id"], {"last_seen_at": fetched_at, "removed_at": None})
            return row["id"], False
        with self.db.conn:
            report_id = self.db["reports"].insert({
                "agency": identity.agency, "agency_key": identity.agency_key, "year": identity.year,
                "title": identity.title, "template": "unknown", "site_id": site_id,
                "first_seen_at": fetched_at, "last_seen_at": fetched_at, "run_id": self.run_id,
            }).last_pk
        return report_id, True

    def add_document(self, capture: Capture, report_id: int, document: Document, fmt: str) -> int:
        with self.db.conn:
            doc_id = self.db["documents"].insert({
                "report_id": report_id, "url": capture.url, "final_url": capture.final_url,
                "sha256": capture.sha256, "format": fmt, "size": capture.size,
                "content_type": capture.header("content-type"), "fetched_at": capture.fetched_at,
                "http_status": capture.status, "http_headers_json": _json(capture.headers),
                "warc_file": capture.warc_file, "warc_offset": capture.warc_offset,
                "warc_record_id": capture.warc_record_id, "role": capture.role,
                "link_text": capture.link_text, "parent_url": capture.parent_url, "site_id": capture.site_id,
                "title": document.title, "text": document.text, "document_json": document.to_json(),
                "extractor": document.extractor, "extract_error": document.error,
                "ocr": int(document.ocr), "pages": document.pages, "run_id": self.run_id,
            }).last_pk
            self._record_capture(capture, doc_id)
        return doc_id

    def add_capture(self, capture: Capture, document_id: int) -> None:
        """A known document seen again, perhaps at another URL."""
        with self.db.conn:
            self._record_capture(capture, document_id)

    def _record_capture(self, capture: Capture, document_id: int) -> None:
        self.db["captures"].insert({
            "document_id": document_id, "url": capture.url, "final_url": capture.final_url,
            "http_status": capture.status, "http_headers_json": _json(capture.headers),
            "fetched_at": capture.fetched_at, "sha256": capture.sha256, "etag": capture.header("etag"),
            "last_modified": capture.header("last-modified"), "warc_file": capture.warc_file,
            "warc_offset": capture.warc_offset, "warc_record_id": capture.warc_record_id,
            "site_id": capture.site_id, "run_id": self.run_id,
        })
        existing = next(self.db.query("select id from document_locations where document_id = ? and url = ?",
                                      [document_id, capture.url]), None)
        if existing:
            self.db["document_locations"].update(existing["id"], {"last_seen_at": capture.fetched_at})
        else:
            self.db["document_locations"].insert({
                "document_id": document_id, "url": capture.url, "site_id": capture.site_id,
                "first_seen_at": capture.fetched_at, "last_seen_at": capture.fetched_at, "run_id": self.run_id,
            })

    def touch_url(self, url: str, fetched_at: str) -> None:
        """A 304 answer: the document at `url` is still there, unchanged."""
        with self.db.conn:
            self.db.execute("update document_locations set last_seen_at = ? where url = ?", [fetched_at, url])

    # -- versions -------------------------------------------------------------

    def current_document_ids(self, report_id: int) -> list[int]:
        """For each URL the report was found at, the document its latest capture returned."""
        rows = self.db.query(
            """select distinct c.document_id from captures c join documents d on d.id = c.document_id
               where d.report_id = ? and c.id = (select max(c2.id) from captures c2 where c2.url = c.url)
               order by c.document_id""", [report_id])
        return [r["document_id"] for r in rows]

    def refresh_version(self, report_id: int, created_at: str) -> int | None:
        """Record a new version when the report's set of current documents changed; return it."""
        doc_ids = self.current_document_ids(report_id)
        shas = sorted(r["sha256"] for r in self.db.query(
            f"select sha256 from documents where id in ({','.join('?' * len(doc_ids))})", doc_ids)) if doc_ids else []
        content = hashlib.sha256("\n".join(shas).encode()).hexdigest()
        current = next(self.db.query(
            "select version, content_sha256, document_ids_json from report_versions where report_id = ? and is_current = 1",
            [report_id]), None)
        if current and current["content_sha256"] == content:
            return None
        version = (current["version"] + 1) if current else 1
        before = set(json.loads(current["document_ids_json"])) if current else set()
        changes = {"documents_added": sorted(set(doc_ids) - before), "documents_removed": sorted(before - set(doc_ids))}
        with self.db.conn:
            self.db.execute("update report_versions set is_current = 0 where report_id = ?", [report_id])
            self.db["report_versions"].insert({
                "report_id": report_id, "version": version, "created_at": created_at, "run_id": self.run_id,
                "content_sha256": content, "document_ids_json": _json(doc_ids), "changes_json": _json(changes),
                "is_current": 1,
            })
            self.db["reports"].update(report_id, {"current_version": version})
        return version
