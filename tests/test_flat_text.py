"""Statistics from flattened text, in the shapes the seeds show."""
from __future__ import annotations

from parsers.report.checks import run_checks
from parsers.report.flat_text import parse_flat_text, text_rows

# Seed 000/001 shape: PDF text, tab-separated, glyph-spaced and wrapped labels, a row slid into column 0.
SEED_000 = """第二十条第（一）项\t\t\t
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t2\t1\t3
\t(三) 不予 公开\t1. 属于国家秘密\t0\t0\t0\t0\t0\t0\t0
\t\t4. 保护第三方合法权益\t0\t0\t0\t0\t1\t0\t0
2. 没有现成信息需要另行制作\t\t0\t0\t0\t0\t0\t0\t0
(五) 不予 处理\t1. 信访举报投 诉类申请\t0\t0\t0\t0\t0\t0\t0
\t5. 要求行政机 关确认或重新 出具已获取信 息\t0\t0\t0\t0\t0\t0\t0
(六) 其他处理\t0\t0\t0\t0\t0\t0\t0
(七) 总计\t0\t0\t0\t0\t1\t0\t0
四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0

四、政府信息公开行政复议、行政诉讼情况

行政复议\t\t\t\t\t行政诉讼
结 果 维 持\t结 果 纠 正\t其 他 结 果\t尚 未 审 结\t总 计\t未经复议直接起诉\t\t\t\t\t复议后起诉
\t\t\t\t\t结 果 维 持\t结 果 纠 正\t其 他 结 果\t尚 未 审 结\t总 计\t结 果 维 持\t结 果 纠 正\t其 他 结 果\t尚 未 审 结\t总 计
1\t0\t0\t0\t1\t0\t2\t0\t0\t2\t0\t0\t0\t1\t1
"""

# Seed 003 shape: a Word dump, one cell per line.
SEED_003 = """三、收到和处理政府信息公开申请情况
\t一、本年新收政府信息公开申请数量
\t3
\t0
\t0
\t0
\t1
\t0
\t4

\t二、上年结转政府信息公开申请数量
\t0
\t0
\t0
\t0
\t0
\t0
\t0
\t第二十条第（九）项

\t信息内容
\t采购项目数量
\t采购总金额

\t政府集中采购
\t120
\t498742.4
"""


def values(cells):
    return {(c.table_name, c.row_key, c.col_key): c.value for c in cells}


def test_seed_000_shape():
    cells, _ = parse_flat_text(SEED_000.split("\n"), 0, "2019")
    v = values(cells)
    assert v[("active", "normative_docs", "total_published")] == 3
    assert v[("requests", "denied_third_party", "legal_services")] == 1
    assert v[("requests", "unable_need_create", "total")] == 0
    assert v[("requests", "rejected_petition", "natural_person")] == 0
    assert v[("requests", "rejected_confirm", "total")] == 0
    assert v[("requests", "other", "total")] == 0
    assert v[("requests", "total_processed", "legal_services")] == 1
    assert v[("review", "review", "upheld")] == 1
    assert v[("review", "litigation_direct", "corrected")] == 2
    assert v[("review", "litigation_after_review", "total")] == 1
    assert all(c.source == "flat_text" and c.confidence < 1 for c in cells)
    checks = {r.name: r for r in run_checks(cells, "2019")}
    assert checks["review_total"].passed is True
    assert checks["requests_row_total"].passed is False  # denied_third_party: 1 in legal services, total 0


def test_seed_003_one_cell_per_line():
    cells, _ = parse_flat_text(SEED_003.split("\n"), 0, "2019")
    v = values(cells)
    assert v[("requests", "new", "natural_person")] == 3
    assert v[("requests", "new", "total")] == 4
    assert v[("requests", "carried_in", "total")] == 0
    assert v[("active", "procurement", "items")] == 120
    assert v[("active", "procurement", "amount_10k_yuan")] == 498742.4


def test_wrapped_label_is_joined():
    rows = text_rows(["1.信访举报投", "诉类申请", "0", "1", "0", "0", "0", "0", "1"], 0)
    assert rows[0].cells[0] == "1.信访举报投诉类申请"


def test_too_few_values_are_flagged_not_guessed():
    cells, warnings = parse_flat_text(["三、收到和处理政府信息公开申请情况", "(一)予以公开 1 2 3"], 0, "2021")
    granted = [c for c in cells if c.row_key == "granted"]
    assert len(granted) == 7 and all(c.value is None and "ambiguous_alignment" in c.flags for c in granted)
    assert warnings


def test_prose_is_not_read_as_a_table():
    text = ["2020 年以来，在市委、市政府领导下，做好全镇政务公开工作。",
            "（三）依申请公开信息。2020 年杨家庄镇未收到政府信息公开申请，予以公开0件。"]
    assert parse_flat_text(text, 0, "2021")[0] == []


def _labels_then_numbers(column_major: bool):
    rows = {"（一）予以公开": [5, 1, 0, 0, 2, 0, 8], "（二）部分公开": [1, 0, 0, 0, 0, 0, 1],
            "1.属于国家秘密": [0, 0, 0, 0, 0, 0, 0], "2.重复申请": [3, 0, 1, 0, 0, 0, 4]}
    names = list(rows)
    if column_major:
        numbers = [rows[n][c] for c in range(7) for n in names]
    else:
        numbers = [v for n in names for v in rows[n]]
    return ["三、收到和处理政府信息公开申请情况"] + names + [" ".join(map(str, numbers))], rows


