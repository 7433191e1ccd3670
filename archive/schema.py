"""Archive tables, created and migrated with sqlite-utils.

The table and column names in interface.md are fixed; everything else may grow.
`ensure_schema` is idempotent: it creates missing tables, adds missing columns
and indexes, so an archive written by an older nianbao opens in a newer one.
"""
from __future__ import annotations

from typing import Any

import sqlite_utils

from . import near_duplicates, views

SCHEMA_VERSION = 3

STATISTICS_COLUMNS: dict[str, Any] = {
    "id": int, "report_id": int, "version": int, "table_name": str, "row_key": str,
    "col_key": str, "value": "ANY",  # NUMERIC affinity: 3 stays 3, 3.5 stays 3.5
    "raw_text": str, "raw_label": str, "document_id": int, "page": int,
    "table_index": int, "row_index": int, "col_index": int,
    "source": str,  # table | flat_text | prose
    "confidence": float, "flags": str, "parser": str, "run_id": str,
}
CHECKS_COLUMNS: dict[str, Any] = {
    "id": int, "report_id": int, "version": int, "check_name": str,
    "passed": int,  # 1, 0, or NULL when it could not be evaluated (cells missing)
    "detail": str, "parser": str, "run_id": str,
}
SECTIONS_COLUMNS: dict[str, Any] = {
    "id": int, "report_id": int, "version": int, "key": str, "heading": str, "text": str,
    "order": int, "run_id": str,
}

