"""What changed between a report's versions, cell by cell (old → new), and which documents.

Read from `version_cell_changes` / `version_document_changes` where the archive has them,
otherwise from `report_versions.changes_json` (archive/store.py writes a dict with
`cells_changed` and `documents_added`/`documents_removed`; older archives a plain list of cells).
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from archive import labels
from . import display
from .sql import has_table, id_list, rows


def _cell(table: str, row: str, col: str, old: Any, new: Any) -> dict[str, Any]:
    return {"table": table, "row": row, "col": col, "old": old, "new": new,
            "label": labels.cell_label(table, row, col), "section": labels.table_label(table)}


def revisions(conn: sqlite3.Connection, report_ids: list[int], *, with_first: bool = False) -> list[dict[str, Any]]:
    """Every version of these reports after the first (with the first too if asked), newest last."""
    if not report_ids:
        return []
    ids = id_list(report_ids)
    versions = rows(conn, f"select report_id, version, created_at, is_current, changes_json, document_ids_json, run_id "
                           f"from report_versions where report_id in ({ids}) "
                           f"{'' if with_first else 'and version > 1'} order by report_id, version")
    if not versions:
        return []
    cells: dict[tuple[int, int], list[dict[str, Any]]] = {}
    docs: dict[tuple[int, int], dict[str, list[dict[str, Any]]]] = {}
    if has_table(conn, "version_cell_changes"):
        for c in rows(conn, f"select report_id, version, table_name, row_key, col_key, old_value, new_value "
                             f"from version_cell_changes where report_id in ({ids}) order by rowid"):
            cells.setdefault((c["report_id"], c["version"]), []).append(
                _cell(c["table_name"], c["row_key"], c["col_key"], c["old_value"], c["new_value"]))
    if has_table(conn, "version_document_changes"):
        for d in rows(conn, f"select report_id, version, document_id, change, url, format "
                             f"from version_document_changes where report_id in ({ids}) order by rowid"):
            docs.setdefault((d["report_id"], d["version"]), {"added": [], "removed": []})[d["change"]].append(
                {"id": d["document_id"], "url": d["url"], "format": d["format"]})
    out = []
    for v in versions:
        key = (v["report_id"], v["version"])
        parsed = _parse(v["changes_json"])
        if key not in cells:
            cells[key] = [_cell(c.get("table"), c.get("row"), c.get("col"), c.get("old"), c.get("new"))
                          for c in parsed["cells"]]
        if key not in docs:
            docs[key] = {"added": [{"id": i} for i in parsed["added"]], "removed": [{"id": i} for i in parsed["removed"]]}
        out.append({**v, "cells": cells[key], "cells_count": max(parsed["count"], len(cells[key])),
                    "documents_added": docs[key]["added"], "documents_removed": docs[key]["removed"],
                    "text": parsed["text"]})
    _name_documents(conn, out)
    return out


def _parse(changes_json: str | None) -> dict[str, Any]:
    try:
        data = json.loads(changes_json or "null")
    except ValueError:
        data = None
    if isinstance(data, list):  # archives written before changes_json became a dict
        return {"cells": [c for c in data if isinstance(c, dict)], "count": len(data), "added": [], "removed": [],
                "text": []}
    data = data if isinstance(data, dict) else {}
    return {"cells": data.get("cells_changed") or [], "count": data.get("cells_changed_count") or 0,
            "added": data.get("documents_added") or [], "removed": data.get("documents_removed") or [],
            "text": data.get("text") or []}


def _name_documents(conn: sqlite3.Connection, versions: list[dict[str, Any]]) -> None:
    """Give every changed document its URL and format (the dict form of changes_json has ids only)."""
    ids = {d["id"] for v in versions for k in ("documents_added", "documents_removed") for d in v[k] if not d.get("url")}
    if not ids:
        return
    known = {r["id"]: r for r in rows(conn, f"select id, url, format from documents where id in ({id_list(sorted(ids))})")}
    for v in versions:
        for k in ("documents_added", "documents_removed"):
            for d in v[k]:
                if not d.get("url") and d["id"] in known:
                    d.update(url=known[d["id"]]["url"], format=known[d["id"]]["format"])


def summary_text(rev: dict[str, Any], limit: int = 20) -> list[str]:
    """'label: old → new' lines for a feed entry."""
    def show(v: Any) -> str:
        return "（空）" if v is None else display.num(v)
    lines = [f"{c['label']}：{show(c['old'])} → {show(c['new'])}" for c in rev["cells"][:limit]]
    if rev["cells_count"] > limit:
        lines.append(f"……共 {rev['cells_count']} 个单元格有变化")
    return lines
