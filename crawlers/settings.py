"""Scrapy settings for report crawls: polite to each host, broad across hosts.

Government servers are small and often slow; one request at a time per host
with a delay, robots.txt obeyed and an honest User-Agent. One crawl process
serves hundreds of sites: Scrapy keeps a download slot per host (the delay,
its jitter and AutoThrottle's adjustment apply per slot, and a slot starts the
next request only when the delay has passed since the last one started), and
the scheduler's DownloaderAwarePriorityQueue hands out the request of the
host with the fewest downloads in progress, so CONCURRENT_REQUESTS can be
high without any host seeing more than CONCURRENT_REQUESTS_PER_DOMAIN at
once. A request waiting out its host's delay counts against
CONCURRENT_REQUESTS, so that is sized to the number of hosts. Callers
override per run (delay, maximum size) through `crawl_settings`.
"""
from __future__ import annotations

from typing import Any

from archive.versions import NIANBAO_VERSION

USER_AGENT = f"nianbao/{NIANBAO_VERSION} (archive of government information-disclosure annual reports; polite crawler, obeys robots.txt)"

BASE_SETTINGS: dict[str, Any] = {
    "BOT_NAME": "nianbao",
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    "CONCURRENT_REQUESTS": 16,           # across hosts; crawl_settings sizes it to the shard
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",  # broad crawls: spread over hosts
    "REACTOR_THREADPOOL_MAXSIZE": 20,    # DNS lookups of hundreds of hosts
    "DOWNLOAD_DELAY": 1.0,
    "DOWNLOAD_DELAY_JITTER": 0.5,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "DOWNLOAD_TIMEOUT": 120,             # whole transfer: a 50 MB scan at a slow county server
    "DOWNLOAD_MAXSIZE": 50 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 0,
    "RETRY_ENABLED": True,
    "NIANBAO_RETRY_DELAYS": [30.0, 120.0, 480.0],  # seconds between attempts (crawlers/backoff.py)
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "LOG_INSTALL_ROOT_HANDLER": True,
    "DEPTH_LIMIT": 0,
    "REDIRECT_MAX_TIMES": 5,
    "DOWNLOADER_MIDDLEWARES": {
        # Scrapy's offsite filter drops redirects silently at scheduling (and lets dont_filter
        # requests through); the guard refuses them in the downloader, so the errback records them.
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
        "crawlers.safety.GuardMiddleware": 55,            # before robots.txt: never even ask an offsite host
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "crawlers.backoff.BackoffRetryMiddleware": 550,   # in Scrapy's retry slot
        "crawlers.safety.ChallengeMiddleware": 940,       # right after the recorder: challenges never reach retry/redirect
        "crawlers.middlewares.WarcRecorderMiddleware": 950,
    },
    "ITEM_PIPELINES": {"crawlers.pipelines.EventPipeline": 100},
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    # The spider counts each site's open requests to tell when the site is done
    # (crawlers/site_crawls.py): a middleware dropping requests silently would
    # keep its site open, so the URL-length filter is off.
    "URLLENGTH_LIMIT": 0,
    "LOGSTATS_INTERVAL": 0,
    "MEMUSAGE_ENABLED": False,
    "NIANBAO_MAX_LIST_PAGES": 200,
}
PER_SHARD_CONCURRENCY = (2, 16, 2000)  # requests in flight per host, floor and ceiling


def concurrency_for(hosts: int, per_host: int = 1) -> int:
    """CONCURRENT_REQUESTS for a crawl of `hosts` hosts: room for each to have its next
    request waiting while one downloads, so no host waits on another's delay."""
    factor, floor, ceiling = PER_SHARD_CONCURRENCY
    return max(floor, min(ceiling, factor * per_host * hosts))


def crawl_settings(*, hosts: int = 1, delay: float | None = None, max_download_bytes: int | None = None,
                   timeout: float | None = None, retry_delays: list[float] | None = None,
                   per_host: int | None = None) -> dict[str, Any]:
    """Settings for one crawl process serving `hosts` hosts."""
    settings = dict(BASE_SETTINGS)
    if delay is not None:
        settings["DOWNLOAD_DELAY"] = delay
        settings["AUTOTHROTTLE_START_DELAY"] = max(delay, 0.01)
    if max_download_bytes is not None:
        settings["DOWNLOAD_MAXSIZE"] = max_download_bytes
    if timeout is not None:
        settings["DOWNLOAD_TIMEOUT"] = timeout
    if retry_delays is not None:
        settings["NIANBAO_RETRY_DELAYS"] = list(retry_delays)
    elif delay is not None:
        # Waits before retrying a down server scale with the politeness delay: at the default
        # 1 s they are 30 s, 2 min, 8 min; `--delay 0` (loopback, tests) retries at once.
        scale = delay / BASE_SETTINGS["DOWNLOAD_DELAY"]
        settings["NIANBAO_RETRY_DELAYS"] = [d * scale for d in BASE_SETTINGS["NIANBAO_RETRY_DELAYS"]]
    if per_host is not None:  # 1 or 2: more would not be polite to a county server
        settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = max(1, min(int(per_host), 2))
        settings["AUTOTHROTTLE_TARGET_CONCURRENCY"] = float(settings["CONCURRENT_REQUESTS_PER_DOMAIN"])
    settings["CONCURRENT_REQUESTS"] = concurrency_for(hosts, settings["CONCURRENT_REQUESTS_PER_DOMAIN"])
    return settings
