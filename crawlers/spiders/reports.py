"""The report spider: list pages → report pages → attachments, for many sites at once.

One spider serves a whole shard of sites (crawlers/site_crawls.py keeps each
site's state and tells when it is done). From the start URLs it walks the
column's list pages with every registered CMS convention (crawlers/conventions:
plain links and "下一页", TRS WCM, Hanweb jcms, gkml catalogues), fetches each
report page and its attachments, and yields one item per document. Known
documents are requested conditionally (If-None-Match / If-Modified-Since from
the last capture), so an unchanged report costs a 304; the links of a report
page answered 304 are read from its archived capture, so an attachment never
fetched before (a crawl killed in between) is fetched now. Pages are decoded
by crawlers.encoding, not by Scrapy's guess, so link texts are never mojibake.
A ZIP download is unpacked here and each member becomes a document of its own
(a WARC `resource` record at `jar:<zip URL>!/<member>`), so a report packed
with its tables is archived as those files, not as one opaque archive.
"""
from __future__ import annotations

import functools
import mimetypes
from typing import Any, Callable, Iterator
from urllib.parse import quote, urlparse

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from ..conventions import ListPage, ListRequest, ReportLink, anchor_text, walk
from ..encoding import charset_from_content_type, decode_html
from ..images import SiteImages
from ..links import attachment_format, same_site
from ..middlewares import META_WARC, classify_error
from ..page_meta import content_disposition_filename, page_metadata
from ..recorder import CrawlRecorder
from ..safety import BlockedChallenge, HostDown, OffsiteRequest
from ..site_crawls import SITE, SiteCrawl, container_url
from parsers.extract.zip_members import ZipRejected, unpack_zip
from parsers.extract.formats import sniff_format
from parsers.report.titles import recognize_title, report_body_markers

JAR = "jar:{url}!/{member}"  # the URL of a ZIP member (the jar: scheme's form)
START = "nianbao_start"  # request meta: a start URL of the site (a list page, or a report page itself)
__all__ = ["ReportSpider", "container_url", "member_url"]


def member_url(zip_url: str, member: str) -> str:
    return JAR.format(url=zip_url, member=quote(member, safe="/"))


def _reads_as_report(sel: Selector, report_links: int) -> bool:
    """Is this start page one annual report rather than its column? Its title names one report of one
    year, and it holds the report's text (its standard headings), or it links a file while linking at
    most one report (a column page titled with a year that links many agencies' files stays a list:
    its files must not become one report's attachments)."""
    heading = " ".join(sel.xpath("//title//text()").getall()[:1] + sel.xpath("//h1//text()").getall()[:1])
    title = recognize_title(heading)
    if title is None or title.year is None:
        return False
    if report_body_markers(" ".join(sel.xpath("//body//text()").getall())) >= 3:
        return True
    return report_links <= 1 and any(
        attachment_format(a.attrib.get("href", ""), " ".join(a.xpath(".//text()").getall()))
        for a in sel.css("a[href]"))


def _is_text(response: Response) -> bool:
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    head = response.body[:512].lstrip().lower()
    return "html" in ctype or "xml" in ctype or head.startswith((b"<!doctype", b"<html", b"<?xml", b"<datastore"))


def decoded(response: Response) -> str:
    charset = charset_from_content_type(response.headers.get(b"Content-Type", b"").decode("latin-1"))
    return decode_html(response.body, charset)[0]


