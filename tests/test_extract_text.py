"""Plain-text documents: decoded like pages (BOM, UTF-8, GB18030), binary refused, a text under an
attachment's name refused, and `nianbao parse` reading a report saved as text."""
from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path

from parsers.extract import extract
from parsers.extract.formats import sniff_format

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus" / "files"
REPORT = "某县人民政府2022年政府信息公开工作年度报告\n\n一、总体情况\n\n本年度收到申请3件。\n"


def test_utf8_gbk_and_utf16_with_bom_decode_to_the_same_text():
    for data in (REPORT.encode("utf-8"), REPORT.encode("gbk"), codecs.BOM_UTF16_LE + REPORT.encode("utf-16-le"),
                 codecs.BOM_UTF8 + REPORT.replace("\n", "\r\n").encode("utf-8")):
        assert sniff_format(data, "report.txt") == "txt"
        doc = extract(data, url="report.txt")
        assert doc.error is None and doc.text == REPORT and doc.extractor.startswith("plain-text")


def test_binary_bytes_are_not_text():
    assert sniff_format(bytes(range(256)) * 8, "blob") == "other"
    doc = extract(bytes(range(256)) * 8, url="blob")
    assert doc.error and "unsupported format" in doc.error


def test_text_served_under_an_attachment_name_is_an_error_naming_it():
    doc = extract("文件不存在，请联系管理员。".encode("utf-8"), url="http://127.0.0.1/files/report.pdf")
    assert doc.error and "named .pdf" in doc.error and "report.pdf" in doc.error


def test_whitespace_only_text_is_an_empty_document_error():
    doc = extract(b" \n\t\n", url="blank.txt")
    assert doc.error and "empty" in doc.error


def test_parse_reads_a_report_saved_as_text():
    path = CORPUS / "107_2021_txt_close.txt"
    truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "parse", str(path), "--json"], capture_output=True,
                          text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["template"], out["agency"], out["year"]) == (truth["template"], truth["agency"], truth["year"])
    got = {f"{c['table_name']}.{c['row_key']}.{c['col_key']}": c["value"] for c in out["cells"]}
    assert {k: got.get(k) for k in truth["cells"]} == truth["cells"]
