"""Harvest-side scale: ingest and reparse rates, archive and WARC sizes, memory, projected to 10^6 reports.

Synthetic reports are made from the bundled sample sites' HTML reports (other
agency names, other years, other numbers), written to WARC files and events
files exactly as the crawler writes them, then ingested by the real pipeline
(WARC read → extract → identify → archive → parse → version) inside a Prefect
flow on the chosen task runner, then re-parsed with `reparse`. The network is
left out on purpose: a polite crawl is bounded by the per-host delay, not by
this side.

With `--grow-to N` the archive is then grown to N reports by replicating the
ingested rows in SQL (new ids, agency keys, URLs and digests; the replicas
point at the same WARC records, so WARC size is projected from the ingested
part), the search index is rebuilt over all of them, full-text query latency
is measured, and a further `--batch` of new reports goes through the real
pipeline into the grown archive: its rate and memory, set beside the first
ingest's, show whether either degrades with the archive's size.

    python benchmarks/scale.py --reports 2000 [--runner process]
    python benchmarks/scale.py --reports 2000 --grow-to 100000 --batch 1000
"""
from __future__ import annotations

import argparse
from contextlib import nullcontext
import gzip
import json
import os
import random
import re
import resource
import sys
import statistics as stats
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows import prefect_env  # noqa: E402

prefect_env.configure()

from prefect import flow  # noqa: E402

from archive import search  # noqa: E402
from benchmarks.memory import PeakRss  # noqa: E402
from archive.schema import open_db  # noqa: E402
from archive.store import ArchiveWriter, RunCounts  # noqa: E402
from crawlers.recorder import CrawlRecorder, utc_now  # noqa: E402
from crawlers.sites import Site  # noqa: E402
from flows.ingest import ingest_site, version_reports  # noqa: E402
from flows.reparse import reparse  # noqa: E402
from flows.runners import make_task_runner  # noqa: E402
from flows.summary import path_size  # noqa: E402
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


# Columns made unique per replica; ids and the references to them are offset instead.
UNIQUE_TEXT = {"agency_key": "agency_key || '~{k}'", "url": "url || '#{k}'", "final_url": "final_url || '#{k}'",
               "event_id": "event_id || '~{k}'", "alias": "alias || '~{k}'",
               "sha256": "lower(hex(randomblob(32)))", "warc_offset": "warc_offset + {k} * 1000000000000"}
REFS = {"report_id": "reports", "document_id": "documents", "near_duplicate_of": "documents", "other_id": "documents"}
REPLICATED = ["reports", "documents", "document_locations", "captures", "report_versions", "statistics",
              "statistics_history", "checks", "checks_history", "sections", "agency_aliases", "fetch_log",
              "minhash_signatures", "minhash_bands", "near_duplicates"]


