"""The report_summary view: headline totals from the tables, from prose when a report has no table, doubts counted."""
from __future__ import annotations

import sqlite_utils

from archive.schema import ensure_schema

# The columns other code reads by name, in their order; new columns are only ever appended.
STABLE = ["report_id", "agency", "year", "province", "city", "county", "level", "template", "new_requests",
          "granted", "partly_granted", "refused", "unable", "not_processed", "reviews", "lawsuits", "checks_failed",
          "title", "url", "version", "is_aggregate", "site_id"]


def _db(tmp_path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(tmp_path / "a.db")
    ensure_schema(db)
    db["reports"].insert_all([
        {"id": 1, "agency": "清河县柳林镇人民政府", "year": 2021, "template": "2021", "region_code": "130534"},
        {"id": 2, "agency": "河南省体育局", "year": 2015, "template": "pre2019"},
        {"id": 3, "agency": "空白", "year": 2020, "template": "unknown"},
    ])
    cell = lambda rid, t, r, c, v, conf=1.0: {"report_id": rid, "table_name": t, "row_key": r,  # noqa: E731
                                             "col_key": c, "value": v, "confidence": conf}
    db["statistics"].insert_all([
        cell(1, "requests", "new", "total", 12), cell(1, "requests", "granted", "total", 5),
        cell(1, "requests", "denied_state_secret", "total", 1), cell(1, "requests", "denied_law", "total", 2),
        cell(1, "requests", "denied_law", "natural_person", 2),  # not a total: not summed
        cell(1, "requests", "unable_not_held", "total", 3), cell(1, "requests", "rejected_petition", "total", None),
        cell(1, "review", "review", "total", 4), cell(1, "review", "litigation_direct", "total", 1),
        cell(1, "review", "litigation_after_review", "total", 2, 0.1),  # a suspected misread
        cell(1, "prose", "applications_received", "value", 99, 0.7),  # prose never overrides a table
        cell(2, "prose", "applications_received", "value", 7, 0.7), cell(2, "prose", "granted", "value", 5, 0.7),
        cell(2, "prose", "refused", "value", 2, 0.7), cell(2, "prose", "reviews", "value", 0, 0.6),
    ])
    db["checks"].insert_all([{"report_id": 1, "check_name": "requests_balance", "passed": 0, "detail": "x"},
                             {"report_id": 1, "check_name": "review_total", "passed": None, "detail": "missing"},
                             {"report_id": 1, "check_name": "requests_row_total", "passed": 1, "detail": "ok"}])
    return db


def test_headlines_prose_fallback_and_doubts(tmp_path):
    db = _db(tmp_path)
    cols = [d[0] for d in db.execute("select * from report_summary limit 0").description]
    assert cols[:len(STABLE)] == STABLE
    rows = {r["report_id"]: r for r in db.query("select * from report_summary")}
    t = rows[1]
    assert (t["new_requests"], t["granted"], t["refused"], t["unable"], t["not_processed"]) == (12, 5, 3, 3, None)
    assert (t["reviews"], t["lawsuits"], t["checks_failed"], t["checks_unevaluable"]) == (4, 3, 1, 1)
    assert (t["figures_from"], t["uncertain_values"], t["region_code"]) == ("table", 1, "130534")
    p = rows[2]
    assert (p["new_requests"], p["granted"], p["refused"], p["reviews"], p["lawsuits"]) == (7, 5, 2, 0, None)
    assert (p["figures_from"], p["unable"], p["uncertain_values"]) == ("prose", None, 0)
    assert rows[3]["figures_from"] is None and rows[3]["new_requests"] is None


def test_missing_rows_are_counted_and_named(tmp_path):
    import json
    db = _db(tmp_path)
    db["reports"].update(1, {"parse_warnings_json": json.dumps([
        "agency unknown",
        "row not found: requests.partly_granted 三、本年度办理结果（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "table not found: review 四、政府信息公开行政复议、行政诉讼情况"], ensure_ascii=False)})
    rows = {r["report_id"]: r for r in db.query("select * from report_summary")}
    assert rows[1]["missing_rows"] == 2
    assert "requests.partly_granted" in rows[1]["missing_rows_list"] and "部分公开" in rows[1]["missing_rows_list"]
    assert rows[2]["missing_rows"] == 0 and rows[2]["missing_rows_list"] is None


def test_identity_doubts_are_shown_with_whether_the_name_was_qualified(tmp_path):
    import json
    db = _db(tmp_path)
    db["reports"].update(3, {"agency_qualified": 0, "identity_warnings_json": json.dumps(
        ["长城镇: no county or city qualifies this name; kept apart per site (site b)"], ensure_ascii=False)})
    db["reports"].update(1, {"agency_qualified": 1, "identity_warnings_json": "[]"})
    rows = {r["report_id"]: r for r in db.query("select * from report_summary")}
    assert rows[3]["agency_qualified"] == 0 and "kept apart per site" in rows[3]["identity_warnings"]
    assert rows[1]["agency_qualified"] == 1 and rows[1]["identity_warnings"] is None
