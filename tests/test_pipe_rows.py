"""Rows recovered from text tables whose cells are kept apart by pipes, in the four shapes copies of
real report pages show; empty cells keep their places."""
from __future__ import annotations

from parsers.report.flat_text import parse_flat_text
from parsers.report.pipe_rows import regroup

# A row per line, Markdown style, with its separator row and an empty third cell.
ROWS = """二、主动公开政府信息情况
| 第二十条第（一）项 |  |  |  |
| --- | --- | --- | --- |
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
| 规章 | 3 | 0 |  |
| 行政规范性文件 | 5 | 12 | 8 |
"""

# Each cell closed on its own line, a row opened by a bare pipe; 规章's third cell is empty (the
# bare line before the next row's opening), 行政许可's cell spans three columns.
CLOSED = """|
第二十条第（一）项 | |||
|
信息内容 |
本年制发件数 |
本年废止件数 |
现行有效件数 |
|
规章 |
3 |
0 |
|
|
行政规范性文件 |
5 |
12 |
8 |
|
第二十条第（五）项 | |||
|
信息内容 |
本年处理决定数量 | ||
|
行政许可 |
7 | ||
"""

# Each cell opened by a pipe, a row closed by a bare pipe; 规章's third cell is empty.
OPENED = """信息内容
| 本年制发件数
| 本年废止件数
| 现行有效
件数
|
规章
| 3
| 0
|
|
行政规范性文件
| 5
| 12
| 8
|
"""


def test_markdown_rows_keep_their_empty_cells():
    rows = [r for r in regroup(ROWS.splitlines()) if isinstance(r, list)]
    assert rows[2] == ["规章", "3", "0", ""]
    assert rows[3] == ["行政规范性文件", "5", "12", "8"]


def test_closed_cells_regroup_into_rows_with_blank_and_spanned_places():
    rows = [r for r in regroup(CLOSED.splitlines()) if isinstance(r, list)]
    assert rows[1] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert rows[2] == ["规章", "3", "0", ""]
    assert rows[3] == ["行政规范性文件", "5", "12", "8"]
    assert rows[-1] == ["行政许可", "7", "", ""]


def test_opened_cells_regroup_into_rows_and_join_a_wrapped_cell():
    rows = [r for r in regroup(OPENED.splitlines()) if isinstance(r, list)]
    assert rows == [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "3", "0", ""],
                    ["行政规范性文件", "5", "12", "8"]]


def test_an_empty_cell_in_a_data_row_holds_its_column():
    """The first value of （二）部分公开 is blank: the next number must not open a new row."""
    text = "\n".join(["|", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | ||",
                      "申请人情况 | ||||||", "|", "自然人 |", "法人或其他组织 | ||||", "总计 |", "|", "商业企业 |",
                      "科研机构 |", "社会公益组织 |", "法律服务机构 |", "其他 |",
                      "|", "三、本年度办理结果 |", "（二）部分公开（区分处理的，只计这一情形，不计其他情形） | |",
                      "|", "0 |", "4 |", "2 |", "0 |", "1 |", "7 |"])
    cells, _warnings = parse_flat_text(text.splitlines(), 0, "2021", tables={"requests"})
    got = {c.col_key: c.value for c in cells if c.row_key == "partly_granted"}
    assert got == {"natural_person": None, "commercial": 0, "research": 4, "nonprofit": 2, "legal_services": 0,
                   "other_org": 1, "total": 7}


def test_active_table_values_land_in_their_columns_in_every_shape():
    for text in (ROWS, CLOSED, OPENED):
        cells, _warnings = parse_flat_text(text.splitlines(), 0, "2021", tables={"active"})
        got = {(c.row_key, c.col_key): c.value for c in cells}
        assert got[("regulations", "made")] == 3 and got[("regulations", "repealed")] == 0
        assert got[("regulations", "in_force")] is None
        assert got[("normative_docs", "in_force")] == 8


def test_page_furniture_with_a_pipe_is_left_as_text():
    lines = ["字号： 大 | 中 | 小", "", "2022年，本机关共收到申请3件。"]
    assert regroup(lines) == lines


