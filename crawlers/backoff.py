"""Retries with growing delays, in place of Scrapy's immediate RetryMiddleware.

A government server that is down tonight will not be up a second later:
Scrapy's retry re-queues at once and hammers it. Here a failed request waits
`NIANBAO_RETRY_DELAYS` (default 30 s, 2 min, 8 min) between attempts — the
wait is an async pause inside the middleware, so other hosts' requests go on
meanwhile — and after the last one the host is remembered as down, so the
requests still queued for it fail at once as unreachable instead of each
waiting through the same delays. Time-outs of a transfer that had started
(an endless slow download) and oversize downloads are not retried: they
would fail the same way again.
"""
from __future__ import annotations

from scrapy import Request, Spider
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadFailedError
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import error as twisted_errors
from twisted.internet.task import deferLater

from .safety import host_state

DEFAULT_DELAYS = (30.0, 120.0, 480.0)
RETRY_HTTP_CODES = (500, 502, 503, 504, 522, 524, 408, 429)
# Failures that mean "could not reach the server": worth waiting for.
RETRY_EXCEPTIONS = (CannotResolveHostError, DownloadConnectionRefusedError, DownloadFailedError,
                    twisted_errors.ConnectError, twisted_errors.ConnectionLost, twisted_errors.ConnectionDone,
                    twisted_errors.DNSLookupError)


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor
    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class BackoffRetryMiddleware:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.delays = [float(d) for d in crawler.settings.getlist("NIANBAO_RETRY_DELAYS", list(DEFAULT_DELAYS))]
        self.codes = set(int(c) for c in crawler.settings.getlist("NIANBAO_RETRY_HTTP_CODES", list(RETRY_HTTP_CODES)))
        self.hosts = host_state(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def _retry(self, request: Request, why: str) -> Request | None:
        attempt = request.meta.get("nianbao_retries", 0)
        host = request.url.split("/")[2].split(":")[0].lower() if "//" in request.url else ""
        if attempt >= len(self.delays) or host in self.hosts.down:
            if attempt >= len(self.delays):
                self.hosts.down.setdefault(host, f"{why} after {attempt + 1} attempts")
            return None
        await _sleep(self.delays[attempt])
        retry = request.replace(dont_filter=True)
        retry.meta["nianbao_retries"] = attempt + 1
        retry.meta.setdefault("nianbao_retry_reasons", []).append(why)
        self.crawler.stats.inc_value("nianbao/retries")
        return retry

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None):
        if response.status in self.codes and not request.meta.get("dont_retry"):
            retry = await self._retry(request, f"HTTP {response.status}")
            if retry is not None:
                return retry
        return response

    async def process_exception(self, request: Request, exception: BaseException, spider: Spider | None = None):
        if isinstance(exception, RETRY_EXCEPTIONS) and not request.meta.get("dont_retry"):
            return await self._retry(request, type(exception).__name__)
        return None