# table -> (columns, primary key, {option: value})
TABLES: dict[str, tuple[dict[str, Any], str | tuple[str, ...] | None, dict[str, Any]]] = {
    "runs": ({
        "id": str,  # the Prefect flow run id (or a uuid when run outside Prefect)
        "command": str, "started_at": str, "finished_at": str, "status": str,
        "sites_file": str, "sites": int, "pages_fetched": int, "documents_new": int,
        "reports_new": int, "versions_new": int, "errors": int,
        "versions_json": str,  # nianbao and its main dependencies
        "counts_json": str,
    }, "id", {}),
    "sites": ({
        "id": str, "name": str, "start_urls_json": str, "allowed_domains_json": str, "level": str,
        "region": str, "source": str, "first_seen_at": str, "last_run_id": str,
    }, "id", {}),
    "site_runs": ({
        "id": int, "run_id": str, "site_id": str, "started_at": str, "finished_at": str,
        "duration_s": float, "pages_fetched": int, "not_modified": int, "reports_found": int,
        "reports_new": int, "reports_changed": int, "documents_new": int, "errors": int,
        "errors_by_kind_json": str, "blocked": int, "status": str,
        "problem": str,  # the first error, start URLs first: what a user should look at
    }, "id", {"not_null": {"run_id", "site_id"}}),
    "reports": ({
        "id": int, "agency": str, "agency_key": str, "year": int, "title": str,
        "template": str,  # 2021 | 2019 | pre2019 | unknown
        "agency_short": str, "level": str,  # national|province|city|county|town|department|unknown
        "province": str, "city": str, "county": str, "region_code": str,
        "is_aggregate": int, "published": str,
        "site_id": str, "first_seen_at": str, "last_seen_at": str, "current_version": int,
        "removed_at": str, "run_id": str,
        "parse_warnings_json": str,  # the parser's doubts about the whole report, a JSON list
        "agency_qualified": int,  # 1 when the name, or the site's place, says which county/city it is
        "identity_warnings_json": str,  # doubts about which agency this is (a short name kept apart per site…)
    }, "id", {"defaults": {"template": "unknown"}}),
    "documents": ({
        "id": int, "report_id": int, "url": str, "final_url": str, "sha256": str,
        "format": str, "detected_format": str, "size": int, "content_type": str, "fetched_at": str,
        "http_status": int, "http_headers_json": str,
        "warc_file": str, "warc_offset": int, "warc_record_id": str,
        "near_duplicate_of": int, "near_duplicate_similarity": float,
        "role": str,  # page | attachment
        "link_text": str, "parent_url": str, "site_id": str,
        "title": str, "text": str, "document_json": str,
        "extractor": str, "extract_error": str, "ocr": int, "pages": int,
        "run_id": str,
    }, "id", {}),
    "document_locations": ({
        "id": int, "document_id": int, "url": str, "site_id": str,
        "first_seen_at": str, "last_seen_at": str, "run_id": str,
        "removed_at": str,  # the date the URL stopped answering (404/410); nothing is deleted
        "origin": str,  # crawl (NULL on older rows) | added_by_hand (`nianbao add`)
    }, "id", {}),
    "captures": ({
        # every successful fetch of a report document, even when the bytes were known
        "id": int, "document_id": int, "url": str, "final_url": str, "http_status": int,
        "http_headers_json": str, "fetched_at": str, "sha256": str, "etag": str,
        "last_modified": str, "warc_file": str, "warc_offset": int, "warc_record_id": str,
        "site_id": str, "run_id": str,
        "origin": str,       # crawl (NULL on older rows) | added_by_hand (`nianbao add`)
        "source_path": str,  # the local file a hand-added document was read from
    }, "id", {}),
    "report_versions": ({
        "id": int, "report_id": int, "version": int, "created_at": str, "run_id": str,
        "content_sha256": str, "document_ids_json": str, "changes_json": str,
        "is_current": int, "parser": str, "extractor": str,
    }, "id", {}),
    "agency_aliases": ({
        "id": int, "alias": str, "agency_key": str, "site_id": str, "first_seen_at": str,
    }, "id", {}),
    # `statistics`, `checks` and `sections` hold each report's current version (interface.md);
    # the *_history tables hold every version's rows, the current one included.
    "statistics": (STATISTICS_COLUMNS, "id", {}),
    "statistics_history": (STATISTICS_COLUMNS, "id", {}),
    "checks": (CHECKS_COLUMNS, "id", {}),
    "checks_history": (CHECKS_COLUMNS, "id", {}),
    "sections": (SECTIONS_COLUMNS, "id", {}),
    "fetch_log": ({
        "id": int, "event_id": str, "run_id": str, "site_id": str, "url": str, "method": str, "status": int,
        "fetched_at": str, "conditional": int, "not_modified": int, "error": str,
        "error_kind": str, "size": int, "warc_file": str, "warc_offset": int,
    }, "id", {}),
    # documents re-filed under another report when an archive was requalified (schema 3)
    "report_moves": ({
        "id": int, "document_id": int, "from_report_id": int, "to_report_id": int, "reason": str, "moved_at": str,
    }, "id", {}),
    "_meta": ({"key": str, "value": str}, "key", {}),
    # What each version changed (archive/store.py), for the report page's history: cells old → new
    # (old NULL: new cell; new NULL: cell gone) and documents added to / removed from the report.
    "version_cell_changes": ({
        "id": int, "report_id": int, "version": int, "table_name": str, "row_key": str, "col_key": str,
        "old_value": "ANY", "new_value": "ANY",
    }, "id", {}),
    "version_document_changes": ({
        "id": int, "report_id": int, "version": int, "document_id": int,
        "change": str,  # added | removed
        "url": str, "sha256": str, "format": str,
    }, "id", {}),
    # Across years (archive/continuity.py): a headline figure ×10 or more against the agency's year before.
    "year_jumps": ({
        "id": int, "report_id": int, "previous_report_id": int, "table_name": str, "row_key": str,
        "col_key": str, "value": "ANY", "previous_value": "ANY", "ratio": float, "detail": str,
    }, "id", {}),
    # One row per report and statistics table of its current version: copied tables share a fingerprint.
    "statistics_fingerprints": ({
        "id": int, "report_id": int, "table_name": str, "fingerprint": str, "cells": int, "nonzero_cells": int,
        "shared": int,  # 1 when another report's table has the same fingerprint
    }, "id", {}),
}

FOREIGN_KEYS = {
    "documents": [("report_id", "reports", "id")],
    "document_locations": [("document_id", "documents", "id")],
    "captures": [("document_id", "documents", "id")],
    "report_versions": [("report_id", "reports", "id")],
    "statistics": [("report_id", "reports", "id"), ("document_id", "documents", "id")],
    "statistics_history": [("report_id", "reports", "id"), ("document_id", "documents", "id")],
    "checks": [("report_id", "reports", "id")],
    "checks_history": [("report_id", "reports", "id")],
    "sections": [("report_id", "reports", "id")],
    "version_cell_changes": [("report_id", "reports", "id")],
    "version_document_changes": [("report_id", "reports", "id"), ("document_id", "documents", "id")],
    "year_jumps": [("report_id", "reports", "id"), ("previous_report_id", "reports", "id")],
    "statistics_fingerprints": [("report_id", "reports", "id")],
}

