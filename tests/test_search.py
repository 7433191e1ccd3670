"""Chinese full-text search: recall equals a substring scan at every query length; filters; the CLI."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from archive import search
from archive.schema import open_db
from tests.archive_builder import ArchiveBuilder, DocSpec, build_sample_archive

ROOT = Path(__file__).resolve().parent.parent

# a small alphabet so that short random queries match some reports and miss others
ALPHABET = "政府信息公开申请复议诉讼行政予以不部分处理本年度收到答复案件" "GBT2021年（六）/-"


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    built = build_sample_archive(tmp_path_factory.mktemp("search"), index=False)
    b = ArchiveBuilder(built.db_path, built.warc_dir, seed=11)
    rng = random.Random(5)
    for i in range(40):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(20, 160)))
        # glyph-spaced and line-broken text, as PDF extraction leaves it
        if i % 5 == 0:
            text = " ".join(text[:30]) + "\n" + text[30:]
        b.add_report(agency=f"测试县第{i}机关", year=2019 + i % 5, province="测试省", county="测试县",
                     template="unknown", with_statistics=False,
                     docs=[DocSpec(url=f"http://test.gov.cn/{i}.html", text=text, title=f"第{i}号")])
    search.refresh_index(b.db)
    b.db.conn.close()
    return built.db_path


@pytest.fixture(scope="module")
def db(archive):
    d = open_db(str(archive))
    yield d
    d.conn.close()


def reference(db, query: str) -> set[int]:
    """What a substring scan over every report's text finds."""
    q = search.normalize(query)
    return {rid for (rid,) in db.execute("SELECT id FROM reports") if q in search.report_text(db, rid)}


