"""Chinese labels for the keys a person reads: checks, flags, statistics cells.

Cell labels come from the parser's statistics schema (the official form's own
wording); the checks and flags are nianbao's, so their labels live here.
"""
from __future__ import annotations

from parsers.report import schema_keys

CHECK_LABELS = {
    "requests_balance": "申请数量平衡（新收+上年结转＝办理结果总计+结转下年度）",
    "requests_outcomes_sum": "办理结果合计（各项办理结果之和＝办理结果总计）",
    "requests_row_total": "申请人合计（各类申请人之和＝总计）",
    "review_total": "复议诉讼合计（维持+纠正+其他+尚未审结＝总计）",
    "carried_over_continuity": "跨年衔接（本年上年结转＝上年结转下年度继续办理）",
}
FLAG_LABELS = {
    "ocr": "OCR识别", "fails_check": "未通过校验", "suspect": "可疑", "unparsed": "无法读取数字",
    "non_integer": "非整数", "negative": "负数", "template_mismatch": "不符合模板", "unit_outlier": "单位疑误",
    "ambiguous_alignment": "行列对齐不确定", "extra_cells": "多余单元格", "group_by_order": "按顺序归类",
    "year_jump": "较上年变化十倍以上",
}
PASSED_LABELS = {1: "通过", 0: "未通过", None: "无法判断"}


def check_label(name: str) -> str:
    return CHECK_LABELS.get(name, name)


def flag_label(flag: str) -> str:
    return FLAG_LABELS.get(flag, flag)


def _spec(template: str | None, table: str) -> dict | None:
    templates = schema_keys.schema()["templates"]
    tpl = templates.get(template or "") or templates["2021"]
    return next((t for t in tpl["tables"] if t["table"] == table), None)


def table_label(template: str | None, table: str) -> str:
    spec = _spec(template, table)
    return spec["label"] if spec else table


def row_label(template: str | None, table: str, row: str) -> str:
    spec = _spec(template, table)
    return next((r["label"] for r in (spec or {}).get("rows", []) if r["key"] == row), row)


def col_label(template: str | None, table: str, col: str, row: str | None = None) -> str:
    spec = _spec(template, table) or {}
    cols = spec.get("columns") or [c for cells in spec.get("cells_by_row", {}).values() for c in cells]
    if row and "cells_by_row" in spec:
        cols = spec["cells_by_row"].get(row, cols)
    return next((c["label"] for c in cols if c["key"] == col), col)


def cell_label(template: str | None, table: str, row: str, col: str) -> str:
    """'（四）无法提供 1.本机关不掌握相关政府信息 · 总计'"""
    return f"{row_label(template, table, row)} · {col_label(template, table, col, row)}"
