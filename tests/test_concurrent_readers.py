"""Readers keep answering while a harvest writes (WAL mode): no "database is locked".

Three kinds of reader: plain SQLite connections, `nianbao search` processes and a
`nianbao serve` (datasette) answering HTTP, all in loops bounded in time."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.test_serve import Server

ROOT = Path(__file__).resolve().parent.parent


def test_readers_during_a_harvest(prefect_harness, sites_file, tmp_path):
    from archive.schema import open_db
    from flows.harvest import harvest
    db_path = tmp_path / "a.db"
    open_db(str(db_path)).conn.close()  # the schema exists before readers arrive
    done = threading.Event()
    stats = {"queries": 0, "errors": []}

    def reader():
        deadline = time.monotonic() + 120  # bounded even if the harvest hangs
        while not done.is_set() and time.monotonic() < deadline:
            con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
            try:
                con.execute("select count(*) from reports").fetchone()
                con.execute("select r.agency, count(d.id) from reports r left join documents d on d.report_id = r.id "
                            "group by r.id").fetchall()
                con.execute("select count(*) from statistics").fetchone()
                stats["queries"] += 3
            except sqlite3.OperationalError as exc:
                stats["errors"].append(str(exc))
            finally:
                con.close()

    answers = {"search": 0, "datasette": 0, "errors": []}

    def searcher():
        deadline = time.monotonic() + 120
        while not done.is_set() and time.monotonic() < deadline:
            proc = subprocess.run([sys.executable, "-m", "flows.cli", "search", "复议", "--db", str(db_path), "--json"],
                                  cwd=ROOT, capture_output=True, text=True, timeout=60)
            if proc.returncode == 0 and isinstance(json.loads(proc.stdout), list):
                answers["search"] += 1
            else:
                answers["errors"].append(f"search exited {proc.returncode}: {proc.stderr[-300:]}")

    def browser(server: Server):
        deadline = time.monotonic() + 120
        while not done.is_set() and time.monotonic() < deadline:
            for path in (f"/{db_path.stem}/reports.json", f"/{db_path.stem}/report_summary.json"):
                status, _, body = server.get(path)
                if status == 200:
                    answers["datasette"] += 1
                else:
                    answers["errors"].append(f"datasette {path}: HTTP {status} {body[:200]!r}")
            time.sleep(0.05)

    server = Server(db_path)
    threads = [threading.Thread(target=reader) for _ in range(2)]
    threads += [threading.Thread(target=searcher), threading.Thread(target=browser, args=(server,))]
    for t in threads:
        t.start()
    try:
        harvest(str(sites_file), str(db_path), str(tmp_path / "a.warc"), delay=0.0)
    finally:
        done.set()
        for t in threads:
            t.join()
        server.stop()
    assert stats["errors"] == [] and answers["errors"] == []
    assert stats["queries"] > 30 and answers["search"] >= 2 and answers["datasette"] >= 10
    print(f"during the harvest: {stats['queries']} SQL queries, {answers['search']} searches, "
          f"{answers['datasette']} datasette pages, 0 errors")
    con = sqlite3.connect(db_path)
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
