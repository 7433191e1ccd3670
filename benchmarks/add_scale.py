"""Wall time of `nianbao add` of one PDF into a big archive, start-up included (target ≤ 3 s at 100,000 reports).

    .venv/bin/python benchmarks/scale.py --reports 400 --grow-to 100000 --batch 20 --keep /tmp/big
    .venv/bin/python benchmarks/add_scale.py --db /tmp/big/archive.db --store /tmp/big/store [--runs 5]

Each run adds tests/fixtures/extract/report_a.pdf with a different trailing comment (new bytes,
the same report: a new document, dedup and near-duplicate lookup, parsing, a new version, the
across-years checks, the search index) in a fresh process; then the same file once more, which
must add nothing. The archive is modified (that is the point); use a kept benchmark archive.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "tests" / "fixtures" / "extract" / "report_a.pdf"


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - t0, proc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    reports = sqlite3.connect(args.db).execute("select count(*) from reports").fetchone()[0]
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            pdf = Path(tmp) / f"copy-{i}.pdf"
            pdf.write_bytes(PDF.read_bytes() + f"\n% nianbao benchmark {uuid.uuid4()}\n".encode())
            cmd = [sys.executable, "-m", "flows.cli", "add", str(pdf), "--db", args.db, "--store", args.store]
            seconds, proc = timed(cmd)
            assert proc.returncode == 0, proc.stderr
            times.append(seconds)
        again, proc = timed(cmd)
        assert proc.returncode == 0 and "nothing added" in proc.stdout, proc.stdout + proc.stderr
    print(f"nianbao add of one PDF into an archive of {reports:,} reports: median {statistics.median(times):.2f} s, "
          f"best {min(times):.2f} s, worst {max(times):.2f} s wall over {args.runs} runs (target ≤ 3 s); "
          f"the same file again: {again:.2f} s; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
