"""The archive's single writer: runs, fetches, documents, reports and versions.

Everything the harvest learns goes through an `ArchiveWriter`, used from one
thread only, and each step commits in its own transaction: a crash loses at
most the step under way, never what was committed before it.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

import sqlite_utils

from parsers.report.agencies import canonical, place_prefix, qualify
from parsers.report.identity import ReportIdentity, extends
from parsers.model import Document

from . import continuity, fingerprints, near_duplicates
from .versions import dependency_versions


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows that share one set of keys into an existing table with one prepared statement.
    sqlite-utils' insert_all re-reads the table's schema per call, four times the cost of
    the insert itself for a report's cells; values must already be SQL scalars."""
    if not rows:
        return
    keys = list(rows[0])
    sql = f"insert into [{table}] ({', '.join(f'[{k}]' for k in keys)}) values ({', '.join('?' * len(keys))})"
    db.conn.executemany(sql, [tuple(row[k] for k in keys) for row in rows])


# interface.md fixes documents.format to html, pdf, docx, doc, wps, xls, xlsx, other.
INTERFACE_FORMATS = {"et": "other", "zip": "other", "jpeg": "other", "png": "other", "tiff": "other", "txt": "other"}


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
    category: str | None = None        # the catalogue category it was listed under (gkml)
    publisher: str | None = None       # the page's 发布机构, when it states one
    origin: str | None = None          # None: the crawl; "added_by_hand": `nianbao add`
    source_path: str | None = None     # the local file a hand-added document was read from

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
    # The work a run did beyond fetching: an unchanged night (all 304) does none of it.
    documents_extracted: int = 0
    reports_parsed: int = 0
    reports_indexed: int = 0
    crawl_cpu_s: float = 0.0       # CPU seconds of the crawl processes

    def error(self, kind: str) -> None:
        self.errors += 1
        self.errors_by_kind[kind] = self.errors_by_kind.get(kind, 0) + 1