def sample_queries(db, length_range: tuple[int, int], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = [search.report_text(db, rid).replace("\ue000", "") for (rid,) in db.execute("SELECT id FROM reports")]
    out = []
    while len(out) < n:
        t = rng.choice(texts)
        k = rng.randint(*length_range)
        if len(t) > k:
            i = rng.randrange(len(t) - k)
            out.append(t[i:i + k])
    # and queries that occur nowhere or only across the alphabet
    out += ["".join(rng.choice(ALPHABET) for _ in range(length_range[0])) for _ in range(n // 2)]
    return out


@pytest.mark.parametrize("lengths, seed", [((1, 1), 1), ((2, 2), 2), ((3, 4), 3), ((5, 24), 4)],
                         ids=["1-char", "2-char", "3-4-char", "long"])
def test_recall_equals_substring_scan(db, lengths, seed):
    queries = sample_queries(db, lengths, 40, seed)
    some_miss = False
    for q in queries:
        expected = reference(db, q)
        got = {h.report_id for h in search.search(db, q)}
        assert got == expected, f"query {q!r}: missing {expected - got}, extra {got - expected}"
        assert set(search.matching_ids(db, q)) == expected
        some_miss |= 0 < len(expected) < 50
    assert some_miss, "the queries should discriminate between reports"


@pytest.mark.parametrize("query, expected_min", [
    ("复议", 10), ("复", 10), ("行政复议", 10), ("2021年", 4), ("GB", 9), ("gb/t", 8), ("GB/T 7714", 1),
    ("结果维持", 1), ("(六)", 1), ("（六）", 1), ("不予公开", 1),
])
def test_named_queries_mixed_scripts(db, query, expected_min):
    expected = reference(db, query)
    hits = search.search(db, query)
    assert {h.report_id for h in hits} == expected
    assert len(expected) >= expected_min


def test_glyph_spaced_pdf_text_is_found_and_highlighted(db):
    hits = search.search(db, "结果维持", agency="河南省体育局")
    assert len(hits) == 1
    assert hits[0].snippet.startswith("**结 果 维 持**")
    assert hits[0].url.endswith("2021.pdf")


def test_hit_fields_and_snippet(db):
    hits = search.search(db, "复议", region="河北")
    assert {h.agency for h in hits} == {"清河县柳林镇人民政府"}
    h = hits[0]
    assert h.year in (2020, 2021, 2022) and h.template in ("2019", "2021")
    assert "**复议**" in h.snippet
    assert h.url.startswith("http://fixture.gov.cn/")
    assert h.title.endswith("政府信息公开工作年度报告")


def test_filters(db):
    all_hits = search.search(db, "复议")
    by_year = search.search(db, "复议", year=2021)
    assert by_year and {h.year for h in by_year} == {2021}
    assert {h.report_id for h in by_year} == {h.report_id for h in all_hits if h.year == 2021}
    assert {h.agency for h in search.search(db, "复议", agency="昆明")} == {"昆明市人力资源和社会保障局"}
    assert {h.template for h in search.search(db, "复议", template="pre2019")} == {"pre2019"}
    # region matches province, city or county
    assert {h.city for h in search.search(db, "复议", region="襄阳")} == {"襄阳市"}
    assert len(search.search(db, "复议", limit=3)) == 3
    assert search.search(db, "   ") == []


def test_ranking_most_occurrences_first_then_newest(tmp_path):
    b = ArchiveBuilder(tmp_path / "rank.db", seed=2)
    ids = {}
    # (occurrences of 信访, year): the one saying it most ranks first whatever its length or age;
    # equal counts go newest first
    for label, n, year, filler in [("once_old", 1, 2019, 10), ("thrice", 3, 2018, 400), ("once_new", 1, 2022, 10),
                                   ("twice_long", 2, 2020, 3000)]:
        text = f"{label}：" + "本机关处理信访事项。" * n + "政府信息公开工作稳步推进。" * filler
        ids[label] = b.add_report(agency=f"{label}机关", year=year, template="unknown", with_statistics=False,
                                  docs=[DocSpec(url=f"http://rank.gov.cn/{label}.html", text=text)])
    search.refresh_index(b.db)
    got = [h.report_id for h in search.search(b.db, "信访")]
    assert got == [ids["thrice"], ids["twice_long"], ids["once_new"], ids["once_old"]]
    hits = search.search(b.db, "信访", limit=2)
    assert [h.report_id for h in hits] == got[:2] and hits[0].score > hits[1].score > 0
    b.db.conn.close()


def test_refresh_some_reports_updates_only_them(tmp_path, caplog):
    built = build_sample_archive(tmp_path)
    b = ArchiveBuilder(built.db_path, built.warc_dir, seed=3)
    db = b.db
    rid = built.report_ids["xiangyang_2019"]
    assert rid in {h.report_id for h in search.search(db, "申请复议")}
    # a new attachment for one report and a brand-new report: the incremental path
    db["documents"].insert({"report_id": rid, "url": "http://fixture.gov.cn/att.pdf", "sha256": "f" * 64,
                            "format": "pdf", "title": "附件", "text": "信访件转办情况表"})
    new_rid = b.add_report(agency="新设机关", year=2023, template="unknown", with_statistics=False,
                           docs=[DocSpec(url="http://new.gov.cn/1.html", text="首次发布的年报，复议零件。")])
    with caplog.at_level("WARNING", logger="archive.search"):
        search.refresh_index(db, [rid, new_rid])
    assert "rebuilding" not in caplog.text
    assert [h.report_id for h in search.search(db, "信访件转办")] == [rid]
    assert rid in {h.report_id for h in search.search(db, "申请复议")}  # its old text is still indexed
    assert [h.report_id for h in search.search(db, "复议零件")] == [new_rid]
    assert len(search.search(db, "政府信息公开工作年度报告")) == 10  # the others are untouched
    assert {h.report_id for h in search.search(db, "复")} == reference(db, "复")

    # a re-extraction changed a document's text: the old tokens are unknown, so it rebuilds
    db.execute("UPDATE documents SET text = '本报告已更正' WHERE report_id = ? AND title <> '附件'", [rid])
    db.conn.commit()
    with caplog.at_level("WARNING", logger="archive.search"):
        search.refresh_index(db, [rid])
    assert "rebuilding" in caplog.text
    assert rid not in {h.report_id for h in search.search(db, "申请复议")}
    assert [h.report_id for h in search.search(db, "本报告已更正")] == [rid]

    # a report whose documents no longer have any text leaves the index
    db.execute("UPDATE documents SET text = '', title = NULL WHERE report_id = ?", [new_rid])
    db.conn.commit()
    search.refresh_index(db, [new_rid])
    assert search.search(db, "复议零件") == []
    # every query answers like a substring scan after all these updates, and like a full rebuild
    queries = ("复", "复议", "行政复议", "GB", "信访件转办", "更正")
    before = {q: {h.report_id for h in search.search(db, q)} for q in queries}
    assert before == {q: reference(db, q) for q in queries}
    search.refresh_index(db)
    assert before == {q: {h.report_id for h in search.search(db, q)} for q in queries}
    db.conn.close()


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", "search", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_cli_json_lists_every_matching_report(archive, db):
    proc = cli("复议", "--db", str(archive), "--json")
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert {h["report_id"] for h in hits} == reference(db, "复议")
    for h in hits:
        assert {"report_id", "agency", "year", "title", "snippet", "url"} <= set(h)
    one_char = json.loads(cli("复", "--db", str(archive), "--json").stdout)
    assert {h["report_id"] for h in one_char} == reference(db, "复")


def test_cli_filters_limit_and_text_output(archive):
    proc = cli("复议", "--db", str(archive), "--json", "--year", "2022", "--region", "云南", "--template", "2021")
    hits = json.loads(proc.stdout)
    assert [(h["agency"], h["year"]) for h in hits] == [("昆明市人力资源和社会保障局", 2022)]
    assert len(json.loads(cli("复议", "--db", str(archive), "--json", "--limit", "2").stdout)) == 2
    proc = cli("行政复议", "--db", str(archive), "--agency", "柳林镇")
    assert proc.returncode == 0
    assert "清河县柳林镇人民政府" in proc.stdout and "http://fixture.gov.cn/" in proc.stdout
    assert "**行政复议**" in proc.stdout
    assert "3 reports match '行政复议' with --agency 柳林镇" in proc.stderr
    # no hit: exit 0, nothing on stdout, a one-line note naming the query and filters
    proc = cli("行政复议", "--db", str(archive), "--year", "1999")
    assert proc.returncode == 0 and proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "no report contains '行政复议' with --year 1999" in proc.stderr
    assert json.loads(cli("不存在的词语", "--db", str(archive), "--json").stdout) == []


def test_cli_missing_db_is_one_line_exit_2(tmp_path):
    proc = cli("复议", "--db", str(tmp_path / "nope.db"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "nope.db" in proc.stderr
    not_db = tmp_path / "junk.db"
    not_db.write_text("this is not sqlite")
    proc = cli("复议", "--db", str(not_db))
    assert proc.returncode == 2 and "junk.db" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_builds_a_missing_index_and_never_loads_prefect(tmp_path):
    built = build_sample_archive(tmp_path, index=False)
    code = ("import sys, json; from flows.cli import main; rc = main(['search', '复议', '--db', %r, '--json']); "
            "print('PREFECT' if 'prefect' in sys.modules else 'NO-PREFECT', file=sys.stderr); sys.exit(rc)"
            % str(built.db_path))
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 10
    assert "building the search index" in proc.stderr
    assert "NO-PREFECT" in proc.stderr
