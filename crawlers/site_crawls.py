"""One site's part of a crawl that serves many sites at once, and knowing when it is done.

A crawl process runs one spider for a whole shard of sites: Scrapy's
scheduler and per-host download slots keep each host polite while hundreds
proceed in parallel. The flow ingests a site as soon as its crawl is done, so
the spider counts each site's open work — requests created and not yet
settled (their callback or errback has run, or the dupefilter dropped them)
and items yielded and not yet written — and a site is done when its count
falls back to zero. A request that a downloader middleware replaces (a
redirect, a retry) carries the same site in its meta, so the work stays open
until the replacement settles.
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from .recorder import CrawlRecorder

SITE = "nianbao_site"  # request meta key: the id of the site a request works for


def container_url(url: str) -> str:
    """The ZIP a member URL (`jar:<zip URL>!/<member>`) came from; any other URL unchanged."""
    return url[len("jar:"):].split("!/", 1)[0] if url.startswith("jar:") and "!/" in url else url


@dataclass
class SiteCrawl:
    site: dict[str, Any]
    recorder: CrawlRecorder
    known: dict[str, dict[str, Any]]
    warc_dir: str                      # the WARC store, where earlier captures are read back from
    open: int = 0                      # requests and items not yet settled
    done: bool = False
    list_requests: int = 0
    links_from_archive: int = 0        # 304 pages whose links were read from their archived capture
    started: float = field(default_factory=time.monotonic)
    seen_lists: set[str] = field(default_factory=set)
    # Members of a known ZIP, by the ZIP's URL: their validators are the ZIP's.
    known_members: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Start URLs bypass the dupefilter (dont_filter), so a TRS page listing itself as
        # page 0 would be fetched twice without this.
        self.seen_lists = set(self.site["start_urls"])
        for url in self.known:
            if container_url(url) != url:
                self.known_members.setdefault(container_url(url), []).append(url)

    @property
    def id(self) -> str:
        return self.site["id"]

    @property
    def allowed_domains(self) -> list[str]:
        return list(self.site["allowed_domains"])

    def finish(self, reason: str = "finished") -> None:
        """Record that the site's crawl is over and tell the flow (a JSON line on stdout)."""
        if self.done:
            return
        self.done = True
        duration = round(time.monotonic() - self.started, 2)
        self.recorder.event("site_done", site_id=self.id, reason=reason, duration_s=duration,
                            links_from_archive=self.links_from_archive)
        print(json.dumps({"site_done": self.id, "reason": reason, "duration_s": duration}), flush=True)
        sys.stdout.flush()


def site_done(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The `site_done` event of a site's events file, if its crawl got that far."""
    return next((e for e in reversed(events) if e.get("kind") == "site_done"), None)
