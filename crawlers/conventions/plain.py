"""Plain list pages: report links among the page's <a> tags, "下一页" or page-number pagination."""
from __future__ import annotations

from typing import Iterator

from ..links import is_next_page
from . import Found, ListPage, ListRequest, anchor_text, report_link


def find(page: ListPage) -> Iterator[Found]:
    for a in page.selector.css("a[href]"):
        href = a.attrib["href"].strip()
        text, title = anchor_text(a)
        link = report_link(page, href, text, title)
        if link:
            yield link
            continue
        url = page.urljoin(href)
        if url.startswith(("http://", "https://")) and page.allowed(url) and is_next_page(text, url):
            yield ListRequest(url)
