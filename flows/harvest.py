"""The harvest flow: crawl each site → extract → identify → archive → version.

Crawls run as Prefect tasks, each in its own process (Twisted's reactor cannot
restart in one process) and in parallel across sites; extraction runs as tasks
on the flow's task runner; every archive write happens here in the flow's own
thread, the archive's single writer.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run

from archive.schema import open_db
from archive.store import ArchiveWriter, Capture, RunCounts
from archive.warc import read_response
from crawlers.recorder import read_events, sha256_hex, utc_now
from crawlers.run_crawl import CrawlJob
from crawlers.sites import Site, load_sites
from parsers.formats import sniff_format
from parsers.identity import ReportIdentity, identify
from parsers.model import Document

ProgressFn = Callable[[str, int], None]  # (what happened, how many) for the terminal display


@dataclass
class CrawlResult:
    site_id: str
    events_path: str
    returncode: int
    stderr_tail: str
    duration_s: float


@task(name="crawl-site", task_run_name="crawl-{site[id]}", retries=1, retry_delay_seconds=10)
def crawl_site(site: dict[str, Any], *, warc_dir: str, work_dir: str, run_id: str,
               known: dict[str, dict[str, str]], delay: float | None, max_download_bytes: int | None) -> CrawlResult:
    """Crawl one site in a child process; its WARC and events files survive a crash."""
    started = time.monotonic()
    # One WARC per site and run, named from the run id and the site slug, never from a URL.
    warc_path = os.path.join(warc_dir, f"{run_id[:8]}-{site['id']}.warc.gz")
    events_path = os.path.join(work_dir, f"{site['id']}.events.jsonl")
    job_path = os.path.join(work_dir, f"{site['id']}.job.json")
    CrawlJob(site=site, warc_path=warc_path, events_path=events_path, known=known, delay=delay,
             max_download_bytes=max_download_bytes).dump(job_path)
    proc = subprocess.run([sys.executable, "-m", "crawlers.run_crawl", job_path],
                          capture_output=True, text=True, cwd=str(Path(__file__).resolve().parent.parent))
    return CrawlResult(site["id"], events_path, proc.returncode, proc.stderr[-2000:], time.monotonic() - started)


@task(name="extract-document", task_run_name="extract-{sha256:.12}")
def extract_document(body: bytes, *, sha256: str, url: str, content_type: str | None) -> str:
    from parsers.extract import extract
    charset = None
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=")[-1].split(";")[0].strip()
    return extract(body, url=url, content_type=content_type, http_charset=charset).to_json()


def _capture_from_event(event: dict[str, Any], warc_dir: str) -> tuple[Capture, bytes]:
    stored = read_response(warc_dir, event["warc_file"], event["warc_offset"])
    body = stored.decoded_body()
    capture = Capture(
        site_id=event["site_id"], url=event["url"], final_url=event["final_url"], status=event["status"],
        fetched_at=event["fetched_at"], headers=[tuple(h) for h in event.get("headers") or []],
        warc_file=event["warc_file"], warc_offset=event["warc_offset"], warc_record_id=event.get("warc_record_id"),
        sha256=sha256_hex(body), size=len(body), role=event.get("role"), link_text=event.get("link_text"),
        parent_url=event.get("parent_url"),
    )
    return capture, body


def ingest_site(writer: ArchiveWriter, site: Site, result: CrawlResult, warc_dir: str,
                counts: RunCounts, progress: ProgressFn) -> dict[str, Any]:
    """Archive what one site's crawl found. Returns the site's health row."""
    logger = get_run_logger()
    events = read_events(result.events_path)
    fetches = [e for e in events if e["kind"] == "fetch"]
    writer.log_fetches(fetches)
    health: dict[str, Any] = {"site_id": site.id, "pages_fetched": sum(1 for e in fetches if e.get("status")),
                              "not_modified": sum(1 for e in fetches if e.get("not_modified")),
                              "reports_found": 0, "reports_new": 0, "reports_changed": 0, "documents_new": 0,
                              "errors": 0, "blocked": 0}
    errors: dict[str, int] = {}

    def error(kind: str) -> None:
        errors[kind] = errors.get(kind, 0) + 1
        counts.error(kind)

    problems: list[str] = []
    for e in events:
        if e["kind"] != "error":
            continue
        if e.get("error_kind") == "robots_disallowed":
            counts.robots_disallowed += 1  # obeyed, not failed
            continue
        error(e.get("error_kind") or "error")
        where = "start URL " if e["url"] in site.start_urls else ""
        problems.append(f"{where}{e['url']}: {e.get('error_kind')} ({e.get('error')})")
    problems.sort(key=lambda p: not p.startswith("start URL"))
    if result.returncode != 0:
        error("crawler_crashed")
        logger.error("crawl of %s exited %s: %s", site.id, result.returncode, result.stderr_tail)
    counts.pages_fetched += health["pages_fetched"]
    counts.not_modified += health["not_modified"]

    docs = [e for e in events if e["kind"] == "document"]
    for e in docs:
        if e.get("not_modified"):
            writer.touch_url(e["url"], e["fetched_at"])
    fresh = [e for e in docs if not e.get("not_modified") and e.get("warc_file")]
    # Pages before attachments, so an attachment finds the report its page belongs to.
    fresh.sort(key=lambda e: 0 if e.get("role") == "page" else 1)

    captures: list[tuple[Capture, bytes]] = []
    for e in fresh:
        try:
            captures.append(_capture_from_event(e, warc_dir))
        except Exception as exc:  # an unreadable record is recorded; the others go on
            logger.error("cannot read %s from %s@%s: %s", e["url"], e["warc_file"], e["warc_offset"], exc)
            error("warc_unreadable")

    # Extract what is new, in parallel on the task runner; known bytes are not extracted again.
    pending = {}
    for capture, body in captures:
        if capture.sha256 not in pending and writer.document_id_for_sha(capture.sha256) is None:
            pending[capture.sha256] = extract_document.submit(
                body, sha256=capture.sha256, url=capture.final_url, content_type=capture.header("content-type"))
    extracted = {sha: Document.from_json(f.result()) for sha, f in pending.items()}

    touched: set[int] = set()
    new_reports: set[int] = set()
    page_reports: dict[str, int] = {}
    for capture, body in captures:
        known_id = writer.document_id_for_sha(capture.sha256)
        if known_id is not None:
            writer.add_capture(capture, known_id)
            report_id = writer.db["documents"].get(known_id)["report_id"]
            page_reports[capture.url] = report_id
            touched.add(report_id)
            counts.documents_seen += 1
            progress("document", 1)
            continue
        document = extracted[capture.sha256]
        identity = identify(document, link_text=capture.link_text, site_name=site.name)
        parent_report = None
        if capture.parent_url:
            parent_report = page_reports.get(capture.parent_url) or writer.report_id_for_url(capture.parent_url)
        if identity is None and parent_report is None:
            logger.warning("not a report: %s (%s)", capture.url, document.title or capture.link_text)
            error("not_a_report")
            progress("document", 1)
            continue
        if parent_report is not None and (identity is None or _same_or_unstated(writer, parent_report, identity)):
            report_id, created = parent_report, False
        else:
            report_id, created = writer.report_for(identity, site.id, capture.fetched_at)
        if document.error:
            error("extract_failed")
            logger.warning("extraction of %s failed: %s", capture.url, document.error)
        fmt = sniff_format(body, capture.final_url, capture.header("content-type"))
        writer.add_document(capture, report_id, document, fmt)
        page_reports[capture.url] = report_id
        counts.documents_new += 1
        health["documents_new"] += 1
        touched.add(report_id)
        if created:
            new_reports.add(report_id)
        progress("document", 1)

    for report_id in sorted(touched):
        version = writer.refresh_version(report_id, utc_now())
        if version is not None:
            counts.versions_new += 1
            if version > 1:
                health["reports_changed"] += 1
    counts.reports_new += len(new_reports)
    health.update(problem=problems[0] if problems else None, reports_found=len(touched), reports_new=len(new_reports), errors=sum(errors.values()),
                  errors_by_kind_json=json.dumps(errors, ensure_ascii=False),
                  blocked=errors.get("blocked_challenge", 0))
    return health


def _same_or_unstated(writer: ArchiveWriter, report_id: int, identity: ReportIdentity) -> bool:
    """An attachment belongs to its page's report unless it names another year."""
    row = writer.db["reports"].get(report_id)
    return row["year"] == identity.year


