"""Report titles: is this an annual OGI report? Which year, which agency?

Titles vary (政府信息公开工作年度报告, 政务公开年报, 年度报告（图片版）…) and
columns mix reports with decoys that share the words: 政府信息公开指南, notices
about compiling the reports, 政府工作报告, 法治政府建设年度报告, 决算, 住房公积金
年度报告. Recognition is by title; the year is the report year.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_YEAR = r"(?P<year>(?:19|20)\d{2})"
_REPORT = re.compile(
    r"(?:政府|政务)(?:信息)?公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)"
    r"|信息公开(?:工作)?年度报告|信息公开年报|政务公开年报"
)
_DECOY = re.compile(
    r"指南|制度|工作要点|要点|通知|关于(?:做好|报送|印发|开展|编制)|编制|格式|模板|"
    r"政府工作报告|法治政府|决算|预算|公积金|统计公报|企业年报|社会组织|审计|"
    r"征求意见|解读|考核|评估报告|督查|目录$"
)
_YEAR_ANY = re.compile(_YEAR + r"\s*年?")


@dataclass(frozen=True)
class TitleMatch:
    year: int | None
    agency: str | None


def normalize_title(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", " ", text).strip()


def recognize_title(text: str) -> TitleMatch | None:
    """A TitleMatch when `text` names an annual OGI report, else None."""
    title = normalize_title(text)
    compact = title.replace(" ", "")
    if not _REPORT.search(compact) or _DECOY.search(compact):
        return None
    return TitleMatch(year=title_year(compact), agency=title_agency(compact))


def title_year(text: str) -> int | None:
    years = [int(m.group("year")) for m in _YEAR_ANY.finditer(text.replace(" ", ""))]
    plausible = [y for y in years if 2007 <= y <= 2100]
    return plausible[0] if plausible else None


_AGENCY_BEFORE_YEAR = re.compile(r"^(?P<agency>.+?)(?:关于)?" + _YEAR + r"\s*年?度?")
_AGENCY_AFTER_YEAR = re.compile(r"^" + _YEAR + r"\s*年?度?(?P<agency>.+?)(?:政府|政务)(?:信息)?公开")
_TRIM = re.compile(r"^[\s《“\"'【\[（(]+|[\s》”\"'】\]）)]+$")


def title_agency(text: str) -> str | None:
    """The agency named in a report title, if any ("清河县柳林镇人民政府2021年…")."""
    compact = normalize_title(text).replace(" ", "")
    for pattern in (_AGENCY_BEFORE_YEAR, _AGENCY_AFTER_YEAR):
        m = pattern.search(compact)
        if m:
            agency = _TRIM.sub("", m.group("agency"))
            if len(agency) >= 2 and not re.fullmatch(r"[\d年度]+", agency):
                return agency
    return None
