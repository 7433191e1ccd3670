"""The report spider: list pages → report pages → attachments.

From the start URLs it walks the column's list pages (plain links and
"下一页"/page-number pagination), recognises report links by their titles,
fetches each report page and its attachments, and yields one item per
document. Known documents are requested conditionally (If-None-Match /
If-Modified-Since from the last capture), so an unchanged report costs a 304.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from ..links import attachment_format, is_next_page, same_site
from ..middlewares import META_WARC, classify_error
from parsers.titles import normalize_title, recognize_title


class ReportSpider(scrapy.Spider):
    name = "reports"

    def __init__(self, site: dict[str, Any], known: dict[str, dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site = site
        self.site_id = site["id"]
        self.allowed_domains = list(site["allowed_domains"])
        self.known = known or {}
        self.list_pages = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_list_pages = crawler.settings.getint("NIANBAO_MAX_LIST_PAGES", 200)
        return spider

    async def start(self):
        for url in self.site["start_urls"]:
            yield scrapy.Request(url, callback=self.parse_list, errback=self.on_error,
                                 meta={"role": "list"}, dont_filter=True)

    # -- list pages -------------------------------------------------------

    def parse_list(self, response: Response) -> Iterator[Any]:
        self.list_pages += 1
        if not hasattr(response, "css"):
            return  # a start URL that serves a file, not a page
        for a in response.css("a[href]"):
            href = response.urljoin(a.attrib["href"].strip())
            if not href.startswith(("http://", "https://")) or not same_site(href, self.allowed_domains):
                continue
            text = normalize_title(" ".join(a.css("::text").getall()) or a.attrib.get("title", ""))
            title_attr = normalize_title(a.attrib.get("title", ""))
            match = recognize_title(title_attr) or recognize_title(text)
            if match:
                meta = {"link_text": title_attr or text, "list_url": response.url, "year_hint": match.year}
                if attachment_format(href):
                    yield self._document_request(href, self.parse_document, dict(meta, role="attachment"))
                else:
                    yield self._document_request(href, self.parse_report_page, dict(meta, role="page"))
            elif is_next_page(text, href) and self.list_pages < self.max_list_pages:
                yield scrapy.Request(href, callback=self.parse_list, errback=self.on_error, meta={"role": "list"})

    # -- documents --------------------------------------------------------

    def _document_request(self, url: str, callback, meta: dict[str, Any]) -> scrapy.Request:
        headers = {}
        known = self.known.get(url)
        if known:
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        if headers:
            meta = dict(meta, handle_httpstatus_list=[304])
        return scrapy.Request(url, callback=callback, errback=self.on_error, headers=headers, meta=meta)

    def parse_report_page(self, response: Response) -> Iterator[Any]:
        yield self._item(response)
        if response.status == 304:
            # Unchanged page: its attachments are not re-read from it, but still checked.
            for att in self.known.get(response.url, {}).get("attachments", []):
                meta = {"link_text": att.get("link_text"), "parent_url": response.url, "role": "attachment",
                        "list_url": response.meta.get("list_url"), "year_hint": response.meta.get("year_hint")}
                yield self._document_request(att["url"], self.parse_document, meta)
            return
        if not hasattr(response, "css"):
            return
        for a in response.css("a[href]"):
            href = response.urljoin(a.attrib["href"].strip())
            if not attachment_format(href) or not same_site(href, self.allowed_domains):
                continue
            text = normalize_title(" ".join(a.css("::text").getall()) or a.attrib.get("title", ""))
            meta = {"link_text": text, "parent_url": response.url, "list_url": response.meta.get("list_url"),
                    "year_hint": response.meta.get("year_hint"), "role": "attachment"}
            yield self._document_request(href, self.parse_document, meta)

    def parse_document(self, response: Response) -> Iterator[Any]:
        yield self._item(response)

    def _item(self, response: Response) -> dict[str, Any]:
        meta = response.meta
        warc = meta.get(META_WARC, {})
        redirects = meta.get("redirect_urls") or []
        return {
            "kind": "document",
            "site_id": self.site_id,
            "url": redirects[0] if redirects else response.url,
            "final_url": response.url,
            "status": response.status,
            "not_modified": response.status == 304,
            "role": meta.get("role"),
            "link_text": meta.get("link_text"),
            "parent_url": meta.get("parent_url"),
            "list_url": meta.get("list_url"),
            "year_hint": meta.get("year_hint"),
            "fetched_at": warc.get("fetched_at"),
            "headers": warc.get("headers"),
            "warc_file": warc.get("warc_file"),
            "warc_offset": warc.get("warc_offset"),
            "warc_record_id": warc.get("warc_record_id"),
        }

    def on_error(self, failure) -> Iterator[Any]:
        request = failure.request
        message = failure.getErrorMessage()
        if failure.check(IgnoreRequest) and "robots.txt" in message:
            kind = "robots_disallowed"
        elif failure.check(HttpError):
            kind = f"http_{failure.value.response.status}"
        else:
            kind = classify_error(failure.value)
        yield {
            "kind": "error",
            "site_id": self.site_id,
            "url": request.url,
            "role": request.meta.get("role"),
            "error_kind": kind,
            "error": f"{failure.type.__name__}: {message}"[:300],
        }


def load_known(path: str | None) -> dict[str, dict[str, str]]:
    if not path:
        return {}
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
