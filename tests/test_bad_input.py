"""A site full of bad input (tests/fixtures/bad_input/): each is recorded with a reason,
the run finishes, nothing archived before changes, memory stays bounded."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import sqlite_utils

from benchmarks.memory import PeakRss
from crawlers.sample_server import SampleSite

CORPUS = Path(__file__).resolve().parent / "fixtures" / "bad_input"
TITLES = {
    "truncated.pdf": "某县2021年政府信息公开工作年度报告（截断）",
    "encrypted.pdf": "某县2020年政府信息公开工作年度报告（加密）",
    "error-page.pdf": "某县2019年政府信息公开工作年度报告（错误页）",
    "empty.pdf": "某县2018年政府信息公开工作年度报告（空文件）",
    "not-a-zip.docx": "某县2017年政府信息公开工作年度报告（损坏）",
    "bomb.docx": "某县2016年政府信息公开工作年度报告（压缩炸弹）",
    "huge.pdf": "某县2015年政府信息公开工作年度报告（超大）",
    "hang.html": "某县2014年政府信息公开工作年度报告（不结束）",
    "malformed.html": "某县2013年政府信息公开工作年度报告（残缺）",
    "wrong-charset.html": "某县2012年政府信息公开工作年度报告（错误编码）",
    "no-charset.html": "某县2011年政府信息公开工作年度报告（无编码声明）",
}
TIMEOUT = 3.0


def _huge(handler) -> None:
    # Declares 300 MB and streams it: must be cut off at the size cap, not downloaded.
    handler.send_response(200)
    handler.send_header("Content-Type", "application/pdf")
    handler.send_header("Content-Length", str(300 * 1024 * 1024))
    handler.end_headers()
    try:
        for _ in range(300):
            handler.wfile.write(b"%PDF" + b"\0" * (1024 * 1024 - 4))
    except (BrokenPipeError, ConnectionResetError):
        pass


def _hang(handler) -> None:
    # A few bytes, then silence past the crawl's timeout.
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    handler.wfile.write(b"<html><body>")
    handler.wfile.flush()
    time.sleep(TIMEOUT * 3)


def _site(root: Path) -> None:
    col = root / "gknb"
    col.mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    for name in TITLES:
        if (CORPUS / name).exists():
            shutil.copy(CORPUS / name, col / name)
    links = "".join(f'<li><a href="{n}">{t}</a></li>' for n, t in TITLES.items())
    (col / "index.html").write_text(f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul></body></html>',
                                    encoding="utf-8")


def test_bad_input_is_recorded_and_nothing_archived_changes(prefect_harness, sites_file, tmp_path):
    from flows.harvest import harvest
    db_path, warc = str(tmp_path / "a.db"), str(tmp_path / "a.warc")
    harvest(str(sites_file), db_path, warc, delay=0.0)  # a good archive first
    db = sqlite_utils.Database(db_path)
    tables = ("reports", "documents", "captures", "statistics", "checks", "report_versions")
    before = {t: list(db.query(f"select * from {t} order by rowid")) for t in tables}

    root = tmp_path / "bad"
    _site(root)
    with SampleSite(root) as site, PeakRss() as rss:
        site.routes["/gknb/huge.pdf"] = _huge
        site.routes["/gknb/hang.html"] = _hang
        bad_sites = tmp_path / "bad.yaml"
        bad_sites.write_text(f"sites:\n  - id: bad\n    start_urls: ['{site.url}/gknb/index.html']\n", encoding="utf-8")
        result = harvest(str(bad_sites), db_path, warc, delay=0.0, max_download_bytes=50 * 1024 * 1024,
                         timeout=TIMEOUT)

    # nothing already archived changed
    for t, rows in before.items():
        ids = [r["id"] for r in rows]
        now = list(db.query(f"select * from {t} where id in ({','.join('?' * len(ids))}) order by rowid", ids))
        assert now == rows, t
    # the run finished and every bad file is recorded with a reason
    assert db["runs"].get(result["run_id"])["status"] == "completed"
    reasons: dict[str, str] = {}
    for d in db.query("select url, extract_error from documents where site_id = 'bad' and extract_error is not null"):
        reasons[d["url"].rsplit("/", 1)[1]] = d["extract_error"]
    for f in db.query("select url, error_kind, error from fetch_log where site_id = 'bad' and error is not null"):
        reasons.setdefault(f["url"].rsplit("/", 1)[1], f"{f['error_kind']}: {f['error']}")
    for name in ("truncated.pdf", "encrypted.pdf", "error-page.pdf", "empty.pdf", "not-a-zip.docx", "bomb.docx",
                 "huge.pdf", "hang.html"):
        assert reasons.get(name), f"{name}: no reason recorded ({reasons})"
        assert name in reasons[name] or name in ("huge.pdf", "hang.html"), reasons[name]  # messages name the file
    assert "oversize" in reasons["huge.pdf"] and "timeout" in reasons["hang.html"]
    assert "bomb" in reasons["bomb.docx"] and "encrypt" in reasons["encrypted.pdf"].lower()
    # wrong and missing charsets: the text is archived readable, not mojibake
    texts = {d["url"].rsplit("/", 1)[1]: d["text"] for d in db.query(
        "select url, text from documents where site_id = 'bad' and url like '%charset.html'")}
    assert "全年受理申请12件" in texts["wrong-charset.html"]
    assert "行政复议1件" in texts["no-charset.html"]
    # absurd numbers never become statistics silently
    absurd = list(db.query("select value, raw_text from statistics s join documents d on d.report_id = s.report_id "
                           "where d.site_id = 'bad' and (abs(value) > 1e12)"))
    assert absurd == []
    print(f"peak RSS of the harvest (test process and crawler): {rss.peak / 2**20:.0f} MB")
    assert rss.peak < 1500 * 2**20
