"""The journalists' pages over HTTP: an agency over the years, a place's agencies, CSV, Atom feeds.

A real `nianbao serve` on 127.0.0.1 over tests/archive_builder.build_journalist_archive.
"""
from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

from archive.schema import open_db
from tests.archive_builder import build_journalist_archive
from tests.test_serve import Server

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_journalist_archive(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="module")
def server(built):
    s = Server(built.db_path)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def db(built, server):
    d = open_db(str(built.db_path))
    yield d
    d.conn.close()


def get(server, path, **params):
    return server.get(quote(path, safe="/%"), **params)  # Chinese names in the path, as a browser sends them


def html(server, path, **params) -> str:
    status, _, body = get(server, path, **params)
    assert status == 200, body[:500]
    return body.decode()


def cell(db, rid, table, row, col="total"):
    r = db.execute("select value from statistics where report_id = ? and table_name = ? and row_key = ? and col_key = ?",
                   [rid, table, row, col]).fetchone()
    return r[0] if r else None


def agency(key: str) -> str:
    return "/-/nianbao/agency/" + quote(key, safe="")


def year_row(page: str, year: int) -> list[str]:
    m = re.search(rf'<tr data-year="{year}">(.*?)</tr>', page, re.S)
    assert m, f"no row for {year}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", m.group(1), re.S)]


def test_agency_page_every_year_all_aliases_and_figures(server, built, db):
    page = html(server, agency("清河县柳林镇"))
    assert 'id="agency-name">清河县柳林镇人民政府<' in page
    assert "柳林镇人民政府" in re.search(r"报告中出现过的名称：(.*?)</p>", page, re.S).group(1)
    for year in range(2019, 2024):
        rid = built.report_ids[f"liulin_{year}"]
        row = year_row(page, year)
        # 年度, 新收, 予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 办理总计, 不予公开率 …
        assert row[1] == str(cell(db, rid, "requests", "new"))
        assert row[2] == str(cell(db, rid, "requests", "granted"))
        denied = sum(v for (v,) in db.execute("select value from statistics where report_id = ? and "
                                               "row_key like 'denied%' and col_key = 'total'", [rid]))
        assert row[4] == str(denied)
        total = cell(db, rid, "requests", "total_processed")
        assert row[8] == f"{100 * round(denied / total, 4):.1f}%"
        assert f'href="/-/nianbao/report/{rid}"' in page
        for (doc_id,) in db.execute("select id from documents where report_id = ?", [rid]):
            assert f'href="/-/nianbao/capture/{doc_id}"' in page
    # the Chinese labels of the reasons, and the place it lies in
    assert "不予公开：保护第三方合法权益" in page and "无法提供：本机关不掌握相关政府信息" in page
    assert 'href="/-/nianbao/place/130534"' in page and ">清河县<" in page
    assert get(server, agency("没有这个机关"))[0] == 404


def test_agency_correction_rate_and_check_status(server, built, db):
    page = html(server, agency("清河县"))
    for year in range(2019, 2024):
        rid = built.report_ids[f"qinghe_gov_{year}"]
        corrected = sum(v for (v,) in db.execute(
            "select value from statistics where report_id = ? and table_name = 'review' and col_key = 'corrected'", [rid]))
        totals = sum(v for (v,) in db.execute(
            "select value from statistics where report_id = ? and table_name = 'review' and col_key = 'total'", [rid]))
        pending = sum(v for (v,) in db.execute(
            "select value from statistics where report_id = ? and table_name = 'review' and col_key = 'pending'", [rid]))
        row = year_row(page, year)
        assert row[11] == f"{100 * round(corrected / (totals - pending), 4):.1f}%"
        assert row[12] == "全部通过"
    assert "新收＋上年结转＝办理总计＋结转下年度" in page and "✓ 通过" in page


