"""Readers keep answering while a harvest writes (WAL mode): no "database is locked"."""
from __future__ import annotations

import sqlite3
import threading
import time


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

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        harvest(str(sites_file), str(db_path), str(tmp_path / "a.warc"), delay=0.0)
    finally:
        done.set()
        for t in threads:
            t.join()
    assert stats["errors"] == []
    assert stats["queries"] > 30
    con = sqlite3.connect(db_path)
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
