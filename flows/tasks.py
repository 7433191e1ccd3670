"""The Prefect tasks of the pipeline, each one step, small and named for it.

Tasks get and return plain data (paths, bytes, JSON strings, dicts) so they
run the same on threads, processes or a Dask cluster. None of them writes to
the archive: that is the flow's job, in one thread.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from prefect import task
from prefect.cache_policies import NO_CACHE

from archive.versions import extractor_stack
from crawlers.run_crawl import CrawlJob, SiteJob

from . import cpu_pool
from .steps import extract_items, parse_batch

PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)


@dataclass
class CrawlResult:
    site_id: str
    events_path: str
    returncode: int
    stderr_tail: str
    duration_s: float


@dataclass
class ShardResult:
    shard: int
    sites: int
    returncode: int
    cpu_s: float           # user + system CPU of the crawl process(es)
    duration_s: float


SHARD_RETRY_WAITS = (30.0, 120.0)  # a crawl process killed by a signal (the OOM killer) is started again


def _die_with_parent() -> None:
    """In the crawl's child process: end it if the harvest dies, so a killed
    harvest leaves no orphan crawler writing to the WARC store."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: an orphaned crawl still ends by itself


def site_paths(warc_dir: str, work_dir: str, run_id: str, site_id: str) -> tuple[str, str]:
    """(WARC file, events file) of a site's crawl in a run, named from the run id and the site slug,
    never from a URL."""
    return (os.path.join(warc_dir, f"{run_id[:8]}-{site_id}.warc.gz"),
            os.path.join(work_dir, f"{run_id[:8]}-{site_id}.events.jsonl"))


@task(name="crawl-shard", task_run_name="crawl-shard-{shard}", cache_policy=NO_CACHE)
def crawl_shard(sites: list[dict[str, Any]], *, shard: int, warc_dir: str, work_dir: str, run_id: str,
                known: dict[str, dict[str, dict[str, Any]]], delay: float | None, max_download_bytes: int | None,
                timeout: float | None = None, report: Callable[[Any], None] = lambda r: None,
                retry_waits: tuple[float, ...] = SHARD_RETRY_WAITS) -> ShardResult:
    """Crawl a shard of sites in one child process (Twisted's reactor cannot restart in one
    process, and one process serves hundreds of hosts). `report` is called with each site's
    result as soon as that site is done, so the flow ingests it while the others crawl on;
    every site is reported exactly once, a site whose crawl never finished with the
    process's exit status, then the shard's own ShardResult. A crawl killed by a signal is started again for the sites not
    done; it appends to the same WARC and events files, so nothing captured is lost."""
    started = time.monotonic()
    paths = {s["id"]: site_paths(warc_dir, work_dir, run_id, s["id"]) for s in sites}
    job_path = os.path.join(work_dir, f"{run_id[:8]}-shard{shard}.job.json")
    log_path = os.path.join(work_dir, f"{run_id[:8]}-shard{shard}.stderr.log")
    reported: set[str] = set()
    returncode, cpu, result = -1, 0.0, None
    try:
        for attempt in range(len(retry_waits) + 1):
            todo = [s for s in sites if s["id"] not in reported]
            if not todo:
                break
            CrawlJob(sites=[SiteJob(site=s, warc_path=paths[s["id"]][0], events_path=paths[s["id"]][1],
                                    known=known.get(s["id"]) or {}) for s in todo],
                     delay=delay, max_download_bytes=max_download_bytes, timeout=timeout).dump(job_path)
            with open(log_path, "ab") as log:
                proc = subprocess.Popen([sys.executable, "-m", "crawlers.run_crawl", job_path], stdout=subprocess.PIPE,
                                        stderr=log, text=True, cwd=PROJECT_ROOT, preexec_fn=_die_with_parent)
            for line in proc.stdout:
                done = _site_done(line)
                if done is not None and done["site_done"] in paths and done["site_done"] not in reported:
                    reported.add(done["site_done"])
                    report(CrawlResult(done["site_done"], paths[done["site_done"]][1], 0, "",
                                       float(done.get("duration_s") or 0.0)))
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = returncode = os.waitstatus_to_exitcode(status)
            cpu += usage.ru_utime + usage.ru_stime
            if returncode >= 0 or attempt == len(retry_waits):
                break
            time.sleep(retry_waits[attempt])  # killed by a signal: try the sites not done again
    finally:
        tail = _tail(log_path)
        for s in sites:  # a site whose crawl never finished: reported with how the process ended
            if s["id"] not in reported:
                report(CrawlResult(s["id"], paths[s["id"]][1], returncode if returncode != 0 else -1, tail,
                                   time.monotonic() - started))
        for path in (job_path, log_path):
            if os.path.exists(path):
                os.remove(path)
        result = ShardResult(shard, len(sites), returncode, round(cpu, 2), round(time.monotonic() - started, 2))
        report(result)  # the shard's end, after all of its sites
    return result


