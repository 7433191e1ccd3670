"""Downloader middlewares that keep a crawl polite and confined.

`GuardMiddleware` (before robots.txt handling) refuses requests to hosts
outside the site's allowed domains — including redirect targets and start
URLs, which Scrapy's own offsite filter lets through because they are
`dont_filter` — and to hosts that answered a challenge or went down earlier
in this run. `ChallengeMiddleware` (just after the WARC recorder) turns
anti-bot challenges into a `BlockedChallenge` failure: 瑞数 (HTTP 412, `$_ts`),
加速乐 (HTTP 521, `X-Via-JSL`, `__jsluid` cookies). A polite crawler does not
solve challenges; it records them and tries again another night.
"""
from __future__ import annotations

import re

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from .links import same_site
from .site_crawls import SITE


class BlockedChallenge(IgnoreRequest):
    """The server answered with an anti-bot challenge instead of the page."""


class HostDown(IgnoreRequest):
    """An earlier request to this host was given up after its retries."""


class OffsiteRequest(IgnoreRequest):
    """A request (often a redirect) to a host outside the site's allowed domains."""


_RUISHU = re.compile(rb"\$_ts\s*=|\$_ts\.|\$_ts\[|FSSBBIl1UgzbN7N", re.I)
_JSL = re.compile(rb"__jsl_clearance|__jsluid", re.I)


def challenge_reason(status: int, headers: dict[str, list[str]], body: bytes) -> str | None:
    """Why this response is a challenge page rather than content, or None.

    `headers` maps lower-case names to their values."""
    head = body[:65536]
    cookies = " ".join(headers.get("set-cookie", []))
    if status == 412:
        return "HTTP 412 (瑞数/Rivers Security challenge)" + (" with $_ts script" if _RUISHU.search(head) else "")
    if status == 521:
        return "HTTP 521 (加速乐/JSL challenge)"
    if headers.get("x-via-jsl") and (status >= 400 or _JSL.search(head) or b"document.cookie" in head):
        return f"HTTP {status} with X-Via-JSL and a cookie script (加速乐/JSL challenge)"
    small_script_page = len(body) < 32768 and b"<script" in head.lower()
    if small_script_page and _RUISHU.search(head):
        return f"HTTP {status} page carrying the $_ts script (瑞数/Rivers Security challenge)"
    if small_script_page and (_JSL.search(head) or "__jsluid" in cookies) and b"document.cookie" in head:
        return f"HTTP {status} page setting __jsl_clearance (加速乐/JSL challenge)"
    return None


def _host(request: Request) -> str:
    from urllib.parse import urlparse
    return (urlparse(request.url).hostname or "").lower()


class HostState:
    """Per-crawl memory of hosts that challenged us or went down."""

    def __init__(self) -> None:
        self.blocked: dict[str, str] = {}
        self.down: dict[str, str] = {}


def host_state(crawler) -> HostState:
    if not hasattr(crawler, "nianbao_hosts"):
        crawler.nianbao_hosts = HostState()
    return crawler.nianbao_hosts


class GuardMiddleware:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.hosts = host_state(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None):
        spider = spider or self.crawler.spider
        # The domains of the site the request works for (robots.txt: those of any site).
        crawl = spider.crawl_for(request) if request.meta.get(SITE) else None
        allowed = crawl.allowed_domains if crawl is not None else getattr(spider, "allowed_domains", None)
        if allowed and not same_site(request.url, allowed):
            raise OffsiteRequest(f"offsite: {_host(request)} is not in the site's allowed domains"
                                 + (" (redirected)" if request.meta.get("redirect_urls") else ""))
        host = _host(request)
        if host in self.hosts.blocked:
            raise BlockedChallenge(f"not requested: {host} answered a challenge earlier in this run "
                                   f"({self.hosts.blocked[host]})")
        if host in self.hosts.down:
            raise HostDown(f"not requested: {host} was unreachable earlier in this run ({self.hosts.down[host]})")
        return None


class ChallengeMiddleware:
    def __init__(self, crawler) -> None:
        self.hosts = host_state(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None):
        headers = {k.decode("latin-1").lower(): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()}
        reason = challenge_reason(response.status, headers, response.body)
        if reason is None:
            return response
        self.hosts.blocked.setdefault(_host(request), reason)
        raise BlockedChallenge(f"{reason} at {response.url}")
