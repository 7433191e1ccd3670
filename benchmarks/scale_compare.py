"""Does ingest slow down or need more memory as the archive grows? Alternate batches.

Takes an archive grown by `scale.py --grow-to N --keep DIR` and ingests batches
of new synthetic reports alternately into a fresh empty archive and into the
grown one, in the same process with the same runner, so warm-up, load and the
Prefect server affect both sides alike.

    python benchmarks/scale.py --reports 500 --grow-to 100000 --keep /tmp/big
    python benchmarks/scale_compare.py --archive /tmp/big [--batch 300] [--rounds 2]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import scale  # noqa: E402  (configures Prefect before importing it)
from benchmarks.memory import PeakRss  # noqa: E402
from flows.runners import make_task_runner  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--archive", required=True, metavar="DIR", help="directory kept by scale.py --keep")
    ap.add_argument("--batch", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--runner", default="thread", choices=["thread", "process", "dask"])
    args = ap.parse_args()
    big = Path(args.archive)
    if not (big / "scale.db").exists():
        print(f"scale_compare: {big / 'scale.db'} not found (run scale.py --grow-to N --keep {big} first)",
              file=sys.stderr)
        return 2
    import sqlite3
    n_big = sqlite3.connect(big / "scale.db").execute("select count(*) from reports").fetchone()[0]
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="nianbao-compare-") as t:
        empty = Path(t)
        (empty / "store").mkdir()
        site = 5000 + int(time.time()) % 1000 * 10  # new agencies each run: the grown archive is reused
        for r in range(args.rounds):
            for label, where in (("empty archive", empty), (f"{n_big}-report archive", big)):
                site += 1
                work = [scale.make_site(site, site * 1000, args.batch, where, rng)]
                t0 = time.monotonic()
                with PeakRss() as rss:
                    counts = scale.ingest_all.with_options(task_runner=make_task_runner(args.runner))(
                        str(where / "scale.db"), str(where / "store"), work)
                print(f"round {r + 1}, {label:<22} {counts.reports_new / (time.monotonic() - t0):5.1f} reports/s, "
                      f"peak RSS of the process tree {rss.peak / 2**20:5.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