INDEXES: list[tuple[str, tuple[str, ...], bool]] = [
    ("reports", ("agency_key", "year"), True),
    ("documents", ("sha256",), True),
    ("documents", ("report_id",), False),
    ("documents", ("url",), False),
    ("document_locations", ("document_id", "url"), True),
    ("document_locations", ("url",), False),
    ("captures", ("url",), False),
    ("captures", ("warc_file", "warc_offset"), True),
    ("fetch_log", ("event_id",), True),
    ("report_versions", ("report_id", "version"), True),
    ("statistics", ("report_id", "table_name", "row_key", "col_key"), False),
    ("statistics", ("table_name", "col_key", "row_key"), False),  # archive-wide questions (refusals by reason)
    ("statistics_history", ("report_id", "version"), False),
    ("checks", ("report_id",), False),
    ("checks_history", ("report_id", "version"), False),
    ("sections", ("report_id",), False),
    ("fetch_log", ("run_id",), False),
    ("fetch_log", ("url",), False),
    ("site_runs", ("run_id", "site_id"), False),
    ("agency_aliases", ("alias", "agency_key"), True),
    ("version_cell_changes", ("report_id", "version"), False),
    ("version_document_changes", ("report_id", "version"), False),
    ("year_jumps", ("report_id",), False),
    ("statistics_fingerprints", ("table_name", "fingerprint"), False),
    ("statistics_fingerprints", ("report_id",), False),
    ("statistics_fingerprints", ("shared", "nonzero_cells"), False),
    ("checks", ("check_name", "passed"), False),  # archive-wide findings (continuity mismatches)
    # the agency, place and feed pages (archive/datasette/agency.py, place.py, feeds.py)
    ("agency_aliases", ("agency_key",), False),
    ("reports", ("region_code", "year"), False),
    ("report_versions", ("created_at",), False),
    ("captures", ("document_id",), False),
]


def open_db(path: str, *, ensure: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) an archive in WAL mode, so readers never block the writer.
    `ensure=False` leaves `ensure_schema` to the caller (`nianbao add` runs it inside the one
    transaction it waits for, beside a harvest)."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the file and a killed process loses nothing committed;
    # only an OS crash or power cut can lose the last transactions, which the next harvest refetches.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=30000")
    db.execute("PRAGMA foreign_keys=ON")
    if ensure:
        ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    with db.conn:
        for name, (columns, pk, opts) in TABLES.items():
            table = db.table(name)
            if not table.exists():
                table.create(columns, pk=pk, foreign_keys=FOREIGN_KEYS.get(name), **opts)
            else:
                existing = set(table.columns_dict)
                for col, col_type in columns.items():
                    if col not in existing:
                        table.add_column(col, col_type)
        for table, cols, unique in INDEXES:
            db.table(table).create_index(list(cols), unique=unique, if_not_exists=True)
        near_duplicates.ensure_tables(db)
        _migrate(db)
        views.ensure_views(db)
        db.table("_meta").upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")


def _migrate(db: sqlite_utils.Database) -> None:
    """Bring an archive written by an older nianbao up to SCHEMA_VERSION."""
    row = db.execute("SELECT value FROM _meta WHERE key = 'schema_version'").fetchone() if db["_meta"].exists() else None
    if row is None:
        return
    if int(row[0]) < 2:
        # Version 1 kept the current version's cells and checks in the history tables too.
        for table in ("statistics_history", "checks_history"):
            db.execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM reports r WHERE r.id = {table}.report_id "
                       f"AND r.current_version = {table}.version)")
    if int(row[0]) < 3:
        # Versions 1–2 keyed a short name (长城镇) alone, merging namesakes of different counties.
        from .requalify import requalify_reports
        requalify_reports(db)