def test_rows_whose_spans_are_padded_at_the_end_keep_their_values_in_order():
    """A row per line where a spanned cell's other places are pipes at the row's end, not in place."""
    text = "\n".join([
        "| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 | ||||||||",
        "| 自然人 | 法人或其他组织 | 总计 | |||||||",
        "| 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |||||",
        "| 一、本年新收政府信息公开申请数量 | 9 | 1 | 0 | 2 | 0 | 0 | 12 | ||",
        "| 二、上年结转政府信息公开申请数量 | 0 | 0 | 1 | 0 | 0 | 0 | 1 | ||"])
    cells, _warnings = parse_flat_text(text.splitlines(), 0, "2021", tables={"requests"})
    got = {(c.row_key, c.col_key): c.value for c in cells}
    assert [got[("new", k)] for k in ("natural_person", "commercial", "research", "nonprofit", "legal_services",
                                      "other_org", "total")] == [9, 1, 0, 2, 0, 0, 12]
    assert got[("carried_in", "research")] == 1 and got[("carried_in", "total")] == 1


def _between(cells: list[str]) -> str:
    """Cells on lines of their own with a bare pipe line after each, as some readers save a page
    whose table cells hold paragraphs; a cell's own line breaks are kept."""
    return "".join(f"{c}\n|\n" for c in cells)


# 规章's third cell is empty (two bare lines in a row); 商业/企业 is one heading broken over lines; a
# heading and a sentence sit between the two tables; （二）部分公开's first value is empty.
BETWEEN = ("二、主动公开政府信息情况\n" + _between(
    ["第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "3", "0", "",
     "行政规范性文件", "5", "12", "8"])
    + "三、收到和处理政府信息公开申请情况\n该部分以表格形式报告。表格如下：\n" + _between(
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况", "自然人", "法人或其他组织",
     "总计", "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他",
     "一、本年新收政府信息公开申请数量", "9", "1", "0", "2", "0", "0", "12",
     "三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", "4", "2", "0", "1", "0", "7"]))


def test_cells_between_bare_pipes_regroup_into_rows():
    rows = [r for r in regroup(BETWEEN.splitlines()) if isinstance(r, list)]
    assert ["规章", "3", "0", ""] in rows
    assert ["行政规范性文件", "5", "12", "8"] in rows
    assert ["一、本年新收政府信息公开申请数量", "9", "1", "0", "2", "0", "0", "12"] in rows
    lines = [r for r in regroup(BETWEEN.splitlines()) if isinstance(r, str)]
    assert "该部分以表格形式报告。表格如下：" in lines and "商业企业" in lines


def test_cells_between_bare_pipes_land_in_their_columns():
    active, _ = parse_flat_text(BETWEEN.splitlines(), 0, "2021", tables={"active"})
    got = {(c.row_key, c.col_key): c.value for c in active}
    assert (got[("regulations", "made")], got[("regulations", "repealed")], got[("regulations", "in_force")]) == (3, 0, None)
    assert got[("normative_docs", "in_force")] == 8
    requests, _ = parse_flat_text(BETWEEN.splitlines(), 0, "2021", tables={"requests"})
    got = {(c.row_key, c.col_key): c.value for c in requests}
    assert [got[("new", k)] for k in ("natural_person", "commercial", "research", "nonprofit", "legal_services",
                                      "other_org", "total")] == [9, 1, 0, 2, 0, 0, 12]
    assert got[("partly_granted", "natural_person")] is None and got[("partly_granted", "total")] == 7


def test_one_number_then_only_empty_places_is_doubted():
    """`一、本年新收… | 0 | ||||||||`: one cell merged across the row, or a row blank but for its first
    column; the text cannot say which, so the row's cells are doubted, not read as certain."""
    text = "\n".join([
        "| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 | ||||||||",
        "| 自然人 | 法人或其他组织 | 总计 | |||||||",
        "| 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |||||",
        "| 一、本年新收政府信息公开申请数量 | 0 | ||||||||",
        "| 三、本年度办理结果 | （一）予以公开 | 0 | |||||||",
        "| 二、上年结转政府信息公开申请数量 | 0 | 0 | 1 | 0 | 0 | 0 | 1 | ||"])
    cells, _warnings = parse_flat_text(text.splitlines(), 0, "2021", tables={"requests"})
    by = {(c.row_key, c.col_key): c for c in cells}
    for row in ("new", "granted"):
        assert by[(row, "natural_person")].value == 0
        assert "ambiguous_alignment" in by[(row, "natural_person")].flags, row
        assert by[(row, "natural_person")].confidence <= 0.3
    assert by[("carried_in", "research")].value == 1 and "ambiguous_alignment" not in by[("carried_in", "research")].flags
