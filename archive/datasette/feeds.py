"""Atom feeds of new and revised reports: everywhere, per agency, per place.

One entry per report version (`report_versions`): version 1 is a new report, with its
headline figures; a later version is a revision and names the cells that changed
(old → new, by their Chinese labels) and the documents added or removed. A feed reader
polling /-/nianbao/agency/<key>.atom follows an agency without anyone visiting daily.
"""
from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from typing import Any, Callable

from markupsafe import escape

from archive import labels
from . import changes, display
from .places import Place
from .sql import id_list, rows

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 50
ENTRY_FIGURES = ("new_requests", "granted", "refused", "unable", "not_processed", "reviews", "lawsuits")


def feed_entries(conn: sqlite3.Connection, *, agency_key: str | None = None, place: Place | None = None,
                 limit: int = LIMIT) -> list[dict[str, Any]]:
    where, params = "1", []
    if agency_key is not None:
        where, params = "r.agency_key = ?", [agency_key]
    elif place is not None:
        where, params = "r.region_code >= ? and r.region_code < ?", list(place.code_range)
    versions = rows(conn, f"""
        select v.report_id, v.version, v.created_at, r.agency, r.agency_key, r.year, r.title
        from report_versions v join reports r on r.id = v.report_id
        where {where} order by v.created_at desc, v.id desc limit ?""", [*params, limit])
    ids = sorted({v["report_id"] for v in versions})
    revs = {(r["report_id"], r["version"]): r for r in changes.revisions(conn, ids, with_first=True)}
    summary = {s["report_id"]: s for s in rows(conn, f"select * from report_summary where report_id in ({id_list(ids)})")}
    for v in versions:
        v["revision"] = revs.get((v["report_id"], v["version"]))
        v["summary"] = summary.get(v["report_id"], {})
    return versions


def entry_title(v: dict[str, Any]) -> str:
    name = f"{v['agency']} {v['year']}年政府信息公开工作年度报告"
    if v["version"] == 1:
        return f"新报告：{name}"
    rev = v["revision"] or {}
    n = rev.get("cells_count") or 0
    return f"修订（第{v['version']}版）：{name}" + (f"，{n} 个数字有变化" if n else "")


def entry_html(v: dict[str, Any], url_for: Callable[[str], str]) -> str:
    parts = []
    s = v["summary"]
    if v["version"] == 1:
        figures = "；".join(f"{labels.HEADLINES[k]} {display.num(s.get(k)) or '–'}" for k in ENTRY_FIGURES)
        parts.append(f"<p>{escape(figures)}</p>")
    rev = v["revision"] or {}
    if v["version"] > 1:
        lines = changes.summary_text(rev) if rev else []
        if lines:
            parts.append("<p>有变化的数字（旧值 → 新值）：</p><ul>" +
                         "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>")
        for key, word in (("documents_added", "新增文件"), ("documents_removed", "移除文件")):
            docs = rev.get(key) or []
            if docs:
                items = []
                for d in docs:
                    href = escape(url_for(f"/-/nianbao/capture/{d['id']}"))
                    items.append(f'<li><a href="{href}">{escape(d.get("url") or d["id"])}</a>'
                                 f"（{escape(d.get('format') or '')}）</li>")
                parts.append(f"<p>{word}：</p><ul>" + "".join(items) + "</ul>")
        if not parts:
            parts.append("<p>文件或解析有变化，数字未变。</p>")
    return "".join(parts)


def atom_feed(entries: list[dict[str, Any]], *, title: str, self_url: str, page_url: str,
              url_for: Callable[[str], str]) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = (
        _rfc3339(entries[0]["created_at"]) if entries else datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=page_url, type="text/html")
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "nianbao"
    for v in entries:
        e = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(e, f"{{{ATOM}}}id").text = f"urn:nianbao:report:{v['report_id']}:version:{v['version']}"
        ET.SubElement(e, f"{{{ATOM}}}title").text = entry_title(v)
        ET.SubElement(e, f"{{{ATOM}}}updated").text = _rfc3339(v["created_at"])
        ET.SubElement(e, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                      href=url_for(f"/-/nianbao/report/{v['report_id']}"))
        ET.SubElement(e, f"{{{ATOM}}}content", type="html").text = entry_html(v, url_for)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


def _rfc3339(stamp: str | None) -> str:
    """Archive times are ISO 8601 in UTC; Atom wants a zone: '2024-03-01T02:00:00' → '…Z'."""
    if not stamp:
        return "1970-01-01T00:00:00Z"
    try:
        dt = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return "1970-01-01T00:00:00Z"
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
