"""`nianbao serve`: a real datasette on 127.0.0.1 over a fixture archive, spoken to over HTTP."""
from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from archive import search
from archive.schema import open_db
from archive.warc import read_response
from tests.archive_builder import build_sample_archive

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db_path: Path, *extra: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # a file, not a pipe: datasette logs long tracebacks for bad SQL and a full pipe would block it
        self.log_path = db_path.with_suffix(f".serve-{self.port}.log")
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve", "--db", str(db_path), "--port", str(self.port), *extra],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nianbao serve exited {self.proc.returncode}: {self.log_path.read_text()}")
            try:
                urllib.request.urlopen(self.base + "/-/versions.json", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("nianbao serve did not answer within 60 s")

    def get(self, path: str, **params) -> tuple[int, dict[str, str], bytes]:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()

    def json(self, path: str, **params):
        status, _, body = self.get(path, **params)
        assert status == 200, body[:500]
        return json.loads(body)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    # no search index and no views yet: `serve` has to prepare them
    return build_sample_archive(tmp_path_factory.mktemp("serve"), index=False)


@pytest.fixture(scope="module")
def server(built):
    s = Server(built.db_path)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def db(built, server):
    d = open_db(str(built.db_path))
    yield d
    d.conn.close()


def rows(server, path, **params):
    return server.json(path, _shape="array", _size="max", **params)


@pytest.mark.parametrize("query", ["复议", "复", "行政复议", "2021年", "GB/T", "结果维持"])
def test_datasette_search_box_matches_nianbao_search(server, db, query):
    expected = {h.report_id for h in search.search(db, query)}
    assert expected
    assert {r["id"] for r in rows(server, "/archive/reports.json", _search=query)} == expected
    assert {r["report_id"] for r in rows(server, "/archive/report_summary.json", _search=query)} == expected
    assert {r["report_id"] for r in rows(server, "/archive/search.json", q=query)} == expected


def test_search_page_lists_hits_with_highlight(server, db):
    status, headers, body = server.get("/-/nianbao/search", q="复议", region="河北")
    html = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert html.count('class="nb-hit"') == len(search.search(db, "复议", region="河北")) == 3
    assert "<mark>复议</mark>" in html


def test_facets_configured(server):
    data = server.json("/archive/reports.json")
    facets = data["facet_results"]
    facets = facets.get("results", facets)  # datasette 0.65 vs 1.0 shape
    assert {"year", "template", "province", "level"} <= set(facets)
    years = {f["value"]: f["count"] for f in facets["year"]["results"]}
    assert years[2021] == 4 and years[2022] == 3


def test_report_summary_headlines(server, db):
    summary = {r["report_id"]: r for r in rows(server, "/archive/report_summary.json")}
    assert len(summary) == 10
    for rid, r in summary.items():
        cells = {(t, rk, ck): v for t, rk, ck, v in db.execute(
            "select table_name, row_key, col_key, value from statistics where report_id = ?", [rid])}
        if not cells:
            assert r["new_requests"] is None
            continue
        tot = lambda pred, t="requests": sum(v for (tt, rk, ck), v in cells.items() if tt == t and ck == "total" and pred(rk))  # noqa: E731
        assert r["new_requests"] == cells[("requests", "new", "total")]
        assert r["granted"] == cells[("requests", "granted", "total")]
        assert r["refused"] == tot(lambda k: k.startswith("denied_"))
        assert r["unable"] == tot(lambda k: k.startswith("unable_"))
        assert r["not_processed"] == tot(lambda k: k.startswith("rejected_"))
        assert r["reviews"] == cells[("review", "review", "total")]
        assert r["lawsuits"] == tot(lambda k: k.startswith("litigation_"), "review")
        assert r["checks_failed"] == db.execute(
            "select count(*) from checks where report_id = ? and passed = 0", [rid]).fetchone()[0]


def test_canned_queries(server, built, db):
    ids = built.report_ids
    bad = rows(server, "/archive/numbers_dont_add_up.json")
    assert {r["report_id"] for r in bad} == {ids["kunming_hr_2021"]}
    assert {r["check_name"] for r in bad} == {"requests_balance", "requests_outcomes_sum"}

    refusals = rows(server, "/archive/refusals_by_reason.json", agency="昆明", year="2021")
    by_reason = {r["reason"]: r["requests"] for r in refusals}
    assert by_reason["rejected_petition"] == db.execute(
        "select value from statistics where report_id = ? and row_key = 'rejected_petition' and col_key = 'total'",
        [ids["kunming_hr_2021"]]).fetchone()[0]
    assert {r["agency"] for r in refusals} == {"昆明市人力资源和社会保障局"}

    totals = rows(server, "/archive/refusal_totals.json", province="", year="")
    expected_totals = {}
    for reason, v in db.execute("select row_key, value from statistics where table_name = 'requests' "
                                "and col_key = 'total' and (row_key like 'denied%' or row_key like 'unable%' "
                                "or row_key like 'rejected%')"):
        expected_totals[reason] = expected_totals.get(reason, 0) + (v or 0)
    assert {r["reason"]: r["requests"] for r in totals} == {k: v for k, v in expected_totals.items() if v}

    missing = rows(server, "/archive/missing_reports_for_year.json", year="2020")
    assert {r["agency"] for r in missing} == {"河南省体育局", "襄阳市住房和城乡建设局"}

    leaders = rows(server, "/archive/litigation_leaders.json", year="")
    expected = {}
    for agency, v in db.execute("select r.agency, s.value from statistics s join reports r on r.id = s.report_id "
                                "where s.table_name = 'review' and s.row_key like 'litigation%' and s.col_key = 'total'"):
        expected[agency] = expected.get(agency, 0) + v
    assert {r["agency"]: r["lawsuits"] for r in leaders} == {a: n for a, n in expected.items() if n}
    assert [r["lawsuits"] for r in leaders] == sorted((r["lawsuits"] for r in leaders), reverse=True)

    history = rows(server, "/archive/version_history.json", report_id=str(ids["liulin_2022"]))
    assert [v["version"] for v in history] == [1, 2] and history[-1]["is_current"] == 1

    series = rows(server, "/archive/requests_per_year_for_region.json", province="河北")
    new = {r["year"]: r["value"] for r in series if r["measure"] == "本年新收申请"}
    assert set(new) == {2020, 2021, 2022}
    assert new[2021] == db.execute("select value from statistics where report_id = ? and row_key = 'new' "
                                   "and col_key = 'total'", [ids["liulin_2021"]]).fetchone()[0]


def test_report_page_shows_the_three_tables(server, built, db):
    rid = built.report_ids["kunming_hr_2021"]
    status, _, body = server.get(f"/-/nianbao/report/{rid}")
    html = body.decode()
    assert status == 200
    for table in ("active", "requests", "review"):
        assert f'data-table="{table}"' in html
    assert "三、收到和处理政府信息公开申请情况" in html and "结果维持" in html
    assert "FAILED" in html and "requests_outcomes_sum" in html
    new_total = db.execute("select value from statistics where report_id = ? and row_key = 'new' and col_key = 'total'",
                           [rid]).fetchone()[0]
    assert f'title="printed: {new_total}">{new_total}</td></tr>' in html  # the last cell of the `new` row
    assert 'href="/-/nianbao/capture/' in html and "http://fixture.gov.cn/" in html
    assert server.get("/-/nianbao/report/999999")[0] == 404


def test_report_page_names_a_row_the_parser_did_not_find(server, built, db):
    rid = built.report_ids["kunming_hr_2021"]
    before = db.execute("select parse_warnings_json from reports where id = ?", [rid]).fetchone()[0]
    missing = "row not found: requests.partly_granted 三、本年度办理结果（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    try:
        with db.conn:
            db.execute("update reports set parse_warnings_json = ? where id = ?",
                       [json.dumps([missing], ensure_ascii=False), rid])
        html = server.get(f"/-/nianbao/report/{rid}")[2].decode()
        assert 'id="missing-rows"' in html and "requests.partly_granted" in html and "部分公开" in html
    finally:
        with db.conn:
            db.execute("update reports set parse_warnings_json = ? where id = ?", [before, rid])
    assert 'id="missing-rows"' not in server.get(f"/-/nianbao/report/{rid}")[2].decode()


def test_report_page_shows_doubts_about_the_agency(server, built, db):
    rid = built.report_ids["kunming_hr_2021"]
    before = db.execute("select identity_warnings_json, agency_qualified from reports where id = ?", [rid]).fetchone()
    doubt = "长城镇: no county or city qualifies this name; kept apart per site"
    try:
        with db.conn:
            db.execute("update reports set identity_warnings_json = ?, agency_qualified = 0 where id = ?",
                       [json.dumps([doubt], ensure_ascii=False), rid])
        html = server.get(f"/-/nianbao/report/{rid}")[2].decode()
        assert 'id="identity-warnings"' in html and "kept apart per site" in html and "not qualified" in html
    finally:
        with db.conn:
            db.execute("update reports set identity_warnings_json = ?, agency_qualified = ? where id = ?",
                       [*before, rid])
    assert 'id="identity-warnings"' not in server.get(f"/-/nianbao/report/{rid}")[2].decode()


def test_replay_serves_archived_bytes_with_their_content_type(server, built, db):
    for label in ("henan_sports_2018", "henan_sports_2021", "liulin_2021"):
        for doc_id, warc_file, offset, fmt in db.execute(
                "select id, warc_file, warc_offset, format from documents where report_id = ?", [built.report_ids[label]]):
            status, headers, body = server.get(f"/-/nianbao/capture/{doc_id}")
            stored = read_response(built.warc_dir, warc_file, offset)
            assert status == 200
            assert headers["content-type"] == stored.header("content-type")
            assert body == stored.decoded_body()
            if fmt == "pdf":
                assert headers["content-type"] == "application/pdf" and body.startswith(b"%PDF-")
            else:
                assert "sandbox" in headers["content-security-policy"]
    # the 2018 page was stored gzip-encoded: the replay undoes it
    doc_id, offset = db.execute("select id, warc_offset from documents where report_id = ?",
                                [built.report_ids["henan_sports_2018"]]).fetchone()
    assert read_response(built.warc_dir, "fixture.warc.gz", offset).body[:2] == b"\x1f\x8b"
    body = server.get(f"/-/nianbao/capture/{doc_id}")[2]
    assert "河南省体育局2018年" in body.decode("utf-8") and gzip.decompress(
        read_response(built.warc_dir, "fixture.warc.gz", offset).body) == body
    capture_id = db.execute("select id from captures where document_id = ?", [doc_id]).fetchone()[0]
    assert server.get(f"/-/nianbao/capture/{doc_id}", capture=str(capture_id))[2] == body
    assert server.get("/-/nianbao/capture/999999")[0] == 404
    # the documents and captures tables link their WARC locations to the replay
    html = server.get("/archive/documents", _col="warc_file")[2].decode()
    assert f'href="/-/nianbao/capture/{doc_id}"' in html
    html = server.get("/archive/captures")[2].decode()
    assert f'href="/-/nianbao/capture/{doc_id}?capture={capture_id}"' in html


def test_read_only(server, db):
    status, _, _ = server.get("/archive.json", sql="delete from reports")
    assert status == 400
    assert db.execute("select count(*) from reports").fetchone()[0] == 10


def test_metadata_descriptions_and_hidden_index(server):
    meta = server.json("/-/metadata.json")
    table = meta["databases"]["archive"]["tables"]["report_summary"]
    assert "not processed" in table["columns"]["not_processed"] or "不予处理" in table["columns"]["not_processed"]
    tables = {t["name"]: t for t in server.json("/archive.json")["tables"]}
    assert tables["search_fts"]["hidden"] and not tables["reports"]["hidden"]


def test_serve_errors_are_one_line(tmp_path, server, built):
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "serve", "--db", str(tmp_path / "none.db")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "none.db" in proc.stderr and "Traceback" not in proc.stderr
    busy = subprocess.run([sys.executable, "-m", "flows.cli", "serve", "--db", str(built.db_path),
                           "--port", str(server.port)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert busy.returncode == 2 and f"127.0.0.1:{server.port}" in busy.stderr and "Traceback" not in busy.stderr


def test_csv_downloads(server, built, db):
    import csv
    import io

    def csv_rows(path, **params):
        status, headers, body = server.get(path, _size="max", **params)
        assert status == 200, body[:300]
        assert headers["content-type"].startswith(("text/csv", "text/plain"))
        return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))

    # the search box's answer as CSV, through the same query rewrite
    found = csv_rows("/archive/report_summary.csv", _search="复议", year="2021")
    assert {int(r["report_id"]) for r in found} == {h.report_id for h in search.search(db, "复议", year=2021)}
    assert {"agency", "new_requests", "refused", "url"} <= set(found[0])
    # a report's cells, and a canned query's series
    rid = built.report_ids["liulin_2021"]
    cells = csv_rows("/archive/statistics.csv", report_id=str(rid))
    assert len(cells) == db.execute("select count(*) from statistics where report_id = ?", [rid]).fetchone()[0]
    series = csv_rows("/archive/requests_per_year_for_region.csv", province="河北")
    assert {r["measure"] for r in series} >= {"本年新收申请", "不予公开"}
    # the report page links to its cells' CSV
    html = server.get(f"/-/nianbao/report/{rid}")[2].decode()
    assert f'/archive/statistics.csv?report_id={rid}' in html
