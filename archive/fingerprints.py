"""A fingerprint per report and statistics table, so copied tables are one indexed join away.

Two reports whose table holds the same values cell for cell share the table's
fingerprint: the same agency's previous year repeated, or another agency's
numbers. Computed when a version is stored (archive/store.py); the canned
query `copied_statistics` pairs them.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlite_utils

TABLES = ("active", "requests", "review")  # the schema's tables; prose figures are not a table


def _norm(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def table_fingerprints(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """[{table_name, fingerprint, cells, nonzero_cells}] over the cells that hold a value."""
    out = []
    for table in TABLES:
        valued = sorted((c["row_key"], c["col_key"], _norm(c["value"])) for c in cells
                        if c["table_name"] == table and c["value"] is not None)
        if not valued:
            continue
        digest = hashlib.sha256(json.dumps(valued, ensure_ascii=False).encode()).hexdigest()
        out.append({"table_name": table, "fingerprint": digest, "cells": len(valued),
                    "nonzero_cells": sum(1 for *_, v in valued if v != 0)})
    return out


_SHARED = ("update statistics_fingerprints set shared = (select count(*) > 1 from statistics_fingerprints o "
           "where o.table_name = ? and o.fingerprint = ?) where table_name = ? and fingerprint = ?")


def record(db: sqlite_utils.Database, report_id: int, cells: list[dict[str, Any]]) -> None:
    """Replace the report's fingerprints with those of its current cells, keeping `shared` (another
    report has the same table) right on both sides, so the canned query reads only shared rows."""
    old = [(r["table_name"], r["fingerprint"]) for r in db.query(
        "select table_name, fingerprint from statistics_fingerprints where report_id = ?", [report_id])]
    db.execute("delete from statistics_fingerprints where report_id = ?", [report_id])
    rows = [dict(f, report_id=report_id, shared=0) for f in table_fingerprints(cells)]
    if rows:
        db["statistics_fingerprints"].insert_all(rows)
    for table, fp in set(old) | {(r["table_name"], r["fingerprint"]) for r in rows}:
        db.execute(_SHARED, [table, fp, table, fp])


def backfill(db: sqlite_utils.Database) -> int:
    """Fingerprints for every report that has statistics but none yet (an archive from before them)."""
    ids = [r["report_id"] for r in db.query(
        "select distinct s.report_id from statistics s where not exists "
        "(select 1 from statistics_fingerprints f where f.report_id = s.report_id)")]
    with db.conn:
        for report_id in ids:
            rows = [dict(f, report_id=report_id) for f in table_fingerprints(list(db.query(
                "select table_name, row_key, col_key, value from statistics where report_id = ?", [report_id])))]
            if rows:
                db["statistics_fingerprints"].insert_all(rows)
        db.execute("update statistics_fingerprints set shared = exists (select 1 from statistics_fingerprints o "
                   "where o.table_name = statistics_fingerprints.table_name "
                   "and o.fingerprint = statistics_fingerprints.fingerprint "
                   "and o.report_id != statistics_fingerprints.report_id)")
    return len(ids)
