"""DOCX: the filled official template, and merged/nested cells built with python-docx."""
from __future__ import annotations

import io

import docx
import pytest

from fixtures.extract.truth import fixture_bytes, load_truth, score_document
from parsers.extract import extract
from parsers.model import Document


@pytest.mark.parametrize("name", ["report_a", "report_b"])
def test_template_tables_recovered_cell_by_cell(name):
    doc = extract(fixture_bytes(f"{name}.docx"), url=f"http://example.gov.cn/{name}.docx")
    truth = load_truth(name)
    assert doc.error is None and doc.format == "docx"
    assert doc.title == truth["title"]
    score = score_document(doc, truth)
    assert score.misses == [] and score.cells == 396
    assert [len(t.rows) for t in doc.tables] == [14, 28, 4]
    assert [t.source.index for t in doc.tables] == [0, 1, 2]


def test_merged_cells_carry_origin_and_spans():
    doc = extract(fixture_bytes("report_a.docx"), url="report_a.docx")
    requests = doc.tables[1].rows
    corner = requests[2][1]  # inside the 3x3 note cell at the top left
    assert corner.origin == (0, 0) and corner.row_span == 3 and corner.col_span == 3
    assert "勾稽关系" in corner.text
    result = requests[20][0]  # 三、本年度办理结果 spans rows 5..26 in column 0
    assert result.origin == (5, 0) and result.row_span == 22 and result.text == "三、本年度办理结果"
    assert requests[3][5].origin is None  # a plain value cell


def test_headings_paragraphs_and_block_order():
    doc = extract(fixture_bytes("report_b.docx"), url="report_b.docx")
    kinds = [(b.kind, b.text[:4]) for b in doc.blocks if b.kind != "paragraph"]
    assert kinds[:3] == [("heading", "一、总体"), ("heading", "二、主动"), ("table", "第二十条")]
    # Glyph-spaced heading in the source is joined
    assert any(b.text == "五、存在的主要问题及改进情况" for b in doc.blocks)


def _built_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("[bookmark: _GoBack]测试报告")
    table = d.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "表头"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "纵向"
    table.cell(1, 1).text = "１，２３４"
    table.cell(2, 2).text = "—"
    inner = table.cell(1, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内表"
    inner.cell(0, 1).text = "7"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_built_merges_nested_table_and_normalised_text():
    doc = extract(_built_docx(), url="built.docx")
    assert doc.error is None
    outer, nested = doc.tables
    assert [[c.text for c in row] for row in outer.rows] == [["表头", "表头", "表头"], ["纵向", "1,234", ""],
                                                             ["纵向", "", "—"]]
    assert outer.rows[0][2].origin == (0, 0) and outer.rows[0][2].col_span == 3
    assert outer.rows[2][0].origin == (1, 0) and outer.rows[2][0].row_span == 2
    assert [[c.text for c in row] for row in nested.rows] == [["内表", "7"]]
    assert nested.source.path == "tbl[0]/tbl[0]"
    assert doc.title == "测试报告"  # the bookmark artefact is gone


def test_json_round_trip_keeps_tables():
    doc = extract(fixture_bytes("report_a.docx"), url="report_a.docx")
    again = Document.from_json(doc.to_json())
    assert again == doc
