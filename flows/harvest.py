"""The harvest flow: crawl the sites → extract → identify → parse → version → archive.

The sites are sharded over a few crawl processes (Prefect tasks, each one
Scrapy process serving its whole shard at once, politely per host); each
site is ingested as soon as its crawl is done, while the others crawl on.
Extraction and parsing run as tasks on the flow's task runner (threads,
processes or Dask); every archive write happens in this flow's own thread,
the archive's single writer.
"""
from __future__ import annotations

import collections
import math
import os
import queue
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from prefect import flow
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.runtime import flow_run

from archive import search
from archive.schema import open_db
from archive.store import ArchiveWriter, RunCounts
from crawlers.recorder import utc_now
from crawlers.sites import Site, load_sites

from .ingest import PendingVersions, PreparedSite, ProgressFn, ingest_site, prepare_site, submit_versions
from .tasks import CrawlResult, ShardResult, crawl_shard


PENDING_DIR = "_pending"
# Crawl processes, by default one per this many sites (at most one per core). A crawl process
# mostly waits on hosts (about 8 ms of CPU a request) and serves its whole shard at once; each costs
# about 100 MB. At 200 sites one process crawled as fast as two (first night 44.7 s against 42.6 s,
# unchanged night 15.8 s both) with 604 MB for the process tree against 691 MB; at 500 sites two
# were faster (106 s against 135 s).
SITES_PER_CRAWLER = 300


def crawl_processes(sites: int) -> int:
    """How many crawl processes a harvest of `sites` sites starts when not told."""
    return max(1, min(os.cpu_count() or 1, math.ceil(sites / SITES_PER_CRAWLER)))


# Sites whose extraction is submitted ahead of the one being archived: enough to keep the
# task runner's workers busy, few enough that their bodies (two chunks each) stay small.
LOOKAHEAD_SITES = 3


def shard_sites(sites: list[Site], shards: int) -> list[list[Site]]:
    """Split the sites over `shards` crawl processes. Sites on one host go to the same shard,
    where one download slot paces them together; the largest groups are placed first, each
    in the least loaded shard."""
    groups: dict[str, list[Site]] = {}
    for site in sites:
        host = (urlparse(site.start_urls[0]).hostname or "").lower() if site.start_urls else site.id
        groups.setdefault(host, []).append(site)
    out: list[list[Site]] = [[] for _ in range(max(1, min(shards, len(groups))))]
    for group in sorted(groups.values(), key=len, reverse=True):
        min(out, key=len).extend(group)
    return [shard for shard in out if shard]


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
    try:
        os.remove(events_path)
    except FileNotFoundError:
        pass


def _clear_stale(pending_dir: str, run_id: str) -> None:
    """Job and log files of a killed run's crawl processes (its events files are ingested)."""
    for name in os.listdir(pending_dir):
        if name.endswith((".job.json", ".stderr.log")) and not name.startswith(run_id[:8] + "-"):
            _forget(os.path.join(pending_dir, name))


