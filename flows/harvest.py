"""The harvest flow: crawl each site → extract → identify → parse → version → archive.

Crawls run as Prefect tasks, each in its own process and in parallel across
sites; extraction and parsing run as tasks on the flow's task runner (threads,
processes or Dask); every archive write happens in this flow's own thread,
the archive's single writer.
"""
from __future__ import annotations

import os
import time
import uuid
from typing import Any

from prefect import flow
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.runtime import flow_run

from archive import search
from archive.schema import open_db
from archive.store import ArchiveWriter, RunCounts
from crawlers.recorder import utc_now
from crawlers.sites import Site, load_sites

from .ingest import ProgressFn, ingest_site, version_reports
from .tasks import CrawlResult, crawl_site


PENDING_DIR = "_pending"
CRAWLERS = 8  # sites crawled at once, each in its own process


def leftover_crawls(pending_dir: str, run_id: str, sites: list[Site], writer: ArchiveWriter) -> list[tuple[Site, str]]:
    """Events files a killed harvest left behind, with the site each belongs to."""
    by_id = {s.id: s for s in sites}
    out = []
    for name in sorted(os.listdir(pending_dir)):
        if not name.endswith(".events.jsonl") or name.startswith(run_id[:8] + "-"):
            continue
        site_id = name[len("12345678-"):-len(".events.jsonl")]
        site = by_id.get(site_id)
        if site is None:  # the site left the sites file since: ingest with what the archive knows
            row = next(writer.db.query("select name from sites where id = ?", [site_id]), None)
            site = Site(id=site_id, start_urls=(), name=row["name"] if row else None)
        out.append((site, os.path.join(pending_dir, name)))
    return out


def _forget(events_path: str) -> None:
    for path in (events_path, events_path.replace(".events.jsonl", ".job.json")):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


@flow(name="harvest", flow_run_name="harvest-{sites_file}", log_prints=False)
def harvest(sites_file: str, db_path: str, warc_dir: str, *, delay: float | None = None,
            max_download_bytes: int | None = None, timeout: float | None = None, crawlers: int = CRAWLERS,
            command: str = "harvest", progress: ProgressFn | None = None) -> dict[str, Any]:
    progress = progress or (lambda what, n: None)
    run_id = str(flow_run.get_id() or uuid.uuid4())
    sites = load_sites(sites_file)
    warc_dir = os.path.abspath(warc_dir)  # the crawler processes run elsewhere
    os.makedirs(warc_dir, exist_ok=True)
    writer = ArchiveWriter(open_db(db_path), run_id)
    t0 = time.monotonic()
    progress("started", 0)
    writer.start_run(command=command, started_at=utc_now(), sites_file=str(sites_file), sites=len(sites))
    writer.record_sites([s.to_dict() for s in sites], utc_now())
    counts = RunCounts(sites=len(sites))
    status = "failed"
    # Crawl output waits here until ingested, so a killed harvest's captures are
    # ingested by the next run instead of being lost.
    pending_dir = os.path.join(warc_dir, PENDING_DIR)
    os.makedirs(pending_dir, exist_ok=True)
    site_names = {site.id: site.name for site in sites}
    try:
        for site, events_path in leftover_crawls(pending_dir, run_id, sites, writer):
            health, touched, created = ingest_site(writer, site, CrawlResult(site.id, events_path, 0, "", 0.0),
                                                   warc_dir, counts, progress)
            version_reports(writer, touched, site_names, counts)
            counts.reports_new += len(created)
            search.refresh_index(writer.db, sorted(touched))
            _forget(events_path)
        # Crawls wait on remote servers, not on this machine: they get a pool of their own,
        # so `crawlers` sites are fetched at once whatever the runner doing extraction and parsing.
        with ThreadPoolTaskRunner(max_workers=max(1, crawlers)) as crawl_pool:
            futures = {crawl_pool.submit(crawl_site, parameters=dict(
                site=site.to_dict(), warc_dir=warc_dir, work_dir=pending_dir, run_id=run_id,
                known=writer.known_captures(site.id), delay=delay, max_download_bytes=max_download_bytes,
                timeout=timeout)): site
                for site in sites}
            for future in as_completed(list(futures)):  # ingest each site as soon as its crawl ends
                site = futures[future]
                started = utc_now()
                result = future.result()
                progress("site_crawled", 1)
                health, touched, created = ingest_site(writer, site, result, warc_dir, counts, progress)
                versions = version_reports(writer, touched, site_names, counts)
                counts.reports_new += len(created)
                health.row["reports_changed"] = sum(1 for _, v in versions if v > 1)
                search.refresh_index(writer.db, sorted(touched))  # searchable as soon as archived
                writer.record_site_run(dict(health.finish(), started_at=started, finished_at=utc_now(),
                                            duration_s=round(result.duration_s, 2),
                                            status="ok" if result.returncode == 0 else "crawler_failed"))
                _forget(result.events_path)
        status = "completed"
    finally:
        writer.finish_run(finished_at=utc_now(), status=status, counts=counts)
    return {"run_id": run_id, "duration_s": round(time.monotonic() - t0, 1), **counts.__dict__}
