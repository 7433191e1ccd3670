"""Kill -9 the harvest at random points, then check the next run recovers everything.

Each trial starts from an empty archive, runs `nianbao harvest` on the sample
sites and kills it with SIGKILL at a point chosen in turn: just after the
crawl process starts, while WARC records are being written, while the archive's
SQLite transactions are running (documents already committed, more coming),
or at a uniformly random time. It snapshots what was committed, runs the
harvest again to completion and checks:

- the recovery run completes and the archive passes PRAGMA integrity_check;
- every documents row's WARC record exists and its bytes hash to documents.sha256;
- no duplicate reports, and exactly the sample sites' reports;
- every report and document committed before the kill is still there, unchanged.

    python benchmarks/crash_trials.py --trials 20
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
from crawlers.sample_server import sample_sites_yaml, start_sample_sites  # noqa: E402


def harvest_cmd(sites: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "flows.cli", "harvest", "--sites", str(sites), "--db", str(db), "--delay", "0", "--quiet"]


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


def check(db_path: Path, warc_dir: Path, before: dict, expected: int) -> list[str]:
    problems = []
    con = sqlite3.connect(db_path)
    if con.execute("pragma integrity_check").fetchone()[0] != "ok":
        problems.append("integrity_check failed")
    if con.execute("select status from runs order by started_at desc limit 1").fetchone()[0] != "completed":
        problems.append("recovery run did not complete")
    reports = con.execute("select agency_key, year from reports").fetchall()
    if len(reports) != len(set(reports)):
        problems.append("duplicate reports")
    if len(reports) != expected:
        problems.append(f"{len(reports)} reports, expected {expected}")
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
    for k, v in before["reports"].items():
        if after_reports.get(k) != v:
            problems.append(f"report {k} committed before the kill changed or vanished")
    for k, v in before["documents"].items():
        if after_docs.get(k) != v:
            problems.append(f"document {k} committed before the kill changed or vanished")
    return problems


def run_trials(trials: int, seed: int, max_delay: float, env: dict, expected: int) -> list[dict]:
    rng = random.Random(seed)
    outcomes = []
    servers = start_sample_sites()
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-crash-") as tmp:
            sites = Path(tmp) / "sites.yaml"
            sites.write_text(sample_sites_yaml(servers), encoding="utf-8")
            # Calibrate: kill times spread over one whole uninterrupted run.
            t0 = time.monotonic()
            subprocess.run(harvest_cmd(sites, Path(tmp) / "calibrate.db"), cwd=ROOT, env=env, check=True,
                           capture_output=True)
            max_delay = max_delay or time.monotonic() - t0
            print(f"an uninterrupted harvest takes {max_delay:.2f} s; random-time kills land in [0.3, {max_delay:.2f}] s",
                  flush=True)
            for i in range(trials):
                db, warc = Path(tmp) / f"t{i}.db", Path(tmp) / f"t{i}.warc"
                target = TARGETS[i % len(TARGETS)]
                proc = subprocess.Popen(harvest_cmd(sites, db), cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                delay = wait_and_kill(proc, target, db, warc, rng, max_delay)
                time.sleep(0.3)  # let an orphaned crawler notice its parent died
                before = snapshot(db)
                where = phase(before, warc)
                rec = subprocess.run(harvest_cmd(sites, db), cwd=ROOT, env=env, capture_output=True, text=True)
                problems = [f"recovery exited {rec.returncode}: {rec.stderr[-300:]}"] if rec.returncode else []
                if not problems:
                    problems = check(db, warc, before, expected)
                outcomes.append({"trial": i + 1, "kill_after_s": round(delay, 2), "phase": where, "target": target,
                                 "committed_docs": len(before["documents"]), "problems": problems})
                print(f"trial {i + 1:2d}: aimed at {target:<19} killed after {delay:5.2f} s during {where:<20} "
                      f"({len(before['documents']):2d} documents committed) -> "
                      + ("OK" if not problems else "FAIL: " + "; ".join(problems)), flush=True)
    finally:
        for s in servers.values():
            s.stop()
    return outcomes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-delay", type=float, default=0.0,
                    help="kill at a uniform random time in [0.3, this] s (default: one uninterrupted run's duration)")
    args = ap.parse_args()
    import json
    expected = sum(len(v) for v in json.loads((ROOT / "crawlers/sample_sites/expected.json").read_text()).values())
    harness = nullcontext()
    from flows import prefect_env
    prefect_env.configure()
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.testing.utilities import prefect_test_harness
        harness = prefect_test_harness(server_startup_timeout=60)
    with harness:
        from prefect.settings import PREFECT_API_URL
        env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value() or os.environ.get("PREFECT_API_URL", ""))
        outcomes = run_trials(args.trials, args.seed, args.max_delay, env, expected)
    failed = [o for o in outcomes if o["problems"]]
    phases = {}
    for o in outcomes:
        phases[o["phase"]] = phases.get(o["phase"], 0) + 1
    print(f"\n{len(outcomes)} trials, {len(outcomes) - len(failed)} recovered fully, {len(failed)} failed")
    print("kills by phase: " + ", ".join(f"{k} {v}" for k, v in sorted(phases.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
