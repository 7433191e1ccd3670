"""`nianbao add`: hand-added documents archived with provenance, deduplicated, bad input refused,
and a harvest or another writer holding the archive waited for, never "database is locked"."""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlite_utils

from archive.warc import read_response
from flows.cli import main
from tests.fixtures.extract.truth import HERE as FIXTURES

REPO = Path(__file__).resolve().parent.parent
PDF = FIXTURES / "report_a.pdf"


def nianbao(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=timeout)


def add(*args: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()):
        return main(["add", *map(str, args)])


def snapshot(db_path: Path) -> dict:
    """Every table's rows, and the WARC store's files: what "nothing changed" compares."""
    db = sqlite_utils.Database(db_path)
    tables = {t: list(db.query(f"select * from [{t}]")) for t in db.table_names() if not t.startswith("search_")}
    store = db_path.with_name(db_path.stem + ".warc")
    return {"tables": tables, "warc": sorted((p.name, p.stat().st_size) for p in store.glob("*"))}


def test_added_pdf_is_archived_with_provenance_parsed_and_without_prefect(tmp_path):
    db_path = tmp_path / "a.db"
    # the real command in a process of its own, which must never load Prefect
    code = ("import sys\nfrom flows.cli import main\nrc = main(sys.argv[1:])\n"
            "print('prefect modules:', sorted(m for m in sys.modules if m.split('.')[0] == 'prefect'))\n"
            "sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, "add", str(PDF), "--db", str(db_path),
                           "--url", "http://gov.example.cn/nb/2022.pdf"], capture_output=True, text=True, cwd=REPO,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "new document of a new report" in proc.stdout and "清河县柳林镇人民政府 2022" in proc.stdout
    assert "prefect modules: []" in proc.stdout
    db = sqlite_utils.Database(db_path)
    [doc] = list(db.query("select * from documents"))
    sha = hashlib.sha256(PDF.read_bytes()).hexdigest()
    assert doc["sha256"] == sha and doc["format"] == "pdf" and doc["url"] == "http://gov.example.cn/nb/2022.pdf"
    [cap] = list(db.query("select * from captures"))
    assert cap["origin"] == "added_by_hand" and cap["source_path"] == str(PDF) and cap["fetched_at"]
    [loc] = list(db.query("select * from document_locations"))
    assert loc["origin"] == "added_by_hand" and loc["url"] == "http://gov.example.cn/nb/2022.pdf"
    stored = read_response(tmp_path / "a.warc", cap["warc_file"], cap["warc_offset"])  # a record of its own
    assert hashlib.sha256(stored.body).hexdigest() == sha and stored.url == "http://gov.example.cn/nb/2022.pdf"
    [run] = list(db.query("select * from runs"))
    assert run["command"] == "add" and run["status"] == "completed" and cap["run_id"] == run["id"]
    report = db["reports"].get(doc["report_id"])
    assert (report["agency"], report["year"], report["template"], report["current_version"]) == \
        ("清河县柳林镇人民政府", 2022, "2021", 1)
    assert db["statistics"].count_where("report_id = ?", [report["id"]]) > 100
    assert db["checks"].count_where("report_id = ?", [report["id"]]) >= 4
    [change] = list(db.query("select * from version_document_changes"))
    assert (change["document_id"], change["change"], change["version"]) == (doc["id"], "added", 1)
    import yaml
    queries = yaml.safe_load((REPO / "archive/datasette/metadata.yaml").read_text(encoding="utf-8"))
    [listed] = list(db.query(queries["databases"]["archive"]["queries"]["added_by_hand"]["sql"]))
    assert (listed["report_id"], listed["source_path"], listed["location"]) == \
        (report["id"], str(PDF), "http://gov.example.cn/nb/2022.pdf")
    # searchable like a harvested report
    from archive.search import matching_ids
    assert report["id"] in matching_ids(db, "柳林镇")


def test_same_file_twice_adds_nothing_and_same_bytes_elsewhere_is_a_new_location(tmp_path):
    db_path = tmp_path / "a.db"
    assert add(PDF, "--db", db_path) == 0
    before = snapshot(db_path)
    assert add(PDF, "--db", db_path) == 0
    assert snapshot(db_path) == before
    copy = tmp_path / "saved-from-site.pdf"
    copy.write_bytes(PDF.read_bytes())
    assert add(copy, "--db", db_path) == 0
    db = sqlite_utils.Database(db_path)
    assert db["documents"].count == 1 and db["report_versions"].count == 1
    assert {r["url"] for r in db.query("select url from document_locations")} == {PDF.as_uri(), copy.as_uri()}
    # the same bytes twice in one call: one document, one location each
    other, again = tmp_path / "b.pdf", tmp_path / "b-again.pdf"
    other.write_bytes((FIXTURES / "report_b.pdf").read_bytes())
    again.write_bytes(other.read_bytes())
    assert add(other, other, again, "--db", db_path) == 0
    assert db["documents"].count == 2 and db["document_locations"].count == 4


