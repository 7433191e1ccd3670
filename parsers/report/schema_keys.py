"""The canonical statistics keys, read from the schema shipped in the package.

`statistics-schema.json` is a copy of shared/domain/statistics-schema.json
(shared/ is not installed with the package). Everything that names a table,
row or column key goes through here, so a key that is not in the schema
cannot be produced.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).parent.parent / "statistics-schema.json"
TEMPLATES = ("2021", "2019")
REVIEW_ROWS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")
APPLICANT_COLS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org")
REQUEST_COLS = APPLICANT_COLS + ("total",)


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _table(template: str, name: str) -> dict[str, Any]:
    for t in schema()["templates"][template]["tables"]:
        if t["table"] == name:
            return t
    raise KeyError(f"no table {name!r} in template {template}")


def row_keys(template: str, table: str) -> list[str]:
    return [r["key"] for r in _table(template, table)["rows"]]


def col_keys(template: str, table: str, row: str | None = None) -> list[str]:
    """Columns of a table; for `active` the columns differ per row."""
    t = _table(template, table)
    if "cells_by_row" in t:
        if row is None:
            seen: list[str] = []
            for cols in t["cells_by_row"].values():
                seen += [c["key"] for c in cols if c["key"] not in seen]
            return seen
        return [c["key"] for c in t["cells_by_row"].get(row, [])]
    return [c["key"] for c in t["columns"]]


def expected_cells(template: str) -> list[tuple[str, str, str]]:
    """Every (table, row, col) a complete report of this template has."""
    out = []
    for t in schema()["templates"][template]["tables"]:
        for r in t["rows"]:
            for c in col_keys(template, t["table"], r["key"]):
                out.append((t["table"], r["key"], c))
    return out


def is_schema_cell(template: str, table: str, row: str, col: str) -> bool:
    if template not in TEMPLATES:
        return False
    try:
        return row in row_keys(template, table) and col in col_keys(template, table, row)
    except KeyError:
        return False


def check_names() -> list[str]:
    return [c["name"] for c in schema()["checks"]]


def outcome_rows(template: str) -> list[str]:
    """The request rows that add up to total_processed (granted … other*)."""
    rows = row_keys(template, "requests")
    return rows[rows.index("granted"):rows.index("total_processed")]
