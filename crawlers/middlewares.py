"""Downloader middleware that records every exchange as it came off the wire.

It sits at priority 950, nearer the downloader than HttpCompressionMiddleware
(590), so the body it writes to the WARC still carries its Content-Encoding,
and it sees every response (redirects, errors, 304s) before anything retries,
follows or drops it.
"""
from __future__ import annotations

import time
from typing import Any

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.web.http import RESPONSES

from .recorder import utc_now

META_WARC = "nianbao_warc"


def _pairs(headers: Any) -> list[tuple[str, str]]:
    out = []
    for key, values in headers.items():
        name = key.decode("latin-1")
        for value in values:
            out.append((name, value.decode("latin-1")))
    return out


def classify_error(exc: BaseException) -> str:
    """The error_kind of a failed download: timeout, oversize, unreachable or network."""
    from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                                   DownloadTimeoutError)
    from twisted.internet import defer, error as terr

    text = str(exc).lower()
    if isinstance(exc, (DownloadTimeoutError, defer.TimeoutError, terr.TimeoutError)) or "took longer than" in text:
        return "timeout"
    if isinstance(exc, (DownloadCancelledError, defer.CancelledError)) and ("max size" in text or "maxsize" in text or not text):
        return "oversize"
    if "larger than download max size" in text:
        return "oversize"
    if isinstance(exc, (CannotResolveHostError, DownloadConnectionRefusedError, terr.ConnectError, terr.DNSLookupError)):
        return "unreachable"  # TCPTimedOutError and ConnectionRefusedError are ConnectErrors
    return "network"


class WarcRecorderMiddleware:
    """Each exchange goes to the WARC and events files of the site the request works for."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _crawl(self, request: Request):
        return self.crawler.spider.crawl_for(request)

    def process_request(self, request: Request, spider: Spider | None = None):
        request.meta.setdefault("nianbao_started", time.monotonic())
        return None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None):
        crawl = self._crawl(request)
        if crawl is None:
            return response  # a host no site of this crawl starts from: never requested on its own
        protocol = response.protocol or "HTTP/1.1"
        reason = RESPONSES.get(response.status, b"").decode("latin-1")
        where = crawl.recorder.write_exchange(
            url=response.url, method=request.method, request_headers=_pairs(request.headers),
            request_body=request.body or b"", status=response.status, reason=reason,
            protocol=protocol.upper(), response_headers=_pairs(response.headers), body=response.body,
        )
        conditional = b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers
        crawl.recorder.event(
            "fetch", site_id=crawl.id, url=response.url, method=request.method,
            status=response.status, fetched_at=utc_now(), conditional=conditional,
            not_modified=response.status == 304, size=len(response.body), **where,
        )
        request.meta[META_WARC] = dict(where, fetched_at=utc_now(), headers=_pairs(response.headers))
        return response

    def process_exception(self, request: Request, exception: BaseException, spider: Spider | None = None):
        crawl = self._crawl(request)
        if isinstance(exception, IgnoreRequest) or crawl is None:
            return None  # never sent (robots.txt, offsite): the spider's errback records why
        crawl.recorder.event(
            "fetch", site_id=crawl.id, url=request.url, method=request.method, status=None,
            fetched_at=utc_now(), conditional=b"If-None-Match" in request.headers,
            not_modified=False, error=f"{type(exception).__name__}: {exception}"[:300],
            error_kind=classify_error(exception),
        )
        return None