def _settles(callback: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """Wrap a callback or errback: its request's work is settled once its output is out, and
    each item it yields stays open until the pipeline has written it."""
    @functools.wraps(callback)
    def wrapper(self: "ReportSpider", result: Any) -> Iterator[Any]:
        crawl = self.crawls[result.request.meta[SITE]]
        try:
            for out in callback(self, result, crawl):
                if isinstance(out, dict):
                    crawl.open += 1
                yield out
        finally:
            self.settle(crawl)
    return wrapper


class ReportSpider(scrapy.Spider):
    name = "reports"

    def __init__(self, sites: list[dict[str, Any]], **kwargs: Any) -> None:
        """`sites`: one {site, warc_path, events_path, known} per site of the shard."""
        super().__init__(**kwargs)
        self.crawls: dict[str, SiteCrawl] = {}
        self._site_images: dict[str, SiteImages] = {}
        for job in sites:
            crawl = SiteCrawl(site=job["site"], recorder=CrawlRecorder(job["warc_path"], job["events_path"]),
                              known=job.get("known") or {}, warc_dir=_dirname(job["warc_path"]))
            self.crawls[crawl.id] = crawl
        # Robots.txt requests are Scrapy's own and carry no site: their exchanges are
        # recorded with the first site of their host.
        self.by_host: dict[str, SiteCrawl] = {}
        for crawl in self.crawls.values():
            for url in crawl.site["start_urls"]:
                self.by_host.setdefault((urlparse(url).hostname or "").lower(), crawl)
        self.allowed_domains = sorted({d for c in self.crawls.values() for d in c.allowed_domains})

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_list_pages = crawler.settings.getint("NIANBAO_MAX_LIST_PAGES", 200)
        crawler.signals.connect(spider.on_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

    async def start(self):
        for crawl in self.crawls.values():
            urls = crawl.site["start_urls"]
            crawl.open += len(urls)  # all at once: the site is not done between two of them
            for url in urls:
                if url in crawl.known:
                    # A start URL archived as a document is a report page (a registry entry seen as one
                    # report): asked conditionally like every known document, its links still walked.
                    headers, meta = self._conditional(crawl, url, {"role": "page", START: True, SITE: crawl.id})
                    yield scrapy.Request(url, callback=self.parse_report_page, errback=self.on_error,
                                         headers=headers, meta=meta, dont_filter=True)
                    continue
                yield scrapy.Request(url, callback=self.parse_list, errback=self.on_error,
                                     meta={"role": "list", START: True, SITE: crawl.id}, dont_filter=True)

    # -- which site, and when it is done ----------------------------------

    def crawl_for(self, request: scrapy.Request) -> SiteCrawl | None:
        """The site a request works for (robots.txt: the first site of its host)."""
        site_id = request.meta.get(SITE)
        if site_id is not None:
            return self.crawls[site_id]
        return self.by_host.get((urlparse(request.url).hostname or "").lower())

    def _request(self, crawl: SiteCrawl, url: str, *, cls: type = scrapy.Request, **kwargs: Any) -> scrapy.Request:
        crawl.open += 1
        kwargs["meta"] = dict(kwargs.get("meta") or {}, **{SITE: crawl.id})
        return cls(url, errback=self.on_error, **kwargs)

    def settle(self, crawl: SiteCrawl) -> None:
        crawl.open -= 1
        if crawl.open <= 0:
            crawl.finish()

    def write_item(self, item: dict[str, Any]) -> None:
        """The item pipeline's one job: the document or error becomes an event line."""
        data = dict(item)
        kind = data.pop("kind", "document")
        crawl = self.crawls[data["site_id"]]
        crawl.recorder.event(kind, **data)
        self.settle(crawl)

    def on_dropped(self, request: scrapy.Request, spider: scrapy.Spider | None = None) -> None:
        if request.meta.get(SITE) in self.crawls:  # the dupefilter saw it already
            self.settle(self.crawls[request.meta[SITE]])

    def on_closed(self, spider: scrapy.Spider, reason: str) -> None:
        for crawl in self.crawls.values():  # a site still open when the spider stops (shutdown)
            crawl.finish(reason if not crawl.done else "finished")

    def allowed(self, crawl: SiteCrawl, url: str) -> bool:
        return url.startswith(("http://", "https://")) and same_site(url, crawl.allowed_domains)

    # -- list pages -------------------------------------------------------

    @_settles
    def parse_list(self, response: Response, crawl: SiteCrawl) -> Iterator[Any]:
        if not _is_text(response):
            return  # a start URL that serves a file, not a page
        text = decoded(response)
        found = self._found(crawl, response, text)
        if response.meta.get(START):
            sel = Selector(text=text or "<html></html>")
            reports = {f.url for _, f in found if isinstance(f, ReportLink)}
            if _reads_as_report(sel, len(reports)):
                # The start URL is a report page, not its column: archived as the report's page (its
                # attachments requested first, so they keep it as their parent), its links still walked
                # for the column's other reports.
                yield from self._report_page(crawl, response, sel, {"role": "page"})
        yield from self._walk_list(crawl, response, found)

    def _found(self, crawl: SiteCrawl, response: Response, text: str,
               meta: dict[str, Any] | None = None) -> list[tuple[str, Any]]:
        """What every convention finds on a page: (convention, report link or list request)."""
        meta = {k: v for k, v in (response.meta if meta is None else meta).items() if k not in (SITE, START)}
        return list(walk(ListPage(response.url, text, functools.partial(self.allowed, crawl), meta=meta)))

    def _walk_list(self, crawl: SiteCrawl, response: Response, found: list[tuple[str, Any]]) -> Iterator[Any]:
        """Requests for the report links and further list pages found on a page."""
        for convention, found in found:
            if isinstance(found, ReportLink):
                meta = {"link_text": found.text, "list_url": response.url, "year_hint": found.year,
                        "convention": convention, **found.meta}
                if attachment_format(found.url, found.text):
                    yield self._document_request(crawl, found.url, self.parse_document, dict(meta, role="attachment"))
                else:
                    yield self._document_request(crawl, found.url, self.parse_report_page, dict(meta, role="page"))
            elif crawl.list_requests < self.max_list_pages and (found.method != "GET" or found.url not in crawl.seen_lists):
                crawl.seen_lists.add(found.url)
                yield self._list_request(crawl, found)

    def _list_request(self, crawl: SiteCrawl, found: ListRequest) -> scrapy.Request:
        crawl.list_requests += 1
        meta = dict(found.meta, role="list")
        headers = dict(found.headers or {})
        if found.method == "POST":
            return self._request(crawl, found.url, cls=scrapy.FormRequest, formdata=found.formdata or {},
                                 headers=headers, meta=meta, callback=self.parse_list)
        return self._request(crawl, found.url, headers=headers, meta=meta, callback=self.parse_list)

    # -- documents --------------------------------------------------------

    def _document_request(self, crawl: SiteCrawl, url: str, callback, meta: dict[str, Any]) -> scrapy.Request:
        url = container_url(url)
        headers, meta = self._conditional(crawl, url, meta)
        return self._request(crawl, url, callback=callback, headers=headers, meta=meta)

    @staticmethod
    def _conditional(crawl: SiteCrawl, url: str, meta: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
        """The validators of a known document's last capture as request headers (and a 304 let through)."""
        headers = {}
        known = crawl.known.get(url) or next((crawl.known[m] for m in crawl.known_members.get(url, [])), None)
        if known:
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        if headers:
            meta = dict(meta, handle_httpstatus_list=[304])
        return headers, meta

    @_settles
    def parse_report_page(self, response: Response, crawl: SiteCrawl) -> Iterator[Any]:
        if response.status == 304:
            yield self._item(crawl, response)
            # Unchanged page: its links are read from the archived capture, so an attachment that
            # was never fetched (a crawl killed in between) is fetched now; the attachments the
            # archive knows are checked too (the dupefilter drops the repeats).
            archived = self._archived_page(crawl, response.url)
            if archived is not None:
                crawl.links_from_archive += 1
                text = decoded(archived)
                yield from self._attachment_requests(crawl, archived, Selector(text=text or "<html></html>"),
                                                     response.meta)
                if response.meta.get(START):  # a report start page: its links lead on, as on the first night
                    yield from self._walk_list(crawl, archived, self._found(crawl, archived, text, response.meta))
            for att in crawl.known.get(response.url, {}).get("attachments", []):
                meta = {"link_text": att.get("link_text"), "parent_url": response.url, "role": "attachment",
                        "list_url": response.meta.get("list_url"), "year_hint": response.meta.get("year_hint")}
                yield self._document_request(crawl, att["url"], self.parse_document, meta)
            return
        if not _is_text(response):
            yield self._item(crawl, response)  # the "page" turned out to be a file
            return
        text = decoded(response)
        yield from self._report_page(crawl, response, Selector(text=text or "<html></html>"))
        if response.meta.get(START):
            yield from self._walk_list(crawl, response, self._found(crawl, response, text))

    def _report_page(self, crawl: SiteCrawl, response: Response, sel: Selector,
                     extra: dict[str, Any] | None = None) -> Iterator[Any]:
        """A report page's item and the requests for its attachments and page images."""
        # How much the page reads like the report itself (0–5 standard headings): a page that only
        # links the report as an attachment has none, a gkml page with the full text has several.
        markers = report_body_markers(" ".join(sel.xpath("//body//text()").getall()))
        yield self._item(crawl, response, dict(page_metadata(sel), report_markers=markers, **(extra or {})))
        yield from self._attachment_requests(crawl, response, sel, response.meta)

    def _attachment_requests(self, crawl: SiteCrawl, page: Response, sel: Selector,
                             meta_from: dict[str, Any]) -> Iterator[scrapy.Request]:
        """A request for each attachment a report page links (fresh or read from the archive)."""
        for a in sel.css("a[href]"):
            href = page.urljoin(a.attrib["href"].strip())
            text, title = anchor_text(a)
            if not self.allowed(crawl, href) or not attachment_format(href, text or title):
                continue
            meta = {"link_text": text or title, "parent_url": page.url, "list_url": meta_from.get("list_url"),
                    "year_hint": meta_from.get("year_hint"), "role": "attachment"}
            yield self._document_request(crawl, href, self.parse_document, meta)
        yield from self._page_images(crawl, page, sel, meta_from)

    def _page_images(self, crawl: SiteCrawl, page: Response, sel: Selector,
                     meta_from: dict[str, Any]) -> Iterator[scrapy.Request]:
        """A 图片版 report's page images, as attachments of the page (`crawlers.images`); the
        site's logos and icons, repeated over its pages, are left out per site."""
        images = self._site_images.setdefault(crawl.id, SiteImages())
        for img in images.select(sel, page.url):
            if self.allowed(crawl, img.url):
                meta = {"link_text": img.alt or None, "parent_url": page.url, "role": "attachment",
                        "list_url": meta_from.get("list_url"), "year_hint": meta_from.get("year_hint"),
                        "image_order": img.order}
                yield self._document_request(crawl, img.url, self.parse_document, meta)

    def _archived_page(self, crawl: SiteCrawl, url: str) -> Response | None:
        """The page as its latest archived capture holds it, or None when there is none to read."""
        from archive.warc import read_response
        known = crawl.known.get(url) or {}
        if not known.get("warc_file") or known.get("warc_offset") is None:
            return None
        try:
            stored = read_response(crawl.warc_dir, known["warc_file"], int(known["warc_offset"]))
            body = stored.decoded_body()
        except (OSError, ValueError, StopIteration) as exc:
            self.logger.warning("cannot read the archived capture of %s: %s", url, exc)
            return None
        page = Response(url, status=200, headers=[(k, v) for k, v in stored.headers
                                                  if k.lower() != "content-encoding"], body=body)
        return page if _is_text(page) else None

    @_settles
    def parse_document(self, response: Response, crawl: SiteCrawl) -> Iterator[Any]:
        members = crawl.known_members.get(response.url, [])
        if response.status == 304 and members:
            for url in members:  # every member of the unchanged ZIP is seen again
                yield dict(self._item(crawl, response), url=url, final_url=url)
            return
        if response.status == 200 and sniff_format(response.body[:65536], response.url) == "zip":
            yield from self._zip_members(crawl, response)
            return
        yield self._item(crawl, response)

    def _zip_members(self, crawl: SiteCrawl, response: Response) -> Iterator[Any]:
        """One item per member of a ZIP download, each in a WARC resource record of its own.
        An unreadable or empty ZIP is archived as it is, where extraction records why."""
        try:
            members = unpack_zip(response.body, response.url)
        except ZipRejected:
            members = []
        if not members:
            yield self._item(crawl, response)
            return
        base = self._item(crawl, response)
        validators = [(k, v) for k, v in base.get("headers") or [] if k.lower() in ("etag", "last-modified")]
        for name, body in members:
            url = member_url(response.url, name)
            ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            where = crawl.recorder.write_resource(
                url=url, content_type=ctype, body=body, refers_to=base.get("warc_record_id"))
            yield dict(base, url=url, final_url=url, zip_url=response.url, zip_member=name,
                       headers=[("Content-Type", ctype), *validators], **where)

    def _item(self, crawl: SiteCrawl, response: Response, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        meta = response.meta
        warc = meta.get(META_WARC, {})
        redirects = meta.get("redirect_urls") or []
        item = {
            "kind": "document",
            "site_id": crawl.id,
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

    @_settles
    def on_error(self, failure, crawl: SiteCrawl) -> Iterator[Any]:
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
            "site_id": crawl.id,
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


def _dirname(path: str) -> str:
    import os
    return os.path.dirname(os.path.abspath(path))
