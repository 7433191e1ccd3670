"""`nianbao parse`: local files → what the archive would hold, in real processes, without Prefect."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from archive import labels
from parsers.normalize import parse_number
from tests.fixtures.extract.truth import HERE as FIXTURES, load_truth

REPO = Path(__file__).resolve().parent.parent
APPLICANTS = ["natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total"]


def nianbao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120)


def _truth_row(name: str, label_part: str) -> dict[str, float | None]:
    """The requests-table row of a fixture's known answer, by applicant column."""
    table = load_truth(name)["tables"][1]
    row = next(r for r in table if label_part in r[0])
    return {col: parse_number(text)[0] for col, text in zip(APPLICANTS, row[3:])}


def test_json_holds_identity_cells_with_provenance_checks_and_warnings():
    proc = nianbao("parse", str(FIXTURES / "report_a.pdf"), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["template"], out["agency"], out["year"]) == ("2021", load_truth("report_a")["agency"], 2022)
    cells = {(c["table_name"], c["row_key"], c["col_key"]): c for c in out["cells"]}
    for col, value in _truth_row("report_a", "上年结转").items():
        if value is not None:
            assert cells[("requests", "carried_in", col)]["value"] == value
    cell = cells[("requests", "carried_in", "legal_services")]
    assert cell["raw_text"] == "1,481" and cell["page"] == 2 and cell["file"].endswith("report_a.pdf")
    assert isinstance(cell["flags"], list)
    for c in out["cells"]:
        assert {"table_name", "row_key", "col_key", "value", "raw_text", "flags", "page"} <= set(c)
    names = {k["check_name"]: k for k in out["checks"]}
    assert names["review_total"]["passed"] == 0  # the fixture's 1234567890 total does not add up
    assert "1234567890" in names["review_total"]["detail"]
    assert isinstance(out["warnings"], list)
    assert out["files"][0]["sha256"] and out["files"][0]["format"] == "pdf"


def test_several_files_are_one_reports_documents():
    proc = nianbao("parse", str(FIXTURES / "report_b_utf8.html"), str(FIXTURES / "report_b.pdf"), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [f["format"] for f in out["files"]] == ["html", "pdf"]
    assert out["agency"] == load_truth("report_b")["agency"]
    assert {c["file"] for c in out["cells"] if c["table_name"] != "prose"} <= {f["path"] for f in out["files"]}


def test_terminal_output_speaks_chinese_and_lays_out_tables():
    proc = nianbao("parse", str(FIXTURES / "report_a.pdf"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for label in ("模板 template", "机关 agency", "三、收到和处理政府信息公开申请情况", "本机关不掌握相关政府信息",
                  "法律服务机构", labels.check_label("review_total"), "未通过"):
        assert label in out, label
    assert "1481" in out and "Traceback" not in proc.stderr


def test_a_file_with_nothing_in_it_still_exits_0(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    note = tmp_path / "note.html"
    note.write_text("<html><body><p>会议通知</p></body></html>", encoding="utf-8")
    proc = nianbao("parse", str(empty), str(note), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["cells"] == [] and out["agency"] is None
    assert any("not recognised as an annual report" in w for w in out["warnings"])
    assert any("empty" in w for w in out["warnings"])


def test_missing_or_unreadable_file_is_exit_2_naming_the_path(tmp_path):
    for path in (tmp_path / "nope.pdf", tmp_path):
        proc = nianbao("parse", str(FIXTURES / "report_a.pdf"), str(path))
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1 and str(path) in proc.stderr and "Traceback" not in proc.stderr
        assert proc.stdout == ""


def test_parse_never_imports_prefect():
    code = ("import sys, io, contextlib\nfrom flows.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    rc = main(['parse', {str(FIXTURES / 'report_a.pdf')!r}, '--json'])\n"
            "print(rc, sorted(m for m in sys.modules if m.split('.')[0] in ('prefect', 'datasette')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.stdout.strip() == "0 []", proc.stdout + proc.stderr


def test_ocr_alone_is_provenance_not_a_doubt_mark():
    """`nianbao parse` stars the cells in doubt; a value read by OCR and confirmed is not one."""
    from archive import labels

    assert labels.doubts(["ocr"]) == []
    assert labels.doubts(["ocr", "suspect", "two_lines"]) == ["suspect", "two_lines"]
    for flag in ("unconfirmed", "two_lines", "placed_by_order", "fuzzy_label", "no_cells"):
        assert labels.flag_label(flag) != flag  # a person reads a Chinese label, not the key
