"""From a site's crawl output to archive rows: captures, documents, reports, versions.

Runs in the flow's thread (the archive's single writer); the CPU work —
extraction and parsing — is submitted as tasks to the flow's task runner.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from archive.store import ArchiveWriter, Capture, RunCounts
from archive.warc import read_response
from crawlers.recorder import read_events, sha256_hex, utc_now
from crawlers.sites import Site
from parsers.extract.formats import sniff_format
from parsers.report.identity import ReportIdentity, identify
from parsers.model import Document

if TYPE_CHECKING:
    from .tasks import CrawlResult

# Prefect is imported where a flow needs it, not here: `nianbao add` versions reports with
# `version_reports(..., parse=...)` in-process and never loads it.

ProgressFn = Callable[[str, int], None]  # (what happened, how many) for the terminal display
REMOVED_STATUSES = ("http_404", "http_410")
INGEST_CHUNK = 64
PARSE_BATCH = 8


def capture_from_event(event: dict[str, Any], warc_dir: str) -> tuple[Capture, bytes]:
    stored = read_response(warc_dir, event["warc_file"], event["warc_offset"])
    body = stored.decoded_body()
    capture = Capture(
        site_id=event["site_id"], url=event["url"], final_url=event["final_url"], status=event["status"],
        fetched_at=event["fetched_at"], headers=[tuple(h) for h in event.get("headers") or []],
        warc_file=event["warc_file"], warc_offset=event["warc_offset"], warc_record_id=event.get("warc_record_id"),
        sha256=sha256_hex(body), size=len(body), role=event.get("role"), link_text=event.get("link_text"),
        parent_url=event.get("parent_url"), category=event.get("meta_category"), publisher=event.get("meta_agency"),
    )
    return capture, body


class SiteHealth:
    """Counts for one site's `site_runs` row, feeding the run's totals too."""

    def __init__(self, site: Site, counts: RunCounts) -> None:
        self.site, self.counts = site, counts
        self.errors: dict[str, int] = {}
        self.problems: list[str] = []
        self.row: dict[str, Any] = {"site_id": site.id, "pages_fetched": 0, "not_modified": 0, "reports_found": 0,
                                    "reports_new": 0, "reports_changed": 0, "documents_new": 0}

    def error(self, kind: str, url: str | None = None, message: str | None = None) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.counts.error(kind)
        if url:
            where = "start URL " if url in self.site.start_urls else ""
            self.problems.append(f"{where}{url}: {kind}" + (f" ({message})" if message else ""))

    def finish(self) -> dict[str, Any]:
        self.problems.sort(key=lambda p: not p.startswith("start URL"))
        return dict(self.row, errors=sum(self.errors.values()), blocked=self.errors.get("blocked_challenge", 0),
                    errors_by_kind_json=json.dumps(self.errors, ensure_ascii=False),
                    problem=self.problems[0] if self.problems else None)


@dataclass
class PreparedSite:
    """A site's crawl read and its first chunk's extraction submitted, nothing written yet:
    the flow prepares the next sites while it archives this one, so extraction overlaps the
    archive writes instead of waiting for them."""

    site: Site
    result: CrawlResult
    health: SiteHealth
    events: list[dict[str, Any]]
    chunks: list[list[dict[str, Any]]]
    first: tuple[list[tuple[Capture, bytes]], dict[str, Any]] | None


def prepare_site(writer: ArchiveWriter, site: Site, result: CrawlResult, warc_dir: str,
                 counts: RunCounts) -> PreparedSite:
    """Read a site's crawl events and submit extraction of its first chunk. Reads only."""
    health = SiteHealth(site, counts)
    events = read_events(result.events_path)
    docs = [e for e in events if e["kind"] == "document"]
    fresh = [e for e in docs if not e.get("not_modified") and e.get("warc_file")]
    # Pages before attachments, so an attachment finds the report its page belongs to.
    fresh.sort(key=lambda e: 0 if e.get("role") == "page" else 1)
    # In chunks, extraction of the next chunk running while this one is archived:
    # memory holds two chunks of bodies per prepared site, however large the site.
    chunks = [fresh[i:i + INGEST_CHUNK] for i in range(0, len(fresh), INGEST_CHUNK)]
    first = _read_and_submit(writer, chunks[0], warc_dir, health) if chunks else None
    return PreparedSite(site, result, health, events, chunks, first)


