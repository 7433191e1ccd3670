"""Tables as real producers print them (tests/corpus/README.md, "extraction and corpus classes"): each
glyph in its own cell, every printed row kept, prose kept out of tables, on both PDF layout backends.

The PDFs are LibreOffice's print of generated DOCX (tests/corpus/make_corpus.py); the truth is the
generator's, not the extractor's.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers.extract import extract
from parsers.extract.pdf import extract_pdf
from parsers.extract.pdf_grid import Region, TablePart, peel_prose_rows
from parsers.extract.pdf_text import Glyph, cell_text, group_rows
from parsers.model import Document

CORPUS = Path(__file__).parent / "corpus" / "files"
BACKENDS = ("pdfium", "pdfminer")


def _file(variations: list[str], fmt: str) -> Path:
    for truth in sorted(CORPUS.glob("*.json")):
        t = json.loads(truth.read_text(encoding="utf-8"))
        if t["variations"] == variations and t["format"] == fmt:
            return CORPUS / t["file"]
    raise AssertionError(f"no corpus file of class {variations} as {fmt}")


def _requests(doc: Document):
    return next(t for t in doc.tables if any("本年度办理结果" in c.text for row in t.rows for c in row))


def _column(table, c: int) -> list[str]:
    return [row[c].text for row in table.rows]


def _truth(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def _labels(table) -> list[str]:
    return [row[2].text for row in table.rows]


@pytest.mark.parametrize("backend", BACKENDS)
def test_vertical_header_stays_in_its_narrow_column(backend):
    doc = extract_pdf(_file(["vertical_header"], "pdf").read_bytes(), layout=backend)
    table = _requests(doc)
    # one character per printed line, all in the merged column; none inside the neighbouring labels
    assert "三、本年度办理结果" in _column(table, 0)
    for row in table.rows:
        for cell in row[1:]:
            assert "本年度" not in cell.text and "办理结果" not in cell.text, cell.text
    assert "1.属于国家秘密" in _labels(table)


@pytest.mark.parametrize("backend", BACKENDS)
def test_rotated_header_reads_in_order(backend):
    doc = extract_pdf(_file(["rotated_header"], "pdf").read_bytes(), layout=backend)
    column = _column(_requests(doc), 0)
    assert "三、本年度办理结果" in column
    assert not any("果结理办" in text for text in column)  # printed bottom to top: read it upwards


@pytest.mark.parametrize("backend", BACKENDS)
def test_white_shaded_prose_is_not_a_table(backend):
    """Text pasted from a web page keeps a white box behind each paragraph; edge to edge with the table
    below, those boxes joined its rules and the prose became a 4-column table, each line in every cell."""
    doc = extract_pdf(_file(["prose_above"], "pdf").read_bytes(), layout=backend)
    assert [len(t.rows[0]) for t in doc.tables] == [4, 10, 15]
    for table in doc.tables:
        assert not any("坚持以习近平" in c.text or "严格依法办理" in c.text for row in table.rows for c in row)
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert any(p.startswith("（一）严格依法办理") or p.startswith("(一)严格依法办理") for p in paragraphs)


@pytest.mark.parametrize("backend", BACKENDS)
def test_grey_shaded_prose_is_not_a_table(backend):
    doc = extract_pdf(_file(["shaded_prose"], "pdf").read_bytes(), layout=backend)
    assert [len(t.rows[0]) for t in doc.tables] == [4, 10, 15]


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_without_their_rule_are_split_and_keep_their_numbers(backend):
    path = _file(["missing_rules", "vertical_header"], "pdf")
    truth = _truth(path)
    table = _requests(extract_pdf(path.read_bytes(), layout=backend))
    labels = _labels(table)
    for wanted in ("(一)予以公开", "(二)部分公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开",
                   "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"):
        rows = [r for r, text in enumerate(labels) if text.startswith(wanted)]
        assert rows, f"{wanted} lost: {labels}"
    partly = next(row for row, text in zip(table.rows, labels) if text.startswith("(二)部分公开"))
    want = [truth["cells"][f"requests.partly_granted.{c}"] for c in
            ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")]
    assert [int(c.text) for c in partly[3:10]] == want


@pytest.mark.parametrize("backend", BACKENDS)
def test_repeated_header_rows_are_dropped_and_split_cells_rejoined(backend):
    doc = extract_pdf(_file(["repeated_header"], "pdf").read_bytes(), layout=backend)
    table = _requests(doc)
    headers = [r for r, row in enumerate(table.rows) if row[3].text == "自然人"]
    assert len(headers) == 2  # the two header rows of the first page, not again on the second
    assert table.rows[-2][0].text == "三、本年度办理结果" and table.rows[-2][0].origin == (5, 0)


def test_word_html_blank_review_table_keeps_its_empty_row():
    doc = extract(_file(["blank_review"], "wordhtml").read_bytes(), url="blank.html")
    review = next(t for t in doc.tables if t.rows[0][0].text == "行政复议")
    assert len(review.rows) == 4 and [c.text for c in review.rows[3]] == [""] * 15


def test_word_html_cells_and_split_table():
    doc = extract(_file(["repeated_header"], "wordhtml").read_bytes(), url="word.html")
    table = _requests(doc)
    labels = _labels(table)
    assert sum(1 for row in table.rows if row[3].text == "自然人") == 2  # header once: rows 2 and 3
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）".replace("（", "(").replace("）", ")").replace("，", ",") \
        in labels
    assert not any("\xa0" in c.text for row in table.rows for c in row)


def test_docx_vertical_merge_and_wrapped_label_with_space():
    doc = extract(_file(["vertical_header", "wrapped_space"], "docx").read_bytes(), url="r.docx")
    table = _requests(doc)
    assert _column(table, 0).count("三、本年度办理结果") >= 20
    assert any(text.startswith("(二)部分公开") and "这一情形" in text for text in _labels(table))
    assert table.rows[2][4].text == "商业企业"


def test_lines_never_interleave_beside_a_tall_glyph():
    """Two lines of small type and, beside them, a tall glyph of a vertical header: the tall box must not
    pull both lines into one row (read character by character in turn: "(计二其)他…")."""
    line1 = [Glyph(40 + 8 * k, 100, 48 + 8 * k, 108, ch) for k, ch in enumerate("(二)部分公开")]
    line2 = [Glyph(40 + 8 * k, 91, 48 + 8 * k, 99, ch) for k, ch in enumerate("计其他情形)")]
    tall = Glyph(20, 85, 34, 115, "本")
    rows = group_rows(line1 + line2 + [tall], apart=True)
    texts = ["".join(g.text for g in row if g.text != "本") for row in rows]
    assert "(二)部分公开" in texts and "计其他情形)" in texts


def test_rotated_glyphs_read_along_their_direction():
    up = [Glyph(10, 10 * k, 20, 10 * k + 10, ch, 90.0) for k, ch in enumerate("三、本年度")]
    down = [Glyph(10, 100 - 10 * k, 20, 110 - 10 * k, ch, 270.0) for k, ch in enumerate("办理结果")]
    assert cell_text(up) == "三、本年度"
    assert cell_text(down) == "办理结果"


def test_prose_rows_peeled_off_a_table_but_its_title_row_kept():
    part = TablePart(page=1, bbox=(0, 0, 400, 300), col_edges=[0, 100, 200, 300, 400],
                     row_edges=[300, 250, 200, 150, 100, 0],
                     regions=[Region(0, 1, 0, 4, "本机关坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。"),
                              Region(1, 2, 0, 4, "第二十条第（一）项"),
                              Region(2, 3, 0, 1, "信息内容"), Region(2, 3, 1, 2, "本年制发件数"),
                              Region(2, 3, 2, 3, "本年废止件数"), Region(2, 3, 3, 4, "现行有效件数"),
                              Region(3, 4, 0, 1, "规章"), Region(3, 4, 1, 2, "1"), Region(3, 4, 2, 3, "0"),
                              Region(3, 4, 3, 4, "5"),
                              Region(4, 5, 0, 4, "三、收到和处理政府信息公开申请情况")])
    table, prose = peel_prose_rows(part)
    assert [r.text for r in prose] == [part.regions[0].text, "三、收到和处理政府信息公开申请情况"]
    assert table is not None and table.n_rows == 3 and table.regions[0].text == "第二十条第（一）项"
    assert table.regions[0].r0 == 0 and table.bbox == (0, 100, 400, 250)


def test_character_spilling_out_of_a_narrow_cell_stays_in_it():
    """A vertical header character wider than its narrow column spills over the rule on its right (its
    centre lies in the label cell): it belongs to the cell it starts in."""
    from parsers.extract.pdf import PageInfo, build_page
    from parsers.extract.pdf_grid import Segment

    xs, ys = [0, 8, 100, 130, 160], [200, 170, 140]
    segments = [Segment(xs[0], y, xs[-1], y) for y in ys] + [Segment(x, ys[-1], x, ys[0]) for x in xs]
    # a second data row so that the grid is a table: "1" and "2" under the number columns
    glyphs = [Glyph(3, 180, 14, 191, "办"), Glyph(3, 150, 14, 161, "理")]  # centres at 8.5: past the rule
    glyphs += [Glyph(16 + 9 * k, 180, 25 + 9 * k, 189, ch) for k, ch in enumerate("1.属于国家秘密")]
    glyphs += [Glyph(16 + 9 * k, 150, 25 + 9 * k, 159, ch) for k, ch in enumerate("2.其他")]
    glyphs += [Glyph(110, 180, 115, 189, "3"), Glyph(140, 180, 145, 189, "4"), Glyph(110, 150, 115, 159, "5"),
               Glyph(140, 150, 145, 159, "6")]
    info = PageInfo(0, 200, 300, "", 10, 0, kind="table")
    build_page(info, glyphs, segments)
    (table,) = info.tables
    texts = {(reg.r0, reg.c0): reg.text for reg in table.regions}
    assert texts[(0, 0)] == "办" and texts[(1, 0)] == "理"
    assert texts[(0, 1)] == "1.属于国家秘密" and texts[(1, 1)] == "2.其他"
