"""Headline figures stated in prose (pre-2019 reports, and prose-only review figures).

Row keys of table_name 'prose' (col_key 'value'):
  active_published       主动公开政府信息 N 条
  applications_received  收到/受理 政府信息公开申请 N 件 ("未收到…申请" → 0)
  granted                同意公开 / 予以公开 N 件
  partly_granted         部分公开 N 件
  refused                不予公开 / 不同意公开 N 件
  reviews                行政复议 N 件 ("未发生…行政复议" → 0)
  lawsuits               行政诉讼 N 件
  fees_yuan              收取费用 N 元 ("未收取任何费用" → 0)
The first statement of each figure wins; the sentence is kept as raw text.
"""
from __future__ import annotations

import re

from ..normalize import normalize_text, parse_number
from .statistics_tables import StatCell

_N = r"(\d[\d,]*(?:\.\d+)?)"
_UNIT = r"\s*(?:件|起|宗|(?=\s*[,，。;；]))"  # OCR sometimes moves the unit away: "行政复议1 ,"
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("active_published", re.compile(r"主动公开(?:政府)?信息(?:共)?" + _N + r"\s*(?:条|件|项)")),
    ("applications_received", re.compile(r"(?:收到|受理|新收)(?:各类|群众)?(?:政府信息公开)?申请(?:共)?" + _N + r"\s*(?:件|份|个|条)")),
    ("granted", re.compile(r"(?:同意公开|予以公开)(?:的)?" + _N + _UNIT)),
    ("partly_granted", re.compile(r"部分(?:同意)?公开(?:的)?" + _N + _UNIT)),
    ("refused", re.compile(r"(?:不予公开|不同意公开)(?:的)?" + _N + _UNIT)),
    ("reviews", re.compile(r"行政复议(?:案件|申请)?(?:共)?" + _N + _UNIT)),
    ("lawsuits", re.compile(r"(?:行政诉讼|直接起诉)(?:案件)?(?:共)?" + _N + _UNIT)),
    ("fees_yuan", re.compile(r"收取(?:信息处理费|检索费|复制费|费用)?(?:共)?" + _N + r"\s*元")),
)
NONE_STATED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("applications_received", re.compile(r"(?:未|没有)(?:收到|受理)(?:任何)?(?:政府信息公开|公开)?(?:的)?申请")),
    ("reviews", re.compile(r"(?:未|没有)(?:发生|出现|收到)?(?:因政府信息公开(?:申请)?(?:而)?(?:引起|引发)?)?(?:提起|申请)?的?行政复议")),
    ("lawsuits", re.compile(r"(?:未|没有)(?:发生|出现)?(?:因政府信息公开(?:申请)?(?:而)?(?:引起|引发)?)?(?:提起)?的?行政诉讼|行政复议和行政诉讼(?:情况)?(?:均)?为(?:零|0)")),
    ("fees_yuan", re.compile(r"(?:未|没有|均未)收取(?:任何)?费用|不收取任何费用")),
)
ROW_KEYS = tuple(k for k, _ in PATTERNS)


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1
    b = min([i for i in (text.find("。", end), text.find("\n", end)) if i >= 0] or [len(text)])
    return text[a:b + 1].strip()[:200]


def prose_figures(text: str, document_index: int) -> list[StatCell]:
    body = normalize_text(text)
    flat = re.sub(r"(?<=\S) (?=\S)", "", body)
    found: dict[str, StatCell] = {}
    for key, pat in PATTERNS:
        m = pat.search(flat)
        if m:
            value, status = parse_number(m.group(1))
            if status == "number":
                found[key] = StatCell("prose", key, "value", value, m.group(1), _sentence(flat, m.start(), m.end()),
                                      document_index, None, None, None, None, "prose", 0.7, [])
    for key, pat in NONE_STATED:
        if key in found:
            continue
        m = pat.search(flat)
        if m:
            found[key] = StatCell("prose", key, "value", 0, m.group(0), _sentence(flat, m.start(), m.end()),
                                  document_index, None, None, None, None, "prose", 0.6, ["stated_none"])
    return [found[k] for k in ROW_KEYS if k in found]