@flow(name="harvest", flow_run_name="harvest-{sites_file}", log_prints=False)
def harvest(sites_file: str, db_path: str, warc_dir: str, *, delay: float | None = None,
            max_download_bytes: int | None = None, command: str = "harvest",
            progress: ProgressFn | None = None) -> dict[str, Any]:
    progress = progress or (lambda what, n: None)
    run_id = str(flow_run.get_id() or uuid.uuid4())
    sites = load_sites(sites_file)
    warc_dir = os.path.abspath(warc_dir)  # the crawler processes run elsewhere
    os.makedirs(warc_dir, exist_ok=True)
    db = open_db(db_path)
    writer = ArchiveWriter(db, run_id)
    started = utc_now()
    t0 = time.monotonic()
    writer.start_run(command=command, started_at=started, sites_file=str(sites_file), sites=len(sites))
    counts = RunCounts(sites=len(sites))
    status = "failed"
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-crawl-") as work_dir:
            futures = {site.id: crawl_site.submit(
                site.to_dict(), warc_dir=warc_dir, work_dir=work_dir, run_id=run_id,
                known=writer.known_captures(site.id), delay=delay, max_download_bytes=max_download_bytes)
                for site in sites}
            for site in sites:
                site_started = utc_now()
                result = futures[site.id].result()
                progress("site_crawled", 1)
                health = ingest_site(writer, site, result, warc_dir, counts, progress)
                health.update(started_at=site_started, finished_at=utc_now(), duration_s=round(result.duration_s, 2),
                              status="ok" if result.returncode == 0 else "crawler_failed")
                writer.record_site_run(health)
        status = "completed"
    finally:
        writer.finish_run(finished_at=utc_now(), status=status, counts=counts)
    return {"run_id": run_id, "duration_s": round(time.monotonic() - t0, 1), **counts.__dict__}
