"""Chinese labels for every key a person reads: cells, headline figures, checks, flags. One
place for the datasette pages, feeds and charts and for `nianbao parse` and `nianbao add`.

Cell labels come from the parser's statistics schema (parsers/report/schema_keys.py), the
2021 form first and the 2019 form for keys only it has; the labels here are only for what
the schema does not name: the headline aggregates of report_summary and the checks' names.
"""
from __future__ import annotations

import re
from functools import lru_cache

from parsers.report import schema_keys

# report_summary's (and report_rates') columns, as journalists know them from the form
HEADLINES: dict[str, str] = {
    "new_requests": "本年新收申请",
    "granted": "予以公开",
    "partly_granted": "部分公开",
    "refused": "不予公开",
    "unable": "无法提供",
    "not_processed": "不予处理",
    "total_processed": "办理总计",
    "reviews": "行政复议",
    "lawsuits": "行政诉讼",
    "corrected": "复议诉讼结果纠正",
    "refusal_rate": "不予公开率",
    "correction_rate": "纠错率",
    "checks_failed": "未通过的校验",
}
HEADLINE_NOTES: dict[str, str] = {
    "refusal_rate": "不予公开 ÷ 办理总计",
    "correction_rate": "行政复议、行政诉讼中结果纠正 ÷ 已审结（总计 − 尚未审结）",
}
# checks of statistics-schema.json (and any the checker adds later: shown by key until named here)
CHECKS: dict[str, str] = {
    "requests_balance": "新收＋上年结转＝办理总计＋结转下年度",
    "requests_outcomes_sum": "各办理结果之和＝办理总计",
    "requests_row_total": "各类申请人之和＝总计",
    "review_total": "复议、诉讼各结果之和＝总计",
    "carried_over_continuity": "上年结转＝上一年报告的结转下年度",
}
PROSE: dict[str, str] = {
    "active_published": "主动公开政府信息（正文所述）",
    "applications_received": "收到申请（正文所述）",
    "granted": "予以公开（正文所述）",
    "partly_granted": "部分公开（正文所述）",
    "refused": "不予公开（正文所述）",
    "reviews": "行政复议（正文所述）",
    "lawsuits": "行政诉讼（正文所述）",
    "fees_yuan": "收取费用（元，正文所述）",
}
# the parser's and the archive's doubts and provenance marks on a cell
FLAG_LABELS = {
    "ocr": "OCR识别", "fails_check": "未通过校验", "suspect": "可疑", "unparsed": "无法读取数字",
    "non_integer": "非整数", "negative": "负数", "template_mismatch": "不符合模板", "unit_outlier": "单位疑误",
    "ambiguous_alignment": "行列对齐不确定", "extra_cells": "多余单元格", "group_by_order": "按顺序归类",
    "year_jump": "较上年变化十倍以上",
    "unconfirmed": "无校验可印证", "two_lines": "一格两行数字", "placed_by_order": "按位置定行",
    "fuzzy_label": "标签近似匹配", "no_cells": "未找到单元格", "unit_stripped": "去掉单位",
    "ink_without_digits": "有墨迹无数字", "stated_none": "正文称无", "sign_word": "文字表示增减",
}
# Marks that say where a value came from, not that it is in doubt: `ocr` alone is provenance.
PROVENANCE_FLAGS = frozenset({"ocr"})


def doubts(flags: list[str]) -> list[str]:
    """The flags of a cell that put its value in doubt."""
    return [f for f in flags if f not in PROVENANCE_FLAGS]
PASSED_LABELS = {1: "通过", 0: "未通过", None: "无法判断"}
TABLES_EXTRA = {"prose": "正文所述数字"}
LEVELS = {"national": "国家部门", "province": "省级", "city": "市级", "county": "县级", "town": "乡镇",
          "department": "部门", "unknown": "未知"}


def _tables() -> list[dict]:
    s = schema_keys.schema()["templates"]
    return [t for tpl in ("2021", "2019") for t in s[tpl]["tables"]]


@lru_cache(maxsize=1)
def _rows() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for t in _tables():
        for r in t["rows"]:
            out.setdefault((t["table"], r["key"]), r["label"])
    return out


@lru_cache(maxsize=1)
def _cols() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for t in _tables():
        for c in t.get("columns", []):
            out.setdefault((t["table"], c["key"]), c["label"])
        for cells in t.get("cells_by_row", {}).values():
            for c in cells:
                out.setdefault((t["table"], c["key"]), c["label"])
    return out


def table_label(table: str) -> str:
    return next((t["label"] for t in _tables() if t["table"] == table), TABLES_EXTRA.get(table, table))


def row_label(table: str, row: str) -> str:
    if table == "prose":
        return PROSE.get(row, row)
    return _rows().get((table, row), row)


def col_label(table: str, col: str) -> str:
    if table == "prose" and col == "value":
        return "数值"
    return _cols().get((table, col), col)


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、)?(?:本年度办理结果)?(?:（[一二三四五六七八九十]+）)?")


def short_row_label(table: str, row: str) -> str:
    """The row's own words, without the form's numbering: '（四）无法提供 1.本机关不掌握相关政府信息'
    → '本机关不掌握相关政府信息', '三、本年度办理结果（一）予以公开' → '予以公开'."""
    label = row_label(table, row)
    label = re.sub(r"（区分处理的.*?）", "", label)
    if re.search(r"\d+\.", label):
        return re.split(r"\d+\.", label)[-1].strip()
    return _NUMBERING.sub("", label).strip() or label


def cell_label(table: str, row: str, col: str) -> str:
    """'行政复议 结果纠正', '（四）无法提供 1.本机关不掌握相关政府信息 · 总计'."""
    if table == "review":
        return f"{row_label(table, row)} {col_label(table, col)}"
    return f"{row_label(table, row)} · {col_label(table, col)}"


def check_label(name: str) -> str:
    return CHECKS.get(name, name)


def label_for(column: str, value: str, table_name: str | None = None) -> str | None:
    """The label of a key shown in a datasette cell, by the column it sits in (None: not a key)."""
    if column == "check_name":
        return CHECKS.get(value)
    if column == "level":
        return LEVELS.get(value)
    if column == "table_name":
        label = table_label(value)
        return None if label == value else label
    if column in ("row_key", "reason"):
        label = row_label(table_name or "requests", value)
        return None if label == value else label
    if column == "col_key" and table_name:
        label = col_label(table_name, value)
        return None if label == value else label
    return None


def flag_label(flag: str) -> str:
    return FLAG_LABELS.get(flag, flag)
