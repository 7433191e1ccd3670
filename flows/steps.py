"""The pipeline's CPU steps as plain functions: bytes → Document JSON, documents → archive rows.

Prefect-free, so `nianbao parse` and `nianbao add` run them in-process without
loading Prefect; the harvest's tasks (flows/tasks.py) wrap the same functions.
"""
from __future__ import annotations

import json
from typing import Any


def extract_items(items: list[dict[str, Any]]) -> list[str]:
    """[{body, url, content_type}] → each Document as JSON (the form tasks pass around). One call
    for a batch, so its DOC/WPS/XLS/ET files share one LibreOffice start."""
    from crawlers.encoding import charset_from_content_type
    from parsers.extract import extract_many

    return [doc.to_json() for doc in extract_many([
        {"data": item["body"], "url": item["url"], "content_type": item.get("content_type"),
         "http_charset": charset_from_content_type(item.get("content_type"))} for item in items])]


def extract_item(item: dict[str, Any]) -> str:
    """One {body, url, content_type} → its Document as JSON."""
    return extract_items([item])[0]


def parse_rows(report_id: Any, documents: list[dict[str, Any]], *, year: int | None,
               agency: str | None, site_name: str | None) -> dict[str, Any]:
    """Parse one report's documents ([{id, document_json}]) into rows for the archive's
    statistics, checks and sections tables, plus the report's own columns and warnings."""
    from parsers.model import Document
    from parsers.report import PARSER_VERSION, parse_report

    from parsers.extract.image import join_image_pages

    # A 图片版 report's page images are one document to the parser, as a scanned PDF's pages are.
    docs, where = join_image_pages([Document.from_json(d["document_json"]) for d in documents])
    parsed = parse_report(docs, year_hint=year, agency_hint=agency, site_name=site_name)
    doc_id = lambda i: documents[where[i]]["id"] if i is not None and 0 <= i < len(docs) else None  # noqa: E731
    return {
        "parser": f"nianbao-parser {PARSER_VERSION}",
        "report": {"template": parsed.template, "agency_short": parsed.agency_short, "level": parsed.level,
                   "province": parsed.province, "city": parsed.city, "county": parsed.county,
                   "region_code": parsed.region_code, "is_aggregate": int(bool(parsed.is_aggregate)),
                   "published": parsed.published},
        "cells": [{"table_name": c.table_name, "row_key": c.row_key, "col_key": c.col_key, "value": c.value,
                   "raw_text": c.raw_text, "raw_label": c.raw_label, "document_id": doc_id(c.document_index),
                   "page": c.page, "table_index": c.table_index, "row_index": c.row_index,
                   "col_index": c.col_index, "source": c.source, "confidence": c.confidence,
                   "flags": json.dumps(c.flags, ensure_ascii=False) if c.flags else None} for c in parsed.cells],
        "checks": [{"check_name": k.name, "passed": None if k.passed is None else int(k.passed), "detail": k.detail}
                   for k in parsed.checks],
        "sections": [{"key": s.key, "heading": s.heading, "text": s.text, "order": s.order} for s in parsed.sections],
        "warnings": list(parsed.warnings),
    }


def parse_batch(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`parse_rows` for each job ({report_id, documents, year, agency, site_name}), in order."""
    return [parse_rows(**job) for job in jobs]
