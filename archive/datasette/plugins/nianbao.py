"""nianbao's datasette plugin: Chinese search, per-report pages, capture replay.

* `escape_fts` is replaced by `archive.search.match_expression`, so datasette's own search
  box on `reports` / `report_summary` answers exactly like `nianbao search`; the same
  rewrite is available to SQL as `nianbao_match(q)`.
* /-/nianbao/search?q=…           ranked hits with highlighted snippets (archive.search.search)
* /-/nianbao/report/<id>          one report: headline figures, its statistics laid out as the
                                  three tables they came from, checks, documents, versions
* /-/nianbao/capture/<document id>[?capture=<capture id>]
                                  the archived bytes replayed from the WARC store
* /-/nianbao/nianbao.css          the style of these pages (and fixes to datasette's tables)
"""
from __future__ import annotations

import asyncio
from functools import lru_cache
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from archive import search as search_mod
from archive import labels
from archive.datasette import changes, display
from archive.datasette.places import place_for_code
from archive.datasette.urls import agency_url, place_url, report_agency_url
from archive.warc import read_response
from parsers.report import schema_keys

DATASETTE_DIR = Path(__file__).resolve().parent.parent
TABLE_ORDER = ["active", "requests", "review"]
FORMAT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "doc": "application/msword",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "xls": "application/vnd.ms-excel", "wps": "application/octet-stream"}


def _escape_fts(query: str) -> str:
    # a blank query has to match nothing rather than be a syntax error
    return search_mod.match_expression(query) or '""'


@hookimpl(trylast=True)  # after datasette's own escape_fts, so this one wins
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, _escape_fts)
    conn.create_function("nianbao_match", 1, _escape_fts)
    conn.create_function("nianbao_bigrams", 1, lambda q: search_mod.table_expressions(q)[0])
    conn.create_function("nianbao_chars", 1, lambda q: search_mod.table_expressions(q)[1])
    # Chinese labels for SQL that people read (canned queries, dashboards): archive/labels.py
    conn.create_function("nianbao_headline", 1, lambda col: labels.HEADLINES.get(col, col), deterministic=True)
    conn.create_function("nianbao_row_label", 2, lambda t, r: labels.short_row_label(t, r) if t and r else r,
                         deterministic=True)
    conn.create_function("nianbao_cell_label", 3, lambda t, r, c: labels.cell_label(t, r, c) if t and r and c else r,
                         deterministic=True)
    conn.create_function("nianbao_check_label", 1, lambda n: labels.check_label(n) if n else n, deterministic=True)


# the reports, as `report id` column, searched by the box on their datasette pages
SEARCHABLE = {"reports": "id", "report_summary": "report_id"}
SEARCH_SQL = ("{pk} IN (SELECT rowid FROM search_fts WHERE search_fts MATCH nianbao_bigrams(:nianbao_q) "
              "UNION ALL SELECT rowid FROM search_chars WHERE search_chars MATCH nianbao_chars(:nianbao_q))")


@hookimpl(trylast=True)  # last, so our search context wins over datasette's "no FTS table here"
def filters_from_request(request, database, table, datasette):
    """?_search= on reports and report_summary through our two tables: one-character queries
    use the character table (datasette's own search would run a slow prefix query)."""
    from datasette.filters import FilterArguments
    pk = SEARCHABLE.get(table)
    if pk is None:
        return None
    q = (request.args.get("_search") or "").strip()
    context = {"supports_search": True, "search": q}
    if not q:
        return FilterArguments([], extra_context=context)
    return FilterArguments([SEARCH_SQL.format(pk=pk)], {"nianbao_q": q},
                           [f'search matches "{q}"'], extra_context=context)


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return schema_keys.schema()  # the parser's own copy, read once


