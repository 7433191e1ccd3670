"""The harvest flow: crawl each site → extract → identify → parse → version → archive.

Crawls run as Prefect tasks, each in its own process and in parallel across
sites; extraction and parsing run as tasks on the flow's task runner (threads,
processes or Dask); every archive write happens in this flow's own thread,
the archive's single writer.
"""
from __future__ import annotations

import os
import tempfile
import time
import uuid
from typing import Any

from prefect import flow
from prefect.runtime import flow_run

from archive.schema import open_db
from archive.store import ArchiveWriter, RunCounts
from crawlers.recorder import utc_now
from crawlers.sites import load_sites

from .ingest import ProgressFn, ingest_site, version_reports
from .tasks import crawl_site


@flow(name="harvest", flow_run_name="harvest-{sites_file}", log_prints=False)
def harvest(sites_file: str, db_path: str, warc_dir: str, *, delay: float | None = None,
            max_download_bytes: int | None = None, command: str = "harvest",
            progress: ProgressFn | None = None) -> dict[str, Any]:
    progress = progress or (lambda what, n: None)
    run_id = str(flow_run.get_id() or uuid.uuid4())
    sites = load_sites(sites_file)
    warc_dir = os.path.abspath(warc_dir)  # the crawler processes run elsewhere
    os.makedirs(warc_dir, exist_ok=True)
    writer = ArchiveWriter(open_db(db_path), run_id)
    t0 = time.monotonic()
    writer.start_run(command=command, started_at=utc_now(), sites_file=str(sites_file), sites=len(sites))
    writer.record_sites([s.to_dict() for s in sites], utc_now())
    counts = RunCounts(sites=len(sites))
    status = "failed"
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-crawl-") as work_dir:
            futures = {site.id: crawl_site.submit(
                site.to_dict(), warc_dir=warc_dir, work_dir=work_dir, run_id=run_id,
                known=writer.known_captures(site.id), delay=delay, max_download_bytes=max_download_bytes)
                for site in sites}
            site_names = {site.id: site.name for site in sites}
            for site in sites:
                started = utc_now()
                result = futures[site.id].result()
                progress("site_crawled", 1)
                health, touched, created = ingest_site(writer, site, result, warc_dir, counts, progress)
                versions = version_reports(writer, touched, site_names, counts)
                counts.reports_new += len(created)
                health.row["reports_changed"] = sum(1 for _, v in versions if v > 1)
                writer.record_site_run(dict(health.finish(), started_at=started, finished_at=utc_now(),
                                            duration_s=round(result.duration_s, 2),
                                            status="ok" if result.returncode == 0 else "crawler_failed"))
        status = "completed"
    finally:
        writer.finish_run(finished_at=utc_now(), status=status, counts=counts)
    return {"run_id": run_id, "duration_s": round(time.monotonic() - t0, 1), **counts.__dict__}
