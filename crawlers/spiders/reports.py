"""The report spider: list pages → report pages → attachments.

From the start URLs it walks the column's list pages with every registered
CMS convention (crawlers/conventions: plain links and "下一页", TRS WCM,
Hanweb jcms, gkml catalogues), fetches each report page and its attachments,
and yields one item per document. Known documents are requested
conditionally (If-None-Match / If-Modified-Since from the last capture), so
an unchanged report costs a 304. Pages are decoded by crawlers.encoding, not
by Scrapy's guess, so link texts are never mojibake. A ZIP download is
unpacked here and each member becomes a document of its own (a WARC
`resource` record at `jar:<zip URL>!/<member>`), so a report packed with its
tables is archived as those files, not as one opaque archive.
"""
from __future__ import annotations

import json
import mimetypes
from typing import Any, Iterator
from urllib.parse import quote

import scrapy
from parsel import Selector
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from ..conventions import ListPage, ListRequest, ReportLink, anchor_text, walk
from ..encoding import charset_from_content_type, decode_html
from ..images import SiteImages
from ..links import attachment_format, same_site
from ..middlewares import META_WARC, classify_error
from ..page_meta import content_disposition_filename, page_metadata
from ..safety import BlockedChallenge, HostDown, OffsiteRequest
from parsers.extract.zip_members import ZipRejected, unpack_zip
from parsers.extract.formats import sniff_format
from parsers.report.titles import report_body_markers

JAR = "jar:{url}!/{member}"  # the URL of a ZIP member (the jar: scheme's form)


def member_url(zip_url: str, member: str) -> str:
    return JAR.format(url=zip_url, member=quote(member, safe="/"))


def container_url(url: str) -> str:
    """The ZIP a member URL came from; any other URL unchanged."""
    return url[len("jar:"):].split("!/", 1)[0] if url.startswith("jar:") and "!/" in url else url


def _is_text(response: Response) -> bool:
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    head = response.body[:512].lstrip().lower()
    return "html" in ctype or "xml" in ctype or head.startswith((b"<!doctype", b"<html", b"<?xml", b"<datastore"))


def decoded(response: Response) -> str:
    charset = charset_from_content_type(response.headers.get(b"Content-Type", b"").decode("latin-1"))
    return decode_html(response.body, charset)[0]


