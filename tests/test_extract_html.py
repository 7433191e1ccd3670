"""HTML: tables from the page's own markup, main text/title/date from trafilatura, any encoding."""
from __future__ import annotations

import lxml.html
import pytest

from fixtures.extract.truth import fixture_bytes, load_truth, score_document
from parsers.extract.encoding import decode_html
from parsers.extract import extract
from parsers.model import Document

CASES = [("report_a_utf8.html", "report_a", None), ("report_a_gbk.html", "report_a", None),
         ("report_b_utf8.html", "report_b", None), ("report_b_gbk.html", "report_b", None),
         # GBK bytes whose server claims UTF-8: the bytes win
         ("report_b_gbk.html", "report_b", "utf-8")]


@pytest.mark.parametrize("name,truth_name,http_charset", CASES)
def test_tables_title_and_date(name, truth_name, http_charset):
    doc = extract(fixture_bytes(name), url=f"http://example.gov.cn/{name}", content_type="text/html",
                  http_charset=http_charset)
    truth = load_truth(truth_name)
    assert doc.error is None and doc.format == "html"
    assert doc.title == truth["title"]
    assert doc.published == truth["published"]
    score = score_document(doc, truth)
    assert score.misses == [] and score.cells == 396
    assert "\ufffd" not in doc.text and truth["agency"] in doc.text  # no mojibake


def test_split_table_is_joined_and_rowspan_unified():
    doc = extract(fixture_bytes("report_a_gbk.html"), url="a.html")
    assert len(doc.tables) == 3  # the requests table is two <table>s in this page
    requests = doc.tables[1].rows
    assert len(requests) == 28
    # 三、本年度办理结果 was cut by the split and repeated; joined it is one merged cell again
    assert requests[5][0].origin == requests[26][0].origin == (5, 0)
    assert requests[26][0].row_span == 22


def test_blocks_in_document_order_with_element_paths():
    data = fixture_bytes("report_a_utf8.html")
    doc = extract(data, url="a.html")
    order = [b.kind for b in doc.blocks]
    first_table = order.index("table")
    assert doc.blocks[first_table - 1].text == "二、主动公开政府信息情况"
    assert doc.blocks[first_table - 1].kind == "heading"
    tree = lxml.html.document_fromstring(data.decode("utf-8")).getroottree()
    for block in doc.tables:
        (element,) = tree.xpath(block.source.path)
        assert element.tag == "table"
    # page furniture outside the content is not in the text
    assert "网站标识码" not in doc.text and "首页" not in doc.text


def test_layout_table_is_not_a_data_table():
    doc = extract(fixture_bytes("report_b_utf8.html"), url="b.html")
    assert all(len(t.rows[0]) in (4, 10, 15) for t in doc.tables)


def test_cells_with_paragraphs_nbsp_and_spans():
    html = ("<html><head><meta charset='utf-8'><title>某局2021年政府信息公开工作年度报告</title></head><body>"
            "<div id='zoom'><p>三、收到和处理政府信息公开申请情况</p><table>"
            "<tr><td rowspan='2' colspan='2'><p>本列数据</p><p>勾稽关系</p></td><td>自然人</td></tr>"
            "<tr><td>&nbsp;</td></tr>"
            "<tr><th>一、本年新收</th><td>申请</td><td><span>1,024</span></td></tr>"
            "<tr><td colspan='3'><br></td></tr></table></div></body></html>")
    doc = extract(html.encode("utf-8"), url="t.html")
    (table,) = doc.tables
    assert [[c.text for c in r] for r in table.rows] == [
        ["本列数据勾稽关系", "本列数据勾稽关系", "自然人"],
        ["本列数据勾稽关系", "本列数据勾稽关系", ""],
        ["一、本年新收", "申请", "1,024"]]  # the empty spacer row is dropped
    assert table.rows[1][1].origin == (0, 0) and table.rows[1][1].row_span == 2


@pytest.mark.parametrize("encoding,declared", [("gbk", "gb2312"), ("gb18030", None), ("utf-8", "gbk"),
                                               ("gbk", "utf-8"), ("utf-8", None)])
def test_decoding_never_mojibakes(encoding, declared):
    text = "政府信息公开工作年度报告：予以公开１２件，不予公开—"
    meta = f"<meta charset='{declared}'>" if declared else ""
    data = f"<html><head>{meta}</head><body><p>{text}</p></body></html>".encode(encoding)
    decoded, _used = decode_html(data)
    assert text in decoded


def test_truncated_utf8_page_stays_utf8():
    data = "<html><body><p>政府信息公开工作年度报告".encode("utf-8") * 20 + "报".encode("utf-8")[:2]
    decoded, used = decode_html(data)
    assert used == "utf-8" and "政府信息公开工作年度报告" in decoded


def test_json_round_trip():
    doc = extract(fixture_bytes("report_b_gbk.html"), url="b.html")
    assert Document.from_json(doc.to_json()) == doc
