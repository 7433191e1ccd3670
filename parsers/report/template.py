"""Which format a report follows: '2021', '2019', 'pre2019' or 'unknown'.

Decided from the table labels and section headings first and the year only
to break ties: late adopters reuse the 2019 layout in 2021 and later, and a
2020 report may already follow 2021's (REPORTS.md §2).
"""
from __future__ import annotations

import re

from . import labels
from .labels import clean

# Labels only one template has (after `labels.clean`: no whitespace, aliases applied).
MARKERS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
                "逾期不补正", "收费通知要求缴纳费用", "国办公开办函(2021)30号")
MARKERS_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
                "其他对外管理服务事项", "政府集中采购", "采购项目数量", "国办公开办函(2019)60号")
MARKERS_NEW = ("收到和处理政府信息公开申请情况", "三安全一稳定", "政府信息公开行政复议、行政诉讼情况",
               "政府信息公开工作被申请行政复议",  # 四、因政府信息公开工作被申请行政复议、提起行政诉讼情况
               "本年新收政府信息公开申请数量", "结转下年度继续办理")
MARKERS_PRE2019 = ("概述", "收费及减免", "依申请公开和不予公开", "附表", "依申请公开情况",
                   "因政府信息公开申请行政复议", "不予公开情况")


def detect_template(text: str, year: int | None) -> tuple[str, list[str]]:
    """(template, evidence): evidence lists the markers that decided it."""
    s = clean(text)
    s = re.sub(r"[〔\[【]", "(", s)
    s = re.sub(r"[〕\]】]", ")", s)
    hits21 = [m for m in MARKERS_2021 if m in s]
    hits19 = [m for m in MARKERS_2019 if m in s]
    hits_new = [m for m in MARKERS_NEW if m in s]
    hits_old = [m for m in MARKERS_PRE2019 if m in s]
    if hits21 or hits19:
        if len(hits21) > len(hits19):
            return "2021", hits21
        if len(hits19) > len(hits21):
            return "2019", hits19
        return ("2021" if (year or 0) >= 2021 else "2019"), hits21 + hits19
    if hits_new:
        if year is None:
            return "unknown", hits_new
        return ("2021" if year >= 2021 else "2019" if year >= 2019 else "2019"), hits_new
    if hits_old or (year is not None and year <= 2018 and "依申请公开" in s):
        return "pre2019", hits_old or ["依申请公开"]
    return "unknown", []


# Column and row keys only one template's active table has (labels.active_col / active_row), for
# text too damaged for an exact marker (a photocopy's OCR): the label functions tolerate misreads.
_KEYS_2021 = {"made", "repealed", "in_force"}
_KEYS_2019 = {"new_made", "new_published", "total_published", "prev_items", "change", "items",
              "other_services", "procurement"}


def template_from_labels(cell_texts: list[str], year: int | None) -> tuple[str, list[str]]:
    """(template, evidence) from table cells' labels when the text held no marker: 'unknown' unless
    cells name only one template's own columns or rows, two of them or one the year agrees with."""
    hits21: list[str] = []
    hits19: list[str] = []
    for text in cell_texts:
        if not text or len(text) > 40:
            continue
        key = labels.active_col(text)
        if key is None:
            row = labels.active_row(text)
            key = row.key if row else None
        if key in _KEYS_2021:
            hits21.append(text)
        elif key in _KEYS_2019:
            hits19.append(text)
    # Two distinct labels of one template and none of the other's, or one that the year agrees with.
    if hits21 and not hits19 and (len(set(hits21)) >= 2 or (year or 0) >= 2021):
        return "2021", hits21
    if hits19 and not hits21 and (len(set(hits19)) >= 2 or (year is not None and year < 2021)):
        return "2019", hits19
    return "unknown", []
