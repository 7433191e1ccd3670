"""Convention sites through the harvest flow into a real archive.

Every attachment kind archived with its text, the members of a ZIP as documents of
their report, pages in any encoding without mojibake, per-site health in
`site_runs`; an unchanged second run downloads nothing that has validators.
"""
from __future__ import annotations

from pathlib import Path

import sqlite_utils

from crawlers import sample_routes as routes
from crawlers.sample_server import SampleSite

SITES = Path(__file__).parent / "sites"
DOWNFILE = {"88": "2021年统计表.xls".encode("gbk"), "89": "2021年政府信息公开工作年度报告.pdf".encode("utf-8")}


def test_convention_sites_are_archived_with_every_attachment_kind(prefect_harness, tmp_path):
    from flows.harvest import harvest
    db_path, warc = str(tmp_path / "a.db"), str(tmp_path / "a.warc")
    with SampleSite(SITES / "trs", host="127.0.0.41") as trs, SampleSite(SITES / "encoding", host="127.0.0.42") as enc, \
            SampleSite(SITES / "plain", host="127.0.0.43") as plain:
        trs.routes["/module/download/downfile.jsp"] = routes.downfile(DOWNFILE, SITES / "trs/module/download/files")
        enc.routes["/gbk_as_utf8/index.html"] = routes.file_with_type(SITES / "encoding/gbk_as_utf8/index.html",
                                                                    "text/html; charset=utf-8")
        sites = tmp_path / "sites.yaml"
        sites.write_text(f"""sites:
  - id: trs
    start_urls: ['{trs.url}/xxgk/zfxxgknb/index.html']
  - id: encoding
    start_urls: ['{enc.url}/gbk_as_utf8/index.html', '{enc.url}/utf8_as_gb2312/index.html', '{enc.url}/undeclared/index.html']
  - id: plain
    start_urls: ['{plain.url}/zwgk/nb/index.html']
""", encoding="utf-8")
        first = harvest(str(sites), db_path, warc, delay=0.0, timeout=60)
        marks = {s: len(server.requests) for s, server in (("trs", trs), ("enc", enc), ("plain", plain))}
        second = harvest(str(sites), db_path, warc, delay=0.0, timeout=60)
        again = trs.requests[marks["trs"]:] + enc.requests[marks["enc"]:] + plain.requests[marks["plain"]:]
    db = sqlite_utils.Database(db_path)

    docs = list(db.query("select d.*, r.agency, r.year from documents d join reports r on r.id = d.report_id"))
    # every kind of attachment the TRS site links, extracted
    trs_docs = [d for d in docs if d["site_id"] == "trs"]
    assert {d["detected_format"] for d in trs_docs} == {"html", "pdf", "doc", "docx", "wps", "xls", "xlsx", "et"}
    # documents.format keeps to interface.md's list
    assert {d["format"] for d in trs_docs} == {"html", "pdf", "doc", "docx", "wps", "xls", "xlsx", "other"}
    for d in trs_docs:
        assert d["extract_error"] is None and "政府信息公开" in d["text"], d["url"]
    # the ZIP's members are documents of the report whose page linked the ZIP
    zipped = [d for d in trs_docs if d["url"].startswith("jar:")]
    assert sorted(d["format"] for d in zipped) == ["docx", "pdf"]
    assert all(d["agency"] == "嘉禾县人民政府" and d["year"] == 2020 for d in zipped)
    assert all("P020210129401234567892.zip!/" in d["url"] and d["parent_url"].endswith("t20210129_998877.html")
               for d in zipped)
    assert not any(d["format"] == "zip" for d in docs)

    # GBK served as UTF-8, UTF-8 declared gb2312, GB18030 undeclared: exact text in the archive
    enc_text = {d["url"].rsplit("/", 1)[1]: d["text"] for d in docs if d["site_id"] == "encoding" and d["format"] == "html"}
    for page, name in (("a2021.html", "王堃"), ("a2020.html", "李昇"), ("b2022.html", "赵䶮"), ("c2019.html", "刘䶮")):
        assert name in enc_text[page] and "\ufffd" not in enc_text[page]
    assert {(r["agency"], r["year"]) for r in db.query("select agency, year from reports where site_id = 'encoding'")} == {
        ("新华镇", 2019), ("新华镇", 2020), ("新华镇", 2021), ("新华镇财政所", 2022)}
    assert sorted(r["year"] for r in db.query("select year from reports where site_id = 'plain'")) == [2020, 2021, 2022, 2023]

    # per-site health of each run
    runs = {(r["run_id"], r["site_id"]): r for r in db.query("select * from site_runs")}
    for site, reports in (("trs", 3), ("encoding", 4), ("plain", 4)):
        row = runs[(first["run_id"], site)]
        assert row["pages_fetched"] > reports and row["reports_found"] == row["reports_new"] == reports, row
        assert row["errors"] == 0 and row["blocked"] == 0 and row["errors_by_kind_json"] == "{}" and row["duration_s"] > 0
        row = runs[(second["run_id"], site)]
        assert row["reports_new"] == row["reports_changed"] == row["documents_new"] == 0 and row["not_modified"] > 0, row

    # the second run: every document with validators asked conditionally and answered 304
    assert second["documents_new"] == second["versions_new"] == second["reports_new"] == 0
    known = {d["url"].split("/", 3)[3] for d in docs if not d["url"].startswith("jar:")}
    known |= {"xxgk/zfxxgknb/202101/P020210129401234567892.zip"}
    doc_requests = [r for r in again if r.path.lstrip("/") in known]
    downloaded = [r.path for r in doc_requests if r.status == 200]
    # downfile.jsp sends neither ETag nor Last-Modified: it can only be fetched again (and deduplicated)
    assert sorted(downloaded) == ["/module/download/downfile.jsp?classid=0&fileid=88", "/module/download/downfile.jsp?fileid=89"]
    assert all(r.status == 304 and "If-None-Match" in r.headers for r in doc_requests if "downfile" not in r.path)
    assert len(doc_requests) == len(known)