def replicate(db_path: str, target: int) -> int:
    """Copy the archive's report-related rows until it holds about `target` reports; returns the count."""
    db = open_db(db_path)
    conn = db.conn
    n0 = conn.execute("select count(*) from reports").fetchone()[0]
    top = {t: conn.execute(f"select coalesce(max(id), 0) from {t}").fetchone()[0]
           for t in REPLICATED if "id" in db[t].columns_dict}
    for k in range(1, (target + n0 - 1) // n0):
        with conn:
            for t in REPLICATED:
                cols = list(db[t].columns_dict)
                exprs = []
                for c in cols:
                    if c == "id":
                        exprs.append(f"id + {k * top[t]}")
                    elif c in REFS:
                        exprs.append(f"{c} + {k * top[REFS[c]]}")
                    elif c in UNIQUE_TEXT and not (t == "documents" and c == "warc_offset"):
                        exprs.append(UNIQUE_TEXT[c].format(k=k))
                    else:
                        exprs.append(f'"{c}"')
                src = f"select {', '.join(exprs)} from {t}"
                if "id" in cols:
                    src += f" where id <= {top[t]}"
                elif "document_id" in cols:
                    src += f" where document_id <= {top['documents']}"
                conn.execute(f"insert into {t} ({', '.join(f'[{c}]' for c in cols)}) {src}")
    n = conn.execute("select count(*) from reports").fetchone()[0]
    conn.close()
    return n


QUERIES = {"1 char": ["复", "诉", "费", "公"], "2 chars": ["复议", "诉讼", "信访", "收费", "公开"],
           "3-4 chars": ["依申请", "行政复议", "行政诉讼", "不予公开"],
           "5+ chars": ["政府信息公开", "本年新收政府信息公开申请", "政府信息公开工作年度报告"]}


def query_latency(db_path: str, repeats: int = 5) -> None:
    db = open_db(db_path)
    for group, queries in QUERIES.items():
        all_ids, top20 = [], []
        for _ in range(repeats):
            for q in queries:
                t0 = time.perf_counter()
                hits = len(search.matching_ids(db, q))
                all_ids.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                search.search(db, q, limit=20)
                top20.append(time.perf_counter() - t0)
        print(f"  {group:<9} all matching ids p50 {stats.median(all_ids) * 1e3:7.1f} ms  "
              f"p95 {p95(all_ids) * 1e3:7.1f} ms   ranked top 20 with snippets p95 {p95(top20) * 1e3:7.1f} ms"
              f"   ({hits} hits for {queries[-1]})")


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--runner", default="process", choices=["thread", "process", "dask"])
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--grow-to", type=int, default=0, help="then replicate the archive to this many reports")
    ap.add_argument("--batch", type=int, default=1000, help="new reports ingested into the grown archive")
    ap.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (default: a temporary directory)")
    args = ap.parse_args()
    rng = random.Random(1)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
    with (nullcontext(args.keep) if args.keep else tempfile.TemporaryDirectory(prefix="nianbao-scale-")) as t:
        tmp = Path(t)
        (tmp / "store").mkdir(exist_ok=True)
        t0 = time.monotonic()
        work = [make_site(k, k * PER_SITE, min(PER_SITE, args.reports - k * PER_SITE), tmp, rng)
                for k in range((args.reports + PER_SITE - 1) // PER_SITE)]
        print(f"generated {args.reports} synthetic reports in {time.monotonic() - t0:.1f} s")
        db_path = str(tmp / "scale.db")
        runner = make_task_runner(args.runner, workers=args.workers)
        t0 = time.monotonic()
        with PeakRss() as rss1:
            counts = ingest_all.with_options(task_runner=runner)(db_path, str(tmp / "store"), work)
        ingest_s = time.monotonic() - t0
        t0 = time.monotonic()
        result = reparse.with_options(task_runner=make_task_runner(args.runner, workers=args.workers))(db_path, str(tmp / "store"))
        reparse_s = time.monotonic() - t0
        db_bytes, warc_bytes = path_size(Path(db_path)) + path_size(Path(db_path + "-wal")), path_size(tmp / "store")
        peak_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        n = counts.reports_new
        print(json.dumps({"runner": args.runner, "reports": n, "documents": counts.documents_new}))
        print(f"ingest   {ingest_s:8.1f} s   {n / ingest_s:7.1f} reports/s   (errors {counts.errors})")
        print(f"reparse  {reparse_s:8.1f} s   {result['documents'] / reparse_s:7.1f} documents/s")
        print(f"archive  {db_bytes / 1e6:8.1f} MB   {db_bytes / n / 1e3:6.1f} KB/report")
        print(f"WARC     {warc_bytes / 1e6:8.1f} MB   {warc_bytes / n / 1e3:6.1f} KB/report")
        print(f"peak RSS {peak_mb:8.0f} MB (largest of this process and its children); "
              f"ingest, all processes together: {rss1.peak / 2**20:.0f} MB")
        scale = 1_000_000 / n
        print(f"projection to 1,000,000 reports on this machine: ingest {ingest_s * scale / 3600:.1f} h, "
              f"reparse {reparse_s * scale / 3600:.1f} h, archive {db_bytes * scale / 1e9:.1f} GB, "
              f"WARC {warc_bytes * scale / 1e9:.1f} GB")
        if args.grow_to:
            grow(args, tmp, db_path, n, ingest_s, rss1.peak, warc_bytes, rng)
    return 0


def grow(args: argparse.Namespace, tmp: Path, db_path: str, n: int, ingest_s: float, rss_first: int,
         warc_bytes: int, rng: random.Random) -> None:
    print(f"\ngrowing the archive to {args.grow_to} reports (replicated rows)")
    t0 = time.monotonic()
    total = replicate(db_path, args.grow_to)
    print(f"  replicated to {total} reports in {time.monotonic() - t0:.0f} s")
    t0 = time.monotonic()
    db = open_db(db_path)
    search.refresh_index(db, None)
    db.conn.close()
    print(f"  search index rebuilt over {total} reports in {time.monotonic() - t0:.0f} s")
    db_bytes = path_size(Path(db_path)) + path_size(Path(db_path + "-wal"))
    print(f"  archive {db_bytes / 1e9:.2f} GB = {db_bytes / total / 1e3:.1f} KB/report; "
          f"WARC for this many reports (projected from the ingested part): {warc_bytes / n * total / 1e9:.2f} GB")
    print(f"full-text queries on {total} reports:")
    query_latency(db_path)
    first = n + 10_000  # agency names not used by the first ingest
    work = [make_site(1000 + k, first + k * PER_SITE, min(PER_SITE, args.batch - k * PER_SITE), tmp, rng)
            for k in range((args.batch + PER_SITE - 1) // PER_SITE)]
    t0 = time.monotonic()
    with PeakRss() as rss2:
        counts = ingest_all.with_options(task_runner=make_task_runner(args.runner, workers=args.workers))(
            db_path, str(tmp / "store"), work)
    s2 = time.monotonic() - t0
    m = counts.reports_new
    print(f"ingest of {m} new reports into the {total}-report archive: {m / s2:.1f} reports/s "
          f"(into the empty archive: {n / ingest_s:.1f}); peak RSS, all processes: {rss2.peak / 2**20:.0f} MB "
          f"(first ingest: {rss_first / 2**20:.0f} MB)")


if __name__ == "__main__":
    sys.exit(main())
