"""A national night on one machine: N loopback sites harvested twice at the default politeness.

    python benchmarks/national.py --sites 200 [--reports 5] [--delay 1.0] [--crawlers N] [--dask 1,4,16]

Starts N loopback sites (127.0.x.y, one host each), generated from the sample
county's reports: each site is a county of its own name, its pages and DOCX
rewritten to name it, its PDFs given a trailing comment so that no two sites
share a document's bytes. Each site's column lists `--reports` reports (pages
with PDF/DOCX attachments). Then `nianbao harvest` runs twice on the same
archive — a first night, then an unchanged one (every document answered 304) —
and for each prints:

- wall time; the politeness bound (the slowest host's requests × delay) and
  the ratio of the two;
- CPU seconds of the harvest's process tree (flow, crawl processes, workers;
  the crawl processes' share from the run's counts);
- peak RSS of the harvest's process tree (benchmarks/memory.py);
- the most requests any host saw within one second;
- the extraction, parse and search-index work done (0 on the unchanged night);
- whether every report was archived.

Then it projects to 3,000 sites: the crawl is bounded by politeness per host,
not by the number of hosts, while CPU grows with the sites; the extraction
side's CPU can move to a Dask cluster of k machines (`--dask`). The Prefect
server is started once (or PREFECT_API_URL used), outside the measured tree.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.memory import PeakRss  # noqa: E402
from crawlers.encoding import decode_html  # noqa: E402
from crawlers.sample_server import SAMPLE_SITES, SampleSite  # noqa: E402

COUNTY = "清河县"
COLUMN = "zwgk/zfxxgknb"
# (page under the column, agency, year): pages with a PDF, a DOCX, a PDF, none, none.
REPORTS = [
    ("202301/t20230120_3001.html", "清河县人民政府", 2022),
    ("202201/t20220120_2002.html", "清河县财政局", 2021),
    ("202101/t20210128_1501.html", "清河县人民政府", 2020),
    ("202101/t20210130_1502.html", "清河县柳林镇人民政府", 2020),
    ("201903/t20190329_901.html", "清河县人民政府", 2018),
]
_NAME_CHARS = "安宁平和泰兴华丰永康乐福寿庆德新昌明光宏远嘉祥瑞阳山川云海松柏桂荷梅兰竹"
PROJECT_TO = 3000


def county_name(i: int) -> str:
    """A distinct county name per site (two characters from the pool, then 县)."""
    n = len(_NAME_CHARS)
    return _NAME_CHARS[i // n % n] + _NAME_CHARS[i % n] + ("" if i < n * n else str(i // (n * n))) + "县"


def _docx_renamed(data: bytes, county: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.endswith(".xml"):
                body = body.decode("utf-8").replace(COUNTY, county).encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def make_site(root: Path, i: int, reports: int) -> None:
    county = county_name(i)
    src = SAMPLE_SITES / "qinghe"
    (root / COLUMN).mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text((src / "robots.txt").read_text(encoding="utf-8"), encoding="utf-8")
    links = []
    for k in range(reports):
        page, agency, year = REPORTS[k % len(REPORTS)]
        year -= 10 * (k // len(REPORTS))  # more than five: earlier years of the same pages
        agency = agency.replace(COUNTY, county)
        html, codec = decode_html((src / COLUMN / page).read_bytes())  # some sample pages are GBK
        html = html.replace(COUNTY, county)
        html = html.replace(f"{REPORTS[k % len(REPORTS)][2]}年", f"{year}年")
        target = root / COLUMN / (page if k < len(REPORTS) else page.replace(".html", f"_{k}.html"))
        target.parent.mkdir(parents=True, exist_ok=True)
        for href in re.findall(r'href="\./([^"]+)"', html):
            data = (src / COLUMN / Path(page).parent / href).read_bytes()
            if href.endswith(".docx"):
                data = _docx_renamed(data, county)
            elif href.endswith(".pdf"):
                data += f"\n% {county}\n".encode("utf-8")  # bytes of its own, text unchanged
            (target.parent / href).write_bytes(data)
        target.write_bytes(html.encode(codec))
        links.append(f'<li><a href="{target.relative_to(root / COLUMN).as_posix()}">'
                     f'{agency}{year}年政府信息公开工作年度报告</a><span>{year + 1}-01-20</span></li>')
    (root / COLUMN / "index.html").write_text(
        f"<html><head><meta charset='utf-8'><title>政府信息公开年报_{county}人民政府</title></head>"
        f"<body><ul>{''.join(links)}</ul></body></html>", encoding="utf-8")


def host_of(i: int) -> str:
    return f"127.0.{1 + i // 250}.{2 + i % 250}"


def max_per_second(times: list[float]) -> int:
    """The most requests within any one-second window."""
    times, best, lo = sorted(times), 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def harvest(sites_file: Path, db: Path, args: argparse.Namespace, env: dict) -> dict:
    cmd = [sys.executable, "-m", "flows.cli", "harvest", "--sites", str(sites_file), "--db", str(db),
           "--delay", str(args.delay), "--crawlers", str(args.crawlers), "--quiet"]
    if args.runner:
        cmd += ["--runner", args.runner]
    load_before = load()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakRss(interval=0.2, pid=proc.pid) as rss:
        out, err = proc.communicate()
    wall = time.monotonic() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the harvest and every process it waited for
    if proc.returncode:
        raise SystemExit(f"harvest failed ({proc.returncode}): {err[-2000:]}")
    con = sqlite3.connect(db)
    run_id, counts = con.execute("select id, counts_json from runs order by started_at desc limit 1").fetchone()
    per_site = dict(con.execute("select site_id, count(*) from reports group by site_id"))
    con.close()
    # The sampled tree also sees the extraction pool's workers, which the harvest never waits for.
    return {"wall": wall, "cpu_total": usage.ru_utime + usage.ru_stime, "cpu_tree": rss.cpu_s, "rss": rss.peak,
            "rss_roles": rss.at_peak, "counts": json.loads(counts),
            "per_site": per_site, "load": (load_before, load()), "summary": out}


def report_run(name: str, r: dict, servers: list[SampleSite], marks: list[int], args: argparse.Namespace,
               cpu_before: float) -> dict:
    per_host = [s.requests[m:] for s, m in zip(servers, marks)]
    slowest = max(len(reqs) for reqs in per_host)
    bound = slowest * args.delay
    burst = max(max_per_second([q.at for q in reqs]) for reqs in per_host)
    # rusage misses the pool's workers, sampling misses each process's last 0.2 s: the larger
    cpu = max(r["cpu_total"] - cpu_before, r["cpu_tree"])
    c = r["counts"]
    complete = sum(1 for n in r["per_site"].values() if n == args.reports)
    print(f"{name}: wall {r['wall']:.1f} s; politeness bound {bound:.0f} s ({slowest} requests to the busiest host "
          f"× {args.delay:g} s), wall/bound {r['wall'] / bound:.2f}; CPU {cpu:.1f} s (crawl processes "
          f"{c.get('crawl_cpu_s', 0):.1f} s); peak tree RSS {r['rss'] / 2**20:.0f} MB; most requests to one host "
          f"in one second {burst}; extracted {c['documents_extracted']}, parsed {c['reports_parsed']}, indexed "
          f"{c['reports_indexed']}, versions {c['versions_new']}; 304 {c['not_modified']}; "
          f"sites with all {args.reports} reports archived {complete}/{len(servers)}; load {r['load'][0]} → {r['load'][1]}",
          flush=True)
    roles = sorted(r["rss_roles"].items(), key=lambda kv: -kv[1])
    print("  at the peak: " + ", ".join(f"{role} {size / 2**20:.0f} MB" for role, size in roles), flush=True)
    return {"wall": r["wall"], "bound": bound, "cpu": cpu, "crawl_cpu": c.get("crawl_cpu_s", 0.0), "rss": r["rss"],
            "burst": burst, "complete": complete}


def project(first: dict, second: dict, n: int, args: argparse.Namespace) -> None:
    scale = PROJECT_TO / n
    cores = os.cpu_count() or 1
    extraction = max(0.0, first["cpu"] - second["cpu"])   # work only a changed night does
    fixed = second["cpu"]                                  # every night: crawl, 304s, bookkeeping
    bound = max(first["bound"], second["bound"])
    print(f"\nprojection to {PROJECT_TO} sites (× {scale:.1f}; politeness per host does not grow with the hosts):")
    night1 = max(bound, (fixed + extraction) * scale / cores)
    night2 = max(bound, fixed * scale / cores)
    print(f"  this machine ({cores} cores): first night ≈ {night1 / 60:.1f} min "
          f"(CPU {(fixed + extraction) * scale / 60:.1f} min over {cores} cores), unchanged night ≈ {night2 / 60:.1f} min "
          f"(bound by {'politeness' if night2 == bound else 'CPU'})")
    for k in args.dask:
        dist = max(bound, fixed * scale / cores, extraction * scale / (k * args.dask_cores))
        print(f"  extraction on a Dask cluster of {k} machine(s) × {args.dask_cores} cores: first night ≈ "
              f"{dist / 60:.1f} min (bound by {'politeness' if dist == bound else 'CPU'})")


def crawl_only(servers: list[SampleSite], tmp_path: Path, args: argparse.Namespace) -> list[dict]:
    """The crawl side alone (no Prefect, no archive): the shards' crawl processes, twice, the
    second with what the first fetched as the known captures (an unchanged night)."""
    from crawlers.local_crawl import CrawlOutput, known_from
    from crawlers.recorder import read_events
    from crawlers.run_crawl import CrawlJob, SiteJob

    sites = [{"id": f"s{i}", "start_urls": [f"{s.url}/{COLUMN}/index.html"], "allowed_domains": [host_of(i)]}
             for i, s in enumerate(servers)]
    known: dict[str, dict] = {}
    rows = []
    for name in ("first crawl", "unchanged second crawl"):
        out = tmp_path / name.split()[0]
        out.mkdir()
        marks = [len(s.requests) for s in servers]
        jobs = [SiteJob(site=site, warc_path=str(out / f"{site['id']}.warc.gz"),
                        events_path=str(out / f"{site['id']}.events.jsonl"), known=known.get(site["id"], {}))
                for site in sites]
        t0, procs, cpu, rss = time.monotonic(), [], 0.0, []
        for k in range(args.crawlers):
            path = str(out / f"shard{k}.job.json")
            CrawlJob(sites=jobs[k::args.crawlers], delay=args.delay).dump(path)
            proc = subprocess.Popen([sys.executable, "-m", "crawlers.run_crawl", path], cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append((proc, PeakRss(interval=0.2, pid=proc.pid).__enter__()))
        for proc, peak in procs:
            _, _, usage = os.wait4(proc.pid, 0)
            proc.returncode = 0
            peak.__exit__(None, None, None)
            cpu += usage.ru_utime + usage.ru_stime
            rss.append(peak.peak)
        wall = time.monotonic() - t0
        outputs = {j.site["id"]: CrawlOutput(read_events(j.events_path), 0, "", j.warc_path) for j in jobs}
        known = {sid: known_from(o) for sid, o in outputs.items()}
        per_host = [s.requests[m:] for s, m in zip(servers, marks)]
        slowest = max(len(r) for r in per_host)
        burst = max(max_per_second([q.at for q in r]) for r in per_host)
        pages = sum(len(o.documents("page")) for o in outputs.values())
        print(f"{name}: wall {wall:.1f} s; politeness bound {slowest * args.delay:.0f} s ({slowest} requests to the "
              f"busiest host), wall/bound {wall / (slowest * args.delay):.2f}; crawl CPU {cpu:.1f} s; peak RSS of the "
              f"{args.crawlers} crawl processes {sum(rss) / 2**20:.0f} MB; most requests to one host in one second "
              f"{burst}; {pages} report pages seen ({sum(1 for o in outputs.values() if o.done())} sites done); "
              f"load {load()}", flush=True)
        rows.append({"wall": wall, "bound": slowest * args.delay, "cpu": cpu, "burst": burst})
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=200)
    ap.add_argument("--reports", type=int, default=5)
    ap.add_argument("--delay", type=float, default=1.0)
    ap.add_argument("--crawlers", type=int, default=None,
                    help="crawl processes (default: the harvest's, one per 300 sites, at most one per core)")
    ap.add_argument("--runner", default=None, help="task runner for extraction (thread, process, dask)")
    ap.add_argument("--dask", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4, 16],
                    help="cluster sizes (machines) to project to (default 1,4,16)")
    ap.add_argument("--dask-cores", type=int, default=8, help="cores per Dask machine (default 8)")
    ap.add_argument("--crawl-only", action="store_true",
                    help="only the crawl processes, without Prefect or the archive (the crawl side's scaling)")
    args = ap.parse_args()
    if args.crawlers is None:
        from flows.harvest import crawl_processes
        args.crawlers = crawl_processes(args.sites)
    if args.crawl_only:
        with tempfile.TemporaryDirectory(prefix="nianbao-national-") as tmp:
            servers = []
            for i in range(args.sites):
                make_site(Path(tmp) / f"s{i}", i, args.reports)
                servers.append(SampleSite(Path(tmp) / f"s{i}", host=host_of(i)).start())
            print(f"{args.sites} sites × {args.reports} reports, crawl only, delay {args.delay:g} s per host, "
                  f"{args.crawlers} crawl processes, load {load()}", flush=True)
            try:
                crawl_only(servers, Path(tmp), args)
            finally:
                for s in servers:
                    s.stop()
        return 0
    from flows import prefect_env
    prefect_env.configure()
    harness = nullcontext()
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.testing.utilities import prefect_test_harness
        harness = prefect_test_harness(server_startup_timeout=120)
    with tempfile.TemporaryDirectory(prefix="nianbao-national-") as tmp, harness:
        from prefect.settings import PREFECT_API_URL
        env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value() or os.environ.get("PREFECT_API_URL", ""))
        tmp_path = Path(tmp)
        servers = []
        for i in range(args.sites):
            make_site(tmp_path / f"s{i}", i, args.reports)
            servers.append(SampleSite(tmp_path / f"s{i}", host=host_of(i)).start())
        try:
            sites_file = tmp_path / "sites.yaml"
            sites_file.write_text("sites:\n" + "".join(
                f"  - id: s{i}\n    name: {county_name(i)}人民政府\n    start_urls: ['{s.url}/{COLUMN}/index.html']\n"
                for i, s in enumerate(servers)), encoding="utf-8")
            print(f"{args.sites} sites × {args.reports} reports on loopback, delay {args.delay:g} s per host, "
                  f"{args.crawlers} crawl processes, {os.cpu_count()} cores, load {load()}", flush=True)
            db = tmp_path / "national.db"
            rows = []
            cpu_before = 0.0
            for name in ("first run", "unchanged second run"):
                marks = [len(s.requests) for s in servers]
                r = harvest(sites_file, db, args, env)
                rows.append(report_run(name, r, servers, marks, args, cpu_before))
                cpu_before = r["cpu_total"]
        finally:
            for s in servers:
                s.stop()
    project(rows[0], rows[1], args.sites, args)
    return 0 if all(r["complete"] == args.sites for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
