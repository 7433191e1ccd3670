"""Versions: a corrected number on the site becomes version 2 naming the cell; nothing is overwritten."""
from __future__ import annotations

import json
import re
import shutil

import sqlite_utils

from crawlers.sample_server import SAMPLE_SITES, SampleSite

REPORT_2021 = ("zwgk/zfxxgknb/202201/t20220125_2001.html", "xxgk/2022/t20220125_2001.html")
NEW_ROW = re.compile(r"(一、本年新收政府信息公开申请数量</p></td>(?:<td><p>[^<]*</p></td>){0})<td><p>(\d+)</p></td>")


def _site_copy(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITES / "qinghe", root)
    return root


def _harvest(tmp_path, site: SampleSite):
    from flows.harvest import harvest
    sites = tmp_path / "sites.yaml"
    sites.write_text(f"sites:\n  - id: qinghe\n    name: 清河县人民政府\n    start_urls: ['{site.url}/zwgk/zfxxgknb/index.html']\n",
                     encoding="utf-8")
    result = harvest(str(sites), str(tmp_path / "a.db"), str(tmp_path / "a.warc"), delay=0.0)
    return result, sqlite_utils.Database(tmp_path / "a.db")


def test_changed_number_makes_version_2_with_that_cell_named(prefect_harness, tmp_path, expected_reports):
    root = _site_copy(tmp_path)
    with SampleSite(root) as site:
        _, db = _harvest(tmp_path, site)
        report = next(db.query("select * from reports where agency_key = '清河县' and year = 2021"))
        before = {(r["row_key"], r["col_key"]): r["value"] for r in db.query(
            "select * from statistics where report_id = ? and table_name = 'requests'", [report["id"]])}
        truth = next(r for r in expected_reports["qinghe"] if r["year"] == 2021 and r["agency"] == "清河县人民政府")
        old = truth["statistics"]["requests"]["new"]["natural_person"]
        assert before[("new", "natural_person")] == old

        for rel in REPORT_2021:  # the site corrects the number on both URLs it serves the report at
            html = (root / rel).read_text(encoding="utf-8")
            html, n = NEW_ROW.subn(lambda m: f"{m.group(1)}<td><p>{old + 5}</p></td>", html, count=1)
            assert n == 1
            (root / rel).write_text(html, encoding="utf-8")

        result, db = _harvest(tmp_path, site)
    assert result["versions_new"] == 1
    versions = list(db.query("select * from report_versions where report_id = ? order by version", [report["id"]]))
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["is_current"] for v in versions] == [0, 1]
    changes = json.loads(versions[1]["changes_json"])
    named = {(c["table"], c["row"], c["col"]): (c["old"], c["new"]) for c in changes["cells_changed"]}
    assert named[("requests", "new", "natural_person")] == (old, old + 5)
    assert changes["text"] and changes["text"][0]["lines_added"] >= 1
    # statistics holds the current version; statistics_history the superseded one; the view both
    cur = next(db.query("select value, version from statistics where report_id = ? and table_name = 'requests' "
                        "and row_key = 'new' and col_key = 'natural_person'", [report["id"]]))
    assert (cur["value"], cur["version"]) == (old + 5, 2)
    hist = [r["value"] for r in db.query(
        "select value from statistics_all_versions where report_id = ? and table_name = 'requests' and row_key = 'new' "
        "and col_key = 'natural_person' order by version", [report["id"]])]
    assert hist == [old, old + 5]
    assert [r["version"] for r in db.query(
        "select version from statistics_history where report_id = ? and table_name = 'requests' and row_key = 'new' "
        "and col_key = 'natural_person'", [report["id"]])] == [1]
    # nothing overwritten: both documents are kept, each with its own capture
    assert db["documents"].count_where("report_id = ?", [report["id"]]) == 2


def test_removed_report_is_recorded_not_deleted(prefect_harness, tmp_path):
    root = _site_copy(tmp_path)
    with SampleSite(root) as site:
        _harvest(tmp_path, site)
        (root / "zwgk/zfxxgknb/202003/P020200330998877665544.docx").unlink()  # the 2019 report disappears
        _, db = _harvest(tmp_path, site)
    report = next(db.query("select * from reports where agency_key = '清河县' and year = 2019"))
    assert report["removed_at"] is not None
    assert db["documents"].count_where("report_id = ?", [report["id"]]) == 1
    others = db["reports"].count_where("removed_at is not null")
    assert others == 1


def test_a_version_recorded_by_another_writer_meanwhile_is_not_numbered_twice(prefect_harness, tmp_path):
    """`nianbao add` holds the write lock while it records a version of a report the harvest is about to
    version too: the harvest's version is numbered after it, not given the same number (which failed the
    whole harvest on the UNIQUE (report_id, version) index)."""
    import threading
    import time

    from archive.schema import open_db
    from archive.store import ArchiveWriter

    with SampleSite(_site_copy(tmp_path)) as site:
        _, db = _harvest(tmp_path, site)
    report_id = next(db.query("select id from reports where agency_key = '清河县' and year = 2021"))["id"]

    def parsed_with(new_value: int) -> dict:
        skip = {"id", "report_id", "version", "run_id", "parser"}
        rows = {t: [{k: v for k, v in r.items() if k not in skip} for r in db.query(
            f"select * from {t} where report_id = ?", [report_id])] for t in ("statistics", "checks", "sections")}
        for c in rows["statistics"]:
            if (c["table_name"], c["row_key"], c["col_key"]) == ("requests", "new", "natural_person"):
                c["value"] = new_value
        return {"cells": rows["statistics"], "checks": rows["checks"], "sections": rows["sections"],
                "report": {}, "parser": "test", "warnings": []}

    first, second = parsed_with(1001), parsed_with(1002)
    adder = ArchiveWriter(open_db(str(tmp_path / "a.db")), "run-add")
    documents = adder.current_documents(report_id)
    adder.db.conn.execute("BEGIN IMMEDIATE")  # as `nianbao add` does
    got: dict = {}

    def harvest_step() -> None:  # the harvest's writer, on a connection of its own
        harvester = ArchiveWriter(open_db(str(tmp_path / "a.db"), ensure=False), "run-harvest")
        got["v"] = harvester.store_version(report_id, documents, second, "t2")

    thread = threading.Thread(target=harvest_step)
    thread.start()
    time.sleep(0.5)  # the harvester now waits for the lock
    got["add"] = adder.store_version(report_id, documents, first, "t1")
    thread.join(timeout=60)
    assert (got["add"], got.get("v")) == (2, 3)
    versions = [r["version"] for r in db.query("select version from report_versions where report_id = ? order by version",
                                               [report_id])]
    assert versions == [1, 2, 3]
