"""Journalists' pages: one agency over the years, a place's agencies side by side, Atom feeds.

* /-/nianbao/agency/<agency_key>[.atom]   every year of one agency: figures, charts, checks, documents
* /-/nianbao/report/<id>/agency            → that report's agency page (links from any table row)
* /-/nianbao/place/<name or code>[.csv|.atom][?year=&sort=]
                                           a province, city or county: agencies ranked, missing reports
* /-/nianbao/feed.atom                      new and revised reports everywhere
The data come from archive/datasette/{agency,place,feeds}.py; the charts are Vega-Lite
(archive/datasette/charts.py) drawn by datasette-dashboards' bundled Vega on load.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import unquote

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from archive.datasette import agency as agency_mod
from archive import labels
from archive.datasette import charts, feeds
from archive.datasette import place as place_mod
from archive.datasette.places import PlaceNotFound, resolve_place
from archive.datasette.urls import agency_url, place_url, report_agency_url


def _chart_json(spec: dict[str, Any]) -> Markup:
    # inside <script>: "</" must not close the element
    return Markup(json.dumps(spec, ensure_ascii=False).replace("</", "<\\/"))


def _vega_scripts(datasette) -> list[str]:
    return [datasette.urls.static_plugins("datasette_dashboards", name) for name in charts.VEGA_SCRIPTS]


async def agency_page(datasette, request):
    key = unquote(request.url_vars["agency_key"])
    db = datasette.get_database()
    data = await db.execute_fn(lambda conn: agency_mod.agency_data(conn, key))
    if data is None:
        raise NotFound(f"No agency with key {key!r} (agency keys are in the reports table's agency_key column)")
    if request.url_vars.get("ext") == ".atom":
        entries = await db.execute_fn(lambda conn: feeds.feed_entries(conn, agency_key=key))
        return _atom(datasette, request, entries, f"{data['name']}：新报告与修订", agency_url(key))
    years = data["years"]
    specs = {"requests": charts.agency_requests(years), "reviews": charts.agency_reviews(years),
             "reasons": charts.agency_reasons(years, data["reasons"])}
    specs = {k: v for k, v in specs.items() if charts.has_data(v)}  # a pre-2019 agency: no empty frames
    html = await datasette.render_template("nianbao_agency.html", {
        "a": data, "years": years, "headlines": labels.HEADLINES, "notes": labels.HEADLINE_NOTES,
        "charts": {k: _chart_json(v) for k, v in specs.items()}, "vega_scripts": _vega_scripts(datasette),
        "feed_url": agency_url(key) + ".atom", "place_url": place_url, "agency_url": agency_url,
        "database": db.name, "status_labels": STATUS_LABELS,
    }, request=request)
    return Response.html(html)


STATUS_LABELS = {"passed": "全部通过", "failed": "有未通过", "unevaluable": "部分无法校验", "none": "无表格可校验"}


async def report_agency(datasette, request):
    report_id = int(request.url_vars["report_id"])
    row = (await datasette.get_database().execute("select agency_key from reports where id = ?", [report_id])).first()
    if row is None or not row["agency_key"]:
        raise NotFound(f"No report {report_id}")
    return Response.redirect(agency_url(row["agency_key"]))


async def place_page(datasette, request):
    name = unquote(request.url_vars["place"])
    ext = request.url_vars.get("ext") or ("." + request.args["_format"] if request.args.get("_format") else "")
    db = datasette.get_database()
    try:
        place = resolve_place(name)
    except PlaceNotFound as exc:
        html = await datasette.render_template("nianbao_place_unknown.html", {
            "message": str(exc), "candidates": exc.candidates, "place_url": place_url, "database": db.name,
        }, request=request)
        return Response.html(html, status=404)
    try:
        year = int(request.args["year"]) if request.args.get("year") else None
    except ValueError:
        return Response.text(f"year must be a number, not {request.args['year']!r}", status=400)
    sort = request.args.get("sort") or "requests"
    if ext == ".atom":
        entries = await db.execute_fn(lambda conn: feeds.feed_entries(conn, place=place))
        return _atom(datasette, request, entries, f"{place.full_name}：新报告与修订", place_url(place.code))
    data = await db.execute_fn(lambda conn: place_mod.place_data(conn, place, year, sort))
    if ext == ".csv":
        return _csv(data, place, request.args.get("list") == "missing")
    if ext:
        return Response.text(f"unknown format {ext!r}: .csv or .atom", status=400)
    column, _ = place_mod.SORTS[data["sort"]]
    specs = {"ranking": charts.place_ranking(data["ranked"], column, f"{place.name} {data['year']}年：按"
                                             f"{labels.HEADLINES[column]}排名（前20）")}
    if column != "refusal_rate":
        specs["refusal"] = charts.place_ranking(
            sorted(data["ranked"], key=lambda r: -(r["refusal_rate"] or -1)), "refusal_rate",
            f"{place.name} {data['year']}年：不予公开率最高的机关（前20）")
    specs = {k: v for k, v in specs.items() if charts.has_data(v)}
    html = await datasette.render_template("nianbao_place.html", {
        "d": data, "place": place, "headlines": labels.HEADLINES, "notes": labels.HEADLINE_NOTES,
        "sorts": place_mod.SORTS, "charts": {k: _chart_json(v) for k, v in specs.items()},
        "vega_scripts": _vega_scripts(datasette), "place_url": place_url, "agency_url": agency_url,
        "feed_url": f"/-/nianbao/place/{place.code}.atom",
        "csv_url": place_url(place.code, year=data["year"], sort=data["sort"], _format="csv"),
        "missing_csv_url": place_url(place.code, year=data["year"], _format="csv", list="missing"),
        "database": db.name,
    }, request=request)
    return Response.html(html)


def _csv(data: dict[str, Any], place, missing: bool) -> Response:
    buf = io.StringIO()
    w = csv.writer(buf)
    if missing:
        w.writerow(["机关", "机关键", "首份报告年度", "最近报告年度", f"缺少{data['year']}年报告"])
        for m in data["missing"]:
            w.writerow([m["agency"], m["agency_key"], m["first_year"], m["last_year"], 1])
    else:
        w.writerows(place_mod.csv_rows(data))
    name = f"{place.code}-{data['year']}{'-missing' if missing else ''}.csv"
    return Response("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=\"{name}\""})


async def place_form(datasette, request):
    """The place box of the search page: /-/nianbao/place?name=… → the place's page."""
    name = (request.args.get("name") or "").strip()
    if not name:
        return Response.redirect("/-/nianbao/search")
    return Response.redirect(place_url(name))


