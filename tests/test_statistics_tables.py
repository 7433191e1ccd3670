"""Statistics tables from document-model tables: labels, not positions, decide where a value goes."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))

import make_corpus as mc  # noqa: E402  (the corpus generator's table builders)

from parsers.model import Block, Cell, Document, Source  # noqa: E402
from parsers.report import parse_report  # noqa: E402
from parsers.report.statistics_tables import parse_tables  # noqa: E402


def grid_block(g: mc.Grid, page: int | None = None) -> Block:
    """A table block the way extractors produce it: merged cells repeated with their origin."""
    rows = [[Cell(text) for text in row] for row in g.rows]
    for r0, c0, r1, c1 in g.merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                rows[r][c] = Cell(g.rows[r0][c0], r1 - r0 + 1, c1 - c0 + 1, (r0, c0))
    return Block("table", rows=rows, source=Source(page=page))


def report(template: str, variations: list[str], seed: int = 1) -> mc.Report:
    rng = random.Random(seed)
    rep = mc.Report("t", template, 2021 if template == "2021" else 2020, "清河县柳林镇人民政府", "", "town",
                    "docx", variations)
    rep.values = mc.make_values(rng, template, "inconsistent" in variations)
    mc._apply_variations(rng, rep)
    return rep


def blocks_of(rep: mc.Report) -> list[Block]:
    out: list[Block] = []
    for heading, _ in mc.sections(rep):
        out.append(Block("heading", heading))
        for g in mc.tables_for(rep, heading):
            if g.title:
                out.append(Block("paragraph", g.title))
            out.append(grid_block(g))
    return out


def values(cells) -> dict:
    return {(c.table_name, c.row_key, c.col_key): c.value for c in cells}


@pytest.mark.parametrize("template", ["2021", "2019"])
@pytest.mark.parametrize("variation", [[], ["typos"], ["spaced"], ["blank"], ["dash"], ["page_break"],
                                       ["split_review"], ["subtotal"], ["typos", "spaced", "blank"]])
def test_every_cell_of_the_template_is_read_by_label(template, variation):
    rep = report(template, variation)
    cells, _ = parse_tables(blocks_of(rep), 0, template)
    assert values(cells) == rep.values


def test_blank_and_dash_cells_are_null_with_raw_text_kept():
    rep = report("2021", ["dash"])
    cells, _ = parse_tables(blocks_of(rep), 0, "2021")
    by_key = {(c.table_name, c.row_key, c.col_key): c for c in cells}
    assert rep.raw
    for key, raw in rep.raw.items():
        assert by_key[key].value is None
        assert by_key[key].raw_text == raw
    blank = report("2021", ["blank"])
    cells, _ = parse_tables(blocks_of(blank), 0, "2021")
    nulls = [c for c in cells if c.value is None]
    assert nulls and all(c.raw_text is None for c in nulls)


def test_provenance_names_table_row_column_and_label():
    rep = report("2021", [])
    cells, _ = parse_tables(blocks_of(rep), 3, "2021")
    c = next(c for c in cells if (c.table_name, c.row_key, c.col_key) == ("requests", "denied_law", "research"))
    assert (c.document_index, c.table_index, c.row_index, c.col_index) == (3, 1, 8, 5)
    assert "其他法律行政法规禁止公开" in c.raw_label
    assert c.source == "table" and c.raw_text == str(rep.values[("requests", "denied_law", "research")])


def test_rows_in_shuffled_order_still_land_on_their_keys():
    rep = report("2021", [])
    g = mc.requests_grids(rep)[0]
    body = list(range(3, len(g.rows)))
    random.Random(5).shuffle(body)
    shuffled = mc.Grid([g.rows[i] for i in [0, 1, 2] + body], [m for m in g.merges if m[2] < 3])
    cells, _ = parse_tables([grid_block(shuffled)], 0, "2021")
    want = {k: v for k, v in rep.values.items() if k[0] == "requests"}
    assert values(cells) == want


def test_sixteen_numbers_for_fifteen_columns_are_flagged_not_shifted():
    rep = report("2021", ["extra_review_cell"])
    cells, warnings = parse_tables(blocks_of(rep), 0, "2021")
    review = [c for c in cells if c.table_name == "review"]
    assert len(review) == 15 and all("extra_cells" in c.flags and c.confidence < 1 for c in review)
    assert {(c.row_key, c.col_key): c.value for c in review} == {
        k[1:]: v for k, v in rep.values.items() if k[0] == "review"}
    assert any("16 cells" in w or "15 headed" in w or "cells for" in w for w in warnings)


def test_sixteen_numbers_without_headers_and_no_passing_alignment_are_not_assigned():
    texts = ["1", "2", "3", "4", "99", "0", "0", "0", "0", "7", "0", "0", "0", "0", "5", "6"]
    block = Block("table", rows=[[Cell(t) for t in texts]])
    cells, warnings = parse_tables([Block("heading", "四、政府信息公开行政复议、行政诉讼情况"), block], 0, "2021")
    assert cells and all(c.value is None and "extra_cells" in c.flags for c in cells)
    assert warnings


def test_table_cut_by_a_page_break_keeps_its_header_and_group():
    rep = report("2021", ["page_break"])
    blocks = blocks_of(rep)
    assert sum(b.kind == "table" for b in blocks) == 4
    cells, _ = parse_tables(blocks, 0, "2021")
    assert values(cells) == rep.values


def test_decimals_in_amount_and_negative_changes_are_kept():
    rep = report("2019", [])
    rep.values[("active", "procurement", "amount_10k_yuan")] = 12.3456
    rep.values[("active", "licensing", "change")] = -3
    cells, _ = parse_tables(blocks_of(rep), 0, "2019")
    got = values(cells)
    assert got[("active", "procurement", "amount_10k_yuan")] == 12.3456
    assert got[("active", "licensing", "change")] == -3
    neg = next(c for c in cells if c.row_key == "licensing" and c.col_key == "change")
    assert "negative" not in neg.flags


def test_unit_outlier_is_flagged_not_rescaled():
    rep = report("2019", [])
    rep.values[("active", "procurement", "amount_10k_yuan")] = 498742.4
    doc = Document("docx", blocks=[Block("heading", "凤岗镇2020年政府信息公开工作年度报告")] + blocks_of(rep))
    doc.text = "\n".join(b.text for b in doc.blocks)
    parsed = parse_report([doc])
    amount = next(c for c in parsed.cells if c.col_key == "amount_10k_yuan")
    assert amount.value == 498742.4 and "unit_outlier" in amount.flags


def test_seed_003_review_headers_with_notes_and_typo():
    heads = ["结果维护", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [["行政复议\n（因政府信息公开被行政复议）"] * 5 + ["行政诉讼\n（因政府信息公开被行政诉讼）"] * 10,
            heads + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
            heads + heads + heads,
            [str(i % 3) for i in range(15)]]
    g = mc.Grid(rows, [(0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14)] + [(1, c, 2, c) for c in range(5)])
    cells, _ = parse_tables([grid_block(g)], 0, "2019")
    got = values(cells)
    assert got[("review", "review", "upheld")] == 0
    assert got[("review", "litigation_direct", "upheld")] == 2
    assert got[("review", "litigation_after_review", "total")] == 2
    assert len(got) == 15


def test_seed_002_all_blank_rows_become_nulls_not_zeros():
    rep = report("2019", [])
    for k in rep.values:
        rep.values[k] = None
    cells, _ = parse_tables(blocks_of(rep), 0, "2019")
    assert cells and all(c.value is None for c in cells)
    assert len([c for c in cells if c.table_name == "requests"]) == 23 * 7


def test_html_prose_plus_pdf_tables_merge_into_one_report():
    rep = report("2021", [])
    html = Document("html", title="清河县柳林镇人民政府2021年政府信息公开工作年度报告",
                    blocks=[Block("heading", "清河县柳林镇人民政府2021年政府信息公开工作年度报告"),
                            Block("heading", "一、总体情况"), Block("paragraph", "全年主动公开政府信息132条。"),
                            Block("heading", "五、存在的主要问题及改进情况"), Block("paragraph", "一是…")])
    html.text = "\n".join(b.text for b in html.blocks)
    pdf = Document("pdf", blocks=blocks_of(rep))
    pdf.text = "\n".join(b.text for b in pdf.blocks)
    parsed = parse_report([html, pdf])
    table_cells = [c for c in parsed.cells if c.source == "table"]
    assert values(table_cells) == rep.values
    assert {c.document_index for c in table_cells} == {1}
    assert parsed.agency == "清河县柳林镇人民政府" and parsed.region_code == "130534" and parsed.level == "town"
    assert parsed.template == "2021"
    assert [c.passed for c in parsed.checks] == [True, True, True, True]


def test_tables_win_over_flat_text_and_flat_text_fills_a_missing_table():
    rep = report("2021", [])
    blocks = [b for b in blocks_of(rep)]
    review_index = max(i for i, b in enumerate(blocks) if b.kind == "table")
    flat_review = ["行政复议 行政诉讼", "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
                   " ".join(str(rep.values[("review", g, c)]) for g in ("review", "litigation_direct",
                                                                       "litigation_after_review")
                            for c in ("upheld", "corrected", "other", "pending", "total"))]
    blocks = blocks[:review_index] + [Block("paragraph", t) for t in flat_review] + blocks[review_index + 1:]
    doc = Document("pdf", blocks=blocks, text="\n".join(b.text for b in blocks))
    parsed = parse_report([doc])
    by_source = {c.source for c in parsed.cells if c.table_name == "review"}
    assert by_source == {"flat_text"}
    assert values([c for c in parsed.cells if c.source != "prose"]) == rep.values
    assert {c.source for c in parsed.cells if c.table_name == "requests"} == {"table"}


def test_2019_other_row_in_a_2021_report_is_flagged_and_still_summed():
    rep = report("2019", [])
    cells, _ = parse_tables(blocks_of(rep), 0, "2021")
    other = [c for c in cells if c.row_key == "other"]
    assert other and all("template_mismatch" in c.flags for c in other)
