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
    "DOWNLOAD_TIMEOUT": 60,
    "DOWNLOAD_MAXSIZE": 50 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 0,
    "RETRY_TIMES": 2,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "LOG_INSTALL_ROOT_HANDLER": True,
    "DEPTH_LIMIT": 0,
    "REDIRECT_MAX_TIMES": 5,
    "DOWNLOADER_MIDDLEWARES": {"crawlers.middlewares.WarcRecorderMiddleware": 950},
    "ITEM_PIPELINES": {"crawlers.pipelines.EventPipeline": 100},
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    "NIANBAO_MAX_LIST_PAGES": 200,
}


def crawl_settings(*, site_id: str, warc_path: str, events_path: str, delay: float | None = None,
                   max_download_bytes: int | None = None) -> dict[str, Any]:
    settings = dict(BASE_SETTINGS)
    settings.update(NIANBAO_SITE_ID=site_id, NIANBAO_WARC_PATH=warc_path, NIANBAO_EVENTS_PATH=events_path)
    if delay is not None:
        settings["DOWNLOAD_DELAY"] = delay
        settings["AUTOTHROTTLE_START_DELAY"] = max(delay, 0.01)
    if max_download_bytes is not None:
        settings["DOWNLOAD_MAXSIZE"] = max_download_bytes
    return settings
