"""DOC/WPS/XLS through LibreOffice headless (real soffice, private profile per conversion)."""
from __future__ import annotations

import logging
import os

import pytest

from fixtures.extract.truth import fixture_bytes, load_truth, score_document
from parsers.extract import extract, extract_many
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


def _counting_soffice(tmp_path, monkeypatch):
    """The real soffice, behind a wrapper on PATH that counts its starts."""
    from parsers.extract.office_convert import soffice_path

    real = soffice_path()
    starts = tmp_path / "soffice-starts"
    wrapper = tmp_path / "bin" / "soffice"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho start >> "{starts}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}:{os.environ['PATH']}")
    return lambda: len(starts.read_text().splitlines()) if starts.exists() else 0


def _garbled(data: bytes) -> bytes:
    """A DOC whose OLE2 header is real but whose body is noise: it passes the header check, and
    LibreOffice cannot load it."""
    return data[:512] + bytes((i * 131 + 7) % 256 for i in range(len(data) - 512))


def test_a_batch_starts_soffice_once_per_target_and_matches_one_by_one(tmp_path, monkeypatch):
    items = [{"data": fixture_bytes("report_a.doc"), "url": "http://example.gov.cn/a.doc"},
             {"data": fixture_bytes("sheet_a.xls"), "url": "http://example.gov.cn/a.xls"},
             {"data": fixture_bytes("report_b.doc"), "url": "http://example.gov.cn/b.wps"},
             {"data": fixture_bytes("report_a_utf8.html"), "url": "http://example.gov.cn/a.html"},
             {"data": fixture_bytes("sheet_b.xls"), "url": "http://example.gov.cn/b.xls"}]
    starts = _counting_soffice(tmp_path, monkeypatch)
    batched = extract_many(items)
    assert starts() == 2  # one soffice for the two Word files, one for the two spreadsheets
    alone = [extract(item["data"], url=item["url"]) for item in items]
    assert starts() == 2 + 4
    assert [d.to_json() for d in batched] == [d.to_json() for d in alone]
    assert all(d.error is None for d in batched)


def test_a_corrupt_file_in_a_batch_costs_the_others_nothing(tmp_path, monkeypatch, caplog):
    broken = _garbled(fixture_bytes("report_a.doc"))
    items = [{"data": fixture_bytes("report_a.doc"), "url": "http://example.gov.cn/a.doc"},
             {"data": broken, "url": "http://example.gov.cn/broken.doc"},
             {"data": fixture_bytes("report_b.doc"), "url": "http://example.gov.cn/b.doc"}]
    starts = _counting_soffice(tmp_path, monkeypatch)
    with caplog.at_level(logging.WARNING, logger="nianbao.extract.office"):
        docs = extract_many(items)
    assert starts() == 2  # the batch, then the broken file alone
    assert docs[0].error is None and docs[2].error is None
    assert score_document(docs[2], load_truth("report_b")).misses == []
    # the broken file gets exactly the error it gets alone, and the log says why it was retried
    assert docs[1].error == extract(broken, url="http://example.gov.cn/broken.doc").error
    assert "broken.doc" in docs[1].error
    assert any("broken.doc" in r.getMessage() and "converting it alone" in r.getMessage() for r in caplog.records)
