"""List-page conventions of government CMSs, one small module each.

A convention looks at a decoded list page and yields what it found there:
`ReportLink`s (a report page or file to fetch) and `ListRequest`s (more list
pages: the next page, a CMS's data proxy). The spider runs every registered
convention on every list page and merges what they yield, so supporting a new
CMS is one module added to `CONVENTIONS`, nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urljoin

from parsel import Selector

from parsers.report.titles import normalize_title, recognize_title


@dataclass(frozen=True)
class ReportLink:
    url: str
    text: str
    year: int | None
    meta: dict[str, Any] = field(default_factory=dict)  # extra item fields, e.g. meta_category


@dataclass(frozen=True)
class ListRequest:
    url: str
    method: str = "GET"
    formdata: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # convention state carried to the next page


@dataclass
class ListPage:
    url: str
    text: str                      # the page decoded (see crawlers.encoding)
    allowed: Callable[[str], bool]  # may the crawl visit this URL?
    meta: dict[str, Any] = field(default_factory=dict)
    _selector: Selector | None = None

    @property
    def selector(self) -> Selector:
        if self._selector is None:
            self._selector = Selector(text=self.text or "<html></html>")
        return self._selector

    def urljoin(self, href: str) -> str:
        return urljoin(self.url, href.strip())


Found = ReportLink | ListRequest
Convention = Callable[[ListPage], Iterable[Found]]


def anchor_text(a: Selector) -> tuple[str, str]:
    """(visible text, title attribute) of an <a>, normalised."""
    return normalize_title(" ".join(a.css("::text").getall())), normalize_title(a.attrib.get("title", ""))


def report_link(page: ListPage, href: str, text: str, title: str = "", meta: dict[str, Any] | None = None) -> ReportLink | None:
    """A ReportLink when the link's title or text names an annual report on an allowed URL."""
    url = page.urljoin(href)
    if not url.startswith(("http://", "https://")) or not page.allowed(url):
        return None
    match = recognize_title(title) or recognize_title(text)
    if match is None:
        return None
    return ReportLink(url, title or text, match.year, dict(meta or {}))


def _registry() -> list[tuple[str, Convention]]:
    from . import gkml, hanweb, plain, trs
    return [("plain", plain.find), ("trs", trs.find), ("hanweb", hanweb.find), ("gkml", gkml.find)]


CONVENTIONS: list[tuple[str, Convention]] = _registry()


def walk(page: ListPage, conventions: list[tuple[str, Convention]] | None = None) -> Iterator[tuple[str, Found]]:
    """Every (convention name, finding) on the page, each URL once (the first convention to find it wins,
    except that a later finding's extra metadata is merged into a report link)."""
    reports: dict[str, tuple[str, ReportLink]] = {}
    lists: dict[tuple[str, str, str], tuple[str, ListRequest]] = {}
    for name, find in conventions or CONVENTIONS:
        for found in find(page):
            if isinstance(found, ReportLink):
                if found.url in reports:
                    first_name, first = reports[found.url]
                    reports[found.url] = (first_name, ReportLink(first.url, first.text, first.year or found.year,
                                                                 {**found.meta, **first.meta}))
                else:
                    reports[found.url] = (name, found)
            else:
                key = (found.method, found.url, repr(sorted((found.formdata or {}).items())))
                lists.setdefault(key, (name, found))
    yield from reports.values()
    yield from lists.values()
