"""Split a report's prose into its standard sections.

2019/2021 reports have six numbered sections (一、总体情况 … 六、其他需要报告的
事项); older ones use 概述 / 主动公开 / 依申请公开 / 收费及减免 / 复议、诉讼 /
问题和改进措施 / 其他 / 附表. Numbering is not trusted (seed 002 renumbers
its prose): a top-level heading is recognised by its numbering style and
named by its words. Headings that name no standard section are kept as
`extra` sections so no text is lost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .labels import clean, request_row
from ..normalize import normalize_text


@dataclass
class Section:
    key: str
    heading: str
    text: str
    order: int


SECTION_KEYS = ("preamble", "overview", "active", "requests", "fees", "review", "problems", "other",
                "responses", "organisation", "appendix", "extra")

# (key, words); first match wins, so the more specific wording comes first.
_NAMES: tuple[tuple[str, str], ...] = (
    ("requests", r"收到和处理|依申请公开|申请公开"),
    ("review", r"复议|诉讼|申诉"),
    ("fees", r"收费|减免"),
    ("active", r"主动公开"),
    ("problems", r"存在的?(主要)?问题|问题和改进|改进(措施|情况)|不足"),
    ("other", r"其他需要报告|其他事项|其他需要说明|^其他$"),
    ("responses", r"回应|解读"),
    ("organisation", r"机构|经费|培训|人员"),
    ("appendix", r"附表|附件"),
    ("overview", r"总体情况|概述|基本情况|总体|概况"),
)
_TOP = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]{1,3}(?:部分|章|节)[、.．\s]?)")
_BARE = re.compile(r"^(概述|主动公开(政府信息)?情况|依申请公开(政府信息)?情况|收费及减免情况?|"
                   r"附表|其他需要报告的事项|存在的主要问题及改进情况)$")
_TABLE_ROW = re.compile(r"申请数量|办理结果|继续办理|第二十条")


def _heading_key(line: str) -> str | None:
    """The section a line opens, or None when it is not a top-level heading."""
    s = clean(line)
    if not s or len(s) > 40:
        return None
    numbered = bool(_TOP.match(s))
    if not numbered and not _BARE.match(s):
        return None
    if _TABLE_ROW.search(s) or (numbered and request_row(s) is not None and "情况" not in s):
        return None
    body = _TOP.sub("", s)
    for key, pat in _NAMES:
        if re.search(pat, body):
            return key
    return "extra" if numbered else None


def split_sections(lines: list[str]) -> list[Section]:
    """Sections from the report's text lines (tables excluded), in document order."""
    sections: list[Section] = []
    heading, key, buf = "", "preamble", []
    seen_standard = False

    def flush() -> None:
        text = "\n".join(buf).strip()
        if text or heading:
            sections.append(Section(key, heading, text, len(sections)))

    for raw in lines:
        line = normalize_text(raw)
        if not line:
            continue
        k = _heading_key(line)
        if k is None:
            buf.append(line)
            continue
        flush()
        if k == "extra" and not seen_standard:
            k = "overview"  # renumbered first section (seed 002: 一、提高政治站位…)
        seen_standard = seen_standard or k != "extra"
        heading, key, buf = line, k, []
    flush()
    return sections