@flow(name="harvest", flow_run_name="harvest-{sites_file}", log_prints=False)
def harvest(sites_file: str, db_path: str, warc_dir: str, *, delay: float | None = None,
            max_download_bytes: int | None = None, timeout: float | None = None, crawlers: int | None = None,
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
            ingest_crawl(writer, site, CrawlResult(site.id, events_path, 0, "", 0.0), warc_dir, counts,
                         site_names, progress, record=False)
        _clear_stale(pending_dir, run_id)
        shards = shard_sites(sites, crawlers or crawl_processes(len(sites)))
        done: queue.Queue[CrawlResult | ShardResult] = queue.Queue()
        # Crawls wait on remote servers, not on this machine: the shards get a pool of their own,
        # whatever the runner doing extraction and parsing.
        with ThreadPoolTaskRunner(max_workers=len(shards) or 1) as crawl_pool:
            futures = [crawl_pool.submit(crawl_shard, parameters=dict(
                sites=[site.to_dict() for site in shard], shard=k, warc_dir=warc_dir, work_dir=pending_dir,
                run_id=run_id, known={site.id: writer.known_captures(site.id) for site in shard}, delay=delay,
                max_download_bytes=max_download_bytes, timeout=timeout, report=done.put))
                for k, shard in enumerate(shards)]
            by_id = {site.id: site for site in sites}
            ended = 0
            waiting: collections.deque[CrawlResult] = collections.deque()  # crawled, not yet prepared
            prepared: collections.deque[PreparedSite] = collections.deque()
            versioning: Versioning | None = None  # the site archived last, its reports being parsed

            def take(result: CrawlResult | ShardResult) -> None:
                nonlocal ended
                if isinstance(result, ShardResult):
                    ended += 1
                    counts.crawl_cpu_s = round(counts.crawl_cpu_s + result.cpu_s, 2)
                else:
                    progress("site_crawled", 1)
                    waiting.append(result)

            while ended < len(futures) or waiting or prepared or versioning:  # ingest each site as soon as its crawl is done
                while True:  # every site crawled by now, without waiting
                    try:
                        take(done.get_nowait())
                    except queue.Empty:
                        break
                # The next sites' extraction runs on the task runner while this one is archived.
                while waiting and len(prepared) < LOOKAHEAD_SITES:
                    result = waiting.popleft()
                    prepared.append(prepare_site(writer, by_id[result.site_id], result, warc_dir, counts))
                if prepared:
                    ready = prepared.popleft()
                    # This site's parse runs on the task runner while the next site is archived.
                    previous, versioning = versioning, archive_crawl(
                        writer, ready.site, ready.result, warc_dir, counts, site_names, progress, prepared=ready)
                    if previous is not None:
                        finish_crawl(writer, previous, counts)
                    continue
                if versioning is not None:  # nothing else to archive yet: end the site in hand
                    finish_crawl(writer, versioning, counts)
                    versioning = None
                    continue
                try:
                    take(done.get(timeout=1.0))
                except queue.Empty:
                    if all(_finished(f) for f in futures) and done.empty():
                        break  # a shard task that failed before it could report (see its state)
        status = "completed"
    finally:
        writer.finish_run(finished_at=utc_now(), status=status, counts=counts)
    return {"run_id": run_id, "duration_s": round(time.monotonic() - t0, 1), **counts.__dict__}


def _finished(future: Any) -> bool:
    wrapped = getattr(future, "wrapped_future", None)
    return wrapped.done() if wrapped is not None else future.state.is_final()


@dataclass
class Versioning:
    """A site archived whose reports are being parsed: what its `site_runs` row still needs."""

    site: Site
    result: CrawlResult
    health: Any
    touched: set[int]
    created: set[int]
    pending: PendingVersions
    started: str
    record: bool


def archive_crawl(writer: ArchiveWriter, site: Site, result: CrawlResult, warc_dir: str, counts: RunCounts,
                  site_names: dict[str, str | None], progress: ProgressFn, record: bool = True,
                  prepared: PreparedSite | None = None) -> Versioning:
    """Archive one site's crawl and start parsing the reports it touched; `finish_crawl` ends it."""
    started = utc_now()
    health, touched, created = ingest_site(writer, site, result, warc_dir, counts, progress, prepared)
    return Versioning(site, result, health, touched, created,
                      submit_versions(writer, touched, site_names, counts), started, record)


def finish_crawl(writer: ArchiveWriter, done: Versioning, counts: RunCounts) -> None:
    """Version what changed, index it, record the site's run, and forget the events file."""
    versions = done.pending.store()
    counts.reports_new += len(done.created)
    done.health.row["reports_changed"] = sum(1 for _, v in versions if v > 1)
    counts.reports_indexed += len(done.touched)
    search.refresh_index(writer.db, sorted(done.touched))  # searchable as soon as archived
    if done.record:
        writer.record_site_run(dict(done.health.finish(), started_at=done.started, finished_at=utc_now(),
                                    duration_s=round(done.result.duration_s, 2),
                                    status="ok" if done.result.returncode == 0 else "crawler_failed"))
    _forget(done.result.events_path)


def ingest_crawl(writer: ArchiveWriter, site: Site, result: CrawlResult, warc_dir: str, counts: RunCounts,
                 site_names: dict[str, str | None], progress: ProgressFn, record: bool = True,
                 prepared: PreparedSite | None = None) -> None:
    """Archive one site's crawl output, version what changed, index it, and forget the events file."""
    finish_crawl(writer, archive_crawl(writer, site, result, warc_dir, counts, site_names, progress, record,
                                       prepared), counts)
