"""Run a crawl in a child process and read back what it wrote.

The same path the harvest flow takes (`python -m crawlers.run_crawl JOB`),
without Prefect or the archive: tests and benchmarks use it to crawl loopback
sites (one, or many in one process) and assert on the events files and the
servers' request logs.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .recorder import read_events
from .run_crawl import CrawlJob, SiteJob

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CrawlOutput:
    events: list[dict[str, Any]]
    returncode: int
    stderr: str
    warc_path: str

    def documents(self, role: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.events if e["kind"] == "document" and (role is None or e.get("role") == role)]

    def errors(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.events if e["kind"] == "error" and (kind is None or e.get("error_kind") == kind)]

    def fetches(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e["kind"] == "fetch"]

    def done(self) -> dict[str, Any] | None:
        """The site's `site_done` event: its crawl ended (and how long it took)."""
        return next((e for e in self.events if e["kind"] == "site_done"), None)


def crawl(site: dict[str, Any], out_dir: str | os.PathLike, *, name: str = "crawl",
          known: dict[str, dict[str, Any]] | None = None, timeout_s: float = 120, **job: Any) -> CrawlOutput:
    """Crawl `site` (a sites-file entry as a dict) into `out_dir/name.*`; `job` sets CrawlJob
    options (delay, max_download_bytes, timeout, retry_delays, per_host)."""
    return crawl_many([site], out_dir, names=[name], known=[known or {}], timeout_s=timeout_s, **job)[0]


def crawl_many(sites: list[dict[str, Any]], out_dir: str | os.PathLike, *, names: list[str] | None = None,
               known: list[dict[str, dict[str, Any]]] | None = None, timeout_s: float = 120,
               **job: Any) -> list[CrawlOutput]:
    """Crawl several sites in one crawl process (as a harvest shard does), each into its own files."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = names or [s["id"] for s in sites]
    jobs = []
    for site, name, site_known in zip(sites, names, known or [{}] * len(sites)):
        site = dict(site)
        site.setdefault("allowed_domains", sorted({u.split("/")[2].split(":")[0] for u in site["start_urls"]}))
        jobs.append(SiteJob(site=site, warc_path=str(out / f"{name}.warc.gz"),
                            events_path=str(out / f"{name}.events.jsonl"), known=site_known))
    job_path = str(out / f"{names[0]}.job.json")
    CrawlJob(sites=jobs, **job).dump(job_path)
    proc = subprocess.run([sys.executable, "-m", "crawlers.run_crawl", job_path], capture_output=True,
                          text=True, cwd=str(PROJECT_ROOT), timeout=timeout_s)
    return [CrawlOutput(read_events(j.events_path), proc.returncode, proc.stderr[-3000:], j.warc_path) for j in jobs]


def known_from(output: CrawlOutput) -> dict[str, dict[str, Any]]:
    """What the archive would tell the next run (ArchiveWriter.known_captures' shape):
    validators of every document fetched, and each page's attachments."""
    known: dict[str, dict[str, Any]] = {}
    for doc in output.documents():
        headers = {k.lower(): v for k, v in doc.get("headers") or []}
        entry = known.setdefault(doc["url"], {})
        if headers.get("etag"):
            entry["etag"] = headers["etag"]
        if headers.get("last-modified"):
            entry["last_modified"] = headers["last-modified"]
        if doc.get("status") == 200 and doc.get("warc_file"):
            entry.update(warc_file=doc["warc_file"], warc_offset=doc["warc_offset"])
    for doc in output.documents("attachment"):
        if doc.get("parent_url") in known:
            known[doc["parent_url"]].setdefault("attachments", []).append(
                {"url": doc["url"], "link_text": doc.get("link_text")})
    return known
