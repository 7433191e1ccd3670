"""Born-digital PDFs: tables rebuilt from ruling lines or text alignment, joined across pages."""
from __future__ import annotations

import pytest

from fixtures.extract.truth import fixture_bytes, load_truth, score_document
from parsers.extract import extract
from parsers.model import Document
from parsers.extract.pdf_text import Line, drop_furniture, is_page_number, running_lines


@pytest.mark.parametrize("name", ["report_a", "report_b"])
def test_ruled_tables_across_page_breaks(name):
    doc = extract(fixture_bytes(f"{name}.pdf"), url=f"http://example.gov.cn/{name}.pdf")
    truth = load_truth(name)
    assert doc.error is None and doc.format == "pdf" and doc.pages == 4 and not doc.ocr
    assert doc.title == truth["title"]
    score = score_document(doc, truth)
    assert score.misses == [] and score.cells == 396
    # three tables, although each of report a's runs over a page break
    assert len(doc.tables) == 3


def test_table_sources_and_split_cells_glued():
    doc = extract(fixture_bytes("report_a.pdf"), url="a.pdf")
    active, requests, review = doc.tables
    assert [t.source.page for t in doc.tables] == [1, 2, 3]
    x0, y0, x1, y1 = requests.source.bbox
    assert 0 < x0 < x1 < 600 and 0 < y0 < y1 < 842
    # 三、本年度办理结果 is cut by the page break ("三、本年度办" | "理结果"); glued it is one merged cell
    assert requests.rows[5][0].text == requests.rows[26][0].text == "三、本年度办理结果"
    assert requests.rows[26][0].origin == (5, 0) and requests.rows[26][0].row_span == 22
    # a row split by the page break: its label tail is folded back, not a row of its own
    assert requests.rows[6][1].text.endswith("不计其他情形)")
    # a long number wrapped inside a narrow cell is one number again
    assert review.rows[3][4].text == "1234567890"
    # numbers wrapped over two lines inside a cell ("1,48" + "1")
    assert requests.rows[4][7].text == "1,481"


def test_borderless_tables_from_alignment():
    for name in ("nolines_a", "nolines_b"):
        doc = extract(fixture_bytes(f"{name}.pdf"), url=f"{name}.pdf")
        truth = load_truth(name)
        score = score_document(doc, truth)
        assert score.misses == [] and score.cells == 248, name
        assert len(doc.tables) == 2  # the 28-row table runs over two page breaks and is one table


def test_running_header_page_numbers_and_spaced_heading():
    doc = extract(fixture_bytes("report_b.pdf"), url="b.pdf")
    texts = [b.text for b in doc.blocks if b.kind != "table"]
    assert not any("政务公开" == t[-4:] and len(t) < 20 for t in texts)  # "平安市生态环境局政务公开" header
    assert not any(is_page_number(t) for t in texts)  # "- 2 -" footers
    assert "五、存在的主要问题及改进情况" in texts  # typeset as "五、存 在 的 主 要 …"
    heading = next(b for b in doc.blocks if b.text == "五、存在的主要问题及改进情况")
    assert heading.kind == "heading" and heading.source.page == 4


def test_blocks_in_reading_order():
    doc = extract(fixture_bytes("report_a.pdf"), url="a.pdf")
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    kinds = [b.kind for b in doc.blocks]
    assert kinds.index("table") == [b.text for b in doc.blocks].index("二、主动公开政府信息情况") + 1
    assert "清河县柳林镇人民政府坚持以习近平" in doc.text


@pytest.mark.parametrize("text,expected", [("- 3 -", True), ("—12—", True), ("第 2 页 共 9 页", True),
                                           ("3/10", True), ("7", True), ("二、主动公开", False),
                                           ("2021年度", False)])
def test_page_number_patterns(text, expected):
    assert is_page_number(text) is expected


def test_running_lines_need_to_repeat_in_the_margins():
    def page(n: int) -> list[Line]:
        return [Line(250, 800, 350, 810, "某某局政务公开", 10), Line(90, 400, 500, 410, f"正文第{n}段", 10),
                Line(280, 30, 320, 40, f"- {n} -", 10)]
    pages = [page(n) for n in range(1, 5)]
    running = running_lines(pages, [842] * 4)
    kept = drop_furniture(pages[1], 842, running)
    assert [line.text for line in kept] == ["正文第2段"]


def test_json_round_trip():
    doc = extract(fixture_bytes("report_b.pdf"), url="b.pdf")
    assert Document.from_json(doc.to_json()) == doc


def test_long_report_layout_work_only_on_table_pages():
    import pypdfium2 as pdfium

    from parsers.extract.pdf import triage

    data = fixture_bytes("long_a.pdf")
    kinds = [p.kind for p in triage(pdfium.PdfDocument(data))]
    assert kinds == ["text"] * 5 + ["table"] * 3 + ["text"]
    doc = extract(data, url="long_a.pdf")
    assert doc.pages == 9 and score_document(doc, load_truth("report_a")).misses == []
    assert doc.title == load_truth("report_a")["title"]  # "2022 年" from pdfium's text layer is tightened
    # A paragraph the page break cut (text pages come from pypdfium2) is glued back together
    paragraphs = [b for b in doc.blocks if b.kind == "paragraph"]
    assert all(b.text.startswith(("(", "清河县", "本年度")) for b in paragraphs), [b.text[:12] for b in paragraphs]
    assert all(b.source.page and b.source.bbox for b in doc.blocks)


def test_pages_drawn_inside_scaled_form_xobjects():
    # Some producers wrap each page's content in a form XObject with its own matrix: rules and
    # characters must come out in page space, or no table is found.
    import io

    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(fixture_bytes("report_a.pdf"))
    wrapped = pdfium.PdfDocument.new()
    for i in range(len(source)):
        width, height = source[i].get_size()
        form = source.page_as_xobject(i, wrapped).as_pageobject()
        form.transform(pdfium.PdfMatrix().scale(0.9, 0.9).translate(20, 30))
        page = wrapped.new_page(width, height)
        page.insert_obj(form)
        page.gen_content()
    buf = io.BytesIO()
    wrapped.save(buf)
    doc = extract(buf.getvalue(), url="wrapped.pdf")
    assert doc.error is None and score_document(doc, load_truth("report_a")).misses == []
    x0, y0, x1, y1 = doc.tables[0].source.bbox
    assert 20 < x0 < x1 < 20 + 0.9 * 596  # in page space: the form's scale and offset applied


def test_garbage_text_layer_is_triaged_for_ocr():
    # A scan carrying a text layer from a broken font encoding (Latin-1 soup instead of Chinese) is
    # no text layer at all: the page must go to OCR, not be taken at its word.
    import pypdfium2 as pdfium

    from fixtures.extract.truth import scan_with_garbage_text_layer
    from parsers.extract.pdf import triage

    again = pdfium.PdfDocument(scan_with_garbage_text_layer())
    assert len(again[0].get_textpage().get_text_range()) > 60  # the garbage is there
    assert [p.kind for p in triage(again)] == ["scan"] * 4
