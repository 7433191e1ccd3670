"""Agency and place page latency at archive scale (targets: agency ≤ 200 ms, place ≤ 500 ms at 100,000 reports).

A seed archive is written by tests/archive_builder.py (real rows, real WARC records: agencies
of 8 years each, in counties of several provinces), then grown to --reports by replicating
its report rows in SQL: new ids and agency keys, each replica moved to another county of the
division list, so a province holds about 1/31 of the reports as it would nationally (pass
--provinces to crowd them). The pages are fetched through datasette's own ASGI client (routing,
queries and template rendering; no network), each several times: the figures are medians and
p95 of warm requests, with the first (cold) request reported apart.

    python benchmarks/bench_pages.py --reports 100000
    python benchmarks/bench_pages.py --reports 20000 --keep /tmp/pages.db
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics as stats
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.schema import open_db  # noqa: E402
from archive.serve import build_datasette, prepare_archive  # noqa: E402
from parsers.report import regions  # noqa: E402
from tests.archive_builder import ArchiveBuilder  # noqa: E402

YEARS = range(2016, 2024)
REPLICATED = ("reports", "documents", "captures", "statistics", "checks", "report_versions")  # referenced first


def seed(db_path: Path, agencies: int, counties: list[str]) -> None:
    b = ArchiveBuilder(db_path, seed=42)
    rng = random.Random(42)
    for i in range(agencies):
        code = counties[i % len(counties)]
        r = regions.by_code(code)
        prov, city = regions.by_code(r.province_code), regions.by_code(r.city_code or "")
        for year in YEARS:
            b.add_report(agency=f"{r.name}第{i}局", agency_key=f"agency-{i}", year=year, region_code=code,
                         province=prov.name if prov else None, city=city.name if city else None, county=r.name,
                         level="department", template="2019" if year < 2021 else "2021",
                         refusals={"denied_third_party": rng.randint(0, 9)}, lawsuits=rng.randint(0, 5))
    b.db.conn.close()


def grow(db_path: Path, target: int, counties: list[str]) -> int:
    """Replicate the seed's report rows until the archive holds `target` reports."""
    db = open_db(str(db_path))
    conn = db.conn
    conn.execute("PRAGMA foreign_keys=OFF")  # the copies point at copies made in the same transaction
    conn.execute("create temp table codes (i integer primary key, code text)")
    conn.executemany("insert into codes values (?, ?)", list(enumerate(counties)))
    n0 = conn.execute("select count(*) from reports").fetchone()[0]
    top = {t: conn.execute(f"select coalesce(max(id), 0) from {t}").fetchone()[0] for t in REPLICATED}
    ncodes = len(counties)
    refs = {"report_id": "reports", "document_id": "documents"}
    for k in range(1, -(-target // n0)):
        with conn:
            for t in REPLICATED:
                cols = list(db[t].columns_dict)
                exprs = []
                for c in cols:
                    if c == "id":
                        exprs.append(f"id + {k * top[t]}")
                    elif c in refs:
                        exprs.append(f"{c} + {k * top[refs[c]]}")
                    elif t == "reports" and c == "agency_key":
                        exprs.append(f"agency_key || '-{k}'")
                    elif t == "reports" and c == "region_code":
                        # another county for each replica of an agency (all its years move together)
                        exprs.append(f"(select code from codes where i = (cast(substr(agency_key, 8) as integer) "
                                     f"* 7 + {k} * 131) % {ncodes})")
                    elif c == "sha256" and t == "documents":
                        exprs.append(f"sha256 || '-{k}'")
                    elif c == "warc_offset" and t == "captures":
                        exprs.append(f"warc_offset + {k} * 1000000000")
                    elif c in ("text", "document_json") and t == "documents":
                        exprs.append("NULL")  # the pages never read them; keeps the file small
                    else:
                        exprs.append(f"[{c}]")
                conn.execute(f"insert into {t} ({', '.join(f'[{c}]' for c in cols)}) "
                             f"select {', '.join(exprs)} from {t} where id <= {top[t]}")
        n = conn.execute("select count(*) from reports").fetchone()[0]
        print(f"\r  grown to {n:,} reports", end="", file=sys.stderr, flush=True)
        if n >= target:
            break
    print(file=sys.stderr)
    conn.execute("analyze")
    n = conn.execute("select count(*) from reports").fetchone()[0]
    conn.close()
    return n


async def timings(ds, paths: list[str], repeats: int) -> tuple[list[float], list[float]]:
    cold, warm = [], []
    for path in paths:
        for i in range(repeats + 1):
            t0 = time.perf_counter()
            r = await ds.client.get(path)
            dt = (time.perf_counter() - t0) * 1000
            assert r.status_code == 200, (path, r.status_code, r.text[:300])
            (cold if i == 0 else warm).append(dt)
    return cold, warm


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=100_000, help="archive size to grow to (default 100,000)")
    ap.add_argument("--seed-agencies", type=int, default=60, help="agencies in the seed (8 years each)")
    ap.add_argument("--provinces", type=int, default=31, help="spread the replicas over this many provinces")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--keep", help="build (or reuse) the archive at this path instead of a temporary one")
    args = ap.parse_args()

    codes = sorted(c for c in regions._codes() if regions.by_code(c).level == "county")
    provinces = sorted({c[:2] for c in codes})[: args.provinces]
    counties = [c for c in codes if c[:2] in provinces]
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    db_path = Path(args.keep) if args.keep else tmp / "pages.db"
    t0 = time.perf_counter()
    if not db_path.exists():
        seed(db_path, args.seed_agencies, counties)
        n = grow(db_path, args.reports, counties)
    else:
        n = open_db(str(db_path)).execute("select count(*) from reports").fetchone()[0]
    prepare_archive(db_path)
    build_s = time.perf_counter() - t0
    size_mb = os.path.getsize(db_path) / 1e6

    ds = build_datasette(db_path, None)
    conn = open_db(str(db_path)).conn
    rng = random.Random(1)
    keys = [k for (k,) in conn.execute("select agency_key from reports where year = 2023 order by random() limit 10")]
    busiest_province = conn.execute("select substr(region_code, 1, 2) || '0000', count(*) from reports "
                                    "group by 1 order by 2 desc limit 1").fetchone()
    city = conn.execute("select substr(region_code, 1, 4) || '00' from reports group by 1 order by count(*) desc "
                        "limit 1").fetchone()[0]
    county = rng.choice([c for (c,) in conn.execute("select distinct region_code from reports limit 200")])
    conn.close()

    async def run():
        await ds.invoke_startup()
        out = {}
        out["agency page"] = await timings(ds, [f"/-/nianbao/agency/{quote(k)}" for k in keys], args.repeats)
        for label, code in (("place page, province", busiest_province[0]), ("place page, city", city),
                            ("place page, county", county)):
            out[label] = await timings(ds, [f"/-/nianbao/place/{code}"], args.repeats)
        out["place CSV, province"] = await timings(ds, [f"/-/nianbao/place/{busiest_province[0]}.csv"], args.repeats)
        out["agency feed"] = await timings(ds, [f"/-/nianbao/agency/{quote(k)}.atom" for k in keys[:3]], args.repeats)
        out["place feed, province"] = await timings(ds, [f"/-/nianbao/place/{busiest_province[0]}.atom"], args.repeats)
        out["feed, everywhere"] = await timings(ds, ["/-/nianbao/feed.atom"], args.repeats)
        return out

    results = asyncio.run(run())
    load = os.getloadavg()
    print(f"archive: {n:,} reports, {size_mb:,.0f} MB, built in {build_s:,.0f} s; busiest province "
          f"{busiest_province[0]} holds {busiest_province[1]:,} reports")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'page':28} {'cold ms':>8} {'median ms':>10} {'p95 ms':>8}")
    for label, (cold, warm) in results.items():
        print(f"{label:28} {stats.median(cold):8.1f} {stats.median(warm):10.1f} {p95(warm):8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
