"""Which edges of a scanned table are ruled (parsers/extract/scan_edges.py), on page images."""
from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))

from make_scans import render  # noqa: E402
from parsers.extract.ocr import find_rules  # noqa: E402
from parsers.extract.scan_edges import edge_reading  # noqa: E402
from parsers.extract.scan_prep import prepare_page  # noqa: E402

SCALE = 72 / 200
XS = [100, 400, 600, 800, 1000]
YS = [100, 190, 280, 370]


def _dashed(page: np.ndarray, p0: tuple[int, int], p1: tuple[int, int], dash: int = 18, gap: int = 9) -> None:
    (x0, y0), (x1, y1) = p0, p1
    length = max(abs(x1 - x0), abs(y1 - y0))
    for s in range(0, length, dash + gap):
        e = min(s + dash, length)
        a = (x0 + (x1 - x0) * s // length, y0 + (y1 - y0) * s // length)
        b = (x0 + (x1 - x0) * e // length, y0 + (y1 - y0) * e // length)
        cv2.line(page, a, b, 0, 2)


def _page() -> np.ndarray:
    return np.full((600, 1100), 255, np.uint8)


def _regions_by_row(table) -> dict[int, int]:
    out: dict[int, int] = {}
    for region in table.regions:
        out[region.r0] = out.get(region.r0, 0) + 1
    return out


def test_a_table_ruled_in_dashes_keeps_every_cell():
    page = _page()
    for y in YS:
        _dashed(page, (XS[0], y), (XS[-1], y))
    for x in XS:
        _dashed(page, (x, YS[0]), (x, YS[-1]))
    rules = find_rules(page, SCALE)
    (table,) = rules.tables
    assert (table.n_rows, table.n_cols) == (3, 4)
    assert len(table.regions) == 12  # no two cells merged across a broken rule
    assert rules.dashed


def test_a_stroke_on_a_merged_cells_hidden_boundary_does_not_split_it():
    page = _page()
    for y in YS:
        cv2.line(page, (XS[0], y), (XS[-1], y), 0, 2)
    for x in XS:
        top = YS[1] if x == 400 else YS[0]  # the first row's first two slots are one merged cell
        cv2.line(page, (x, top), (x, YS[-1]), 0, 2)
    # A glyph-like mark in the merged cell, its upright stroke right on the hidden boundary x=400:
    # 26 px of a 90 px row, with its crossbars beside it.
    cv2.line(page, (400, 130), (400, 156), 0, 3)
    for y in (132, 143, 154):
        cv2.line(page, (385, y), (415, y), 0, 2)
    rules = find_rules(page, SCALE)
    (table,) = rules.tables
    assert _regions_by_row(table)[0] == 3  # merged cell + two cells
    assert not rules.dashed


def test_a_thin_line_is_a_rule_and_a_blob_of_strokes_is_not():
    page = _page()
    cv2.line(page, (100, 100), (600, 100), 0, 2)
    for k in range(8):  # a word's strokes: dark across 20 rows round y=300
        cv2.rectangle(page, (100 + 60 * k, 290), (140 + 60 * k, 310), 0, 2)
    dark = page < 160
    share, band = edge_reading(dark, 101, 100, 600, True)
    assert share > 0.95 and band[0] <= 101 <= band[1] + 1
    assert edge_reading(dark, 300, 100, 600, True)[0] == 0.0


def test_the_review_tables_spanning_headers_stay_whole_on_a_clean_scan():
    """The corpus's 2021 review table at 200 dpi: 行政复议 over 5 columns and 行政诉讼 over 10 are
    printed across column boundaries; their strokes there are not rules."""
    prepared = prepare_page(render("02_2021_pdf", 200, colour=False)[-1], 200)
    tables = find_rules(prepared.image, SCALE).tables
    review = next(t for t in tables if t.n_cols == 15)
    by_row = _regions_by_row(review)
    assert by_row[0] == 2
    assert by_row[review.n_rows - 1] == 15


def test_short_dashes_on_a_one_line_row_are_still_its_rule():
    """A copier leaves a one-line cell's edge a few 5-px dashes: too short for the first reading, but on
    the line the table's other rules agree on, with paper beside them, they are that edge's rule."""
    from parsers.extract.scan_edges import dash_reading

    page = _page()
    y0, y1, x = 100, 140, 300
    for y in range(y0 + 6, y1 - 6, 9):  # 5-px dashes, 4-px gaps
        cv2.line(page, (x, y), (x, y + 4), 0, 2)
    dark = page < 160
    assert edge_reading(dark, x, y0, y1, False)[0] == 0.0  # the first reading refuses them
    assert dash_reading(dark, x, y0, y1, False) > 0


def test_a_glyphs_stroke_on_a_rule_line_is_not_a_dash():
    """后's first stroke can lie exactly on a column line that runs through a header cell spanning the
    columns: it is joined to the glyph's other strokes, off the line, so it is no rule."""
    from parsers.extract.scan_edges import dash_reading

    page = _page()
    y0, y1, x = 100, 145, 300
    cv2.line(page, (x, y0 + 10), (x, y1 - 10), 0, 2)  # the stroke on the line
    cv2.line(page, (x, y0 + 10), (x + 20, y0 + 10), 0, 2)  # joined to one going right, off the line
    cv2.rectangle(page, (x + 6, y0 + 20), (x + 18, y1 - 12), 0, 2)
    dark = page < 160
    assert edge_reading(dark, x, y0, y1, False)[0] <= 0.0
    assert dash_reading(dark, x, y0, y1, False) == 0.0


def test_a_second_table_found_only_by_a_looser_reading_is_kept():
    """A photocopied page (make_scans copier_h2, page 2) where the strictest reading finds the requests
    table without its first column and misses the review table below it; a looser reading finds
    both whole. The reading that puts more of the page in statistics tables wins, though its largest
    table is not much larger."""
    from make_scans import make_scan
    from parsers.extract.ocr import _pdf_page_images

    scan = make_scan("copier_h2")
    page = next(_pdf_page_images(scan.files[0][1], [1]))
    prepared = prepare_page(page.pixels, page.dpi)
    tables = sorted(find_rules(prepared.image, SCALE).tables, key=lambda t: -t.bbox[3])
    assert len(tables) == 2  # the requests table's end, and the review table
    assert tables[0].bbox[0] < 90  # with its 三、本年度办理结果 column, at the page's left margin
    assert tables[1].n_cols >= 14  # the review table's 15 columns (a dashed one may merge two)
