"""`reparse` rebuilds numbers from the WARC captures, without the network, versioning only what changed."""
from __future__ import annotations

import subprocess
import sys

import sqlite_utils


def test_reparse_from_warc_without_network(prefect_harness, sites_file, tmp_path, sample_sites):
    from flows.harvest import harvest
    from flows.reparse import reparse
    db_path, warc = str(tmp_path / "a.db"), str(tmp_path / "a.warc")
    harvest(str(sites_file), db_path, warc, delay=0.0)
    db = sqlite_utils.Database(db_path)
    cells_before = db["statistics"].count
    assert cells_before > 0
    requests_before = sum(len(s.requests) for s in sample_sites.values())

    # Unchanged parser: nothing new.
    result = reparse(db_path, warc)
    assert result["versions_new"] == 0 and result["errors"] == 0

    # An archive made by an older parser that found no numbers in one report.
    rid = next(db.query("select report_id from statistics limit 1"))["report_id"]
    with db.conn:
        db.execute("delete from statistics where report_id = ?", [rid])
        db.execute("update report_versions set content_sha256 = 'older-parser', parser = 'nianbao-parser 0' "
                   "where report_id = ? and is_current = 1", [rid])
    result = reparse(db_path, warc)
    assert result["versions_new"] == 1
    v = next(db.query("select * from report_versions where report_id = ? and is_current = 1", [rid]))
    assert v["version"] == 2 and v["parser"] != "nianbao-parser 0"
    assert db["statistics"].count == cells_before
    assert next(db.query("select command, status from runs order by started_at desc limit 1")) == \
        {"command": "reparse", "status": "completed"}
    assert sum(len(s.requests) for s in sample_sites.values()) == requests_before  # no request reached a server


def test_reparse_cli_errors_name_the_file(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "reparse", "--db", str(tmp_path / "none.db")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "none.db: no such archive" in proc.stderr
