"""Versions people can trust: a copy found later in the same run is a new location of the same
version; a changed number is a new version naming the cell old → new and the documents that changed.

Drives ArchiveWriter and flows.ingest.version_reports as the harvest does (real WARC records,
real extraction and parsing, a real SQLite file), with parsing in-process instead of Prefect tasks.
"""
from __future__ import annotations

import hashlib
import json
import os
import re

from archive.schema import open_db
from archive.store import ArchiveWriter, Capture, RunCounts
from crawlers.recorder import CrawlRecorder, utc_now
from flows.ingest import version_reports
from flows.steps import extract_item, parse_rows
from parsers.extract.formats import sniff_format
from parsers.model import Document
from parsers.report.identity import identify
from tests.fixtures.extract.truth import HERE as FIXTURES

PAGE = (FIXTURES / "report_a_utf8.html").read_text(encoding="utf-8")
NEW_ROW = re.compile(r"(一、本年新收政府信息公开申请数量</span></p></td><td><p><span>)(\d+)(</span>)")


def parse_here(batch):
    return [parse_rows(**job) for job in batch]


class Run:
    def __init__(self, tmp_path, run_id: str):
        self.db = open_db(str(tmp_path / "a.db"))
        self.writer = ArchiveWriter(self.db, run_id)
        self.recorder = CrawlRecorder(str(tmp_path / "a.warc" / f"{run_id}.warc.gz"), os.devnull)
        self.touched: set[int] = set()

    def fetched(self, site_id: str, url: str, body: bytes) -> int:
        """One capture, as ingest_site archives it: known bytes are a new capture, new bytes a document."""
        rec = self.recorder.write_resource(url=url, content_type="application/octet-stream", body=body, refers_to=None)
        capture = Capture(site_id=site_id, url=url, final_url=url, status=200, fetched_at=utc_now(), headers=[],
                          warc_file=rec["warc_file"], warc_offset=rec["warc_offset"],
                          warc_record_id=rec["warc_record_id"], sha256=hashlib.sha256(body).hexdigest(),
                          size=len(body), role="page")
        known = self.writer.document_id_for_sha(capture.sha256)
        if known is not None:
            self.writer.add_capture(capture, known)
            report_id = self.db["documents"].get(known)["report_id"]
        else:
            document = Document.from_json(extract_item({"body": body, "url": url, "content_type": None}))
            report_id, _ = self.writer.report_for(identify(document), site_id, capture.fetched_at)
            self.writer.add_document(capture, report_id, document, sniff_format(body, url))
        self.touched.add(report_id)
        return report_id

    def version(self) -> list[tuple[int, int]]:
        done = version_reports(self.writer, self.touched, {}, RunCounts(), parse=parse_here)
        self.touched.clear()
        return done


def _page_with_new(value: int, chrome: str = "") -> bytes:
    html, n = NEW_ROW.subn(lambda m: f"{m.group(1)}{value}{m.group(3)}", PAGE, count=1)
    assert n == 1
    return html.replace("</body>", f"{chrome}</body>").encode("utf-8")


def test_copies_found_later_in_the_run_are_locations_not_versions(tmp_path):
    run = Run(tmp_path, "run1")
    old = int(NEW_ROW.search(PAGE).group(2))
    report = run.fetched("county", "http://county.example.cn/nb/2022.html", _page_with_new(old))
    assert run.version() == [(report, 1)]
    pdf = (FIXTURES / "report_b.pdf").read_bytes()
    other = run.fetched("county", "http://county.example.cn/nb/b.pdf", pdf)
    assert run.version() == [(other, 1)]

    # Later in the same run: the city portal republishes the page in its own chrome, and a
    # mirror serves the identical PDF at another URL.
    copy_of = run.fetched("city", "http://city.example.cn/xxgk/nb-2022.html",
                          _page_with_new(old, "<p>市政府网站群 版权所有</p>"))
    assert copy_of == report
    assert run.fetched("mirror", "http://mirror.example.cn/files/b.pdf", pdf) == other
    assert run.version() == []  # no new version for either
    db = run.db
    [v] = list(db.query("select * from report_versions where report_id = ?", [report]))
    assert v["version"] == 1 and len(json.loads(v["document_ids_json"])) == 2
    copy_doc = next(db.query("select id from documents where url = 'http://city.example.cn/xxgk/nb-2022.html'"))["id"]
    assert json.loads(v["changes_json"])["documents_found_later_in_run"] == [copy_doc]
    assert {(r["document_id"], r["version"], r["change"]) for r in db.query(
        "select * from version_document_changes where report_id = ?", [report])} >= {(copy_doc, 1, "added")}
    assert db["report_versions"].count_where("report_id = ?", [other]) == 1
    assert {r["url"] for r in db.query("select l.url from document_locations l join documents d on d.id = l.document_id "
                                       "where d.report_id = ?", [other])} == \
        {"http://county.example.cn/nb/b.pdf", "http://mirror.example.cn/files/b.pdf"}


def test_a_changed_number_is_a_version_naming_the_cell_and_the_documents(tmp_path):
    url = "http://county.example.cn/nb/2022.html"
    old = int(NEW_ROW.search(PAGE).group(2))
    first = Run(tmp_path, "run1")
    report = first.fetched("county", url, _page_with_new(old))
    first.version()
    before_doc = next(first.db.query("select id from documents"))["id"]

    second = Run(tmp_path, "run2")  # the next night: the agency corrected one number
    assert second.fetched("county", url, _page_with_new(old + 7)) == report
    assert second.version() == [(report, 2)]
    db = second.db
    cells = list(db.query("select * from version_cell_changes where report_id = ? and version = 2", [report]))
    assert [(c["table_name"], c["row_key"], c["col_key"], c["old_value"], c["new_value"]) for c in cells] == \
        [("requests", "new", "natural_person", old, old + 7)]  # that one cell, and only it
    after_doc = next(db.query("select id from documents where id != ?", [before_doc]))["id"]
    assert {(r["document_id"], r["change"]) for r in db.query(
        "select * from version_document_changes where report_id = ? and version = 2", [report])} == \
        {(after_doc, "added"), (before_doc, "removed")}
