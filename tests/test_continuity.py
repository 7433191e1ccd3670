"""Across years: carry-over continuity, ×10 jumps and copied tables, through `nianbao add` on a real archive."""
from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import sqlite_utils
import yaml

from crawlers.sample_server import SAMPLE_SITES
from flows.cli import main

SAMPLE = SAMPLE_SITES / "qinghe" / "zwgk" / "zfxxgknb" / "202201" / "t20220125_2001.html"  # 清河县人民政府 2021
METADATA = Path(__file__).resolve().parent.parent / "archive" / "datasette" / "metadata.yaml"
ROW_LABELS = {"carried_in": "二、上年结转政府信息公开申请数量", "carried_over": "四、结转下年度继续办理",
              "new": "一、本年新收政府信息公开申请数量"}


def report_file(path: Path, year: int, agency: str = "清河县人民政府", **rows: list[int]) -> Path:
    """The sample report re-dated to `year`, for `agency`, with the given requests rows (7 columns each)."""
    html = SAMPLE.read_text(encoding="utf-8").replace("2021年", f"{year}年").replace("清河县人民政府", agency)
    for row, values in rows.items():
        cells = "".join(f"<td><p>{v}</p></td>" for v in values)
        html, n = re.subn(rf"({re.escape(ROW_LABELS[row])}</p></td>)(?:<td><p>[^<]*</p></td>){{7}}",
                          lambda m: m.group(1) + cells, html, count=1)
        assert n == 1, row
    path.write_text(html, encoding="utf-8")
    return path


def add(db: Path, *files: Path, **opts: str) -> int:
    args = ["add", *map(str, files), "--db", str(db)] + [x for k, v in opts.items() for x in (f"--{k}", v)]
    with contextlib.redirect_stdout(io.StringIO()):
        return main(args)


def canned(db: sqlite_utils.Database, name: str, year: str = "", province: str = "") -> list[dict]:
    """A canned query of the datasette metadata, run as datasette runs it (blank parameters: all)."""
    queries = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["databases"]["archive"]["queries"]
    return list(db.query(queries[name]["sql"], {"year": year, "province": province}))


def _report(db, year, agency_key="清河县"):
    return next(db.query("select * from reports where agency_key = ? and year = ?", [agency_key, year]))


def _continuity(db, report_id):
    return list(db.query("select * from checks where report_id = ? and check_name = 'carried_over_continuity'",
                         [report_id]))


def test_check_appears_when_the_missing_year_arrives_and_follows_its_revisions(tmp_path):
    db_path = tmp_path / "a.db"
    carried = [1, 0, 2, 1, 1, 0, 5]
    assert add(db_path, report_file(tmp_path / "2023.html", 2023, carried_in=carried)) == 0
    db = sqlite_utils.Database(db_path)
    later = _report(db, 2023)
    assert _continuity(db, later["id"]) == []  # no 2022 report yet: nothing to evaluate

    earlier_file = report_file(tmp_path / "2022.html", 2022, carried_over=carried)
    assert add(db_path, earlier_file) == 0  # the year before, archived afterwards
    earlier = _report(db, 2022)
    [check] = _continuity(db, later["id"])
    assert check["passed"] == 1 and f"report #{earlier['id']} (清河县人民政府 2022)" in check["detail"]
    assert check["version"] == later["current_version"]
    assert _continuity(db, earlier["id"]) == []  # stored on the later year only
    assert canned(db, "continuity_mismatches") == []

    # The agency revises its 2022 report: one column of 结转下年度 changes, at the same path.
    report_file(earlier_file, 2022, carried_over=[1, 0, 2, 1, 1, 0, 9])
    assert add(db_path, earlier_file) == 0
    assert _report(db, 2022)["current_version"] == 2
    [check] = _continuity(db, later["id"])
    assert check["passed"] == 0
    assert "carried_in.total 5 ≠ 2022 carried_over.total 9" in check["detail"]
    [row] = canned(db, "continuity_mismatches")
    assert (row["report_id"], row["previous_report_id"], row["year"]) == (later["id"], earlier["id"], 2023)
    assert canned(db, "continuity_mismatches", year="2023", province="河北") == [row]
    assert canned(db, "continuity_mismatches", year="2022") == []


