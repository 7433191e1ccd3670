"""Latency of the across-years canned queries at archive scale (targets: interactive, < 1 s).

    .venv/bin/python benchmarks/across_years_queries.py [--reports 100000]

Builds an archive with the real schema (archive/schema.py) holding N synthetic reports over
5 years: 3 table fingerprints each (1 % of tables copied from the same agency's year before,
0.5 % from another agency), a `carried_over_continuity` check on every later year (3 % failing)
and a few ×10 jumps, then times the canned queries of archive/datasette/metadata.yaml as
datasette runs them (blank parameters) and prints median of 5 runs, rows and load average.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
import sys  # noqa: E402

sys.path.insert(0, str(ROOT))
from archive.schema import open_db  # noqa: E402

QUERIES = ("continuity_mismatches", "year_jumps", "copied_statistics")


def build(path: str, n: int, rng: random.Random) -> None:
    db = open_db(path)
    years = 5
    agencies = n // years
    reports, prints, checks, jumps = [], [], [], []
    for i in range(n):
        agency, year = i // years, 2019 + i % years
        reports.append({"id": i + 1, "agency": f"机关{agency}", "agency_key": f"机关{agency}", "year": year,
                        "province": f"省{agency % 31}", "template": "2021", "current_version": 1})
        for t, table in enumerate(("active", "requests", "review")):
            fp = f"{i}-{t}"
            if year > 2019 and rng.random() < 0.01:
                fp = f"{i - 1}-{t}"          # the year before, repeated
            elif rng.random() < 0.005:
                fp = f"{rng.randrange(n)}-{t}"  # another agency's
            prints.append({"report_id": i + 1, "table_name": table, "fingerprint": fp, "cells": 40,
                           "nonzero_cells": rng.randint(0, 40)})
        if year > 2019:
            passed = 0 if rng.random() < 0.03 else 1
            checks.append({"report_id": i + 1, "version": 1, "check_name": "carried_over_continuity",
                           "passed": passed, "detail": "synthetic"})
            if rng.random() < 0.01:
                jumps.append({"report_id": i + 1, "previous_report_id": i, "table_name": "requests",
                              "row_key": "new", "col_key": "total", "value": 300, "previous_value": 3,
                              "ratio": 100.0, "detail": "synthetic"})
    counts: dict[tuple[str, str], int] = {}
    for p in prints:
        counts[(p["table_name"], p["fingerprint"])] = counts.get((p["table_name"], p["fingerprint"]), 0) + 1
    for p in prints:  # as archive/fingerprints.py keeps it
        p["shared"] = int(counts[(p["table_name"], p["fingerprint"])] > 1)
    with db.conn:
        db["reports"].insert_all(reports, batch_size=5000)
        db["statistics_fingerprints"].insert_all(prints, batch_size=5000)
        db["checks"].insert_all(checks, batch_size=5000)
        db["year_jumps"].insert_all(jumps, batch_size=5000)
    db.execute("analyze")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=100_000)
    args = ap.parse_args()
    queries = yaml.safe_load((ROOT / "archive/datasette/metadata.yaml").read_text(encoding="utf-8"))
    queries = queries["databases"]["archive"]["queries"]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "a.db")
        t0 = time.perf_counter()
        build(path, args.reports, random.Random(13))
        print(f"built {args.reports:,} synthetic reports in {time.perf_counter() - t0:.1f} s")
        db = open_db(path)
        for name in QUERIES:
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                rows = list(db.query(queries[name]["sql"], {"year": "", "province": ""}))
                times.append(time.perf_counter() - t0)
            print(f"{name}: median {statistics.median(times) * 1000:.0f} ms, {len(rows):,} rows "
                  f"(load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
