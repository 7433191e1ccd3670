"""A registry entry whose start URL is one report's page, not its column.

Many real entries point at a report seen in the wild rather than at the column
listing them. The page is archived as that report (with its attachments), its
links are still walked, and on the next night it is asked conditionally like
any known document, so an unchanged report costs a 304.
"""
from __future__ import annotations

from pathlib import Path

import sqlite_utils

from crawlers.sample_server import SampleSite

SITES = Path(__file__).parent / "sites"
TRS_PAGE = "/xxgk/zfxxgknb/202101/t20210129_998877.html"  # title, body, and DOCX/WPS/ZIP attachments
PLAIN_PAGE = "/zwgk/nb/2023/0128_101.html"  # the report's full text on the page, no attachment
PLAIN_LIST = "/zwgk/nb/index.html"


def test_start_urls_that_are_report_pages_are_archived_as_reports(prefect_harness, tmp_path):
    from flows.harvest import harvest
    db_path, warc = str(tmp_path / "a.db"), str(tmp_path / "a.warc")
    with SampleSite(SITES / "trs", host="127.0.0.46") as trs, SampleSite(SITES / "plain", host="127.0.0.47") as plain:
        sites = tmp_path / "sites.yaml"
        sites.write_text(f"""sites:
  - id: trs_report
    start_urls: ['{trs.url}{TRS_PAGE}']
  - id: plain_report
    start_urls: ['{plain.url}{PLAIN_PAGE}']
  - id: plain_column
    start_urls: ['{plain.url}{PLAIN_LIST}']
""", encoding="utf-8")
        first = harvest(str(sites), db_path, warc, delay=0.0, timeout=60)
        marks = len(trs.requests), len(plain.requests)
        second = harvest(str(sites), db_path, warc, delay=0.0, timeout=60)
        again_trs, again_plain = trs.requests[marks[0]:], plain.requests[marks[1]:]
    db = sqlite_utils.Database(db_path)

    reports = {r["site_id"]: r for r in db.query("select * from reports where site_id like '%_report'")}
    assert (reports["trs_report"]["agency"], reports["trs_report"]["year"]) == ("嘉禾县人民政府", 2020)
    assert (reports["plain_report"]["agency"], reports["plain_report"]["year"]) == ("白云乡", 2023)
    trs_docs = list(db.query("select url, role, parent_url, format from documents where site_id = 'trs_report'"))
    page = [d for d in trs_docs if d["role"] == "page"]
    assert [d["url"].endswith(TRS_PAGE) for d in page] == [True]
    # the attachments (and the ZIP's members) belong to the start page's report
    attachments = [d for d in trs_docs if d["role"] == "attachment"]
    assert len(attachments) >= 3 and all(d["parent_url"].endswith(TRS_PAGE) for d in attachments)
    assert db.execute("select count(distinct report_id) from documents where site_id = 'trs_report'").fetchone()[0] == 1
    # the same page reached from its column is one document of one report, whichever site came first
    column_years = sorted(r["year"] for r in db.query(
        "select distinct r.year from captures c join documents d on d.id = c.document_id "
        "join reports r on r.id = d.report_id where c.site_id = 'plain_column'"))
    assert column_years == [2020, 2021, 2022, 2023]
    assert db.execute("select count(distinct d.report_id) from captures c join documents d on d.id = c.document_id "
                      "where c.url like ?", [f"%{PLAIN_PAGE}"]).fetchone()[0] == 1

    # a column's index is never archived as a report
    assert not list(db.query("select url from documents where url like ?", [f"%{PLAIN_LIST}"]))
    # one report from the TRS page, four years from the plain column (its 2023 report is the plain start page's)
    assert first["reports_new"] == db.execute("select count(*) from reports").fetchone()[0] == 5
    assert second["documents_new"] == second["reports_new"] == 0
    # the second night asks the report start pages conditionally: an unchanged report costs a 304
    for requests, path in ((again_trs, TRS_PAGE), (again_plain, PLAIN_PAGE)):
        asked = [r for r in requests if r.path == path]
        assert asked and all(r.status == 304 for r in asked), [(r.path, r.status) for r in asked]
