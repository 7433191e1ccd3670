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
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from archive.versions import extractor_stack
from crawlers.run_crawl import CrawlJob

PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)


@dataclass
class CrawlResult:
    site_id: str
    events_path: str
    returncode: int
    stderr_tail: str
    duration_s: float


def _die_with_parent() -> None:
    """In the crawl's child process: end it if the harvest dies, so a killed
    harvest leaves no orphan crawler writing to the WARC store."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: an orphaned crawl still ends by itself


@task(name="crawl-site", task_run_name="crawl-{site[id]}", retries=2, retry_delay_seconds=[30, 120],
      cache_policy=NO_CACHE)
def crawl_site(site: dict[str, Any], *, warc_dir: str, work_dir: str, run_id: str,
               known: dict[str, dict[str, Any]], delay: float | None, max_download_bytes: int | None,
               timeout: float | None = None) -> CrawlResult:
    """Crawl one site in a child process (Twisted's reactor cannot restart in one process).

    A retry appends to the same WARC and events files: what the failed attempt
    captured is kept, and the flow reads every line.
    """
    started = time.monotonic()
    # Named from the run id and the site slug, never from a URL.
    warc_path = os.path.join(warc_dir, f"{run_id[:8]}-{site['id']}.warc.gz")
    events_path = os.path.join(work_dir, f"{run_id[:8]}-{site['id']}.events.jsonl")
    job_path = os.path.join(work_dir, f"{run_id[:8]}-{site['id']}.job.json")
    CrawlJob(site=site, warc_path=warc_path, events_path=events_path, known=known, delay=delay,
             max_download_bytes=max_download_bytes, timeout=timeout).dump(job_path)
    proc = subprocess.run([sys.executable, "-m", "crawlers.run_crawl", job_path],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, preexec_fn=_die_with_parent)
    if proc.returncode < 0:  # killed by a signal: let Prefect retry it
        raise RuntimeError(f"crawl of {site['id']} killed by signal {-proc.returncode}")
    return CrawlResult(site["id"], events_path, proc.returncode, proc.stderr[-2000:], time.monotonic() - started)


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
    from parsers.extract import extract
    out = []
    for item in items:
        content_type = item.get("content_type")
        charset = None
        if content_type and "charset=" in content_type.lower():
            charset = content_type.lower().split("charset=")[-1].split(";")[0].strip()
        out.append(extract(item["body"], url=item["url"], content_type=content_type, http_charset=charset).to_json())
    return out


def submit_extractions(items: list[dict[str, Any]], *, batch_size: int = 8, refresh: bool = False) -> dict[str, Any]:
    """Submit extraction of `items` ({sha256, body, url, content_type}) in batches;
    returns {sha256: future-like} whose .result() is the Document JSON."""
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
    return [_parse_one(**job) for job in jobs]


def _parse_one(report_id: int, documents: list[dict[str, Any]], *, year: int | None,
               agency: str | None, site_name: str | None) -> dict[str, Any]:
    from parsers.model import Document
    from parsers.report import PARSER_VERSION, parse_report

    from parsers.extract.image import join_image_pages

    # A 图片版 report's page images are one document to the parser, as a scanned PDF's pages are.
    docs, where = join_image_pages([Document.from_json(d["document_json"]) for d in documents])
    parsed = parse_report(docs, year_hint=year, agency_hint=agency, site_name=site_name)
    doc_id = lambda i: documents[where[i]]["id"] if i is not None and 0 <= i < len(docs) else None  # noqa: E731
    return {
        "parser": f"nianbao-parser {PARSER_VERSION}",
        "report": {"template": parsed.template, "agency_short": parsed.agency_short, "level": parsed.level,
                   "province": parsed.province, "city": parsed.city, "county": parsed.county,
                   "region_code": parsed.region_code, "is_aggregate": int(bool(parsed.is_aggregate)),
                   "published": parsed.published},
        "cells": [{"table_name": c.table_name, "row_key": c.row_key, "col_key": c.col_key, "value": c.value,
                   "raw_text": c.raw_text, "raw_label": c.raw_label, "document_id": doc_id(c.document_index),
                   "page": c.page, "table_index": c.table_index, "row_index": c.row_index,
                   "col_index": c.col_index, "source": c.source, "confidence": c.confidence,
                   "flags": json.dumps(c.flags, ensure_ascii=False) if c.flags else None} for c in parsed.cells],
        "checks": [{"check_name": k.name, "passed": None if k.passed is None else int(k.passed), "detail": k.detail}
                   for k in parsed.checks],
        "sections": [{"key": s.key, "heading": s.heading, "text": s.text, "order": s.order} for s in parsed.sections],
        "warnings": list(parsed.warnings),
    }