class ReportSpider(scrapy.Spider):
    name = "reports"

    def __init__(self, site: dict[str, Any], known: dict[str, dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site = site
        self.site_id = site["id"]
        self.allowed_domains = list(site["allowed_domains"])
        self.known = known or {}
        # Members of a known ZIP, by the ZIP's URL: their validators are the ZIP's.
        self.known_members: dict[str, list[str]] = {}
        for url in self.known:
            if container_url(url) != url:
                self.known_members.setdefault(container_url(url), []).append(url)
        self.list_requests = 0
        # Start URLs bypass the dupefilter (dont_filter), so a TRS page listing itself as
        # page 0 would be fetched twice without this.
        self.seen_lists: set[str] = set(site["start_urls"])

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_list_pages = crawler.settings.getint("NIANBAO_MAX_LIST_PAGES", 200)
        return spider

    async def start(self):
        for url in self.site["start_urls"]:
            yield scrapy.Request(url, callback=self.parse_list, errback=self.on_error,
                                 meta={"role": "list"}, dont_filter=True)

    def allowed(self, url: str) -> bool:
        return url.startswith(("http://", "https://")) and same_site(url, self.allowed_domains)

    # -- list pages -------------------------------------------------------

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not _is_text(response):
            return  # a start URL that serves a file, not a page
        page = ListPage(response.url, decoded(response), self.allowed, meta=dict(response.meta))
        for convention, found in walk(page):
            if isinstance(found, ReportLink):
                meta = {"link_text": found.text, "list_url": response.url, "year_hint": found.year,
                        "convention": convention, **found.meta}
                if attachment_format(found.url, found.text):
                    yield self._document_request(found.url, self.parse_document, dict(meta, role="attachment"))
                else:
                    yield self._document_request(found.url, self.parse_report_page, dict(meta, role="page"))
            elif self.list_requests < self.max_list_pages and (found.method != "GET" or found.url not in self.seen_lists):
                self.seen_lists.add(found.url)
                yield self._list_request(found, response.url)

    def _list_request(self, found: ListRequest, referer: str) -> scrapy.Request:
        self.list_requests += 1
        meta = dict(found.meta, role="list")
        headers = dict(found.headers or {})
        if found.method == "POST":
            return scrapy.FormRequest(found.url, formdata=found.formdata or {}, headers=headers, meta=meta,
                                      callback=self.parse_list, errback=self.on_error)
        return scrapy.Request(found.url, headers=headers, meta=meta, callback=self.parse_list, errback=self.on_error)

    # -- documents --------------------------------------------------------

    def _document_request(self, url: str, callback, meta: dict[str, Any]) -> scrapy.Request:
        headers = {}
        url = container_url(url)
        known = self.known.get(url) or next((self.known[m] for m in self.known_members.get(url, [])), None)
        if known:
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        if headers:
            meta = dict(meta, handle_httpstatus_list=[304])
        return scrapy.Request(url, callback=callback, errback=self.on_error, headers=headers, meta=meta)

    def parse_report_page(self, response: Response) -> Iterator[Any]:
        if response.status == 304:
            yield self._item(response)
            # Unchanged page: its attachments are not re-read from it, but still checked
            # (a ZIP once for all its members).
            seen: set[str] = set()
            for att in self.known.get(response.url, {}).get("attachments", []):
                if container_url(att["url"]) in seen:
                    continue
                seen.add(container_url(att["url"]))
                meta = {"link_text": att.get("link_text"), "parent_url": response.url, "role": "attachment",
                        "list_url": response.meta.get("list_url"), "year_hint": response.meta.get("year_hint")}
                yield self._document_request(att["url"], self.parse_document, meta)
            return
        if not _is_text(response):
            yield self._item(response)  # the "page" turned out to be a file
            return
        sel = Selector(text=decoded(response) or "<html></html>")
        # How much the page reads like the report itself (0–5 standard headings): a page that only
        # links the report as an attachment has none, a gkml page with the full text has several.
        markers = report_body_markers(" ".join(sel.xpath("//body//text()").getall()))
        yield self._item(response, dict(page_metadata(sel), report_markers=markers))
        for a in sel.css("a[href]"):
            href = response.urljoin(a.attrib["href"].strip())
            text, title = anchor_text(a)
            if not self.allowed(href) or not attachment_format(href, text or title):
                continue
            meta = {"link_text": text or title, "parent_url": response.url, "list_url": response.meta.get("list_url"),
                    "year_hint": response.meta.get("year_hint"), "role": "attachment"}
            yield self._document_request(href, self.parse_document, meta)
        yield from self._page_images(sel, response)

    def _page_images(self, sel: Selector, response: Response) -> Iterator[Any]:
        """A 图片版 report's page images, as attachments of the page (`crawlers.images`)."""
        if not hasattr(self, "site_images"):
            self.site_images = SiteImages()
        for img in self.site_images.select(sel, response.url):
            if self.allowed(img.url):
                meta = {"link_text": img.alt or None, "parent_url": response.url, "role": "attachment",
                        "list_url": response.meta.get("list_url"), "year_hint": response.meta.get("year_hint"),
                        "image_order": img.order}
                yield self._document_request(img.url, self.parse_document, meta)

    def parse_document(self, response: Response) -> Iterator[Any]:
        members = self.known_members.get(response.url, [])
        if response.status == 304 and members:
            for url in members:  # every member of the unchanged ZIP is seen again
                yield dict(self._item(response), url=url, final_url=url)
            return
        if response.status == 200 and sniff_format(response.body[:65536], response.url) == "zip":
            yield from self._zip_members(response)
            return
        yield self._item(response)

    def _zip_members(self, response: Response) -> Iterator[Any]:
        """One item per member of a ZIP download, each in a WARC resource record of its own.
        An unreadable or empty ZIP is archived as it is, where extraction records why."""
        try:
            members = unpack_zip(response.body, response.url)
        except ZipRejected:
            members = []
        if not members:
            yield self._item(response)
            return
        base = self._item(response)
        validators = [(k, v) for k, v in base.get("headers") or [] if k.lower() in ("etag", "last-modified")]
        for name, body in members:
            url = member_url(response.url, name)
            ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            where = self.crawler.nianbao_recorder.write_resource(
                url=url, content_type=ctype, body=body, refers_to=base.get("warc_record_id"))
            yield dict(base, url=url, final_url=url, zip_url=response.url, zip_member=name,
                       headers=[("Content-Type", ctype), *validators], **where)

    def _item(self, response: Response, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        meta = response.meta
        warc = meta.get(META_WARC, {})
        redirects = meta.get("redirect_urls") or []
        item = {
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
        if meta.get("convention"):
            item["convention"] = meta["convention"]
        filename = content_disposition_filename(response.headers.get(b"Content-Disposition", b"").decode("latin-1"))
        if filename:
            item["filename"] = filename
        # List-level metadata (gkml category column) first, the page's own table wins.
        for key, value in {**{k: v for k, v in meta.items() if k.startswith("meta_")}, **(extra or {})}.items():
            item[key] = value
        return item

    def on_error(self, failure) -> Iterator[Any]:
        request = failure.request
        message = failure.getErrorMessage()
        if failure.check(BlockedChallenge):
            kind = "blocked_challenge"
        elif failure.check(HostDown):
            kind = "unreachable"
        elif failure.check(OffsiteRequest):
            kind = "offsite"
        elif failure.check(IgnoreRequest) and "robots.txt" in message:
            kind = "robots_disallowed"
        elif failure.check(HttpError):
            kind = f"http_{failure.value.response.status}"
        else:
            kind = classify_error(failure.value)
        event = {
            "kind": "error",
            "site_id": self.site_id,
            "url": request.url,
            "role": request.meta.get("role"),
            "error_kind": kind,
            "error": f"{failure.type.__name__}: {message}"[:300],
        }
        if request.meta.get("redirect_urls"):
            event["redirected_from"] = request.meta["redirect_urls"][0]
        if request.meta.get("nianbao_retries"):
            event["attempts"] = request.meta["nianbao_retries"] + 1
        yield event


def load_known(path: str | None) -> dict[str, dict[str, str]]:
    if not path:
        return {}
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
