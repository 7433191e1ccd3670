"""The reparse flow: re-extract and re-parse every archived document from its WARC capture.

No network: the bytes come from the WARC files. Derived text is refreshed in
place (the raw capture is the record); numbers go through the same versioning
as a harvest, so an unchanged result creates no new version and a changed one
records which cells moved and the new parser version.
"""
from __future__ import annotations

import hashlib
import os
import time
import uuid
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from archive import continuity, fingerprints, search
from archive.schema import open_db
from archive.store import ArchiveWriter, RunCounts
from archive.warc import read_response
from crawlers.recorder import utc_now

from .ingest import ProgressFn, version_reports
from .tasks import submit_extractions


REPARSE_CHUNK = 256


@flow(name="reparse", log_prints=False)
def reparse(db_path: str, warc_dir: str, *, progress: ProgressFn | None = None) -> dict[str, Any]:
    progress = progress or (lambda what, n: None)
    logger = get_run_logger()
    run_id = str(flow_run.get_id() or uuid.uuid4())
    warc_dir = os.path.abspath(warc_dir)
    writer = ArchiveWriter(open_db(db_path), run_id)
    db = writer.db
    t0 = time.monotonic()
    progress("started", 0)
    writer.start_run(command="reparse", started_at=utc_now(), sites_file=None, sites=0)
    counts = RunCounts()
    status = "failed"
    try:
        ids = [r["id"] for r in db.query("select id from documents order by id")]
        changed_docs = 0
        # In chunks, so memory does not grow with the archive.
        for start in range(0, len(ids), REPARSE_CHUNK):
            chunk = ids[start:start + REPARSE_CHUNK]
            docs = list(db.query(f"select id, url, final_url, content_type, warc_file, warc_offset, document_json "
                                 f"from documents where id in ({','.join('?' * len(chunk))})", chunk))
            items = []
            for d in docs:
                try:
                    body = read_response(warc_dir, d["warc_file"], d["warc_offset"]).decoded_body()
                except Exception as exc:
                    logger.error("document %s: cannot read %s@%s: %s", d["id"], d["warc_file"], d["warc_offset"], exc)
                    counts.error("warc_unreadable")
                    continue
                items.append({"sha256": hashlib.sha256(body).hexdigest(), "body": body,
                              "url": d["final_url"] or d["url"], "content_type": d["content_type"], "id": d["id"]})
            # Re-extract, skipping the cache: a reparse is asked for because extraction may have changed.
            futures = submit_extractions(items, refresh=True)
            old = {d["id"]: d["document_json"] for d in docs}
            for item in items:
                new_json = futures[item["sha256"]].result()
                progress("document", 1)
                if new_json != old[item["id"]]:
                    writer.refresh_extraction(item["id"], new_json)
                    changed_docs += 1
        report_ids = {r["id"] for r in db.query("select id from reports")}
        site_names = {r["id"]: r["name"] for r in db.query("select id, name from sites")}
        version_reports(writer, report_ids, site_names, counts)
        fingerprints.backfill(db)  # reports archived before fingerprints existed
        continuity.refresh_all(db, run_id)  # agency keys or numbers may have moved under unchanged versions
        search.refresh_index(db)  # re-extraction may have changed any text
        counts.documents_seen = len(ids)
        counts.documents_new = 0
        status = "completed"
    finally:
        writer.finish_run(finished_at=utc_now(), status=status, counts=counts)
    return {"run_id": run_id, "duration_s": round(time.monotonic() - t0, 2), "documents": len(ids),
            "documents_reextracted_changed": changed_docs, **counts.__dict__}
