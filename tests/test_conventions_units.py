"""Convention parsers on the markup variants real CMS templates use (no network)."""
from __future__ import annotations

import pytest

from crawlers.conventions import ListPage, ListRequest, ReportLink, walk
from crawlers.conventions.hanweb import PROXY_STATE
from crawlers.conventions.trs import page_spec

# The pager script of a real TRS column (ordos.gov.cn 恩格贝 信息公开年报, saved page quoted in
# taoqf/node-html-parser's test for issue 69), trimmed.
ORDOS_PAGER = '''<script language="JavaScript" type="text/javascript">
var currentPage = 0;//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = 2//共多少页
document.write("&nbsp;<a href=\\"index."+"html\\">首页</a>&nbsp;|");
if(countPage>1&&currentPage!=(countPage-1))
document.write("&nbsp;<a href=\\"index"+"_" + nextPage + "."+"html\\">&nbsp;<span class=greyfont>下一页</span>&nbsp;</a>&nbsp;");
</script>'''


@pytest.mark.parametrize("script, spec", [
    ('createPageHTML(5, 0, "index", "html");', (5, 0, "index", "html")),
    ("createPageHTML('page_div',7,1,'index','shtml',68);", (7, 1, "index", "shtml")),
    ('var countPage = 4//共多少页\nvar currentPage=0;\ncreatePageHTML(countPage, currentPage, "index", "shtml");',
     (4, 0, "index", "shtml")),
    ('var countPage = 3; var currentPage = 1; var prefixName = "list"; var suffixName = "htm";'
     " createPageHTML(countPage, currentPage, prefixName, suffixName);", (3, 1, "list", "htm")),
    (ORDOS_PAGER, (2, 0, "index", "html")),
    ("<p>no pager here</p>", None),
])
def test_trs_page_count_variants(script, spec):
    assert page_spec(script) == spec


def _page(url: str, text: str, meta: dict | None = None) -> ListPage:
    return ListPage(url, text, lambda u: u.startswith("http://a.gov.cn/"), meta=meta or {})


def test_trs_pages_are_generated_in_the_pages_folder():
    found = [f for _, f in walk(_page("http://a.gov.cn/xxgk/nb/index.html", ORDOS_PAGER))]
    assert [f.url for f in found if isinstance(f, ListRequest)] == [
        "http://a.gov.cn/xxgk/nb/index.html", "http://a.gov.cn/xxgk/nb/index_1.html"]


HANWEB_NO_TOTAL = """<div id="3"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=5&path=/&columnid=77&unitid=3&webname=x&permissiontype=0"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href="/art/2023/1/5/art_77_1.html" title="某区2022年政务公开年报">某区2022年政务公开年报</a></li>]]></record>
<record><![CDATA[<li><a href="/art/2023/1/4/art_77_2.html">关于印发2023年政务公开工作要点的通知</a></li>]]></record>
</recordset></datastore></script></div><script>$("#3").jpage({perPage: 1, groupSize: 2});</script>"""


def test_hanweb_without_a_total_asks_group_by_group_until_a_short_reply():
    first = [f for _, f in walk(_page("http://a.gov.cn/col/col77/index.html", HANWEB_NO_TOTAL))]
    reports = [f for f in first if isinstance(f, ReportLink)]
    (proxy,) = [f for f in first if isinstance(f, ListRequest)]
    assert [r.url for r in reports] == ["http://a.gov.cn/art/2023/1/5/art_77_1.html"] and reports[0].year == 2022
    assert proxy.method == "POST" and proxy.url.endswith("dataproxy.jsp?startrecord=3&endrecord=4&perpage=1")
    assert proxy.formdata["columnid"] == "77" and proxy.formdata["unitid"] == "3" and proxy.formdata["webid"] == "5"
    full = "<datastore><recordset>" + "<record><![CDATA[<li>x</li>]]></record>" * 2 + "</recordset></datastore>"
    (more,) = [f for _, f in walk(_page(proxy.url, full, proxy.meta))]
    assert more.url.endswith("startrecord=5&endrecord=6&perpage=1") and more.meta[PROXY_STATE]["end"] == 6
    short = "<datastore><recordset><record><![CDATA[<li>x</li>]]></record></recordset></datastore>"
    assert list(walk(_page(more.url, short, more.meta))) == []


def test_gkml_category_cell_is_not_confused_with_a_title_cell():
    html = """<table><tr><td>11/2022-1</td><td><a href="/a.html">市局2021年度政府信息公开工作年度报告</a></td>
    <td>通知公告</td></tr><tr><td>11/2022-2</td><td><a href="/b.html">市局2021年度报告</a></td><td>政府信息公开年报</td></tr>
    <tr><td>11/2022-3</td><td><a href="/c.html">关于做好年报编制的通知</a></td><td>通知公告</td></tr></table>"""
    found = {f.url: (name, f) for name, f in walk(_page("http://a.gov.cn/gkml/", html))}
    assert set(found) == {"http://a.gov.cn/a.html", "http://a.gov.cn/b.html"}
    assert found["http://a.gov.cn/b.html"][1].meta == {"meta_category": "政府信息公开年报"}
    assert found["http://a.gov.cn/a.html"][0] == "plain"
