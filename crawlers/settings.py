"""Scrapy settings for report crawls: polite by default.

Government servers are small and often slow; one request at a time per host
with a delay, robots.txt obeyed and an honest User-Agent. Callers override
per run (delay, maximum size) through `crawl_settings`.
"""
from __future__ import annotations

from typing import Any

from archive.versions import NIANBAO_VERSION

USER_AGENT = f"nianbao/{NIANBAO_VERSION} (archive of government information-disclosure annual reports; polite crawler, obeys robots.txt)"

BASE_SETTINGS: dict[str, Any] = {
    "BOT_NAME": "nianbao",
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    "CONCURRENT_REQUESTS": 16,           # across hosts
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
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
    "NIANBAO_MAX_LIST_PAGES": 200,
}


def crawl_settings(*, site_id: str, warc_path: str, events_path: str, delay: float | None = None,
                   max_download_bytes: int | None = None, timeout: float | None = None,
                   retry_delays: list[float] | None = None, per_host: int | None = None) -> dict[str, Any]:
    settings = dict(BASE_SETTINGS)
    settings.update(NIANBAO_SITE_ID=site_id, NIANBAO_WARC_PATH=warc_path, NIANBAO_EVENTS_PATH=events_path)
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
    return settings
