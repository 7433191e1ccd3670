"""The two PDF layout backends (pdfium, the default; pdfminer.six) give the same tables, and pdfminer
takes over where pdfium cannot read a file."""
from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
import pytest

from fixtures.extract.truth import fixture_bytes, load_truth, score_document
from parsers.extract import extract
from parsers.extract.pdf import LAYOUT_ENV
from parsers.extract.pdf_layout import page_layout
from parsers.extract.pdf_layout_pdfminer import read_layouts

# fixture -> truth of its tables
FIXTURES = {"report_a": "report_a", "report_b": "report_b", "long_a": "report_a", "nolines_a": "nolines_a",
            "nolines_b": "nolines_b"}


def _cells(doc) -> list[list[list[str]]]:
    return [[[c.text for c in row] for row in t.rows] for t in doc.tables]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_pdfminer_backend_recovers_the_same_tables(name, monkeypatch):
    data = fixture_bytes(f"{name}.pdf")
    default = extract(data, url=f"{name}.pdf")
    monkeypatch.setenv(LAYOUT_ENV, "pdfminer")
    miner = extract(data, url=f"{name}.pdf")
    truth = load_truth(FIXTURES[name])
    assert default.extractor.startswith("pypdfium2") and "pdfminer" not in default.extractor
    assert "pdfminer.six" in miner.extractor and "(layout, pages" in miner.extractor, miner.extractor
    for doc in (default, miner):
        score = score_document(doc, truth)
        assert doc.error is None and score.misses == [] and score.exact == score.cells > 200, \
            (doc.extractor, score.misses[:3])
    assert _cells(miner) == _cells(default)
    assert [(b.kind, b.text) for b in miner.blocks] == [(b.kind, b.text) for b in default.blocks]


def test_pdfminer_lays_out_only_the_triaged_table_pages(monkeypatch):
    monkeypatch.setenv(LAYOUT_ENV, "pdfminer")
    doc = extract(fixture_bytes("long_a.pdf"), url="long_a.pdf")
    assert doc.extractor.endswith("(layout, pages 6-8)")  # pages 1-5 and 9 are prose: pdfium's text runs


def test_backends_agree_on_coordinates_of_rotated_cropped_pages():
    # Both backends must put glyphs and rules in the same upright page space (/Rotate applied, origin at
    # the CropBox corner), or tables joined across pages and block bboxes would depend on the backend.
    pdf = pdfium.PdfDocument(fixture_bytes("report_a.pdf"))
    page = pdf[1]
    page.set_cropbox(20, 30, 580, 820)
    page.set_rotation(90)
    buf = io.BytesIO()
    pdf.save(buf)
    data = buf.getvalue()
    reopened = pdfium.PdfDocument(data)
    page = reopened[1]
    glyphs, segments = page_layout(page, page.get_textpage())
    (miner,) = read_layouts(data, [1])
    assert miner.index == 1 and (miner.width, miner.height) == pytest.approx(page.get_size(), abs=0.01)
    assert sorted(g.text for g in miner.glyphs) == sorted(g.text for g in glyphs) and len(glyphs) > 250
    # The boxes differ in height (pdfminer: font size; pdfium: ascent to descent) and the two may order a
    # line's characters differently, but each character sits in the same place.
    centres: dict[str, list[tuple[float, float]]] = {}
    for g in miner.glyphs:
        centres.setdefault(g.text, []).append(((g.x0 + g.x1) / 2, (g.y0 + g.y1) / 2))
    for g in glyphs:
        x, y = (g.x0 + g.x1) / 2, (g.y0 + g.y1) / 2
        assert min(abs(x - mx) + abs(y - my) for mx, my in centres[g.text]) < 4, g  # a crop or rotation slip is ≥ 20 pt
    def rules(found):  # pdfium also reports zero-length pieces (a closing point): no rule to the grid
        return sorted((round(s.x0), round(s.y0), round(s.x1), round(s.y1)) for s in found
                      if s.x1 - s.x0 >= 1 or s.y1 - s.y0 >= 1)
    # (40 rules on this page: its shaded header cells are backgrounds, not rules, to both backends)
    assert rules(miner.segments) == rules(segments) and len(rules(segments)) >= 40
    assert extract(data, url="rotated.pdf").error is None


def test_pdfminer_reads_a_file_pdfium_rejects():
    # A damaged catalog whose /Pages points at a missing object: pdfium refuses the whole file, while
    # pdfminer falls back to looking for the page objects themselves.
    data = fixture_bytes("report_a.pdf")
    ref = re.search(rb"/Type/Catalog/Pages (\d+) 0 R", data)
    assert ref is not None
    broken = data[:ref.start(1)] + b"9" * len(ref.group(1)) + data[ref.end(1):]
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(broken)
    doc = extract(broken, url="damaged.pdf")
    assert doc.error is None and doc.pages == 4
    assert doc.extractor.startswith("pdfminer.six") and "fallback" in doc.extractor
    assert score_document(doc, load_truth("report_a")).misses == []
    assert doc.title == load_truth("report_a")["title"]
    assert all(b.source.page and b.source.bbox for b in doc.blocks)


def test_truncated_file_neither_backend_reads_keeps_its_reason():
    data = fixture_bytes("report_b.pdf")
    doc = extract(data[: len(data) // 3], url="cut.pdf")
    assert doc.error is not None and "truncated" in doc.error and "pdfminer.six" in doc.error


def test_unknown_backend_named_in_the_error(monkeypatch):
    monkeypatch.setenv(LAYOUT_ENV, "pdfplumber")
    doc = extract(fixture_bytes("report_a.pdf"), url="a.pdf")
    assert doc.error is not None and LAYOUT_ENV in doc.error and "pdfplumber" in doc.error and "a.pdf" in doc.error
    assert "\n" not in doc.error


def test_garbage_text_layer_is_asked_of_pdfminer_and_stays_a_scan():
    # pdfium decodes this page's text to Latin-1 soup; pdfminer is asked to decode it with its own CMaps,
    # reads the same soup, so the pages stay scans (for OCR) and the document stays pdfium's.
    from fixtures.extract.truth import scan_with_garbage_text_layer
    from parsers.extract.pdf import extract_pdf

    data = scan_with_garbage_text_layer()
    (miner,) = read_layouts(data, [0])
    assert "ÄÅÇ" in miner.text  # pdfminer did read the page, and found the same garbage
    doc = extract_pdf(data, ocr=False)
    assert doc.extractor.startswith("pypdfium2") and "pdfminer" not in doc.extractor
    assert doc.error is not None and "OCR disabled" in doc.error and not doc.tables
