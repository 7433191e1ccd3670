"""Run one site's crawl in this process: `python -m crawlers.run_crawl JOB.json`.

Twisted's reactor cannot be restarted inside a process, so the flow starts
one of these per site. The job file names the site, the WARC and events
files to write and the known captures for conditional requests.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, asdict
from typing import Any


@dataclass
class CrawlJob:
    site: dict[str, Any]
    warc_path: str
    events_path: str
    known: dict[str, dict[str, str]]
    delay: float | None = None
    max_download_bytes: int | None = None
    timeout: float | None = None              # seconds for one whole download (DOWNLOAD_TIMEOUT)
    retry_delays: list[float] | None = None   # waits between attempts at an unreachable server
    per_host: int | None = None               # concurrent requests per host (1–2)

    def dump(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, ensure_ascii=False)

    @classmethod
    def load(cls, path: str) -> "CrawlJob":
        with open(path, encoding="utf-8") as fh:
            return cls(**json.load(fh))


def run(job: CrawlJob) -> None:
    from scrapy.crawler import CrawlerProcess

    from .settings import crawl_settings
    from .spiders.reports import ReportSpider

    settings = crawl_settings(site_id=job.site["id"], warc_path=job.warc_path, events_path=job.events_path,
                              delay=job.delay, max_download_bytes=job.max_download_bytes, timeout=job.timeout,
                              retry_delays=job.retry_delays, per_host=job.per_host)
    process = CrawlerProcess(settings=settings)
    process.crawl(ReportSpider, site=job.site, known=job.known)
    process.start()


if __name__ == "__main__":
    run(CrawlJob.load(sys.argv[1]))
