"""Bad input becomes a Document with `error` set (naming the file), never an exception."""
from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.extract.truth import fixture_bytes, load_truth, score_document
from parsers.extract import extract
from parsers.extract.zip_members import MAX_MEMBERS, ZipRejected, unpack_zip

URL = "http://example.gov.cn/files/"


def _zip(members: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=level) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


@pytest.mark.parametrize("name", ["a.pdf", "a.docx", "a.html", "a.doc", "a.zip", "a"])
def test_zero_bytes(name):
    doc = extract(b"", url=URL + name)
    assert doc.error is not None and "zero bytes" in doc.error and name in doc.error


def test_encrypted_pdf():
    doc = extract(fixture_bytes("encrypted.pdf"), url=URL + "locked.pdf")
    assert doc.format == "pdf" and "encrypted" in doc.error and "locked.pdf" in doc.error


def test_truncated_pdf():
    data = fixture_bytes("report_a.pdf")
    doc = extract(data[: len(data) // 3], url=URL + "cut.pdf")
    assert doc.error is not None and "truncated" in doc.error and "cut.pdf" in doc.error


def test_not_really_a_pdf():
    html_error_page = b"<html><body><h1>404 Not Found</h1></body></html>"
    doc = extract(html_error_page, url=URL + "report.pdf", content_type="application/pdf")
    assert doc.format == "html"  # the bytes decide, not the name; the mismatch is recorded
    assert "named .pdf" in doc.error and "HTML page" in doc.error and "report.pdf" in doc.error
    junk = extract(b"%PDF-1.7\n this is not a pdf body", url=URL + "junk.pdf")
    assert junk.format == "pdf" and junk.error is not None and "junk.pdf" in junk.error
    named = extract(b"\x00\x01binary junk", url=URL + "report.pdf")
    assert named.error is not None and "not a PDF" in named.error


def test_docx_that_is_not_a_zip():
    doc = extract(b"this was never a word file", url=URL + "report.docx")
    assert doc.error is not None and "not a DOCX" in doc.error and "report.docx" in doc.error
    broken = extract(b"PK\x03\x04" + b"\x00" * 100, url=URL + "broken.docx")
    assert broken.error is not None and "broken.docx" in broken.error
    no_body = extract(_zip({"word/other.xml": b"<x/>"}), url=URL + "empty.docx")
    assert no_body.error is not None and "document.xml" in no_body.error


def test_zip_bomb_rejected_before_inflating():
    bomb = _zip({"report.pdf": b"\x00" * (30 * 1024 * 1024)})
    assert len(bomb) < 100_000
    doc = extract(bomb, url=URL + "bomb.zip")
    assert doc.format == "zip" and "zip bomb" in doc.error and "bomb.zip" in doc.error
    docx_bomb = _zip({"word/document.xml": b" " * (30 * 1024 * 1024), "[Content_Types].xml": b"<x/>"})
    doc = extract(docx_bomb, url=URL + "bomb.docx")
    assert doc.error is not None and "bomb.docx" in doc.error


def test_zip_attachment_members_extracted():
    archive = _zip({"报告/report_a.pdf": fixture_bytes("report_a.pdf"),
                    "../../etc/passwd.html": "<html><body><p>附件说明</p></body></html>".encode("utf-8")})
    doc = extract(archive, url=URL + "attachments.zip")
    assert doc.error is None and doc.format == "zip"
    assert score_document(doc, load_truth("report_a")).misses == []
    assert doc.tables[0].source.path == "报告/report_a.pdf" and doc.tables[0].source.page == 1
    names = [name for name, _ in unpack_zip(archive, "attachments.zip")]
    assert names == ["报告/report_a.pdf", "../../etc/passwd.html"]  # names only, never paths on disk


def test_unpack_zip_caps_and_gbk_names():
    many = _zip({f"{i}.txt": b"x" for i in range(MAX_MEMBERS + 1)})
    with pytest.raises(ZipRejected, match="members"):
        unpack_zip(many, "many.zip")
    with pytest.raises(ZipRejected, match="not a readable zip"):
        unpack_zip(b"PK\x03\x04 nope", "bad.zip")
    # Windows zip tools write GBK names without the UTF-8 flag: patch the raw name bytes in.
    gbk_name = "年报.pdf".encode("gbk")
    raw = _zip({"X" * (len(gbk_name) - 4) + ".pdf": b"%PDF-1.4"}).replace(b"XXXX.pdf", gbk_name)
    assert unpack_zip(raw, "gbk.zip") == [("年报.pdf", b"%PDF-1.4")]


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from(["a.pdf", "a.docx", "a.html", "a.zip", "a.bin"]),
       st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html>"]))
def test_arbitrary_bytes_never_raise(body, name, prefix):
    doc = extract(prefix + body, url=URL + name)
    assert doc.error is None or isinstance(doc.error, str)