class ArchiveWriter:
    def __init__(self, db: sqlite_utils.Database, run_id: str) -> None:
        self.db = db
        self.run_id = run_id

    # -- runs ---------------------------------------------------------------

    def start_run(self, *, command: str, started_at: str, sites_file: str | None, sites: int,
                  sole_writer: bool = True) -> None:
        """`sole_writer`: this run is the archive's writer (a harvest, a reparse), so a run still
        'running' was killed. `nianbao add` writes beside a harvest and says False."""
        with self.db.conn:
            if sole_writer:
                self.db.execute("update runs set status = 'interrupted' where status = 'running'")
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

    def record_sites(self, sites: list[dict[str, Any]], when: str) -> None:
        with self.db.conn:
            for site in sites:
                row = {"id": site["id"], "name": site.get("name"), "start_urls_json": _json(site["start_urls"]),
                       "allowed_domains_json": _json(site["allowed_domains"]), "level": site.get("level"),
                       "region": site.get("region"), "source": site.get("source"), "last_run_id": self.run_id}
                if self.db["sites"].count_where("id = ?", [site["id"]]):
                    self.db["sites"].update(site["id"], row)
                else:
                    self.db["sites"].insert(dict(row, first_seen_at=when))

    def record_site_run(self, row: dict[str, Any]) -> None:
        with self.db.conn:
            self.db["site_runs"].insert(dict(row, run_id=self.run_id))

    # -- fetches ------------------------------------------------------------

    def log_fetches(self, events: Iterable[dict[str, Any]]) -> None:
        rows = [{
            "event_id": e.get("event_id"), "run_id": self.run_id, "site_id": e.get("site_id"), "url": e.get("url"),
            "method": e.get("method", "GET"), "status": e.get("status"), "fetched_at": e.get("fetched_at"),
            "conditional": int(bool(e.get("conditional"))), "not_modified": int(bool(e.get("not_modified"))),
            "error": e.get("error"), "error_kind": e.get("error_kind"), "size": e.get("size"),
            "warc_file": e.get("warc_file"), "warc_offset": e.get("warc_offset"),
        } for e in events]
        with self.db.conn:
            self.db["fetch_log"].insert_all(rows, ignore=True)

    def known_captures(self, site_id: str) -> dict[str, dict[str, Any]]:
        """For every known document URL of a site: the validators of its latest capture,
        and for a report page the attachment URLs it linked to (a 304 on the page must
        not stop the attachments from being checked)."""
        # The latest capture's WARC record too: a page answered 304 has its links read from it.
        # Latest per site: a page two entries reach (a column and a report start URL) is
        # known to both, so neither asks for it unconditionally.
        rows = self.db.query(
            """select url, etag, last_modified, warc_file, warc_offset from captures c
               where site_id = ? and id = (select max(id) from captures c2 where c2.url = c.url and c2.site_id = c.site_id)""",
            [site_id])
        known: dict[str, dict[str, Any]] = {
            r["url"]: {k: r[k] for k in ("etag", "last_modified", "warc_file", "warc_offset") if r[k] is not None}
            for r in rows}
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
        """(report id, created) for an agency's report of a year.

        Reports of different sites are one report only when their qualified names agree
        (柏宝县长城镇 and 榆宝县长城镇 never are). A name that nothing qualified — neither its
        documents nor the sites file — is placed where the site's other reports are; failing
        that it stays apart per site (key `长城镇@site`), with a warning on the report."""
        key, qualified, warnings = identity.agency_key, identity.qualified, list(identity.warnings)
        if not qualified:
            place = self.site_place(site_id)
            placed = qualify(key, place) if place else None
            if placed:
                key, qualified = canonical(placed), True
                warnings = [f"agency {identity.agency} placed in {place}, where the site's other reports are"]
            else:
                key = f"{key}@{site_id}"
                warnings.append(f"kept apart from other sites' reports of {identity.agency}")
        with self.db.conn:
            self.db["agency_aliases"].insert({"alias": identity.agency, "agency_key": key,
                                              "site_id": site_id, "first_seen_at": fetched_at}, ignore=True)
        row = next(self.db.query("select id, agency from reports where agency_key = ? and year = ?",
                                 [key, identity.year]), None)
        if row:
            update: dict[str, Any] = {"last_seen_at": fetched_at, "removed_at": None}
            if extends(identity.agency, row["agency"] or ""):
                update["agency"] = identity.agency  # the fullest name any document gives
            with self.db.conn:
                self.db["reports"].update(row["id"], update)
            return row["id"], False
        with self.db.conn:
            report_id = self.db["reports"].insert({
                "agency": identity.agency, "agency_key": key, "year": identity.year,
                "title": identity.title, "template": "unknown", "site_id": site_id,
                "agency_qualified": int(qualified), "identity_warnings_json": _json(warnings),
                "first_seen_at": fetched_at, "last_seen_at": fetched_at, "run_id": self.run_id,
            }).last_pk
        return report_id, True

    def site_place(self, site_id: str) -> str:
        """The place a site's qualified reports share most (清河县 when its reports are
        清河县人民政府's and 清河县财政局's), or ''."""
        counts: dict[str, int] = {}
        for r in self.db.query("select agency_key from reports where site_id = ? and agency_qualified = 1", [site_id]):
            place = place_prefix(r["agency_key"])
            if place:
                counts[place] = counts.get(place, 0) + 1
        return max(counts, key=lambda p: (counts[p], len(p))) if counts else ""

    def add_document(self, capture: Capture, report_id: int, document: Document, fmt: str,
                     document_json: str | None = None) -> int:
        """Archive a new document. `documents.format` keeps to interface.md's list; the format
        as sniffed (et, zip) stays in `detected_format`. `document_json` is `document.to_json()`
        when the caller already holds it (the extraction task's output)."""
        with self.db.conn:
            doc_id = self.db["documents"].insert({
                "report_id": report_id, "url": capture.url, "final_url": capture.final_url,
                "sha256": capture.sha256, "format": INTERFACE_FORMATS.get(fmt, fmt), "detected_format": fmt,
                "size": capture.size,
                "content_type": capture.header("content-type"), "fetched_at": capture.fetched_at,
                "http_status": capture.status, "http_headers_json": _json(capture.headers),
                "warc_file": capture.warc_file, "warc_offset": capture.warc_offset,
                "warc_record_id": capture.warc_record_id, "role": capture.role,
                "link_text": capture.link_text, "parent_url": capture.parent_url, "site_id": capture.site_id,
                "title": document.title, "text": document.text,
                "document_json": document_json if document_json is not None else document.to_json(),
                "extractor": document.extractor, "extract_error": document.error,
                "ocr": int(document.ocr), "pages": document.pages, "run_id": self.run_id,
            }).last_pk
            self._record_capture(capture, doc_id)
            similar = near_duplicates.find_and_index(self.db, doc_id, document.text)[:5]
            for other_id, sim in similar:
                self.db.execute(
                    "insert or replace into near_duplicates (document_id, other_id, similarity, same_report, run_id) "
                    "values (?, ?, ?, ?, ?)",
                    [doc_id, other_id, sim, int(self.report_of_document(other_id) == report_id), self.run_id])
            if similar:  # the most similar earlier document
                self.db.execute("update documents set near_duplicate_of = ?, near_duplicate_similarity = ? where id = ?",
                                [similar[0][0], similar[0][1], doc_id])
        return doc_id

    def report_of_document(self, document_id: int) -> int:
        """The report a document belongs to (without reading its text, as Table.get would)."""
        return self.db.execute("select report_id from documents where id = ?", [document_id]).fetchone()[0]

    def report_year(self, report_id: int) -> int | None:
        return self.db.execute("select year from reports where id = ?", [report_id]).fetchone()[0]

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
            "site_id": capture.site_id, "run_id": self.run_id, "origin": capture.origin,
            "source_path": capture.source_path,
        }, ignore=True)  # the same WARC record ingested again after a crash
        existing = next(self.db.query("select id from document_locations where document_id = ? and url = ?",
                                      [document_id, capture.url]), None)
        if existing:
            self.db["document_locations"].update(existing["id"], {"last_seen_at": capture.fetched_at})
        else:
            self.db["document_locations"].insert({
                "document_id": document_id, "url": capture.url, "site_id": capture.site_id,
                "first_seen_at": capture.fetched_at, "last_seen_at": capture.fetched_at, "run_id": self.run_id,
                "origin": capture.origin,
            })

    def refresh_extraction(self, document_id: int, document_json: str) -> None:
        """Replace a document's derived text after a re-extraction; its bytes never change."""
        document = Document.from_json(document_json)
        with self.db.conn:
            self.db["documents"].update(document_id, {
                "title": document.title, "text": document.text, "document_json": document_json,
                "extractor": document.extractor, "extract_error": document.error, "ocr": int(document.ocr),
                "pages": document.pages, "run_id": self.run_id})

    def touch_url(self, url: str, fetched_at: str) -> None:
        """A 304 answer: the document at `url` is still there, unchanged."""
        with self.db.conn:
            self.db.execute("update document_locations set last_seen_at = ? where url = ?", [fetched_at, url])

    # -- removal ---------------------------------------------------------------

    def mark_removed(self, url: str, when: str) -> list[int]:
        """A known document URL now answers 404/410: record the date, delete nothing.
        Returns the reports all of whose locations are now gone."""
        with self.db.conn:
            self.db.execute("update document_locations set removed_at = coalesce(removed_at, ?) where url = ?", [when, url])
            gone = [r["report_id"] for r in self.db.query(
                """select d.report_id from document_locations l join documents d on d.id = l.document_id
                   where d.report_id in (select d2.report_id from document_locations l2
                                         join documents d2 on d2.id = l2.document_id where l2.url = ?)
                   group by d.report_id having sum(l.removed_at is null) = 0""", [url])]
            for report_id in gone:
                self.db.execute("update reports set removed_at = coalesce(removed_at, ?) where id = ?", [when, report_id])
        return gone

    # -- versions -------------------------------------------------------------

    def current_documents(self, report_id: int) -> list[dict[str, Any]]:
        """For each URL the report is still found at, the document its latest capture returned."""
        return list(self.db.query(
            """select d.* from documents d where d.id in (
                 select c.document_id from captures c join documents d2 on d2.id = c.document_id
                 join document_locations l on l.document_id = c.document_id and l.url = c.url
                 where d2.report_id = ? and l.removed_at is null
                   and c.id = (select max(c3.id) from captures c3 where c3.url = c.url))
               order by d.role = 'attachment', d.id""", [report_id]))

    def store_version(self, report_id: int, documents: list[dict[str, Any]], parsed: dict[str, Any] | None,
                      created_at: str) -> int | None:
        """Record a new version when the report's documents or parsed numbers changed.

        `parsed` is the parse-report task's output (None when there is nothing to parse).
        An unchanged result writes nothing. Returns the new version number, if any.
        """
        cells = (parsed or {}).get("cells", [])
        fingerprint = hashlib.sha256(_json({
            "documents": sorted(d["sha256"] for d in documents),
            "template": (parsed or {}).get("report", {}).get("template"),
            "cells": sorted((c["table_name"], c["row_key"], c["col_key"], c["value"]) for c in cells),
        }).encode()).hexdigest()
        with self.db.conn:
            # The current version is read under the write lock: `nianbao add` may record a version of
            # the same report between a read outside it and this write (both would take the same number).
            if not self.db.conn.in_transaction:
                self.db.conn.execute("BEGIN IMMEDIATE")
            current = next(self.db.query(
                "select * from report_versions where report_id = ? and is_current = 1", [report_id]), None)
            if current and current["content_sha256"] == fingerprint:
                return None
            doc_ids = [d["id"] for d in documents]
            if (current and current["run_id"] == self.run_id
                    and set(json.loads(current["document_ids_json"])) <= set(doc_ids)
                    and self._same_numbers(report_id, parsed)):
                # A copy of the report found later in the same run (another site, another URL): a new
                # location of the version just recorded, not a version of its own.
                self._amend_version(current, documents, fingerprint)
                return None
            version = (current["version"] + 1) if current else 1
            changes, changed_cells = (self._changes(report_id, current, doc_ids, cells) if current
                                      else ({"first_version": True}, []))
            self.db.execute("update report_versions set is_current = 0 where report_id = ?", [report_id])
            self.db["report_versions"].insert({
                "report_id": report_id, "version": version, "created_at": created_at, "run_id": self.run_id,
                "content_sha256": fingerprint, "document_ids_json": _json(doc_ids), "changes_json": _json(changes),
                "is_current": 1, "parser": (parsed or {}).get("parser"),
                "extractor": ";".join(sorted({d["extractor"] or "" for d in documents})),
            })
            update = {"current_version": version}
            if parsed:
                update.update({k: v for k, v in parsed["report"].items() if v is not None})
                # what the parser doubted about the report as a whole (OCR used, prose contradicting a table…)
                update["parse_warnings_json"] = _json(parsed.get("warnings") or [])
            self.db["reports"].update(report_id, update)
            self._replace_current(report_id, version, parsed)
            self._record_changes(report_id, version, changed_cells, documents,
                                 json.loads(current["document_ids_json"]) if current else [])
            fingerprints.record(self.db, report_id, cells)
            continuity.refresh_around(self.db, report_id, self.run_id)
        return version

    def _same_numbers(self, report_id: int, parsed: dict[str, Any] | None) -> bool:
        """The parse gives the template and cells the report's current version already holds."""
        template = next(self.db.query("select template from reports where id = ?", [report_id]))["template"]
        old = Counter((r["table_name"], r["row_key"], r["col_key"], r["value"]) for r in self.db.query(
            "select table_name, row_key, col_key, value from statistics where report_id = ?", [report_id]))
        new = Counter((c["table_name"], c["row_key"], c["col_key"], c["value"]) for c in (parsed or {}).get("cells", []))
        return old == new and (parsed or {}).get("report", {}).get("template", "unknown") == template

    def _amend_version(self, current: dict[str, Any], documents: list[dict[str, Any]], fingerprint: str) -> None:
        before = json.loads(current["document_ids_json"])
        doc_ids = [d["id"] for d in documents]
        changes = json.loads(current["changes_json"] or "{}")
        changes["documents_found_later_in_run"] = sorted(set(changes.get("documents_found_later_in_run", []))
                                                         | (set(doc_ids) - set(before)))
        with self.db.conn:
            self.db["report_versions"].update(current["id"], {
                "document_ids_json": _json(doc_ids), "content_sha256": fingerprint, "changes_json": _json(changes)})
            self._record_changes(current["report_id"], current["version"], [], documents, before)

    def _record_changes(self, report_id: int, version: int, changed_cells: list[dict[str, Any]],
                        documents: list[dict[str, Any]], before_ids: list[int]) -> None:
        """Rows of `version_cell_changes` and `version_document_changes` for one version."""
        if changed_cells:
            self.db["version_cell_changes"].insert_all(
                {"report_id": report_id, "version": version, "table_name": c["table"], "row_key": c["row"],
                 "col_key": c["col"], "old_value": c["old"], "new_value": c["new"]} for c in changed_cells)
        now = {d["id"]: d for d in documents}
        rows = [{"document_id": i, "change": "added", "url": d["url"], "sha256": d["sha256"], "format": d["format"]}
                for i, d in now.items() if i not in before_ids]
        for i in before_ids:
            if i not in now:
                d = self.db["documents"].get(i)
                rows.append({"document_id": i, "change": "removed", "url": d["url"], "sha256": d["sha256"],
                             "format": d["format"]})
        if rows:
            self.db["version_document_changes"].insert_all(dict(r, report_id=report_id, version=version) for r in rows)

    def _replace_current(self, report_id: int, version: int, parsed: dict[str, Any] | None) -> None:
        # The superseded version's cells and checks move to the history tables; the current
        # ones live only in `statistics`/`checks` (the *_all_versions views join both), which
        # halves the archive's largest tables.
        for table in ("statistics", "checks"):
            cols = ", ".join(f"[{c}]" for c in self.db[table].columns_dict if c != "id")
            self.db.execute(f"insert into {table}_history ({cols}) select {cols} from {table} where report_id = ?",
                            [report_id])
        for table in ("statistics", "checks", "sections"):
            self.db.execute(f"delete from {table} where report_id = ?", [report_id])
        if not parsed:
            return
        common = {"report_id": report_id, "version": version, "run_id": self.run_id}
        cells = [dict(c, parser=parsed["parser"], **common) for c in parsed["cells"]]
        checks = [dict(c, parser=parsed["parser"], **common) for c in parsed["checks"]]
        sections = [dict(s, **common) for s in parsed["sections"]]
        for table, rows in (("statistics", cells), ("checks", checks), ("sections", sections)):
            insert_rows(self.db, table, rows)

    def _changes(self, report_id: int, current: dict[str, Any], doc_ids: list[int],
                 cells: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """What changed since the current version: documents, statistics cells, text (the summary
        for `changes_json`), and every changed cell."""
        before_ids = json.loads(current["document_ids_json"])
        old = {(r["table_name"], r["row_key"], r["col_key"]): r["value"] for r in self.db.query(
            "select table_name, row_key, col_key, value from statistics where report_id = ?", [report_id])}
        new = {(c["table_name"], c["row_key"], c["col_key"]): c["value"] for c in cells}
        changed = [{"table": k[0], "row": k[1], "col": k[2], "old": old.get(k), "new": new.get(k)}
                   for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
        return {
            "documents_added": sorted(set(doc_ids) - set(before_ids)),
            "documents_removed": sorted(set(before_ids) - set(doc_ids)),
            "cells_changed": changed[:500], "cells_changed_count": len(changed),
            "text": self._text_diff(before_ids, doc_ids),
        }, changed

    def _text_diff(self, before_ids: list[int], after_ids: list[int]) -> list[dict[str, Any]]:
        """For each URL whose document was replaced: how much of the text changed."""
        import difflib
        out = []
        removed = [i for i in before_ids if i not in after_ids]
        added = [i for i in after_ids if i not in before_ids]
        for new_id in added:
            new = self.db["documents"].get(new_id)
            old = next((self.db["documents"].get(i) for i in removed
                        if self.db["documents"].get(i)["url"] == new["url"]), None)
            if old is None:
                continue
            a, b = (old["text"] or "").splitlines(), (new["text"] or "").splitlines()
            diff = list(difflib.unified_diff(a, b, lineterm="", n=0))
            out.append({"url": new["url"], "old_document": old["id"], "new_document": new_id,
                        "lines_added": sum(1 for l in diff if l.startswith("+") and not l.startswith("+++")),
                        "lines_removed": sum(1 for l in diff if l.startswith("-") and not l.startswith("---")),
                        "similarity": round(difflib.SequenceMatcher(None, old["text"] or "", new["text"] or "").quick_ratio(), 3)})
        return out