def test_near_duplicate_texts_are_recorded_like_harvested_ones(tmp_path):
    db_path = tmp_path / "a.db"
    html = (FIXTURES / "report_a_utf8.html").read_text(encoding="utf-8")
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text(html, encoding="utf-8")
    b.write_text(html.replace("</body>", "<p>本页面由网站群平台生成</p></body>"), encoding="utf-8")  # other chrome
    assert add(a, "--db", db_path) == 0 and add(b, "--db", db_path) == 0
    db = sqlite_utils.Database(db_path)
    assert db["documents"].count == 2 and db["reports"].count == 1  # same report, two documents
    [pair] = list(db.query("select * from near_duplicates"))
    assert pair["same_report"] == 1 and pair["similarity"] >= 0.9


def test_bad_input_is_one_line_naming_the_path_and_changes_nothing(tmp_path):
    db_path = tmp_path / "a.db"
    assert add(PDF, "--db", db_path) == 0
    before = snapshot(db_path)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    binary = tmp_path / "data.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    text = tmp_path / "notes.txt"
    text.write_text("只是一段文字，不是报告。", encoding="utf-8")
    notice = tmp_path / "notice.html"
    notice.write_text("<html><body><h1>关于召开会议的通知</h1><p>各单位：</p></body></html>", encoding="utf-8")
    cases = {tmp_path / "missing.pdf": "no such file", tmp_path: "is a directory", empty: "empty file",
             binary: "unsupported format", notice: "not recognised as an annual report",
             text: "not recognised as an annual report"}
    for path, why in cases.items():
        # beside a good file (report_b.pdf, which must not be archived either); a file naming no report
        # beside a report would be one of its documents (like an attachment), so those go alone
        good = [] if path in (notice, text) else [str(FIXTURES / "report_b.pdf")]
        proc = nianbao("add", *good, str(path), "--db", str(db_path))
        assert proc.returncode == 2, (path, proc.stderr)
        assert proc.stderr.count("\n") == 1 and str(path) in proc.stderr and why in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    assert snapshot(db_path) == before
    fresh = tmp_path / "fresh.db"
    assert nianbao("add", str(empty), "--db", str(fresh)).returncode == 2 and not fresh.exists()


def test_agency_and_year_given_by_hand(tmp_path):
    db_path = tmp_path / "a.db"
    notice = tmp_path / "scan-without-title.html"
    notice.write_text((FIXTURES / "report_b_utf8.html").read_text(encoding="utf-8")
                      .replace("平安市生态环境局2022年政府信息公开工作年度报告", "年度报告"), encoding="utf-8")
    assert add(notice, "--db", db_path, "--agency", "平安市生态环境局", "--year", "2022") == 0
    db = sqlite_utils.Database(db_path)
    [r] = list(db.query("select agency, year from reports"))
    assert (r["agency"], r["year"]) == ("平安市生态环境局", 2022)


HOLD_S = 4.0

WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("insert into _meta (key, value) values ('other_writer', 'was here')")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def test_add_waits_for_a_writer_holding_the_archive(tmp_path):
    db_path = tmp_path / "a.db"
    assert add(FIXTURES / "report_b.pdf", "--db", db_path) == 0
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), str(HOLD_S)], stdout=subprocess.PIPE,
                              text=True)
    assert writer.stdout.readline().strip() == "holding"
    t0 = time.monotonic()
    proc = nianbao("add", str(PDF), "--db", str(db_path))
    waited = time.monotonic() - t0
    assert writer.wait(timeout=60) == 0
    assert proc.returncode == 0, proc.stderr
    assert "locked" not in proc.stderr
    db = sqlite_utils.Database(db_path)
    assert db["documents"].count == 2 and db["_meta"].get("other_writer")["value"] == "was here"
    assert waited >= HOLD_S * 0.5  # it really had to wait its turn (start-up overlaps the hold)


def test_add_during_a_real_harvest(prefect_harness, sites_file, tmp_path):
    from flows.harvest import harvest

    db_path = tmp_path / "a.db"
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(
        harvest(str(sites_file), str(db_path), str(tmp_path / "a.warc"), delay=0.0)))
    thread.start()
    while not db_path.exists() and thread.is_alive():
        time.sleep(0.05)
    procs = []
    for path in (PDF, FIXTURES / "report_b.pdf", FIXTURES / "report_a.docx"):
        procs.append(nianbao("add", str(path), "--db", str(db_path)))
        if not thread.is_alive():
            break
    thread.join(timeout=600)
    assert result, "the harvest did not finish"
    for proc in procs:
        assert proc.returncode == 0 and "locked" not in proc.stderr, proc.stderr
    db = sqlite_utils.Database(db_path)
    runs = {r["command"]: r["status"] for r in db.query("select command, status from runs")}
    assert runs == {"harvest": "completed", "add": "completed"}
    assert db["captures"].count_where("origin = 'added_by_hand'") == len(procs)
    assert db["captures"].count_where("origin is null") > 0  # the harvest's own captures
    assert sqlite3.connect(db_path).execute("pragma integrity_check").fetchone()[0] == "ok"
