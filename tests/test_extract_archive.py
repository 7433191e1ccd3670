"""The document model is stored in the archive as JSON beside the plain text, provenance included,
so parsing can be rerun without extracting again."""
from __future__ import annotations

import pytest

from archive.schema import open_db
from archive.store import ArchiveWriter, Capture
from fixtures.extract.truth import fixture_bytes, load_truth, score_document
from parsers.extract import extract
from parsers.model import Document


@pytest.mark.parametrize("name,fmt", [("report_a.pdf", "pdf"), ("report_a_gbk.html", "html"),
                                      ("report_a.docx", "docx")])
def test_document_json_beside_text_keeps_provenance(tmp_path, name, fmt):
    url = f"http://example.gov.cn/{name}"
    doc = extract(fixture_bytes(name), url=url)
    db = open_db(str(tmp_path / "archive.db"))
    writer = ArchiveWriter(db, "run-1")
    report_id = db["reports"].insert({"agency": "清河县柳林镇人民政府", "year": 2022, "site_id": "t",
                                      "run_id": "run-1"}).last_pk
    capture = Capture(site_id="t", url=url, final_url=url, status=200, fetched_at="2026-01-01T00:00:00Z",
                      headers=[], warc_file="x.warc.gz", warc_offset=0, warc_record_id=None, sha256=name,
                      size=len(fixture_bytes(name)))
    doc_id = writer.add_document(capture, report_id, doc, fmt)
    row = db["documents"].get(doc_id)
    stored = Document.from_json(row["document_json"])
    assert row["text"] == doc.text and stored == doc
    assert score_document(stored, load_truth("report_a")).misses == []
    for block in stored.blocks:
        src = block.source
        if fmt == "pdf":
            assert src.page is not None and src.bbox is not None and len(src.bbox) == 4
        elif fmt == "html":
            assert src.path and src.path.startswith("/html/")
        else:
            assert src.index is not None and src.path.startswith(("p[", "tbl["))