def test_labels_then_numbers_column_by_column_is_read_by_the_reading_that_adds_up():
    for column_major in (True, False):
        lines, rows = _labels_then_numbers(column_major)
        cells, _ = parse_flat_text(lines, 0, "2021")
        v = values(cells)
        assert v[("requests", "granted", "total")] == 8
        assert v[("requests", "granted", "legal_services")] == 2
        assert v[("requests", "rejected_duplicate", "research")] == 1
        expected_flag = "column_major" if column_major else "row_major"
        assert all(expected_flag in c.flags for c in cells)


def test_labels_then_numbers_that_never_add_up_are_flagged():
    lines = ["三、收到和处理政府信息公开申请情况", "（一）予以公开", "（二）部分公开", "1.属于国家秘密",
             " ".join(str(i) for i in range(1, 22))]
    cells, warnings = parse_flat_text(lines, 0, "2021")
    assert cells and all("ambiguous_alignment" in c.flags and c.confidence <= 0.3 for c in cells)
    assert any("add up equally" in w for w in warnings)


def test_labels_then_identical_readings_are_not_doubted():
    lines = ["三、收到和处理政府信息公开申请情况", "（一）予以公开", "（二）部分公开", "1.属于国家秘密", " ".join(["0"] * 21)]
    cells, warnings = parse_flat_text(lines, 0, "2021")
    assert len(cells) == 21 and all(c.value == 0 and "ambiguous_alignment" not in c.flags for c in cells)


def test_flat_cells_keep_their_page():
    lines = [("三、收到和处理政府信息公开申请情况", 2), ("（一）予以公开 1 0 0 0 0 0 1", 3)]
    cells, _ = parse_flat_text(lines, 0, "2021")
    assert {c.page for c in cells} == {3}


def test_empty_cells_shown_as_blank_lines_keep_their_places():
    """A reader that ends each cell's paragraph with a blank line gives an empty cell a line break of
    its own: `12`, then five blank lines more than usual, then `12` is 自然人 12, five empty cells, 总计 12."""
    def cells(values: list[str]) -> list[str]:
        return [line for v in values for line in ([v, ""] if v else [""])]

    header = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况", "自然人",
              "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    active = ["第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "0", "0", "0",
              "行政规范性文件", "1", "", "3"]
    lines = ["二、主动公开政府信息情况", ""] + cells(active) + ["三、收到和处理政府信息公开申请情况", ""] + cells(header) + cells(
        ["一、本年新收政府信息公开申请数量", "12", "", "", "", "", "", "12",
         "二、上年结转政府信息公开申请数量", "", "", "", "", "", "", "",
         "三、本年度办理结果", "（一）予以公开", "4", "", "", "", "", "", "4"])
    got, _warnings = parse_flat_text(lines, 0, "2021", tables={"requests"})
    by = {(c.row_key, c.col_key): c.value for c in got}
    assert by[("new", "natural_person")] == 12 and by[("new", "total")] == 12
    assert by[("new", "commercial")] is None and by[("new", "other_org")] is None
    assert all(by[("carried_in", k)] is None for k in ("natural_person", "total"))
    assert by[("granted", "natural_person")] == 4 and by[("granted", "total")] == 4
    assert not any("ambiguous_alignment" in c.flags for c in got)
    active_cells, _warnings = parse_flat_text(lines, 0, "2021", tables={"active"})
    by = {(c.row_key, c.col_key): c.value for c in active_cells}
    assert (by[("normative_docs", "made")], by[("normative_docs", "repealed")], by[("normative_docs", "in_force")]) \
        == (1, None, 3)


def test_extra_blank_lines_in_ordinary_text_are_not_cells():
    """Text that is not written a paragraph per cell (a row per line) keeps its blank lines as layout."""
    lines = ["一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3", "", "", "", "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0"]
    got, _warnings = parse_flat_text(lines, 0, "2021", tables={"requests"})
    by = {(c.row_key, c.col_key): c.value for c in got}
    assert by[("new", "natural_person")] == 3 and by[("new", "total")] == 3
    assert by[("carried_in", "total")] == 0


def test_blank_lines_that_would_make_a_row_too_wide_are_layout_not_cells():
    """A page break inside a row's seven values leaves extra blank lines: taking them for empty cells
    would push the values after them to the right, so they are dropped."""
    def cells(values: list[str]) -> list[str]:
        return [line for v in values for line in ([v, ""] if v else [""])]

    header = ["申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    active = ["第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "0", "0", "0",
              "行政规范性文件", "1", "0", "3"]
    lines = cells(active) + ["三、收到和处理政府信息公开申请情况", ""] + cells(header) + \
        cells(["一、本年新收政府信息公开申请数量", "5", "1"]) + ["", "", ""] + cells(["0", "2", "0", "0", "8"])
    got, _warnings = parse_flat_text(lines, 0, "2021", tables={"requests"})
    by = {(c.row_key, c.col_key): c.value for c in got}
    assert [by[("new", k)] for k in ("natural_person", "commercial", "research", "nonprofit", "legal_services",
                                     "other_org", "total")] == [5, 1, 0, 2, 0, 0, 8]
