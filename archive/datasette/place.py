"""A province, city or county: the data of /-/nianbao/place/<name or code>.

Its agencies' reports of one year (the newest by default) ranked by new requests, refusal
rate, lawsuits or correction rate; the agencies that published for an earlier year but
have no report for this one; the places inside it. The same rows make the CSV.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from parsers.report import regions

from archive import labels
from . import display
from .places import Place
from .sql import rows

SORTS = {  # ?sort= → (column, label)
    "requests": ("new_requests", labels.HEADLINES["new_requests"]),
    "refusal_rate": ("refusal_rate", labels.HEADLINES["refusal_rate"]),
    "lawsuits": ("lawsuits", labels.HEADLINES["lawsuits"]),
    "correction_rate": ("correction_rate", labels.HEADLINES["correction_rate"]),
}
SHOWN = ("new_requests", "granted", "refused", "unable", "not_processed", "refusal_rate", "reviews", "lawsuits",
         "correction_rate", "checks_failed")
CSV_COLUMNS = ["rank", "agency", "agency_key", "level", "year", "new_requests", "granted", "refused", "unable",
               "not_processed", "total_processed", "refusal_rate", "reviews", "lawsuits", "corrected",
               "correction_rate", "checks_failed", "report_id", "url"]
CSV_HEADER = {"rank": "排名", "agency": "机关", "agency_key": "机关键", "level": "层级", "year": "年度",
              "report_id": "报告编号", "url": "原文链接", **labels.HEADLINES}


def place_data(conn: sqlite3.Connection, place: Place, year: int | None = None, sort: str = "requests") -> dict[str, Any]:
    lo, hi = place.code_range
    in_place = "r.region_code >= ? and r.region_code < ?"
    years = rows(conn, f"select r.year, count(*) as reports from reports r where {in_place} and r.year is not null "
                       "group by r.year order by r.year", [lo, hi])
    year = year if year is not None else (years[-1]["year"] if years else None)
    column = SORTS.get(sort, SORTS["requests"])[0]
    ranked = rows(conn, f"""
        select s.report_id, r.agency_key, s.agency, s.level, s.year, s.new_requests, s.granted, s.refused, s.unable,
               s.not_processed, t.total_processed, t.refusal_rate, s.reviews, s.lawsuits, t.corrected,
               t.correction_rate, s.checks_failed, s.is_aggregate, s.url, s.region_code
        from reports r join report_summary s on s.report_id = r.id join report_rates t on t.report_id = r.id
        where {in_place} and r.year = ?
        order by t_sort is null, t_sort desc, s.agency""".replace(
        "t_sort", {"new_requests": "s.new_requests", "lawsuits": "s.lawsuits"}.get(column, f"t.{column}")),
        [lo, hi, year])
    for i, r in enumerate(ranked, 1):
        r["rank"] = i
        r["show"] = display.shown(r, SHOWN)
    missing = rows(conn, f"""
        select r.agency_key, max(r.agency) as agency, min(r.year) as first_year, max(r.year) as last_year,
               count(*) as reports
        from reports r where {in_place} and r.year is not null
        group by r.agency_key having min(r.year) < ? and max(r.year = ?) = 0
        order by agency""", [lo, hi, year, year]) if year is not None else []
    return {"place": place, "years": years, "year": year, "sort": sort if sort in SORTS else "requests",
            "ranked": ranked, "missing": missing, "children": _children(conn, place, year, lo, hi)}


def _children(conn: sqlite3.Connection, place: Place, year: int | None, lo: str, hi: str) -> list[dict[str, Any]]:
    """The cities of a province, the counties of a city, with their number of reports for the year."""
    if place.level == "county" or year is None:
        return []
    width = 4 if place.level == "province" else 6
    out = []
    for r in rows(conn, f"select substr(region_code, 1, {width}) as prefix, count(*) as reports from reports "
                        "where region_code >= ? and region_code < ? and year = ? group by 1", [lo, hi, year]):
        code = r["prefix"].ljust(6, "0")
        region = regions.by_code(code)
        if region and code != place.code:
            out.append({"code": code, "name": region.name, "reports": r["reports"]})
    return sorted(out, key=lambda c: c["code"])


def csv_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The ranking as CSV rows, Chinese header first."""
    out: list[list[Any]] = [[CSV_HEADER.get(c, c) for c in CSV_COLUMNS]]
    for r in data["ranked"]:
        out.append([labels.LEVELS.get(r[c], r[c]) if c == "level" else r.get(c) for c in CSV_COLUMNS])
    return out
