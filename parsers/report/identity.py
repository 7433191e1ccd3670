"""Which report a document is: agency, year and title, read from the document.

The title line of the document wins over the page title, which wins over the
link text that led to it; the site's configured name fills in an agency that
no title states. `agency_key` (parsers.report.agencies) folds the ways one agency is
written, so the same report found twice is one row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .titles import is_report_category, normalize_title, recognize_title, title_agency, title_year

from .agencies import agency_key
from ..model import Document

# Report markers in the body: the section headings every template has.
_BODY_MARKERS = re.compile(r"依申请公开|政府信息公开申请|主动公开|行政复议|信息公开工作")


@dataclass(frozen=True)
class ReportIdentity:
    agency: str
    agency_key: str
    year: int
    title: str


def _candidates(document: Document, link_text: str | None) -> list[str]:
    out = []
    for text in (document.title, *(b.text for b in document.blocks[:5] if b.kind != "table"), link_text):
        if text:
            out.append(normalize_title(text).split("_")[0])
    return out


def identify(document: Document, *, link_text: str | None = None, site_name: str | None = None,
             year_hint: int | None = None, category: str | None = None,
             publisher: str | None = None) -> ReportIdentity | None:
    """The report this document belongs to, or None when it does not look like a report.

    `category` is the catalogue category the link was listed under (gkml): under the
    annual reports' category a title needs only a year ("市交通运输局2021年度报告").
    `publisher` is the page's 发布机构: it completes a title's shortened agency
    ("市交通运输局" → "杭州市交通运输局")."""
    candidates = _candidates(document, link_text)
    title = next((c for c in candidates if recognize_title(c)), None)
    listed_as_report = is_report_category(category)
    if title is None and listed_as_report:
        title = next((c for c in candidates if title_year(c.replace(" ", ""))), None)
    if title is None:
        return None
    if not listed_as_report and not document.error and document.text and not _BODY_MARKERS.search(document.text):
        return None  # a title that looks like a report over a body that is not one
    year = title_year(title.replace(" ", "")) or year_hint
    if year is None:
        return None
    agency = None
    for c in candidates:
        if recognize_title(c) or c == title:
            agency = title_agency(c)
            if agency:
                break
    if agency and publisher and publisher != agency and publisher.endswith(agency.removeprefix("市").removeprefix("县")):
        agency = publisher
    agency = agency or site_name or "未知机关"
    return ReportIdentity(agency=agency, agency_key=agency_key(agency, site_name), year=year, title=title)