def test_agency_reached_from_report_page_search_and_rows(server, built):
    rid = built.report_ids["liulin_2021"]
    report = html(server, f"/-/nianbao/report/{rid}")
    assert f'id="agency-link" href="{agency("清河县柳林镇")}"' in report
    assert 'href="/-/nianbao/place/130500"' in report  # 邢台市, from the report page
    status, headers, _ = _no_redirect(server, f"/-/nianbao/report/{rid}/agency")
    assert status == 302 and headers["location"] == agency("清河县柳林镇")
    hits = html(server, "/-/nianbao/search", q="柳林镇")
    assert f'href="/-/nianbao/report/{rid}/agency"' in hits
    rows = html(server, "/journalist/reports")
    assert f'href="/-/nianbao/report/{rid}/agency"' in rows
    summary = html(server, "/journalist/report_summary")
    assert f'href="/-/nianbao/report/{rid}/agency"' in summary


def _no_redirect(server, path):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", quote(path, safe="/?=&"))
    r = conn.getresponse()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()


def _ranking(page: str) -> list[str]:
    table = re.search(r'<table class="nb-stats nb-ranking" id="place-ranking">(.*?)</table>', page, re.S).group(1)
    return re.findall(r'class="nb-agency-link" href="[^"]+">([^<]+)</a>', table)


def test_place_page_ranks_agencies_and_lists_missing(server, built, db):
    page = html(server, "/-/nianbao/place/邢台市", year="2022")
    expected = [a for a, n in sorted(db.execute(
        "select r.agency, s.value from reports r join statistics s on s.report_id = r.id and s.table_name = 'requests' "
        "and s.row_key = 'new' and s.col_key = 'total' where r.city = '邢台市' and r.year = 2022").fetchall(),
        key=lambda x: (-x[1], x[0]))]
    assert _ranking(page) == expected and "临西县公安局" not in expected
    missing = re.search(r'id="place-missing">(.*?)</table>', page, re.S).group(1)
    assert "临西县公安局" in missing and "威县教育局" not in missing
    assert "威县教育局" in html(server, "/-/nianbao/place/邢台市", year="2023").split('id="missing"')[1]
    # by code, by the full chain of names, sorted by another figure
    assert _ranking(html(server, "/-/nianbao/place/130500", year="2022")) == expected
    assert _ranking(html(server, "/-/nianbao/place/河北省邢台市", year="2022")) == expected
    by_lawsuits = _ranking(html(server, "/-/nianbao/place/邢台市", year="2022", sort="lawsuits"))
    assert by_lawsuits[0] == "清河县人民政府"  # 6 lawsuits in 2022, more than the random others
    # a province lists its cities; a county only its own agencies
    province = html(server, "/-/nianbao/place/河北", year="2022")
    assert 'href="/-/nianbao/place/130100?year=2022">石家庄市<' in province
    assert set(_ranking(html(server, "/-/nianbao/place/清河县", year="2022"))) == {"清河县人民政府", "清河县柳林镇人民政府"}


def test_place_names_that_are_not_one_place(server):
    status, _, body = get(server, "/-/nianbao/place/朝阳区")
    page = body.decode()
    assert status == 404 and "朝阳区 is the name of" in page and 'href="/-/nianbao/place/110105"' in page
    status, _, body = get(server, "/-/nianbao/place/火星")
    assert status == 404 and "火星: not the name of a province, city or county" in body.decode()
    assert get(server, "/-/nianbao/place/130500", year="x")[0] == 400


