"""Which archived report a document joins: qualified names decide, across sites; old archives re-filed.

A real SQLite archive file; identities come from `identify` on documents shaped like the
real layouts (fictional names: 柏宝县 and 榆宝县 each have a 长城镇).
"""
from __future__ import annotations

import json

from archive.schema import open_db
from archive.store import ArchiveWriter
from parsers.model import Block, Document
from parsers.report.identity import identify

BODY = "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况"
TITLE = "长城镇2023年政府信息公开工作年度报告"
WHEN = "2024-02-01T00:00:00Z"


def _doc(*lines: str) -> Document:
    blocks = [Block("paragraph", text=line) for line in (TITLE, *lines, BODY)]
    return Document("html", title=TITLE, text="\n".join(b.text for b in blocks), blocks=blocks)


def _writer(tmp_path) -> ArchiveWriter:
    return ArchiveWriter(open_db(str(tmp_path / "a.db")), "run-1")


def test_namesakes_of_two_sites_are_two_reports_and_one_agency_of_two_sites_is_one(tmp_path):
    w = _writer(tmp_path)
    a, new_a = w.report_for(identify(_doc(), publisher="柏宝县长城镇人民政府"), "baibao", WHEN)
    b, new_b = w.report_for(identify(_doc(), publisher="榆宝县长城镇人民政府"), "yubao", WHEN)
    assert new_a and new_b and a != b
    # the county's own portal names the town alone: its place (the sites file's name) makes it the same agency
    same, created = w.report_for(identify(_doc(), site_name="柏宝县人民政府"), "baibao-county", WHEN)
    assert (same, created) == (a, False)
    rows = {r["id"]: r for r in w.db.query("select * from reports")}
    assert rows[a]["agency"] == "柏宝县长城镇人民政府" and rows[a]["agency_qualified"] == 1


def test_a_short_name_nothing_qualifies_stays_apart_per_site_with_a_warning(tmp_path):
    w = _writer(tmp_path)
    one, _ = w.report_for(identify(_doc()), "site-one", WHEN)
    two, _ = w.report_for(identify(_doc()), "site-two", WHEN)
    assert one != two
    again, created = w.report_for(identify(_doc()), "site-one", WHEN)
    assert (again, created) == (one, False)
    row = w.db["reports"].get(one)
    assert row["agency"] == "长城镇" and row["agency_qualified"] == 0 and row["agency_key"] == "长城镇@site-one"
    assert any("kept apart" in x for x in json.loads(row["identity_warnings_json"]))


def test_a_short_name_is_placed_where_the_sites_other_reports_are(tmp_path):
    w = _writer(tmp_path)
    county_bureau = Document("html", title="柏宝县财政局2023年政府信息公开工作年度报告", text=BODY)
    w.report_for(identify(county_bureau), "portal", WHEN)
    town, _ = w.report_for(identify(_doc()), "portal", WHEN)
    row = w.db["reports"].get(town)
    assert row["agency_key"] == "柏宝县长城镇" and row["agency_qualified"] == 1
    assert "placed in 柏宝县" in row["identity_warnings_json"]


def test_an_old_archive_is_refiled_by_site_without_losing_anything(tmp_path):
    """A schema-2 archive merged both counties' 长城镇 into one report: opening it splits them."""
    path = str(tmp_path / "old.db")
    db = open_db(path)
    db["sites"].insert_all([{"id": "baibao", "name": None}, {"id": "yubao", "name": "榆宝县人民政府"}])
    report = db["reports"].insert({"agency": "长城镇", "agency_key": "长城镇", "year": 2023, "title": TITLE,
                                   "site_id": "baibao", "first_seen_at": WHEN, "last_seen_at": WHEN}).last_pk
    docs = [(_doc("来源：柏宝县长城镇人民政府"), "baibao", "a"), (_doc(), "yubao", "b")]
    for doc, site, sha in docs:
        db["documents"].insert({"report_id": report, "site_id": site, "sha256": sha, "url": f"http://{site}/2023.html",
                                "document_json": doc.to_json(), "text": doc.text, "role": "page"})
    db["_meta"].upsert({"key": "schema_version", "value": "2"}, pk="key")
    db.conn.close()

    db = open_db(path)  # the migration runs on open
    reports = {r["agency_key"]: r for r in db.query("select * from reports")}
    assert set(reports) == {"柏宝县长城镇", "榆宝县长城镇"}
    by_site = {r["site_id"]: r["report_id"] for r in db.query("select site_id, report_id from documents")}
    assert by_site == {"baibao": reports["柏宝县长城镇"]["id"], "yubao": reports["榆宝县长城镇"]["id"]}
    assert db["documents"].count == 2 and db["report_moves"].count == 1
    assert reports["柏宝县长城镇"]["id"] == report  # the old report keeps its id, history and versions
    assert "reparse" in reports["柏宝县长城镇"]["identity_warnings_json"]
    assert db.execute("select value from _meta where key = 'schema_version'").fetchone()[0] == "3"