def _layout(template: str | None, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(rows, columns) as (key, label) in the order the official form prints them."""
    tpl = _schema()["templates"].get(template or "") or _schema()["templates"]["2021"]
    spec = next((t for t in tpl["tables"] if t["table"] == table), None)
    if spec is None:
        return [], []
    rows = [(r["key"], r["label"]) for r in spec["rows"]]
    if "columns" in spec:
        cols = [(c["key"], c["label"]) for c in spec["columns"]]
    else:
        seen: dict[str, str] = {}
        for cells in spec.get("cells_by_row", {}).values():
            for c in cells:
                seen.setdefault(c["key"], c["label"])
        cols = list(seen.items())
    return rows, cols


EXTRA_LABELS = {"prose": "Figures stated in the report's text (not its tables)"}


def _table_label(template: str | None, table: str) -> str:
    tpl = _schema()["templates"].get(template or "") or _schema()["templates"]["2021"]
    return next((t["label"] for t in tpl["tables"] if t["table"] == table), EXTRA_LABELS.get(table, table))


def statistics_tables(template: str | None, cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The report's cells as grids: schema rows/columns first, anything else the parser found after."""
    out = []
    for table in TABLE_ORDER + sorted({c["table_name"] for c in cells} - set(TABLE_ORDER)):
        mine = [c for c in cells if c["table_name"] == table]
        if not mine:
            continue
        rows, cols = _layout(template, table)
        row_keys = [k for k, _ in rows]
        col_keys = [k for k, _ in cols]
        rows += [(k, k) for k in dict.fromkeys(c["row_key"] for c in mine) if k not in row_keys]
        cols += [(k, k) for k in dict.fromkeys(c["col_key"] for c in mine) if k not in col_keys]
        by_key = {(c["row_key"], c["col_key"]): c for c in mine}
        grid = []
        for rk, rlabel in rows:
            cells_row = []
            for ck, _ in cols:
                c = by_key.get((rk, ck))
                cells_row.append(None if c is None else {"value": display.num(c["value"]), "raw": c.get("raw_text") or "",
                                                          "page": c.get("page")})
            if any(x is not None for x in cells_row):
                grid.append({"key": rk, "label": rlabel, "cells": cells_row})
        out.append({"name": table, "label": _table_label(template, table), "columns": cols, "rows": grid})
    return out


def _db(datasette):
    return datasette.get_database()


async def _rows(db, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in (await db.execute(sql, params)).rows]


async def report_page(datasette, request):
    report_id = int(request.url_vars["report_id"])
    db = _db(datasette)
    summary = await _rows(db, "select * from report_summary where report_id = ?", [report_id])
    if not summary:
        raise NotFound(f"No report {report_id}")
    report = (await _rows(db, "select * from reports where id = ?", [report_id]))[0]
    cells = await _rows(db, "select table_name, row_key, col_key, value, raw_text, page from statistics "
                            "where report_id = ? order by id", [report_id])
    checks = await _rows(db, "select check_name, passed, detail from checks where report_id = ? order by check_name",
                         [report_id])
    documents = await _rows(db, "select id, url, format, role, title, size, sha256, fetched_at, warc_file, "
                                "extract_error from documents where report_id = ? order by role = 'attachment', id",
                            [report_id])
    captures = await _rows(db, "select c.id, c.document_id, c.url, c.fetched_at, c.http_status, c.warc_file "
                               "from captures c join documents d on d.id = c.document_id where d.report_id = ? "
                               "order by c.fetched_at desc, c.id desc", [report_id])
    versions = await db.execute_fn(lambda conn: changes.revisions(conn, [report_id], with_first=True))
    place = place_for_code(report.get("region_code"))
    html = await datasette.render_template("nianbao_report.html", {
        "report": report, "summary": summary[0], "tables": statistics_tables(report.get("template"), cells),
        "checks": checks, "documents": documents, "captures": captures, "versions": versions,
        "database": db.name, "failed": [c for c in checks if c["passed"] == 0],
        "headlines": labels.HEADLINES, "check_label": labels.check_label, "levels": labels.LEVELS,
        "agency_url": agency_url(report["agency_key"]) if report.get("agency_key") else report_agency_url(report_id),
        "places": place.chain if place else [], "place_url": place_url,
    }, request=request)
    return Response.html(html)


async def search_page(datasette, request):
    q = (request.args.get("q") or "").strip()
    filters = {k: (request.args.get(k) or "").strip() or None for k in ("year", "agency", "region", "template")}
    db = _db(datasette)
    hits, error = [], None
    if q:
        try:
            year = int(filters["year"]) if filters["year"] else None
        except ValueError:
            year, error = None, f"year must be a number, not {filters['year']!r}"
        if not error:
            limit = 200
            hits = await db.execute_fn(lambda conn: search_mod.search(
                _SqliteUtilsShim(conn), q, year=year, agency=filters["agency"], region=filters["region"],
                template=filters["template"], limit=limit + 1))
    more = len(hits) > 200
    hits = hits[:200]
    for h in hits:
        h.snippet_html = _mark(h.snippet)
    html = await datasette.render_template("nianbao_search.html", {
        "q": q, "filters": filters, "hits": hits, "more": more, "error": error, "database": db.name,
    }, request=request)
    return Response.html(html)


def _mark(snippet: str) -> Markup:
    parts = snippet.split("**")
    return Markup("").join(escape(p) if i % 2 == 0 else Markup("<mark>") + escape(p) + Markup("</mark>")
                           for i, p in enumerate(parts))


class _SqliteUtilsShim:
    """The two members of sqlite_utils.Database that archive.search uses, over a raw connection."""

    def __init__(self, conn) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Any = ()):
        return self.conn.execute(sql, params)