def _site_done(line: str) -> dict[str, Any] | None:
    try:
        message = json.loads(line)
    except ValueError:
        return None  # anything else a library printed
    return message if isinstance(message, dict) and "site_done" in message else None


def _tail(path: str, size: int = 2000) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, os.path.getsize(path) - size))
            return fh.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _batch_cache_key(context, parameters: dict[str, Any]) -> str:
    shas = ",".join(item["sha256"] for item in parameters["items"])
    return "extract-" + hashlib.sha256(f"{shas}|{extractor_stack()}".encode()).hexdigest()


@task(name="extract-documents", task_run_name="extract-{items[0][sha256]:.12}+{n_more}",
      cache_key_fn=_batch_cache_key, persist_result=True)
def extract_documents(items: list[dict[str, Any]], n_more: int = 0) -> list[str]:
    """Bytes → Document JSON, for a batch of documents (one task per document would
    cost more in orchestration than most extractions). Cached on the documents'
    hashes and the extractors' versions, so a batch already extracted by an
    interrupted run is not extracted again."""
    return cpu_pool.call(extract_items, items)


def submit_extractions(items: list[dict[str, Any]], *, batch_size: int = 8, refresh: bool = False) -> dict[str, Any]:
    """Submit extraction of `items` ({sha256, body, url, content_type}) in batches;
    returns {sha256: future-like} whose .result() is the Document JSON.

    Office files (DOC/WPS/XLS/ET) are batched together, so each batch of them
    starts LibreOffice once rather than once per file."""
    from parsers.extract import OFFICE_FORMATS, input_format
    items = sorted(items, key=lambda item: input_format(item["body"], item["url"], item.get("content_type"))
                   in OFFICE_FORMATS)  # stable: the same items give the same batches (and cache keys)
    task_fn = extract_documents.with_options(refresh_cache=True) if refresh else extract_documents
    results: dict[str, Any] = {}
    for start in range(0, len(items), batch_size):
        batch = items[start:start + batch_size]
        future = task_fn.submit(batch, n_more=len(batch) - 1)
        for i, item in enumerate(batch):
            results[item["sha256"]] = _BatchItem(future, i)
    return results


@dataclass
class _BatchItem:
    future: Any
    index: int

    def result(self) -> str:
        return self.future.result()[self.index]


@task(name="parse-reports", task_run_name="parse-reports-{jobs[0][report_id]}+{n_more}", cache_policy=NO_CACHE)
def parse_reports(jobs: list[dict[str, Any]], n_more: int = 0) -> list[dict[str, Any]]:
    """Parse a batch of reports: each job is {report_id, documents: [{id, document_json}], year,
    agency, site_name}; returns rows for the archive's statistics tables, in order."""
    return cpu_pool.call(parse_batch, jobs)  # parse_rows per job: what `nianbao parse` and `nianbao add` call in-process
