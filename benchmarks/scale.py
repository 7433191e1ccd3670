"""Harvest-side scale: ingest and reparse rates, archive and WARC sizes, memory, projected to 10^6 reports.

Synthetic reports are made from the bundled sample sites' HTML reports (other
agency names, other years, other numbers), written to WARC files and events
files exactly as the crawler writes them, then ingested by the real pipeline
(WARC read → extract → identify → archive → parse → version) inside a Prefect
flow on the chosen task runner, then re-parsed with `reparse`. The network is
left out on purpose: a polite crawl is bounded by the per-host delay, not by
this side.

    python benchmarks/scale.py --reports 2000 [--runner process]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows import prefect_env  # noqa: E402

prefect_env.configure()

from prefect import flow  # noqa: E402

from archive.schema import open_db  # noqa: E402
from archive.store import ArchiveWriter, RunCounts  # noqa: E402
from crawlers.recorder import CrawlRecorder, utc_now  # noqa: E402
from crawlers.sites import Site  # noqa: E402
from flows.ingest import ingest_site, version_reports  # noqa: E402
from flows.reparse import reparse  # noqa: E402
from flows.runners import make_task_runner  # noqa: E402
from flows.tasks import CrawlResult  # noqa: E402

SAMPLES = ROOT / "crawlers/sample_sites/qinghe/zwgk/zfxxgknb"
TEMPLATES = [SAMPLES / "202201/t20220125_2001.html", SAMPLES / "202101/t20210128_1501.html"]
CHARS = "安宁平和清河东西南北长丰永兴新华建德武城龙泉阳山江湖云海"
PER_SITE = 500


def county(i: int) -> str:
    a, b, c = CHARS[i % len(CHARS)], CHARS[(i // len(CHARS)) % len(CHARS)], CHARS[(i // len(CHARS) ** 2) % len(CHARS)]
    return f"{a}{b}{c}县"


def make_site(site_no: int, first: int, n: int, tmp: Path, rng: random.Random) -> tuple[Site, str]:
    site_id = f"synthetic-{site_no}"
    warc = tmp / "store" / f"bench-{site_id}.warc.gz"
    events = tmp / f"{site_id}.events.jsonl"
    rec = CrawlRecorder(str(warc), str(events))
    templates = [t.read_text(encoding="utf-8") for t in TEMPLATES]
    for i in range(first, first + n):
        name = county(i)
        year = 2019 + i % 5
        html = templates[i % 2].replace("清河县", name).replace("2021年", f"{year}年").replace("2020年", f"{year}年")
        html = re.sub(r"<td><p>(\d+)</p></td>", lambda m: f"<td><p>{int(m.group(1)) + rng.randint(0, 3)}</p></td>", html, count=30)
        body = html.encode("utf-8")
        url = f"http://{site_id}.example.gov.cn/zwgk/zfxxgknb/t{i}.html"
        wire = gzip.compress(body, mtime=0)
        headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("ETag", f'"{i}"')]
        where = rec.write_exchange(url=url, method="GET", request_headers=[("User-Agent", "nianbao")], request_body=b"",
                                   status=200, reason="OK", protocol="HTTP/1.1", response_headers=headers, body=wire)
        rec.event("fetch", site_id=site_id, url=url, method="GET", status=200, fetched_at=utc_now(),
                  conditional=False, not_modified=False, size=len(wire), **where)
        rec.event("document", site_id=site_id, url=url, final_url=url, status=200, not_modified=False, role="page",
                  link_text=f"{name}人民政府{year}年政府信息公开工作年度报告", parent_url=None, list_url=None,
                  year_hint=year, fetched_at=utc_now(), headers=headers, **where)
    rec.close()
    return Site(id=site_id, start_urls=(f"http://{site_id}.example.gov.cn/",), name=None), str(events)


@flow(name="scale-ingest")
def ingest_all(db_path: str, warc_dir: str, work: list[tuple[Site, str]]) -> RunCounts:
    writer = ArchiveWriter(open_db(db_path), "scale-benchmark")
    writer.start_run(command="benchmark", started_at=utc_now(), sites_file=None, sites=len(work))
    counts = RunCounts(sites=len(work))
    for site, events in work:
        _, touched, created = ingest_site(writer, site, CrawlResult(site.id, events, 0, "", 0.0), warc_dir, counts,
                                          lambda *_: None)
        version_reports(writer, touched, {}, counts)
        counts.reports_new += len(created)
    writer.finish_run(finished_at=utc_now(), status="completed", counts=counts)
    return counts


def size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--runner", default="process", choices=["thread", "process", "dask"])
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="nianbao-scale-") as t:
        tmp = Path(t)
        (tmp / "store").mkdir()
        t0 = time.monotonic()
        work = [make_site(k, k * PER_SITE, min(PER_SITE, args.reports - k * PER_SITE), tmp, rng)
                for k in range((args.reports + PER_SITE - 1) // PER_SITE)]
        print(f"generated {args.reports} synthetic reports in {time.monotonic() - t0:.1f} s")
        db_path = str(tmp / "scale.db")
        runner = make_task_runner(args.runner, workers=args.workers)
        t0 = time.monotonic()
        counts = ingest_all.with_options(task_runner=runner)(db_path, str(tmp / "store"), work)
        ingest_s = time.monotonic() - t0
        t0 = time.monotonic()
        result = reparse.with_options(task_runner=make_task_runner(args.runner, workers=args.workers))(db_path, str(tmp / "store"))
        reparse_s = time.monotonic() - t0
        db_bytes, warc_bytes = size(Path(db_path)) + size(Path(db_path + "-wal")), size(tmp / "store")
        peak_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        n = counts.reports_new
        print(json.dumps({"runner": args.runner, "reports": n, "documents": counts.documents_new}))
        print(f"ingest   {ingest_s:8.1f} s   {n / ingest_s:7.1f} reports/s   (errors {counts.errors})")
        print(f"reparse  {reparse_s:8.1f} s   {result['documents'] / reparse_s:7.1f} documents/s")
        print(f"archive  {db_bytes / 1e6:8.1f} MB   {db_bytes / n / 1e3:6.1f} KB/report")
        print(f"WARC     {warc_bytes / 1e6:8.1f} MB   {warc_bytes / n / 1e3:6.1f} KB/report")
        print(f"peak RSS {peak_mb:8.0f} MB (largest of this process and its children)")
        scale = 1_000_000 / n
        print(f"projection to 1,000,000 reports on this machine: ingest {ingest_s * scale / 3600:.1f} h, "
              f"reparse {reparse_s * scale / 3600:.1f} h, archive {db_bytes * scale / 1e9:.1f} GB, "
              f"WARC {warc_bytes * scale / 1e9:.1f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
