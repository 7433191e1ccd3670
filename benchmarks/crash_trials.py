"""Kill -9 the harvest at random points, then check the next run converges on an uninterrupted one.

First an uninterrupted harvest of four CMS sites (the two sample sites, a
plain column and a TRS column with attachments of every kind) gives the
reference archive. Each trial starts from an empty archive and kills
`nianbao harvest` with SIGKILL `--kills` times in a row (trial i: 1 + i mod
kills), each time at a point chosen in turn: just after a crawl process
starts, while WARC records are being written, while the archive's SQLite
transactions are running (documents already committed, more coming), or at a
uniformly random time. After each kill it snapshots what was committed; then
it runs the harvest once to completion and checks:

- the run completes and the archive passes PRAGMA integrity_check;
- every documents row's WARC record exists and its bytes hash to documents.sha256;
- no duplicate reports;
- every report and document committed before a kill is still there, unchanged;
- the archive holds exactly what the uninterrupted run holds: the same
  reports, the same documents (by sha256) and the same statistics cells.

    python benchmarks/crash_trials.py --trials 20 --kills 5
Uses a running Prefect server when PREFECT_API_URL is set, else starts a temporary one.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.warc import read_response  # noqa: E402
from crawlers import sample_routes as routes  # noqa: E402
from crawlers.sample_server import SampleSite, sample_sites_yaml, start_sample_sites  # noqa: E402

TEST_SITES = ROOT / "tests" / "sites"
DOWNFILE = {"88": "2021年统计表.xls".encode("gbk"), "89": "2021年政府信息公开工作年度报告.pdf".encode("utf-8")}


def start_sites() -> tuple[dict[str, SampleSite], str]:
    """The four CMS sites on loopback, and their sites file."""
    servers = start_sample_sites()
    servers["plain"] = SampleSite(TEST_SITES / "plain", host="127.0.0.51").start()
    servers["trs"] = SampleSite(TEST_SITES / "trs", host="127.0.0.52").start()
    servers["trs"].routes["/module/download/downfile.jsp"] = routes.downfile(DOWNFILE, TEST_SITES / "trs/module/download/files")
    yaml = sample_sites_yaml({k: v for k, v in servers.items() if k not in ("plain", "trs")})
    yaml += (f"  - id: plain\n    start_urls: ['{servers['plain'].url}/zwgk/nb/index.html']\n"
             f"  - id: trs\n    start_urls: ['{servers['trs'].url}/xxgk/zfxxgknb/index.html']\n")
    return servers, yaml


def harvest_cmd(sites: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "flows.cli", "harvest", "--sites", str(sites), "--db", str(db), "--delay", "0", "--quiet"]


def contents(db_path: Path) -> dict[str, set]:
    """What an archive holds, independent of row ids: reports, documents by sha256, statistics cells."""
    con = sqlite3.connect(db_path)
    try:
        return {
            "reports": set(con.execute("select agency_key, year from reports")),
            "documents": set(con.execute("select sha256 from documents")),
            "cells": set(con.execute("""select r.agency_key, r.year, s.table_name, s.row_key, s.col_key, s.value
                                        from statistics s join reports r on r.id = s.report_id""")),
        }
    finally:
        con.close()


def compare(got: dict[str, set], want: dict[str, set]) -> list[str]:
    problems = []
    for what in ("reports", "documents", "cells"):
        missing, extra = want[what] - got[what], got[what] - want[what]
        if missing or extra:
            problems.append(f"{what}: {len(got[what])} against {len(want[what])} uninterrupted "
                            f"({len(missing)} missing, {len(extra)} extra)")
    return problems


def snapshot(db_path: Path) -> dict:
    if not db_path.exists():
        return {"reports": {}, "documents": {}, "run_status": None}
    con = sqlite3.connect(db_path)
    try:
        reports = {r[0]: (r[1], r[2]) for r in con.execute("select id, agency_key, year from reports")}
        docs = {r[0]: r[1] for r in con.execute("select id, sha256 from documents")}
        status = con.execute("select status from runs order by started_at desc limit 1").fetchone()
    except sqlite3.OperationalError:  # killed before the schema was committed
        return {"reports": {}, "documents": {}, "run_status": None}
    finally:
        con.close()
    return {"reports": reports, "documents": docs, "run_status": status[0] if status else None}


TARGETS = ("crawl", "WARC writes", "SQLite transactions", "random time")


def _documents_committed(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.05)
        try:
            return con.execute("select count(*) from documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _reached(target: str, db_path: Path, warc_dir: Path) -> bool:
    if target == "crawl":
        return any((warc_dir / "_pending").glob("*.events.jsonl"))
    if target == "WARC writes":
        return any(p.stat().st_size > 0 for p in warc_dir.glob("*.warc.gz"))
    return _documents_committed(db_path) > 0


def wait_and_kill(proc: subprocess.Popen, target: str, db_path: Path, warc_dir: Path, rng: random.Random,
                  max_delay: float) -> float:
    """SIGKILL the harvest once it reaches `target` (plus a small random delay); returns seconds since start."""
    t0 = time.monotonic()
    if target == "random time":
        time.sleep(rng.uniform(0.3, max_delay))
    else:
        while proc.poll() is None and time.monotonic() - t0 < 300 and not _reached(target, db_path, warc_dir):
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.3 if target == "SQLite transactions" else 0.1))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return time.monotonic() - t0


def phase(before: dict, warc_dir: Path) -> str:
    pending = warc_dir / "_pending"
    if before["run_status"] is None:
        return "start-up"
    if before["run_status"] == "completed":
        return "after the run"
    if not before["documents"]:
        has_events = pending.exists() and any(p.stat().st_size for p in pending.glob("*.events.jsonl"))
        return "crawl/WARC writes" if has_events else "crawl start"
    return "archive transactions"


def check(db_path: Path, warc_dir: Path, befores: list[dict], reference: dict[str, set]) -> list[str]:
    problems = []
    con = sqlite3.connect(db_path)
    if con.execute("pragma integrity_check").fetchone()[0] != "ok":
        problems.append("integrity_check failed")
    if con.execute("select status from runs order by started_at desc limit 1").fetchone()[0] != "completed":
        problems.append("recovery run did not complete")
    reports = con.execute("select agency_key, year from reports").fetchall()
    if len(reports) != len(set(reports)):
        problems.append("duplicate reports")
    for doc_id, sha, wf, off in con.execute("select id, sha256, warc_file, warc_offset from documents"):
        try:
            body = read_response(warc_dir, wf, off).decoded_body()
        except Exception as exc:
            problems.append(f"document {doc_id}: WARC record unreadable ({exc})")
            continue
        if hashlib.sha256(body).hexdigest() != sha:
            problems.append(f"document {doc_id}: digest mismatch")
    after_reports = {r[0]: (r[1], r[2]) for r in con.execute("select id, agency_key, year from reports")}
    after_docs = {r[0]: r[1] for r in con.execute("select id, sha256 from documents")}
    con.close()
    for before in befores:
        for k, v in before["reports"].items():
            if after_reports.get(k) != v:
                problems.append(f"report {k} committed before a kill changed or vanished")
        for k, v in before["documents"].items():
            if after_docs.get(k) != v:
                problems.append(f"document {k} committed before a kill changed or vanished")
    return sorted(set(problems)) + compare(contents(db_path), reference)


def run_trials(trials: int, kills: int, seed: int, max_delay: float, env: dict) -> tuple[list[dict], dict]:
    rng = random.Random(seed)
    outcomes = []
    servers, sites_yaml = start_sites()
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-crash-") as tmp:
            sites = Path(tmp) / "sites.yaml"
            sites.write_text(sites_yaml, encoding="utf-8")
            # The reference, and the calibration: kill times spread over one whole uninterrupted run.
            t0 = time.monotonic()
            subprocess.run(harvest_cmd(sites, Path(tmp) / "reference.db"), cwd=ROOT, env=env, check=True,
                           capture_output=True)
            max_delay = max_delay or time.monotonic() - t0
            reference = contents(Path(tmp) / "reference.db")
            print(f"an uninterrupted harvest takes {max_delay:.2f} s and archives {len(reference['reports'])} reports, "
                  f"{len(reference['documents'])} documents, {len(reference['cells'])} statistics cells; "
                  f"random-time kills land in [0.3, {max_delay:.2f}] s", flush=True)
            for i in range(trials):
                db, warc = Path(tmp) / f"t{i}.db", Path(tmp) / f"t{i}.warc"
                befores, kill_log = [], []
                for k in range(1 + i % kills):
                    target = TARGETS[(i + k) % len(TARGETS)]
                    proc = subprocess.Popen(harvest_cmd(sites, db), cwd=ROOT, env=env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                    delay = wait_and_kill(proc, target, db, warc, rng, max_delay)
                    time.sleep(0.3)  # let an orphaned crawler notice its parent died
                    before = snapshot(db)
                    befores.append(before)
                    kill_log.append(f"{target} at {delay:.2f} s during {phase(before, warc)} "
                                    f"({len(before['documents'])} docs)")
                rec = subprocess.run(harvest_cmd(sites, db), cwd=ROOT, env=env, capture_output=True, text=True)
                problems = [f"recovery exited {rec.returncode}: {rec.stderr[-300:]}"] if rec.returncode else []
                if not problems:
                    problems = check(db, warc, befores, reference)
                outcomes.append({"trial": i + 1, "kills": kill_log, "phase": phase(befores[-1], warc),
                                 "problems": problems})
                print(f"trial {i + 1:2d}: {len(kill_log)} kill(s): " + "; ".join(kill_log) + " -> "
                      + ("converged" if not problems else "FAIL: " + "; ".join(problems)), flush=True)
    finally:
        for s in servers.values():
            s.stop()
    return outcomes, reference


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--kills", type=int, default=3, help="most kills in a row before the complete run (default 3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-delay", type=float, default=0.0,
                    help="kill at a uniform random time in [0.3, this] s (default: one uninterrupted run's duration)")
    args = ap.parse_args()
    harness = nullcontext()
    from flows import prefect_env
    prefect_env.configure()
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.testing.utilities import prefect_test_harness
        harness = prefect_test_harness(server_startup_timeout=60)
    with harness:
        from prefect.settings import PREFECT_API_URL
        env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value() or os.environ.get("PREFECT_API_URL", ""))
        outcomes, reference = run_trials(args.trials, max(1, args.kills), args.seed, args.max_delay, env)
    failed = [o for o in outcomes if o["problems"]]
    phases = {}
    for o in outcomes:
        phases[o["phase"]] = phases.get(o["phase"], 0) + 1
    print(f"\n{len(outcomes)} trials, {len(outcomes) - len(failed)} converged on the uninterrupted archive "
          f"({len(reference['reports'])} reports, {len(reference['documents'])} documents, "
          f"{len(reference['cells'])} cells), {len(failed)} failed")
    print("kills by phase: " + ", ".join(f"{k} {v}" for k, v in sorted(phases.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
