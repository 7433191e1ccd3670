"""One agency over the years: the data of /-/nianbao/agency/<agency_key>.

Every year's report of the agency (one `agency_key`, whatever name each report printed;
the names seen are in `agency_aliases`), its headline figures and rates, refusals by
reason, check results, documents, captures and revisions. Runs on a plain sqlite3
connection (datasette's `execute_fn`, or a benchmark's).
"""
from __future__ import annotations

import sqlite3
from typing import Any

from archive import labels
from . import changes, display
from .places import place_for_code
from .sql import has_table, id_list, rows

REFUSAL_KINDS = (("denied_", "不予公开"), ("unable_", "无法提供"), ("rejected_", "不予处理"))
YEAR_FIGURES = ("new_requests", "granted", "partly_granted", "refused", "unable", "not_processed",
                "total_processed", "reviews", "lawsuits", "corrected", "refusal_rate", "correction_rate")


def agency_data(conn: sqlite3.Connection, agency_key: str) -> dict[str, Any] | None:
    years = rows(conn, """
        select s.*, t.total_processed, t.corrected, t.decided, t.refusal_rate, t.correction_rate,
               r.agency_key, r.removed_at, r.first_seen_at
        from reports r join report_summary s on s.report_id = r.id join report_rates t on t.report_id = r.id
        where r.agency_key = ? order by r.year, r.id""", [agency_key])
    if not years:
        return None
    ids = id_list([y["report_id"] for y in years])
    aliases = rows(conn, "select alias, site_id, min(first_seen_at) as first_seen_at from agency_aliases "
                         "where agency_key = ? group by alias, site_id order by first_seen_at", [agency_key])
    reasons = rows(conn, f"""
        select report_id, row_key, value from statistics
        where report_id in ({ids}) and table_name = 'requests' and col_key = 'total'
          and (row_key like 'denied^_%' escape '^' or row_key like 'unable^_%' escape '^'
               or row_key like 'rejected^_%' escape '^')""")
    checks = rows(conn, f"select report_id, check_name, passed, detail from checks where report_id in ({ids}) "
                        "order by check_name")
    by_hand = ("(select count(*) from captures c where c.document_id = d.id and c.origin = 'added_by_hand')"
               if "origin" in {r[1] for r in conn.execute("pragma table_info(captures)")} else "0")
    documents = rows(conn, f"""
        select d.id, d.report_id, d.url, d.format, d.role, d.title, d.fetched_at,
               (select count(*) from captures c where c.document_id = d.id) as captures, {by_hand} as added_by_hand
        from documents d where d.report_id in ({ids}) order by d.report_id, d.role = 'attachment', d.id""")
    jumps = rows(conn, f"select report_id, table_name, row_key, col_key, value, previous_value, ratio "
                       f"from year_jumps where report_id in ({ids})") if has_table(conn, "year_jumps") else []
    revisions = changes.revisions(conn, [y["report_id"] for y in years])

    by_report: dict[int, dict[str, Any]] = {y["report_id"]: y for y in years}
    for y in years:
        y.update(checks=[], documents=[], reasons={}, jumps=[], revisions=[])
    for r in reasons:
        by_report[r["report_id"]]["reasons"][r["row_key"]] = r["value"]
    for c in checks:
        by_report[c["report_id"]]["checks"].append(dict(c, label=labels.check_label(c["check_name"])))
    for d in documents:
        by_report[d["report_id"]]["documents"].append(d)
    for j in jumps:
        by_report[j["report_id"]]["jumps"].append(
            dict(j, label=labels.cell_label(j["table_name"], j["row_key"], j["col_key"])))
    for rev in revisions:
        by_report[rev["report_id"]]["revisions"].append(rev)
    for y in years:
        y["check_status"] = check_status(y["checks"])
        y["show"] = display.shown(y, YEAR_FIGURES)

    latest = years[-1]
    place = place_for_code(latest.get("region_code"))
    return {
        "agency_key": agency_key,
        "name": latest["agency"],
        "aliases": aliases,
        "years": years,
        "places": place.chain if place else [],
        "reasons": reason_rows(years),
        "revisions": [rev for y in years for rev in y["revisions"]],
    }


def check_status(checks: list[dict[str, Any]]) -> str:
    """'failed' when any check fails, 'unevaluable' when some could not be evaluated, else 'passed'."""
    if not checks:
        return "none"
    if any(c["passed"] == 0 for c in checks):
        return "failed"
    if any(c["passed"] is None for c in checks):
        return "unevaluable"
    return "passed"


def reason_rows(years: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Refusals by reason: one row per reason any year used, with each year's count (None: no cell)."""
    keys = sorted({k for y in years for k in y["reasons"]})
    out = []
    for prefix, kind in REFUSAL_KINDS:
        for key in [k for k in keys if k.startswith(prefix)]:
            values = [y["reasons"].get(key) for y in years]
            out.append({"key": key, "kind": kind, "label": labels.short_row_label("requests", key),
                        "full_label": labels.row_label("requests", key), "values": values,
                        "shown": [display.num(v) for v in values]})
    # the schema's order within a kind (the form's numbering), not alphabetical
    order = {k: i for i, k in enumerate(_schema_request_rows())}
    out.sort(key=lambda r: order.get(r["key"], 999))
    return out


def _schema_request_rows() -> list[str]:
    from parsers.report import schema_keys
    return schema_keys.row_keys("2021", "requests") + [
        k for k in schema_keys.row_keys("2019", "requests") if k not in schema_keys.row_keys("2021", "requests")]