def ingest_site(writer: ArchiveWriter, site: Site, result: CrawlResult, warc_dir: str,
                counts: RunCounts, progress: ProgressFn,
                prepared: PreparedSite | None = None) -> tuple[SiteHealth, set[int], set[int]]:
    """Archive one site's crawl. Returns its health, the reports touched and those created."""
    from prefect import get_run_logger
    logger = get_run_logger()
    if prepared is None:
        prepared = prepare_site(writer, site, result, warc_dir, counts)
    health, events, chunks = prepared.health, prepared.events, prepared.chunks
    fetches = [e for e in events if e["kind"] == "fetch"]
    writer.log_fetches(fetches)
    health.row["pages_fetched"] = sum(1 for e in fetches if e.get("status"))
    health.row["not_modified"] = sum(1 for e in fetches if e.get("not_modified"))
    counts.pages_fetched += health.row["pages_fetched"]
    counts.not_modified += health.row["not_modified"]
    if result.returncode != 0:
        health.error("crawler_crashed", message=result.stderr_tail[-300:])
        logger.error("crawl of %s exited %s: %s", site.id, result.returncode, result.stderr_tail)

    touched: set[int] = set()
    for e in events:
        if e["kind"] != "error":
            continue
        if e.get("error_kind") == "robots_disallowed":
            counts.robots_disallowed += 1  # obeyed, not failed
            continue
        health.error(e.get("error_kind") or "error", e["url"], e.get("error"))
        if e.get("error_kind") in REMOVED_STATUSES and e.get("role") in ("page", "attachment"):
            touched.update(writer.mark_removed(e["url"], utc_now()))

    for e in events:
        if e["kind"] == "document" and e.get("not_modified"):
            writer.touch_url(e["url"], e["fetched_at"])

    created: set[int] = set()
    page_reports: dict[str, int] = {}
    submitted = prepared.first
    for k in range(len(chunks)):
        captures, pending = submitted
        submitted = _read_and_submit(writer, chunks[k + 1], warc_dir, health) if k + 1 < len(chunks) else None
        extracted_json = {sha: f.result() for sha, f in pending.items()}
        extracted = {sha: Document.from_json(raw) for sha, raw in extracted_json.items()}
        for capture, body in captures:
            progress("document", 1)
            known_id = writer.document_id_for_sha(capture.sha256)
            if known_id is not None:
                writer.add_capture(capture, known_id)
                report_id = writer.report_of_document(known_id)
                page_reports[capture.url] = report_id
                touched.add(report_id)
                counts.documents_seen += 1
                continue
            document = extracted[capture.sha256]
            report_id, is_new = _report_of(writer, site, capture, document, page_reports)
            if report_id is None:
                logger.warning("not a report: %s (%s)", capture.url, document.title or capture.link_text)
                health.error("not_a_report", capture.url, document.title or capture.link_text)
                continue
            if document.error:
                health.error("extract_failed", capture.url, document.error)
            fmt = sniff_format(body, capture.final_url, capture.header("content-type"))
            writer.add_document(capture, report_id, document, fmt, extracted_json[capture.sha256])
            page_reports[capture.url] = report_id
            counts.documents_new += 1
            health.row["documents_new"] += 1
            touched.add(report_id)
            if is_new:
                created.add(report_id)
    health.row["reports_found"] = len(touched)
    health.row["reports_new"] = len(created)
    return health, touched, created


def _read_and_submit(writer: ArchiveWriter, events: list[dict[str, Any]], warc_dir: str,
                     health: SiteHealth) -> tuple[list[tuple[Capture, bytes]], dict[str, Any]]:
    """Read a chunk's bodies from the WARC and submit extraction of the bytes never seen."""
    from prefect import get_run_logger
    from .tasks import submit_extractions
    captures: list[tuple[Capture, bytes]] = []
    for e in events:
        try:
            captures.append(capture_from_event(e, warc_dir))
        except Exception as exc:  # an unreadable record is recorded; the others go on
            get_run_logger().error("cannot read %s from %s@%s: %s", e["url"], e["warc_file"], e["warc_offset"], exc)
            health.error("warc_unreadable", e["url"], str(exc))
    todo: dict[str, dict[str, Any]] = {}
    for capture, body in captures:
        if capture.sha256 not in todo and writer.document_id_for_sha(capture.sha256) is None:
            todo[capture.sha256] = {"sha256": capture.sha256, "body": body, "url": capture.final_url,
                                    "content_type": capture.header("content-type")}
    health.counts.documents_extracted += len(todo)
    return captures, submit_extractions(list(todo.values()))