def test_a_headline_figure_ten_times_last_years_is_flagged_as_a_doubt(tmp_path):
    db_path = tmp_path / "a.db"
    assert add(db_path, report_file(tmp_path / "2022.html", 2022, new=[2, 1, 0, 0, 0, 0, 3])) == 0
    later_file = report_file(tmp_path / "2023.html", 2023, new=[20, 10, 0, 0, 0, 0, 30])
    assert add(db_path, later_file) == 0
    db = sqlite_utils.Database(db_path)
    later = _report(db, 2023)
    [jump] = list(db.query("select * from year_jumps where report_id = ?", [later["id"]]))
    assert (jump["row_key"], jump["col_key"], jump["value"], jump["previous_value"]) == ("new", "total", 30, 3)
    cell = next(db.query("select flags from statistics where report_id = ? and table_name = 'requests' "
                         "and row_key = 'new' and col_key = 'total'", [later["id"]]))
    assert "year_jump" in json.loads(cell["flags"])
    # a doubt, not an error: no check fails because of it
    assert not list(db.query("select * from checks where report_id = ? and passed = 0 and detail like '%×%'",
                             [later["id"]]))
    assert [r["report_id"] for r in canned(db, "year_jumps")] == [later["id"]]

    report_file(later_file, 2023, new=[2, 1, 0, 0, 0, 0, 4])  # corrected: no jump any more
    assert add(db_path, later_file) == 0
    assert not list(db.query("select * from year_jumps where report_id = ?", [later["id"]]))
    cell = next(db.query("select flags from statistics where report_id = ? and table_name = 'requests' "
                         "and row_key = 'new' and col_key = 'total'", [later["id"]]))
    assert "year_jump" not in json.loads(cell["flags"] or "[]")


def test_copied_tables_are_found_within_an_agency_and_across_agencies(tmp_path):
    db_path = tmp_path / "a.db"
    same = {"new": [3, 1, 0, 2, 0, 1, 7], "carried_in": [1, 0, 2, 1, 1, 0, 5]}
    assert add(db_path, report_file(tmp_path / "a2022.html", 2022, **same)) == 0
    assert add(db_path, report_file(tmp_path / "a2023.html", 2023, **same)) == 0           # last year's numbers again
    assert add(db_path, report_file(tmp_path / "b2023.html", 2023, "故城县人民政府", **same)) == 0  # another agency's
    assert add(db_path, report_file(tmp_path / "c2023.html", 2023, "枣强县人民政府",
                                    new=[9, 9, 9, 9, 9, 9, 54])) == 0                       # its own numbers
    db = sqlite_utils.Database(db_path)
    rows = canned(db, "copied_statistics")
    pairs = {(r["agency"], r["year"], r["same_as_agency"], r["same_as_year"], r["table_name"]) for r in rows}
    assert ("清河县人民政府", 2023, "清河县人民政府", 2022, "requests") in pairs
    assert any({p[0], p[2]} == {"清河县人民政府", "故城县人民政府"} and p[4] == "requests" for p in pairs)
    assert not any("枣强县人民政府" in (p[0], p[2]) and p[4] == "requests" for p in pairs)
    assert all(r["nonzero_cells"] >= 3 for r in rows)
    assert canned(db, "copied_statistics", year="2021") == []
    plan = " ".join(r["detail"] for r in db.query("explain query plan " + yaml.safe_load(
        METADATA.read_text(encoding="utf-8"))["databases"]["archive"]["queries"]["copied_statistics"]["sql"],
        {"year": "", "province": ""}))
    assert "idx_statistics_fingerprints_table_name_fingerprint" in plan  # one indexed join at any size