async def feed_all(datasette, request):
    entries = await datasette.get_database().execute_fn(lambda conn: feeds.feed_entries(conn))
    return _atom(datasette, request, entries, "政府信息公开工作年度报告：新报告与修订", "/")


def _atom(datasette, request, entries, title: str, page_path: str) -> Response:
    def url_for(path: str) -> str:
        return datasette.absolute_url(request, path)
    body = feeds.atom_feed(entries, title=title, self_url=datasette.absolute_url(request, request.full_path),
                           page_url=url_for(page_path), url_for=url_for)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/-/nianbao/agency/(?P<agency_key>[^/]+?)(?P<ext>\.atom)?$", agency_page),
        (r"^/-/nianbao/report/(?P<report_id>\d+)/agency$", report_agency),
        (r"^/-/nianbao/place/(?P<place>[^/]+?)(?P<ext>\.csv|\.atom)?$", place_page),
        (r"^/-/nianbao/place$", place_form),
        (r"^/-/nianbao/feed\.atom$", feed_all),
    ]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    # an agency's name opens its page over the years, wherever a report id sits beside it
    if column == "agency" and isinstance(value, str) and value:
        try:
            rid = row["report_id"] if "report_id" in row.keys() else (row["id"] if table == "reports" else None)
        except (KeyError, IndexError, TypeError):
            rid = None
        if isinstance(rid, dict):
            rid = rid.get("value")
        if isinstance(rid, int):
            return Markup('<a href="{}" title="这个机关历年的报告">{}</a>').format(report_agency_url(rid), value)
    # keys (row_key, col_key, check_name, reason…) show their Chinese label, the key beneath
    if isinstance(value, str) and value:
        try:
            table_name = row["table_name"] if "table_name" in row.keys() else None
        except (KeyError, IndexError, TypeError):
            table_name = None
        label = labels.label_for(column, value, table_name if isinstance(table_name, str) else None)
        if label:
            return Markup('{}<br><code class="nb-key">{}</code>').format(label, value)
    return None
