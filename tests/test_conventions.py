"""Each CMS list-page convention, crawled from a loopback site with the real thing's markup.

The crawls run `crawlers.run_crawl` in a child process (as the harvest flow
does) and the assertions read its events file and the server's request log.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawlers import sample_routes as routes
from crawlers.local_crawl import crawl
from crawlers.sample_server import SampleSite

SITES = Path(__file__).parent / "sites"


def _site(server: SampleSite, *paths: str, **extra) -> dict:
    return {"id": "t", "start_urls": [server.url + p for p in paths], **extra}


# The names as the servers send them: raw GBK bytes (IIS, old Tomcat) and raw UTF-8.
DOWNFILE = {"88": "2021年统计表.xls".encode("gbk"), "89": "2021年政府信息公开工作年度报告.pdf".encode("utf-8")}


@pytest.fixture
def trs_site():
    with SampleSite(SITES / "trs") as server:
        server.routes["/module/download/downfile.jsp"] = routes.downfile(DOWNFILE)
        yield server


def test_trs_pagination_from_script_calls(trs_site, tmp_path):
    out = crawl(_site(trs_site, "/xxgk/zfxxgknb/index.html", "/xxgk/bmnb/index.shtml", "/xxgk/xznb/index.html"),
                tmp_path, delay=0.0)
    assert out.returncode == 0, out.stderr
    paths = trs_site.paths()
    # createPageHTML(3, 0, "index", "html"), the six-argument .shtml variant and `var countPage`
    for p in ("/xxgk/zfxxgknb/index_1.html", "/xxgk/zfxxgknb/index_2.html", "/xxgk/bmnb/index_1.shtml",
              "/xxgk/xznb/index_1.html"):
        assert p in paths
    pages = {d["link_text"]: d for d in out.documents("page")}
    assert set(pages) == {
        "嘉禾县人民政府2021年政府信息公开工作年度报告", "嘉禾县人民政府2020年政府信息公开工作年度报告",
        "嘉禾县人民政府2019年政府信息公开工作年度报告", "嘉禾县财政局2021年度政府信息公开工作年度报告",
        "嘉禾县财政局2020年度政府信息公开工作年度报告", "珠泉镇2021年政务公开年报", "珠泉镇2020年政务公开年报"}
    # full titles come from the title attribute, not the truncated link text
    assert pages["嘉禾县人民政府2021年政府信息公开工作年度报告"]["meta_title"] == "嘉禾县人民政府2021年政府信息公开工作年度报告"
    assert pages["嘉禾县人民政府2021年政府信息公开工作年度报告"]["meta_agency"] == "嘉禾县人民政府办公室"
    assert pages["嘉禾县人民政府2021年政府信息公开工作年度报告"]["report_markers"] >= 1  # body reads like the report
    # decoys on the same list pages were never fetched
    for decoy in ("t20220126_1234501", "t20220125_1234499", "t20210310_998900"):
        assert not any(decoy in p for p in paths)
    assert not any(p.startswith("/decoy/") for p in paths)  # robots.txt: Disallow: /decoy/
    assert len(out.errors("robots_disallowed")) == 1


def test_trs_attachments_of_every_kind(trs_site, tmp_path):
    out = crawl(_site(trs_site, "/xxgk/zfxxgknb/index.html"), tmp_path, delay=0.0)
    zipped = [d for d in out.documents("attachment") if d.get("zip_url")]
    atts = {urlsplit(d["url"]).path.rsplit("/", 1)[-1] + ("?" + urlsplit(d["url"]).query if urlsplit(d["url"]).query else ""): d
            for d in out.documents("attachment") if not d.get("zip_url")}
    exts = {re.sub(r".*\.", "", k) for k in atts if "." in k and "downfile" not in k}
    assert exts == {"pdf", "docx", "wps", "doc", "et", "xlsx"}
    # the ZIP is unpacked in the crawl: one document per member (GBK names, as Windows zips store them),
    # each in a WARC resource record of its own, belonging to the page that linked the ZIP
    assert {d["zip_member"] for d in zipped} == {"嘉禾县人民政府2020年政府信息公开工作年度报告.pdf", "2020年统计表.docx"}
    assert all(d["zip_url"].endswith("/P020210129401234567892.zip") and d["url"].startswith("jar:" + d["zip_url"] + "!/")
               and d["parent_url"].endswith("/t20210129_998877.html") for d in zipped)
    assert len({d["warc_offset"] for d in zipped}) == 2
    # extension-less download links: by the link text, and by Content-Disposition (GBK and UTF-8 names)
    assert atts["downfile.jsp?classid=0&fileid=88"]["filename"] == "2021年统计表.xls"
    assert atts["downfile.jsp?fileid=89"]["filename"] == "2021年政府信息公开工作年度报告.pdf"
    assert all(d["parent_url"].endswith(".html") and d["status"] == 200 for d in atts.values())


def test_hanweb_records_in_script_and_behind_the_data_proxy(tmp_path):
    with SampleSite(SITES / "hanweb") as server:
        server.routes["/module/web/jpage/dataproxy.jsp"] = routes.hanweb_dataproxy(
            SITES / "hanweb" / "dataproxy_records.xml", columnid="1234", unitid="4411")
        server.routes["/module/download/downfile.jsp"] = routes.downfile(DOWNFILE)
        out = crawl(_site(server, "/col/col1234/index.html"), tmp_path, delay=0.0)
        log = list(server.requests)
    assert out.returncode == 0, out.stderr
    posts = [r for r in log if r.method == "POST"]
    # 14 records, 6 embedded, perPage 2 × groupSize 3 = 6 per proxy call: 7–12, 13–14
    assert sorted(urlsplit(r.path).query for r in posts) == [
        "startrecord=13&endrecord=14&perpage=2", "startrecord=7&endrecord=12&perpage=2"]
    for r in posts:
        form = parse_qs(r.body.decode(), keep_blank_values=True)
        assert {k: form[k][0] for k in ("col", "appid", "webid", "path", "columnid", "unitid", "permissiontype")} == {
            "col": "1", "appid": "1", "webid": "22", "path": "/", "columnid": "1234", "unitid": "4411", "permissiontype": "0"}
        assert r.headers["Referer"].endswith("/col/col1234/index.html")
    pages = {d["link_text"] for d in out.documents("page")}
    assert pages == {"2023年政府信息公开工作年度报告", "武进区人民政府2022年政府信息公开工作年度报告",
                     "武进区人民政府2021年政府信息公开工作年度报告", "湖塘镇2021年政府信息公开工作年度报告",
                     "武进区人民政府2020年政府信息公开工作年度报告", "武进区人民政府2019年政府信息公开工作年度报告"}
    assert {d["convention"] for d in out.documents("page")} == {"hanweb"}
    # attachments behind downfile.jsp?filename=…pdf
    assert len([d for d in out.documents("attachment") if "downfile.jsp?classid=0&filename=" in d["url"]]) == 6


def test_gkml_catalogue_with_category_column_and_metadata_table(tmp_path):
    with SampleSite(SITES / "gkml") as server:
        out = crawl(_site(server, "/gkml/index.html"), tmp_path, delay=0.0)
        paths = server.paths()
    assert out.returncode == 0, out.stderr
    assert "/gkml/index.html?page=2" in paths
    pages = {d["link_text"]: d for d in out.documents("page")}
    # "市交通运输局2021年度报告" is recognised only through its 分类 column
    assert set(pages) == {"市交通运输局2021年度报告", "杭州市交通运输局2020年政府信息公开工作年度报告"}
    report = pages["市交通运输局2021年度报告"]
    assert report["meta_category"] == "政府信息公开年报" and report["meta_agency"] == "杭州市交通运输局"
    assert report["meta_index_no"] == "11330100002489706X/2022-00031" and report["meta_published"] == "2022-01-27"
    assert report["year_hint"] == 2021
    for decoy in ("t20220120_1000", "t20220105_0999", "t20210210_0900", "t20210120_0800"):
        assert not any(decoy in p for p in paths)


def test_list_pages_with_wrong_charset_declarations(tmp_path):
    root = SITES / "encoding"
    with SampleSite(root) as server:
        # GBK bytes, declared UTF-8 both in the HTTP header and in <meta>
        server.routes["/gbk_as_utf8/index.html"] = routes.file_with_type(root / "gbk_as_utf8/index.html",
                                                                       "text/html; charset=utf-8")
        out = crawl(_site(server, "/gbk_as_utf8/index.html", "/utf8_as_gb2312/index.html", "/undeclared/index.html"),
                    tmp_path, delay=0.0)
        paths = server.paths()
    assert out.returncode == 0, out.stderr
    texts = {d["link_text"] for d in out.documents()}
    assert texts == {"新华镇2021年政府信息公开工作年度报告", "新华镇2020年政府信息公开工作年度报告",
                     "新华镇2021年政府信息公开工作年度报告.pdf", "新华镇财政所2022年政务公开年报",
                     "新华镇2019年政府信息公开工作年度报告"}
    assert "/gbk_as_utf8/index_1.html" in paths  # "下一页" read correctly from the GBK page
    assert not any(p.endswith(("zn.html", "ys.html")) for p in paths)


def test_plain_next_page_and_page_number_pagination(tmp_path):
    with SampleSite(SITES / "plain") as server:
        out = crawl(_site(server, "/zwgk/nb/index.html"), tmp_path, delay=0.0)
        paths = server.paths()
    assert out.returncode == 0, out.stderr
    # "下一页" and the page numbers lead to ?page=2 and ?page=3; each list page is read once
    for p in ("/zwgk/nb/index.html?page=2", "/zwgk/nb/index.html?page=3"):
        assert paths.count(p) == 1
    found = {d["link_text"]: d for d in out.documents()}
    assert set(found) == {"白云乡2023年政府信息公开工作年度报告", "白云乡2022年政府信息公开工作年度报告",
                          "白云乡2021年政务公开年报", "白云乡2020年政府信息公开工作年度报告"}
    assert {d["convention"] for d in found.values()} == {"plain"}
    assert found["白云乡2020年政府信息公开工作年度报告"]["role"] == "attachment"  # a PDF linked from the list itself
    # 指南, 工作要点, the notice about compiling the reports, 政府工作报告, 法治政府建设年度报告, 决算: never fetched
    for decoy in ("0120_099", "0115_098", "0110_087", "0105_086", "0120_076", "0115_075"):
        assert not any(decoy in p for p in paths)
    assert not any(p.startswith("/zwgk/nb/draft/") for p in paths)  # robots.txt: Disallow: /zwgk/nb/draft/
    assert [e["url"].rsplit("/", 1)[1] for e in out.errors("robots_disallowed")] == ["0101_001.html"]
