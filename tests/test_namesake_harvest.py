"""Two counties' towns of one name are two reports: a real harvest of four loopback portals.

柏宝县 and 榆宝县 each have a 长城镇 whose report is titled "长城镇2023年政府信息公开工作年度报告";
their pages name the full agency in the 来源 line, the contact sentence and the signature. A
third portal (the sites file calls it 柏宝县人民政府) names the town alone: it is 柏宝县's, so it
joins that report. A fourth names the town alone on a site the sites file says nothing about:
it stays a report of its own, with a warning.
"""
from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

import sqlite_utils

from crawlers.sample_server import SampleSite

SITES = Path(__file__).resolve().parent / "sites" / "namesakes"


def test_namesake_towns_of_two_counties_stay_two_reports(prefect_harness, tmp_path):
    from flows.harvest import harvest
    with ExitStack() as stack:
        servers = {name: stack.enter_context(SampleSite(SITES / name)) for name in ("baibao", "yubao", "mirror", "bare")}
        names = {"mirror": "    name: 柏宝县人民政府\n"}
        sites = tmp_path / "sites.yaml"
        sites.write_text("sites:\n" + "".join(
            f"  - id: {name}\n    start_urls: ['{server.url}/nb/index.html']\n" + names.get(name, "")
            for name, server in servers.items()), encoding="utf-8")
        result = harvest(str(sites), str(tmp_path / "a.db"), str(tmp_path / "a.warc"), delay=0.0)
    assert result["errors"] == 0
    db = sqlite_utils.Database(tmp_path / "a.db")
    reports = {r["agency"]: r for r in db.query("select * from reports where year = 2023")}
    assert set(reports) == {"柏宝县长城镇人民政府", "榆宝县长城镇人民政府", "长城镇"}
    sites_of = {agency: sorted(r["site_id"] for r in db.query(
        "select distinct d.site_id from documents d join reports r on r.id = d.report_id where r.agency = ?",
        [agency])) for agency in reports}
    assert sites_of == {"柏宝县长城镇人民政府": ["baibao", "mirror"], "榆宝县长城镇人民政府": ["yubao"],
                        "长城镇": ["bare"]}
    assert reports["柏宝县长城镇人民政府"]["agency_qualified"] == 1
    apart = reports["长城镇"]
    assert apart["agency_qualified"] == 0 and apart["agency_key"] == "长城镇@bare"
    assert any("kept apart" in w for w in json.loads(apart["identity_warnings_json"]))
    # Each county's numbers are its own: 3 and 5 requests, never one report's numbers hiding the other's.
    received = {r["agency"]: r["value"] for r in db.query(
        "select r.agency, s.value from statistics s join reports r on r.id = s.report_id "
        "where s.table_name = 'prose' and s.row_key = 'applications_received'")}
    assert received.get("榆宝县长城镇人民政府") == 5 and received.get("长城镇") == 7
