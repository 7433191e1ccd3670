"""Run the crawl of a shard of sites in this process: `python -m crawlers.run_crawl JOB.json`.

Twisted's reactor cannot be restarted inside a process, so the flow starts one
of these per shard; inside, one spider serves every site of the shard at once
(crawlers/site_crawls.py). The job file names, per site, the WARC and events
files to write and the known captures for conditional requests. Each site's
end is announced on stdout as a JSON line `{"site_done": id, ...}` so the flow
can ingest it while the other sites are still crawling.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlparse


@dataclass
class SiteJob:
    site: dict[str, Any]
    warc_path: str
    events_path: str
    known: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class CrawlJob:
    sites: list[SiteJob]
    delay: float | None = None
    max_download_bytes: int | None = None
    timeout: float | None = None              # seconds for one whole download (DOWNLOAD_TIMEOUT)
    retry_delays: list[float] | None = None   # waits between attempts at an unreachable server
    per_host: int | None = None               # concurrent requests per host (1–2)

    def hosts(self) -> int:
        return len({(urlparse(u).hostname or "").lower() for s in self.sites for u in s.site["start_urls"]})

    def dump(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, ensure_ascii=False)

    @classmethod
    def load(cls, path: str) -> "CrawlJob":
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        data["sites"] = [SiteJob(**s) for s in data["sites"]]
        return cls(**data)


def run(job: CrawlJob) -> None:
    from scrapy.crawler import CrawlerProcess

    from .settings import crawl_settings
    from .spiders.reports import ReportSpider

    settings = crawl_settings(hosts=job.hosts(), delay=job.delay, max_download_bytes=job.max_download_bytes,
                              timeout=job.timeout, retry_delays=job.retry_delays, per_host=job.per_host)
    process = CrawlerProcess(settings=settings)
    process.crawl(ReportSpider, sites=[asdict(s) for s in job.sites])
    process.start()


if __name__ == "__main__":
    run(CrawlJob.load(sys.argv[1]))
