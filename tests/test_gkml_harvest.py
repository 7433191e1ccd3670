"""A 政府信息公开目录 catalogue: a report listed only under the annual-report category is archived,
under the agency its page's 发布机构 names."""
from __future__ import annotations

from pathlib import Path

import sqlite_utils

from crawlers.sample_server import SampleSite

SITES = Path(__file__).resolve().parent / "sites"


def test_gkml_reports_archived_by_category_and_publisher(prefect_harness, tmp_path):
    from flows.harvest import harvest
    with SampleSite(SITES / "gkml") as server:
        sites = tmp_path / "sites.yaml"
        sites.write_text(f"sites:\n  - id: gkml\n    start_urls: ['{server.url}/gkml/index.html']\n", encoding="utf-8")
        result = harvest(str(sites), str(tmp_path / "a.db"), str(tmp_path / "a.warc"), delay=0.0)
    db = sqlite_utils.Database(tmp_path / "a.db")
    reports = {(r["agency"], r["year"]) for r in db.query("select agency, year from reports")}
    assert reports == {("杭州市交通运输局", 2021), ("杭州市交通运输局", 2020)}
    assert result["errors"] == 0
