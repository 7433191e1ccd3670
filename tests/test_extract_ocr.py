"""Scanned PDFs (150 dpi, no text layer): rules from the image, cells read by Tesseract chi_sim (labels it
misreads again by PP-OCR, numbers again digit-restricted)."""
from __future__ import annotations

import numpy as np
import pytest

from fixtures.extract.truth import fixture_bytes, load_truth, score_document
from parsers.extract import extract
from parsers.extract.ocr import clean_ocr_cell, find_rules, is_slash
from parsers.extract.ocr_lexicon import correct_label


@pytest.fixture(scope="module", params=["a", "b"])
def scanned(request):
    key = request.param
    return extract(fixture_bytes(f"scan_{key}.pdf"), url=f"http://example.gov.cn/scan_{key}.pdf"), load_truth(
        f"report_{key}")


def test_scan_is_ocred_with_confidence(scanned):
    doc, truth = scanned
    assert doc.ocr is True and doc.error is None and doc.pages == 4
    assert 0.5 < doc.ocr_confidence <= 1.0
    assert "tesseract" in doc.extractor and "digits" in doc.extractor and "opencv" in doc.extractor  # engines per role
    assert truth["agency"] in doc.text


def test_scan_table_structure_matches_the_original(scanned):
    doc, truth = scanned
    shapes = [(len(t.rows), len(t.rows[0])) for t in doc.tables]
    assert shapes == [(len(t), len(t[0])) for t in truth["tables"]]  # joined across pages, spans resolved


def test_scan_cells_mostly_read_exactly(scanned):
    doc, truth = scanned
    score = score_document(doc, truth)
    # Measured 0.990 / 0.982 of all cells (labels helped by the template lexicon) and 0.988 / 0.976
    # of numeric cells (pure OCR) on these fixtures; OCR is not exact, the floor guards against
    # regressions in rule finding, cell stacking and clean-up.
    assert score.share >= 0.95, score.misses
    assert score.numeric_share >= 0.95, [m for m in score.misses if m[3].isdigit()]


def test_rules_found_in_a_drawn_grid():
    image = np.full((400, 600), 255, dtype=np.uint8)
    for y in (50, 150, 250, 350):
        image[y:y + 2, 50:550] = 0
    for x in (50, 300, 549):
        image[50:352, x:x + 2] = 0
    image[90:110, 100:112] = 0  # a blob of "text" inside a cell is not a rule
    segments, erase, tables, _dashed = find_rules(image, 72 / 200)
    (table,) = tables
    assert (table.n_rows, table.n_cols) == (3, 2)
    assert erase[50, 200] and not erase[100, 105]


@pytest.mark.parametrize("raw,clean", [("《三) 不予公开。”", "(三) 不予公开"), ("“47", "47"), ("O", "0"), ("了", "7"),
                                       ("1/", "/"), ("3. 危及“三安全一稳定”", "3. 危及“三安全一稳定”"),
                                       ("1,48工", "1,481"),
                                       # a rule's scrap after a number goes; a sign before it stays
                                       ("0-", "0"), ("12 —", "12"), ("-3", "-3"), ("—", "—")])
def test_clean_ocr_cell(raw, clean):
    assert clean_ocr_cell(raw) == clean


@pytest.mark.parametrize("raw,fixed", [("结果纪正", "结果纠正"), ("行政拆讼", "行政诉讼"), ("其他", "其他"), ("1,481", "1,481"),
                                       ("某某公司", "某某公司"), ("(三)不予公开", "(三)不予公开"),
                                       ("本年收费金额《单位: 万元)", "本年收费金额(单位:万元)")])
def test_label_lexicon_repairs_one_slip_only(raw, fixed):
    assert correct_label(raw) == fixed


def _stroke(points: list[tuple[int, int]], size: int = 30) -> np.ndarray:
    """A glyph drawn as 3 px wide strokes through the given (row, col) points, as a boolean ink image."""
    ink = np.zeros((size, size), dtype=bool)
    for (r0, c0), (r1, c1) in zip(points, points[1:]):
        for t in np.linspace(0, 1, 4 * size):
            r, c = round(r0 + (r1 - r0) * t), round(c0 + (c1 - c0) * t)
            ink[r, max(c - 1, 0):c + 2] = True
    rows, cols = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def test_lone_slash_told_from_one_and_seven():
    # Tesseract reads a lone "/" (not applicable) as 1 or 7; the ink shape decides instead.
    assert is_slash(_stroke([(0, 14), (28, 4)]))
    assert not is_slash(_stroke([(0, 10), (28, 10)]))  # 1
    assert not is_slash(_stroke([(0, 2), (0, 18), (28, 8)]))  # 7: a bar on top
    assert not is_slash(_stroke([(0, 4), (28, 14)]))  # "\" leans the other way
    assert not is_slash(np.zeros((5, 5), dtype=bool))


def test_a_number_two_lines_tall_is_doubted():
    """Two rows' values in one cell (their rule lost to a copier) read as one plausible number."""
    from parsers.extract.ocr import stacked_number_doubt
    from parsers.extract.pdf_grid import Region, TablePart
    from parsers.extract.pdf_text import Glyph

    regions = [Region(0, 1, c, c + 1, text=t, confidence=0.9) for c, t in enumerate(("12", "7", "1681"))]
    table = TablePart(page=1, bbox=(0, 0, 300, 40), col_edges=[0, 100, 200, 300], row_edges=[40, 0], regions=regions)
    buckets = {id(regions[0]): [Glyph(10, 20, 30, 28, "12", conf=0.9)],
               id(regions[1]): [Glyph(110, 20, 120, 28, "7", conf=0.9)],
               id(regions[2]): [Glyph(210, 20, 240, 28, "168", conf=0.9), Glyph(210, 6, 220, 14, "1", conf=0.9)]}
    stacked_number_doubt(table, buckets)
    assert {"suspect", "two_lines"} <= set(regions[2].flags) and regions[2].confidence <= 0.3
    assert regions[0].flags == [] and regions[1].flags == []


def test_two_lines_of_digits_in_one_cell_are_read_line_by_line():
    from parsers.extract.ocr import digit_lines

    ink = np.zeros((70, 60), bool)
    ink[0:20, 0:10] = ink[0:20, 15:25] = True  # "11" on the first line
    ink[40:60, 0:10] = True  # "1" on the second, 20 px of paper between
    assert digit_lines(ink) == [(0, 20), (40, 60)]
    one_line = np.zeros((20, 60), bool)
    one_line[:, 0:10] = True
    assert digit_lines(one_line) is None
    ink[40:60, 0:40] = True  # a shape wider than any digit: a CJK character, not a number
    assert digit_lines(ink) is None
