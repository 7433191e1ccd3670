"""Harvest time of the bundled sample sites with each task runner, and reparse throughput.

Runs inside one temporary Prefect server (or the one PREFECT_API_URL names), so
its start-up is not counted; each harvest starts from an empty archive with no
politeness delay (loopback).

    python benchmarks/runners.py [--repeats 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows import prefect_env  # noqa: E402

prefect_env.configure()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    from crawlers.sample_server import sample_sites_yaml, start_sample_sites
    harness = nullcontext()
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.testing.utilities import prefect_test_harness
        harness = prefect_test_harness(server_startup_timeout=120)
    servers = start_sample_sites()
    try:
        with harness, tempfile.TemporaryDirectory(prefix="nianbao-runners-") as tmp:
            from flows.harvest import harvest
            from flows.reparse import reparse
            from flows.runners import make_task_runner
            sites = Path(tmp) / "sites.yaml"
            sites.write_text(sample_sites_yaml(servers), encoding="utf-8")
            last_db = None
            for kind in ("thread", "process", "dask"):
                times = []
                for i in range(args.repeats):
                    db, warc = Path(tmp) / f"{kind}{i}.db", Path(tmp) / f"{kind}{i}.warc"
                    t0 = time.monotonic()
                    result = harvest.with_options(task_runner=make_task_runner(kind, workers=2))(
                        str(sites), str(db), str(warc), delay=0.0)
                    times.append(time.monotonic() - t0)
                    last_db = (db, warc)
                print(f"harvest, {kind:<7} runner: median {statistics.median(times):5.2f} s over {args.repeats} runs "
                      f"(min {min(times):.2f}, max {max(times):.2f}); {result.get('reports_new', '?')} reports, "
                      f"{result.get('documents_new', '?')} documents", flush=True)
            for kind in ("thread", "process"):
                t0 = time.monotonic()
                out = reparse.with_options(task_runner=make_task_runner(kind, workers=2))(str(last_db[0]), str(last_db[1]))
                s = time.monotonic() - t0
                print(f"reparse, {kind:<7} runner: {out['documents']} documents in {s:.2f} s = "
                      f"{out['documents'] / s:.1f} documents/s", flush=True)
    finally:
        for s in servers.values():
            s.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
