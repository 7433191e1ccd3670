"""政府信息公开目录 (gkml) listings: every kind of document in one table.

Reports sit among notices, plans and statistics, row by row with an index
number (索引号), a category (分类/主题分类) and a date. A row whose category is
the annual-report one is a report even when its title alone would not say so
("市交通局2021年度报告"); other rows count only if their title does (the plain
convention finds those). The category goes on with the link so the item
carries it.
"""
from __future__ import annotations

import re
from typing import Iterator

from parsers.report.titles import is_report_category, normalize_title, title_year

from . import Found, ListPage, ReportLink, anchor_text

# A category cell is the category name alone (possibly after its label), never a title.
_INDEX_NO = re.compile(r"^[0-9A-Z]{6,}[/\-－][\w\-－/]+$")


def find(page: ListPage) -> Iterator[Found]:
    for row in page.selector.css("tr, li, dl"):
        anchors = row.css("a[href]")
        if len(anchors) != 1:
            continue
        cells = [normalize_title(" ".join(c.css("::text").getall())) for c in row.xpath("./*")]
        category = next((c for c in cells if is_report_category(c)), None)
        if not category:
            continue
        a = anchors[0]
        text, title = anchor_text(a)
        url = page.urljoin(a.attrib["href"])
        if not url.startswith(("http://", "https://")) or not page.allowed(url):
            continue
        name = title or text
        meta = {"meta_category": re.sub(r"^.*[:：]", "", category.replace(" ", ""))}
        index_no = next((c for c in cells if _INDEX_NO.match(c.replace(" ", ""))), None)
        if index_no:
            meta["meta_index_no"] = index_no.replace(" ", "")
        yield ReportLink(url, name, title_year(name), meta)
