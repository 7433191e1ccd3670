"""DOC/WPS/XLS through LibreOffice headless (real soffice, private profile per conversion)."""
from __future__ import annotations

import pytest

from fixtures.extract.truth import fixture_bytes, load_truth, score_document
from parsers.extract import extract
from parsers.extract.office_convert import ConversionError, convert


@pytest.mark.parametrize("name", ["report_a", "report_b"])
def test_doc_tables_recovered(name):
    doc = extract(fixture_bytes(f"{name}.doc"), url=f"http://example.gov.cn/{name}.doc")
    truth = load_truth(name)
    assert doc.error is None and doc.format == "doc"
    assert doc.extractor.startswith("LibreOffice")
    assert doc.title == truth["title"]
    score = score_document(doc, truth)
    assert score.misses == [] and score.cells == 396


def test_wps_name_with_word_content():
    # WPS Office saves .wps files in the Word binary format; the name must not stop the conversion
    doc = extract(fixture_bytes("report_a.doc"), url="http://example.gov.cn/report.wps")
    assert doc.format == "wps" and doc.error is None
    assert len(doc.tables) == 3


@pytest.mark.parametrize("name", ["sheet_a", "sheet_b"])
def test_spreadsheet_with_merged_cells(name):
    doc = extract(fixture_bytes(f"{name}.xls"), url=f"http://example.gov.cn/{name}.xls")
    assert doc.error is None and doc.format == "xls"
    score = score_document(doc, load_truth(name))
    assert score.misses == [] and score.cells == 280
    note = doc.tables[0].rows[2][2]
    assert note.origin == (0, 0) and note.row_span == 3 and note.col_span == 3


def test_missing_soffice_is_a_clear_error_naming_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on this PATH
    doc = extract(fixture_bytes("report_a.doc"), url="http://example.gov.cn/a/report.doc")
    assert doc.error is not None
    assert "http://example.gov.cn/a/report.doc" in doc.error and "soffice" in doc.error
    with pytest.raises(ConversionError, match="x.doc"):
        convert(b"\xd0\xcf\x11\xe0", "doc", "docx", name="x.doc")


def test_unreadable_office_file_is_recorded_not_raised():
    junk = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000
    doc = extract(junk, url="http://example.gov.cn/broken.doc")
    assert doc.error is not None and "broken.doc" in doc.error
    short = extract(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 fake xls", url="http://example.gov.cn/t.xls")
    assert short.format == "xls" and "truncated" in short.error