def test_place_csv_is_the_ranking(server, built):
    page = html(server, "/-/nianbao/place/邢台市", year="2022", sort="refusal_rate")
    assert 'id="place-csv" href="/-/nianbao/place/130500?year=2022&amp;sort=refusal_rate&amp;_format=csv"' in page
    status, headers, body = get(server, "/-/nianbao/place/130500", year="2022", sort="refusal_rate", _format="csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r["机关"] for r in rows] == _ranking(page)
    rates = [float(r["不予公开率"]) for r in rows]
    assert rates == sorted(rates, reverse=True)
    assert {"本年新收申请", "纠错率", "行政诉讼", "原文链接"} <= set(rows[0])
    _, _, body = get(server, "/-/nianbao/place/130500.csv", year="2022", list="missing")
    missing = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [m["机关"] for m in missing] == ["临西县公安局"]


def _feed(server, path, **params):
    status, headers, body = get(server, path, **params)
    assert status == 200 and headers["content-type"].startswith("application/atom+xml"), body[:300]
    return ET.fromstring(body)


def test_atom_feeds_everywhere_per_agency_per_place(server, built, db):
    everywhere = _feed(server, "/-/nianbao/feed.atom")
    entries = everywhere.findall(f"{ATOM}entry")
    assert len(entries) == min(50, db.execute("select count(*) from report_versions").fetchone()[0])
    # newest first: the revision of 清河县人民政府's 2022 report (2024-05-20) leads
    first = entries[0]
    assert first.find(f"{ATOM}title").text.startswith("修订（第2版）：清河县人民政府 2022年")
    content = first.find(f"{ATOM}content").text
    rid = built.report_ids["qinghe_gov_2022"]
    assert f"本年新收政府信息公开申请数量 · 总计：3 → {int(cell(db, rid, 'requests', 'new'))}" in content
    assert f"行政复议 结果纠正：0 → {int(cell(db, rid, 'review', 'review', 'corrected'))}" in content
    assert first.find(f"{ATOM}link").get("href").endswith(f"/-/nianbao/report/{rid}")

    per_agency = _feed(server, agency("威县教育局") + ".atom")
    titles = [e.find(f"{ATOM}title").text for e in per_agency.findall(f"{ATOM}entry")]
    assert len(titles) == 4 and all(t.startswith("新报告：威县教育局") for t in titles)
    new_entry = per_agency.findall(f"{ATOM}entry")[0].find(f"{ATOM}content").text
    assert "本年新收申请" in new_entry and "不予公开" in new_entry

    per_place = _feed(server, "/-/nianbao/place/清河县.atom")
    names = {re.sub(r"^.*?：(\S+) .*$", r"\1", e.find(f"{ATOM}title").text) for e in per_place.findall(f"{ATOM}entry")}
    assert names == {"清河县人民政府", "清河县柳林镇人民政府", "柳林镇人民政府"}
    # the pages announce their feeds to browsers and feed readers
    assert '<link rel="alternate" type="application/atom+xml"' in html(server, agency("威县教育局"))
    assert 'href="/-/nianbao/place/130534.atom"' in html(server, "/-/nianbao/place/清河县")


def test_report_version_history_old_and_new_side_by_side(server, built, db):
    rid = built.report_ids["qinghe_gov_2022"]
    page = html(server, f"/-/nianbao/report/{rid}")
    rev = re.search(r'<div class="nb-revision" data-report="\d+" data-version="2">(.*?)</div>', page, re.S).group(1)
    new = int(cell(db, rid, "requests", "new"))
    assert re.search(r"本年新收政府信息公开申请数量 · 总计</th>\s*<td class=\"num nb-old\">3</td><td>→</td>\s*"
                     rf"<td class=\"num nb-new\">{new}</td>", rev), rev
    doc_id = db.execute("select max(id) from documents where report_id = ?", [rid]).fetchone()[0]
    assert f'新增文件：<a class="capture" href="/-/nianbao/capture/{doc_id}">' in rev
    # and on the agency page, under 修订记录
    assert "修订记录" in html(server, agency("清河县"))


def test_keys_shown_by_their_chinese_labels_in_tables_and_queries(server, built):
    rid = built.report_ids["liulin_2022"]
    stats = html(server, "/journalist/statistics", report_id=str(rid), row_key="unable_not_held")
    assert "（四）无法提供 1.本机关不掌握相关政府信息<br><code class=\"nb-key\">unable_not_held</code>" in stats
    assert "结果纠正" in html(server, "/journalist/statistics", report_id=str(rid), col_key="corrected")
    checks = html(server, "/journalist/checks", report_id=str(rid))
    assert "新收＋上年结转＝办理总计＋结转下年度<br>" in checks
    reasons = html(server, "/journalist/refusals_by_reason", agency="柳林", year="2022")
    assert "本机关不掌握相关政府信息" in reasons
    # the SQL functions behind the dashboards' legends
    data = server.json("/journalist.json", sql="select nianbao_row_label('requests', 'unable_not_held') as a, "
                       "nianbao_headline('refused') as b, nianbao_cell_label('review', 'review', 'corrected') as c",
                       _shape="array")
    assert data == [{"a": "本机关不掌握相关政府信息", "b": "不予公开", "c": "行政复议 结果纠正"}]


def test_pages_read_what_the_checker_and_versioning_record(tmp_path):
    """Tables the parse/add side writes (version_cell_changes, version_document_changes, year_jumps,
    carried_over_continuity checks): shown when present, by their Chinese labels."""
    from tests.archive_builder import ArchiveBuilder
    b = ArchiveBuilder(tmp_path / "later.db")
    first = b.add_report(agency="威县人民政府", agency_key="威县", year=2021, province="河北省", city="邢台市", county="威县")
    rid = b.add_report(agency="威县人民政府", agency_key="威县", year=2022, province="河北省", city="邢台市",
                       county="威县", versions=2)
    doc = b.db.execute("select id from documents where report_id = ?", [rid]).fetchone()[0]
    b.db["version_cell_changes"].insert_all([
        {"report_id": rid, "version": 2, "table_name": "requests", "row_key": "unable_not_held", "col_key": "total",
         "old_value": 4, "new_value": 40},
        {"report_id": rid, "version": 2, "table_name": "review", "row_key": "review", "col_key": "pending",
         "old_value": None, "new_value": 2}])
    b.db["version_document_changes"].insert({"report_id": rid, "version": 2, "document_id": doc, "change": "added",
                                             "url": "http://fixture.gov.cn/added.pdf", "sha256": "x", "format": "pdf"})
    b.db["year_jumps"].insert({"report_id": rid, "previous_report_id": first, "table_name": "requests",
                               "row_key": "unable_not_held", "col_key": "total", "value": 40, "previous_value": 4,
                               "ratio": 10.0, "detail": "×10"})
    b.db["checks"].insert({"report_id": rid, "version": 2, "check_name": "carried_over_continuity", "passed": 0,
                           "detail": f"against report #{first} (威县人民政府 2021): carried_in.total 5 ≠ 9"})
    b.db.conn.close()
    s = Server(b.db_path)
    try:
        report = html(s, f"/-/nianbao/report/{rid}")
        rev = re.search(r'data-version="2">(.*?)</div>', report, re.S).group(1)
        assert re.search(r"本机关不掌握相关政府信息 · 总计</th>\s*<td class=\"num nb-old\">4</td><td>→</td>\s*"
                         r"<td class=\"num nb-new\">40</td>", rev)
        assert "行政复议 尚未审结" in rev and "（空）" in rev
        assert 'href="/-/nianbao/capture/%d">http://fixture.gov.cn/added.pdf</a>（pdf）' % doc in rev
        assert "上年结转＝上一年报告的结转下年度" in report
        page = html(s, agency("威县"))
        assert "有未通过" in year_row(page, 2022)[12] and "1 处剧变" in year_row(page, 2022)[12]
        assert "存疑：（四）无法提供 1.本机关不掌握相关政府信息 · 总计 4 → 40" in page
        assert "上年结转＝上一年报告的结转下年度" in page and "carried_in.total 5 ≠ 9" in page
        feed = _feed(s, agency("威县") + ".atom")
        content = feed.findall(f"{ATOM}entry")[0].find(f"{ATOM}content").text
        assert "本机关不掌握相关政府信息 · 总计：4 → 40" in content and "added.pdf" in content
    finally:
        s.stop()


def test_an_agency_without_tables_gets_no_empty_charts(tmp_path):
    from tests.archive_builder import ArchiveBuilder
    b = ArchiveBuilder(tmp_path / "old.db")
    for year in (2017, 2018):
        b.add_report(agency="河南省体育局", agency_key="河南省体育局", year=year, province="河南省",
                     level="province", template="pre2019")
    b.db.conn.close()
    s = Server(b.db_path)
    try:
        page = html(s, agency("河南省体育局"))
        assert "data-chart=" not in page and 'data-year="2017"' in page and "无表格可校验" in page
        place = html(s, "/-/nianbao/place/河南")
        assert "data-chart=" not in place and "河南省体育局" in place
    finally:
        s.stop()
