"""Checks across years: one agency's report of year Y against its report of year Y-1.

- `carried_over_continuity` (statistics-schema.json): for every column c,
  requests.carried_in[c] of year Y == requests.carried_over[c] of year Y-1. Stored in
  `checks` on the year-Y report whenever the Y-1 report is archived, its detail naming
  that report.
- A headline figure that moved ×10 or more against the year before is a doubt, not an
  error: a row in `year_jumps` and the flag `year_jump` on the year-Y cell.

Both are re-evaluated whenever either report gets a new version (archive/store.py calls
`refresh_around`), so the missing year arriving later, or a revised report, updates them.
The agency is `reports.agency_key`.
"""
from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from parsers.report.schema_keys import REQUEST_COLS

CHECK_NAME = "carried_over_continuity"
CHECKER = "nianbao-archive continuity"
JUMP_FLAG = "year_jump"
JUMP_RATIO = 10.0
JUMP_MIN = 10  # the larger of the two values: 1 → 3 is noise, 0 → 40 is a doubt
_DENIED = ("denied_state_secret", "denied_law", "denied_security", "denied_third_party", "denied_internal",
           "denied_process", "denied_enforcement_file", "denied_query")
# The figures a journalist quotes: new requests, granted, refused by kind, unable, processed, reviews, lawsuits.
HEADLINE_CELLS = ([("requests", r, "total") for r in ("new", "granted", "partly_granted", *_DENIED,
                                                       "unable_not_held", "total_processed")]
                  + [("review", r, "total") for r in ("review", "litigation_direct", "litigation_after_review")])


_COLUMNS = "id, agency, agency_key, year, current_version"


def _report(db: sqlite_utils.Database, agency_key: str | None, year: int | None) -> dict[str, Any] | None:
    if agency_key is None or year is None:
        return None
    return next(db.query(f"select {_COLUMNS} from reports where agency_key = ? and year = ?",
                         [agency_key, year]), None)


def _cells(db: sqlite_utils.Database, report_id: int, table: str, row: str) -> dict[str, Any]:
    return {r["col_key"]: r["value"] for r in db.query(
        "select col_key, value from statistics where report_id = ? and table_name = ? and row_key = ?",
        [report_id, table, row])}


def _name(report: dict[str, Any]) -> str:
    return f"report #{report['id']} ({report['agency']} {report['year']})"


def _fmt(v: Any) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def continuity(db: sqlite_utils.Database, later: dict[str, Any], earlier: dict[str, Any]) -> dict[str, Any]:
    """The check's row for `later` against `earlier` (passed NULL when no column has both values)."""
    carried_in = _cells(db, later["id"], "requests", "carried_in")
    carried_over = _cells(db, earlier["id"], "requests", "carried_over")
    compared, differ, missing = 0, [], []
    for col in REQUEST_COLS:
        a, b = carried_in.get(col), carried_over.get(col)
        if a is None or b is None:
            missing.append(col)
            continue
        compared += 1
        if abs(float(a) - float(b)) > 1e-6:
            differ.append(f"carried_in.{col} {_fmt(a)} ≠ {earlier['year']} carried_over.{col} {_fmt(b)}")
    if differ:
        passed, detail = 0, f"against {_name(earlier)}: " + "; ".join(differ)
    elif compared:
        passed, detail = 1, f"matches {_name(earlier)} in {compared} column(s)"
    else:
        passed, detail = None, f"{_name(earlier)} archived, but no column has both values"
    if missing and compared:
        detail += f" (not compared, a value missing: {', '.join(missing)})"
    return {"report_id": later["id"], "version": later["current_version"], "check_name": CHECK_NAME,
            "passed": passed, "detail": detail, "parser": CHECKER}


def _totals(db: sqlite_utils.Database, report_id: int) -> dict[tuple[str, str, str], Any]:
    return {(r["table_name"], r["row_key"], "total"): r["value"] for r in db.query(
        "select table_name, row_key, value from statistics where report_id = ? and col_key = 'total' "
        "and table_name in ('requests', 'review')", [report_id])}


def jumps(db: sqlite_utils.Database, later: dict[str, Any], earlier: dict[str, Any]) -> list[dict[str, Any]]:
    """Headline cells of `later` ×10 or more up or down from `earlier`'s."""
    now, before = _totals(db, later["id"]), _totals(db, earlier["id"])
    out = []
    for table, row, col in HEADLINE_CELLS:
        a, b = now.get((table, row, col)), before.get((table, row, col))
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or a < 0 or b < 0:
            continue
        high, low = max(a, b), min(a, b)
        if high < JUMP_MIN or high < JUMP_RATIO * max(low, 1):
            continue
        ratio = round(a / b, 2) if b else None
        out.append({"report_id": later["id"], "previous_report_id": earlier["id"], "table_name": table,
                    "row_key": row, "col_key": col, "value": a, "previous_value": b, "ratio": ratio,
                    "detail": f"{table}.{row}.{col} {_fmt(a)} against {_fmt(b)} in {_name(earlier)}"})
    return out


def _set_jump_flags(db: sqlite_utils.Database, report_id: int, cells: set[tuple[str, str, str]]) -> None:
    """Add the flag to the jumping cells of the report's current statistics, drop it from the others."""
    for r in list(db.query("select id, table_name, row_key, col_key, flags from statistics where report_id = ? "
                           "and table_name in ('requests', 'review') and col_key = 'total'", [report_id])):
        flags = json.loads(r["flags"]) if r["flags"] else []
        want = (r["table_name"], r["row_key"], r["col_key"]) in cells
        if want == (JUMP_FLAG in flags):
            continue
        flags = flags + [JUMP_FLAG] if want else [f for f in flags if f != JUMP_FLAG]
        db.execute("update statistics set flags = ? where id = ?",
                   [json.dumps(flags, ensure_ascii=False) if flags else None, r["id"]])


def evaluate(db: sqlite_utils.Database, later: dict[str, Any], run_id: str | None) -> None:
    """(Re)write the across-years results stored on `later`. Call inside the writer's transaction."""
    earlier = _report(db, later["agency_key"], later["year"] - 1 if later["year"] is not None else None)
    db.execute("delete from checks where report_id = ? and check_name = ?", [later["id"], CHECK_NAME])
    db.execute("delete from year_jumps where report_id = ?", [later["id"]])
    found: list[dict[str, Any]] = []
    if earlier is not None and later["current_version"] is not None:
        db["checks"].insert(dict(continuity(db, later, earlier), run_id=run_id))
        found = jumps(db, later, earlier)
        if found:
            db["year_jumps"].insert_all(found)
    _set_jump_flags(db, later["id"], {(j["table_name"], j["row_key"], j["col_key"]) for j in found})


def refresh_around(db: sqlite_utils.Database, report_id: int, run_id: str | None) -> None:
    """A report changed: re-evaluate it against its year before, and its year after against it."""
    row = next(db.query("select agency_key, year from reports where id = ?", [report_id]), None)
    if row is None:
        return
    for year in (row["year"], (row["year"] + 1) if row["year"] is not None else None):
        later = _report(db, row["agency_key"], year)
        if later is not None:
            evaluate(db, later, run_id)


def refresh_all(db: sqlite_utils.Database, run_id: str | None = None) -> int:
    """Every report, e.g. after agency keys were recomputed. Returns how many were evaluated."""
    ids = [r["id"] for r in db.query("select id from reports where current_version is not null order by id")]
    with db.conn:
        for report_id in ids:
            evaluate(db, next(db.query(f"select {_COLUMNS} from reports where id = ?", [report_id])), run_id)
    return len(ids)
