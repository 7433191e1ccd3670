"""Scans as offices make them: each page-preparation step undoes its damage, rules survive
dropout, doubtful readings are flagged; end to end on degraded fixtures (tests/corpus/make_scans.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))

from make_scans import FIXTURES, dropout, keystone, make_scan, render, seal, uneven_light  # noqa: E402
from parsers.extract import extract  # noqa: E402
from parsers.extract.ocr import SUSPECT_BELOW, cell_doubt, decide_cell, find_rules  # noqa: E402
from parsers.extract.scan_prep import (binarise, frame_quad, normalise_background, prepare_page,  # noqa: E402
                                       remove_red, skew_angle, unkeystone)
from parsers.model import Document  # noqa: E402


@pytest.fixture(scope="module")
def table_page() -> np.ndarray:
    """Page 2 of a born-digital 2021 report at 200 dpi: a ruled statistics table."""
    return render("02_2021_pdf", 200, colour=False)[1]


def _rotate(page: np.ndarray, angle: float) -> np.ndarray:
    h, w = page.shape[:2]
    return cv2.warpAffine(page, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h), borderValue=255)


@pytest.mark.parametrize("angle", [-2.6, -0.7, 1.2, 3.0])
def test_deskew_finds_the_angle_from_rules_and_lines(table_page, angle):
    assert skew_angle(_rotate(table_page, angle)) == pytest.approx(-angle, abs=0.1)


def test_red_seal_goes_black_text_under_it_stays(table_page):
    rng = np.random.default_rng(3)
    stamped = seal(table_page, rng, (900, 700), 200)
    gray, red = remove_red(stamped)
    assert red > 20_000
    ink_before = table_page < 128
    ink_after = gray < 128
    # The seal's ring is gone wherever the paper was blank; the text under the seal is still there.
    assert (ink_after & ~ink_before).sum() < 0.02 * ink_before.sum()
    assert (ink_after & ink_before).sum() > 0.97 * ink_before.sum()


def test_keystone_frame_is_found_and_made_rectangular(table_page):
    rng = np.random.default_rng(4)
    photo = keystone(table_page, rng)
    quad = frame_quad(((photo < 160) * 255).astype(np.uint8))
    assert quad is not None
    fixed = unkeystone(photo, quad)
    again = frame_quad(((fixed < 160) * 255).astype(np.uint8))
    tl, tr, br, bl = again
    assert abs(tl[0] - bl[0]) < 4 and abs(tr[0] - br[0]) < 4 and abs(tl[1] - tr[1]) < 4


def test_uneven_light_and_yellow_paper_become_white_paper(table_page):
    rng = np.random.default_rng(5)
    dim = cv2.cvtColor(uneven_light(cv2.cvtColor(table_page, cv2.COLOR_GRAY2BGR), rng), cv2.COLOR_BGR2GRAY)
    dim = (dim.astype(np.float32) * 0.8).astype(np.uint8)  # and a grey cast
    bilevel = binarise(normalise_background(dim))
    paper = table_page > 230
    assert (bilevel[paper] == 255).mean() > 0.995  # no dark corners or noise on the paper
    ink = table_page < 100
    assert (bilevel[ink] == 0).mean() > 0.95


def test_rules_with_copier_dropout_still_make_the_grid():
    image = np.full((400, 600), 255, dtype=np.uint8)
    for y in (50, 150, 250, 350):
        image[y:y + 2, 50:550] = 0
    for x in (50, 300, 549):
        image[50:352, x:x + 2] = 0
    image = dropout(image, np.random.default_rng(6), share=0.12, cell=4)
    image[150:152, 150:175] = 255  # and a stretch of one rule missing
    _segments, _erase, tables, _dashed = find_rules(np.where(image < 160, 0, 255).astype(np.uint8), 72 / 200)
    (table,) = tables
    assert (table.n_rows, table.n_cols) == (3, 2) and len(table.regions) == 6


def test_two_readings_that_differ_make_the_cell_suspect():
    box = (0, 40, 0, 80)
    agree = decide_cell([(5, 5, 30, 20, "47", 91.0)], [(5, 5, 30, 20, "47", 95.0)], box)
    differ = decide_cell([(5, 5, 30, 20, "47", 91.0)], [(5, 5, 30, 20, "17", 95.0)], box)
    (word, conf), = differ
    assert word[4] == "17" and conf < SUSPECT_BELOW  # the digit reading is kept, doubted
    assert cell_doubt([c for _w, c in agree]) == (0.95, [])
    assert cell_doubt([c for _w, c in differ])[1] == ["suspect"]


def test_ink_without_digits_is_suspect_not_blank():
    (word, conf), = decide_cell([], [], (10, 50, 20, 90))
    assert word[4] == "" and conf == 0.0
    assert cell_doubt([conf])[1] == ["suspect"]


def test_cell_doubt_survives_the_document_json():
    from parsers.model import Block, Cell

    doc = Document(format="pdf", blocks=[Block(kind="table", rows=[[Cell("12", confidence=0.3, flags=["suspect"]),
                                                                    Cell("信息内容")]])])
    raw = doc.to_json()
    assert raw.count("\"confidence\"") == 1  # born-digital cells carry no OCR fields
    back = Document.from_json(raw)
    assert back.blocks[0].rows[0][0].flags == ["suspect"] and back.blocks[0].rows[0][1].confidence is None


def test_preparation_levels_a_skewed_stamped_phone_page(table_page):
    rng = np.random.default_rng(7)
    page = seal(cv2.cvtColor(_rotate(table_page, 1.8), cv2.COLOR_GRAY2BGR), rng, (1300, 600), 200)
    prepared = prepare_page(uneven_light(page, rng), 200)
    assert prepared.angle == pytest.approx(-1.8, abs=0.1) and prepared.seal_pixels > 10_000
    _segments, _erase, tables, _dashed = find_rules(prepared.image, 72 / 200)
    assert tables and max(len(t.regions) for t in tables) >= 20


def test_every_degradation_class_has_a_fixture():
    assert {cls for _src, cls, _c in FIXTURES.values()} == {
        "clean200", "skew", "dpi150", "dpi300", "jpeg", "yellowed", "seal", "copier", "speckle", "phone", "rules",
        "mixed"}
    assert {c for _s, _cls, c in FIXTURES.values()} == {"pdf", "jpg", "png", "tiff"}


def test_fixtures_are_reproducible():
    a, b = make_scan("speckle_a"), make_scan("speckle_a")
    assert [d for _n, d in a.files] == [d for _n, d in b.files]


def test_image_pages_are_read_like_a_scanned_pdf():
    scan = make_scan("seal_b")  # a 2019-template report as five JPEG pages, a red seal on them
    docs = [extract(data, url=f"http://example.gov.cn/{name}") for name, data in scan.files]
    # The last page holds only the seal over an empty signature area: once the seal is removed it is
    # blank, and is recorded as such instead of being OCR'd.
    assert all(d.format == "other" for d in docs)
    assert all(d.ocr and d.error is None for d in docs[:-1]) and "blank page" in docs[-1].error
    assert any(d.tables for d in docs)
    cells = [c for d in docs for t in d.tables for row in t.rows for c in row]
    assert all(c.confidence is not None for c in cells if c.text)
    assert "rapidocr" in docs[0].extractor or "tesseract" in docs[0].extractor


def test_values_a_missing_rule_merged_are_split_by_column():
    from parsers.extract.pdf_grid import Region, TablePart
    from parsers.extract.pdf_text import Glyph

    table = TablePart(page=1, bbox=(0, 0, 300, 40), col_edges=[0, 100, 200, 300], row_edges=[40, 20, 0],
                      regions=[Region(0, 1, 0, 1), Region(0, 1, 1, 3), Region(1, 2, 0, 3)])
    merged_numbers, merged_header = table.regions[1], table.regions[2]
    buckets = {id(merged_numbers): [Glyph(120, 25, 140, 35, "12", 0.9), Glyph(230, 25, 240, 35, "5", 0.9)],
               id(merged_header): [Glyph(120, 5, 180, 15, "申请人情况", 0.9)]}
    from parsers.extract.ocr import split_unruled_cells

    split_unruled_cells(table, buckets)
    spans = sorted((r.r0, r.c0, r.c1) for r in table.regions)
    assert spans == [(0, 0, 1), (0, 1, 2), (0, 2, 3), (1, 0, 3)]  # the header stays merged
    assert [g.text for r in table.regions if (r.r0, r.c0) == (0, 2) for g in buckets[id(r)]] == ["5"]
    assert table.locate(250, 30) is not None and table.locate(250, 30).c0 == 2


def test_rules_a_copier_printed_as_dashes_still_make_one_grid():
    """Short rows (one text line each) ruled with dashes: no window along a rule is mostly dark."""
    image = np.full((500, 700), 255, dtype=np.uint8)
    ys = list(range(40, 461, 46))
    xs = (40, 200, 360, 520, 672)  # the rules begin and end on a dash

    def dashed(length: int) -> np.ndarray:
        on = np.zeros(length, bool)
        for start in range(0, length, 38):
            on[start:start + 26] = True  # 26 px of ink, 12 px of dropout
        return on

    for y in ys:
        image[y:y + 2, 40:674][:, dashed(634)] = 0
    for x in xs:
        image[40:462, x:x + 2][dashed(422), :] = 0  # 422 = 11 x 38 + 4: ends inside a dash too
    _segments, _erase, tables, _dashed = find_rules(image, 72 / 200)
    (table,) = tables
    assert (table.n_rows, table.n_cols) == (len(ys) - 1, len(xs) - 1)


def test_faint_ink_continues_what_dropout_broke_and_only_there():
    page = np.full((120, 400), 255, dtype=np.uint8)
    page[50:53, 20:380] = 30  # a rule
    page[50:53, 100:105] = 210  # patches the copier left light grey
    page[50:53, 250:254] = 205
    page[10:14, 20:380] = 215  # faint paper texture with no clear ink near it
    strokes = lambda b: cv2.connectedComponents((b < 128).astype(np.uint8))[0] - 1  # noqa: E731
    assert strokes(binarise(page)) >= 3
    joined = binarise(page, faint_ink=True)
    assert strokes(joined) == 1 and (joined[10:14] == 255).all()


def test_a_copied_page_whose_rules_are_dashes_keeps_its_cells_and_reads_them_with_faint_ink():
    """Page 1 of the copier fixture: its rules are dashes. Both tables are found from the plain
    reading, judged dashed, and their text is read from the faint reading (broken strokes joined)."""
    from parsers.extract.ocr import _plan_page
    import pypdfium2 as pdfium

    (_name, data), = make_scan("copier_a").files
    page = np.array(pdfium.PdfDocument(data)[0].render(scale=200 / 72, grayscale=True).to_pil().convert("L"))
    prepared = prepare_page(page, 200)
    rules = find_rules(prepared.image, 72 / 200)
    assert len(rules.tables) == 2 and rules.dashed
    assert all(t.bbox[2] - t.bbox[0] > 400 for t in rules.tables)  # whole tables, not scraps
    prep = _plan_page(prepared.image, prepared.steps, faint=prepared.faint).prep
    assert prep.get("faint_text") is True and "faint_ink" not in prep
    clean = prepare_page(render("02_2021_pdf", 200, colour=False)[1], 200)  # its table held together
    assert not find_rules(clean.image, 72 / 200).dashed
    assert not {"faint_ink", "faint_text"} & set(_plan_page(clean.image, clean.steps, faint=clean.faint).prep)