def _report_of(writer: ArchiveWriter, site: Site, capture: Capture, document: Document,
               page_reports: dict[str, int]) -> tuple[int | None, bool]:
    # The site's name and region place an agency whose documents name it short (长城镇): two
    # counties' 长城镇 stay two reports (store.report_for).
    identity = identify(document, link_text=capture.link_text, site_name=site.name, site_region=site.region,
                        category=capture.category, publisher=capture.publisher)
    parent = None
    if capture.parent_url:
        parent = page_reports.get(capture.parent_url) or writer.report_id_for_url(capture.parent_url)
    # An attachment belongs to its page's report unless it names another year.
    if parent is not None and (identity is None or _same_year(writer, parent, identity)):
        return parent, False
    if identity is None:
        return None, False
    return writer.report_for(identity, site.id, capture.fetched_at)


def _same_year(writer: ArchiveWriter, report_id: int, identity: ReportIdentity) -> bool:
    return writer.report_year(report_id) == identity.year


class PendingVersions:
    """A set of reports whose parse is under way: `submit_versions` starts the first chunk's parse
    on the task runner, `store` waits for each chunk, starts the next, and records the versions.
    The harvest archives the next site while a site's parse runs, instead of waiting for it."""

    def __init__(self, writer: ArchiveWriter, report_ids: set[int], site_names: dict[str, str | None],
                 counts: RunCounts, chunk: int,
                 parse: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None) -> None:
        self.writer, self.site_names, self.counts, self.parse = writer, site_names, counts, parse
        ordered = sorted(report_ids)
        self.chunks = [ordered[i:i + chunk] for i in range(0, len(ordered), chunk)]
        self.next = self._submit(self.chunks[0]) if self.chunks else None

    def _submit(self, ids: list[int]) -> tuple[list[int], dict[int, list[dict[str, Any]]], list, list]:
        jobs, docs_of = [], {}
        for report_id in ids:
            report = self.writer.db["reports"].get(report_id)
            docs = self.writer.current_documents(report_id)
            docs_of[report_id] = docs
            if docs:
                jobs.append({"report_id": report_id, "year": report["year"], "agency": report["agency"],
                             "site_name": self.site_names.get(report["site_id"]),
                             "documents": [{"id": d["id"], "document_json": d["document_json"]} for d in docs]})
        self.counts.reports_parsed += len(jobs)
        batches = [jobs[i:i + PARSE_BATCH] for i in range(0, len(jobs), PARSE_BATCH)]
        if self.parse is not None:
            return ids, docs_of, batches, [self.parse(batch) for batch in batches]
        from .tasks import parse_reports
        return ids, docs_of, batches, [parse_reports.submit(batch, n_more=len(batch) - 1) for batch in batches]

    def store(self) -> list[tuple[int, int]]:
        """Wait for the parses and record a version where anything changed: [(report id, new version)]."""
        new_versions = []
        for k in range(len(self.chunks)):
            ids, docs_of, batches, futures = self.next
            results = futures if self.parse is not None else [f.result() for f in futures]
            # memory holds two chunks at most: the one being stored and the one being parsed
            self.next = self._submit(self.chunks[k + 1]) if k + 1 < len(self.chunks) else None
            parsed_of = {job["report_id"]: parsed for batch, result in zip(batches, results)
                         for job, parsed in zip(batch, result)}
            for report_id in ids:
                version = self.writer.store_version(report_id, docs_of[report_id], parsed_of.get(report_id), utc_now())
                if version is not None:
                    self.counts.versions_new += 1
                    new_versions.append((report_id, version))
        return new_versions


def submit_versions(writer: ArchiveWriter, report_ids: set[int], site_names: dict[str, str | None],
                    counts: RunCounts, chunk: int = 128,
                    parse: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None) -> PendingVersions:
    """Start parsing each report's current documents (in chunks, so memory stays flat);
    `.store()` then records a version where anything changed. `parse` parses a batch of jobs
    in this process (`nianbao add`); by default batches are Prefect tasks on the flow's task runner."""
    return PendingVersions(writer, report_ids, site_names, counts, chunk, parse)


def version_reports(writer: ArchiveWriter, report_ids: set[int], site_names: dict[str, str | None],
                    counts: RunCounts, chunk: int = 128,
                    parse: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None) -> list[tuple[int, int]]:
    """Parse each report's current documents and record a version where anything changed.
    Returns [(report id, new version)]; `submit_versions` then `.store()`, without overlap."""
    return submit_versions(writer, report_ids, site_names, counts, chunk, parse).store()