async def capture(datasette, request):
    document_id = int(request.url_vars["document_id"])
    db = _db(datasette)
    capture_id = request.args.get("capture")
    if capture_id:
        rows = await _rows(db, "select c.warc_file, c.warc_offset, d.content_type, d.format, d.url from captures c "
                               "join documents d on d.id = c.document_id where c.id = ? and c.document_id = ?",
                           [int(capture_id), document_id])
    else:
        rows = await _rows(db, "select warc_file, warc_offset, content_type, format, url from documents where id = ?",
                           [document_id])
    if not rows or not rows[0]["warc_file"]:
        raise NotFound(f"No archived capture for document {document_id}")
    row = rows[0]
    warc_dir = (datasette.plugin_config("nianbao") or {}).get("warc_dir")
    if not warc_dir:
        raise NotFound("This archive was served without a WARC store")
    try:
        stored = await asyncio.get_running_loop().run_in_executor(
            None, read_response, warc_dir, row["warc_file"], int(row["warc_offset"]))
        body = stored.decoded_body()
    except (OSError, ValueError, StopIteration) as exc:
        return Response.text(f"Cannot read {row['warc_file']}@{row['warc_offset']} from {warc_dir}: {exc}", status=502)
    content_type = stored.header("content-type") or row["content_type"] or FORMAT_TYPES.get(row["format"] or "",
                                                                                         "application/octet-stream")
    headers = {"X-Content-Type-Options": "nosniff", "X-Nianbao-Original-URL": stored.url or row["url"] or "",
               "Cache-Control": "private, max-age=3600"}
    if "html" in content_type.lower():
        # archived pages are someone else's HTML: never let their scripts run on this origin
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src * data:; style-src * 'unsafe-inline'"
    return Response(body, status=200, headers=headers, content_type=content_type)


@hookimpl
def register_routes():
    return [
        (r"^/-/nianbao/report/(?P<report_id>\d+)$", report_page),
        (r"^/-/nianbao/search$", search_page),
        (r"^/-/nianbao/capture/(?P<document_id>\d+)$", capture),
        (r"^/-/nianbao/nianbao\.css$", stylesheet),
    ]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    # report ids open the report page wherever they appear
    if column == "report_id" or (table == "reports" and column == "id"):
        if isinstance(value, int):
            return Markup(f'<a href="/-/nianbao/report/{value}">{value}</a>')
    # the WARC location of a document or capture opens the archived bytes
    if column == "warc_file" and value and table in ("documents", "captures"):
        def plain(col):  # foreign keys arrive expanded as {"value", "label"}
            v = row[col]
            return int(v["value"] if isinstance(v, dict) else v)
        try:
            href = (f"/-/nianbao/capture/{plain('id')}" if table == "documents"
                    else f"/-/nianbao/capture/{plain('document_id')}?capture={plain('id')}")
        except (KeyError, IndexError, TypeError, ValueError):
            return None
        return Markup('<a href="{}" title="replay the archived capture">{}</a>').format(href, value)
    return None


CSS_PATH = DATASETTE_DIR / "nianbao.css"
CSS_URL = "/-/nianbao/nianbao.css"


async def stylesheet(request):
    return Response(CSS_PATH.read_text(encoding="utf-8"), content_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "max-age=600"})


@hookimpl
def extra_css_urls():
    # on every page: our own pages, and the fixes to datasette's table pages
    return [CSS_URL]
