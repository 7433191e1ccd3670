"""The row decoder: printed rows placed on the template's canonical rows by order-preserving alignment.

Each test builds its rows synthetically (the corpus generator's grids, with labels garbled the way
real producers garble them) and names the variation class it reproduces (tests/fixtures/README,
"row decoding").
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))

import make_corpus as mc  # noqa: E402

from parsers.model import Block, Cell, Document, Source  # noqa: E402
from parsers.report import parse_report  # noqa: E402
from parsers.report.flat_text import parse_flat_text  # noqa: E402
from parsers.report.row_alignment import align, canonical_rows, comparable, similarity  # noqa: E402
from parsers.report.statistics_tables import parse_tables  # noqa: E402

REQUESTS_2021 = canonical_rows("2021", "requests")


def report(template: str = "2021", seed: int = 3) -> mc.Report:
    rng = random.Random(seed)
    rep = mc.Report("t", template, 2022 if template == "2021" else 2020, "清河县柳林镇人民政府", "", "town", "docx", [])
    rep.values = mc.make_values(rng, template, False)
    return rep


def grid_block(g: mc.Grid) -> Block:
    rows = [[Cell(text) for text in row] for row in g.rows]
    for r0, c0, r1, c1 in g.merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                rows[r][c] = Cell(g.rows[r0][c0], r1 - r0 + 1, c1 - c0 + 1, (r0, c0))
    return Block("table", rows=rows, source=Source(page=1))


def requests_grid(rep: mc.Report) -> mc.Grid:
    return mc.requests_grids(rep)[0]


def row_of(g: mc.Grid, key: str, template: str = "2021") -> int:
    """The grid row printing a canonical row (the generator prints them in schema order after 3 header rows)."""
    from parsers.report.schema_keys import row_keys
    return 3 + row_keys(template, "requests").index(key)


def set_label(g: mc.Grid, r: int, text: str) -> None:
    """Give row r one label cell (columns 0-2 merged), as a producer that garbles it would print it."""
    g.rows[r][0] = g.rows[r][1] = g.rows[r][2] = text
    g.merges = [m for m in g.merges if not (m[0] <= r <= m[2] and m[1] <= 2)] + [(r, 0, r, 2)]


def parse_grid(g: mc.Grid, template: str = "2021"):
    blocks = [Block("heading", "三、收到和处理政府信息公开申请情况"), grid_block(g)]
    return parse_tables(blocks, 0, template)


def cells_by_key(cells):
    return {(c.table_name, c.row_key, c.col_key): c for c in cells}


def request_values(rep: mc.Report):
    return {k: v for k, v in rep.values.items() if k[0] == "requests"}


def bleed(label: str, header: str, every: int = 2) -> str:
    """A vertical header's characters interleaved into a label, as when a narrow merged cell's glyphs
    are sorted into the neighbouring cell's lines."""
    out, hs = [], list(header)
    for i, ch in enumerate(label):
        out.append(ch)
        if hs and i % every == every - 1:
            out.append(hs.pop(0))
    return "".join(out) + "".join(hs)


def drop(label: str, start: int, n: int) -> str:
    return label[:start] + label[start + n:]


# --- the aligner itself ---------------------------------------------------------------------

def test_a_garbled_row_between_granted_and_state_secret_is_partly_granted_by_order():
    printed = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "(一)予以公开", "#@%&*",
               "1.属于国家秘密", "2.其他法律行政法规禁止公开"]
    result = align(printed, REQUESTS_2021)
    p = result.placements[3]
    assert p.key == "partly_granted" and p.by_order
    assert [q.key for q in result.placements] == ["new", "carried_in", "granted", "partly_granted",
                                                   "denied_state_secret", "denied_law"]


def test_a_row_with_no_values_is_never_placed_by_order_alone():
    printed = ["(一)予以公开", "#@%&*", "1.属于国家秘密"]
    result = align(printed, REQUESTS_2021, data=[True, False, True])
    assert result.placements[1].key is None


def test_two_free_places_for_one_garbled_row_is_a_tie_left_out_with_its_candidates():
    printed = ["二、上年结转政府信息公开申请数量", "#@%&*", "2.其他法律行政法规禁止公开"]
    result = align(printed, REQUESTS_2021)
    p = result.placements[1]
    assert p.key is None and set(p.candidates) >= {"granted", "partly_granted", "denied_state_secret"}


def test_the_totals_break_a_tie_they_never_supply_a_value():
    printed = ["二、上年结转政府信息公开申请数量", "#@%&*", "2.其他法律行政法规禁止公开"]
    result = align(printed, REQUESTS_2021, confirm=lambda i, key: key == "denied_state_secret")
    p = result.placements[1]
    assert p.key == "denied_state_secret" and p.confirmed and p.by_order


def test_missing_rows_are_named_and_subtotals_never_take_a_row():
    printed = ["(一)予以公开", "(三)不予公开 小计", "1.属于国家秘密"]
    result = align(printed, REQUESTS_2021)
    assert result.placements[1].key is None
    missing = [r.key for r in result.missing]
    assert "partly_granted" in missing and "new" in missing and "granted" not in missing


def test_similarity_is_order_aware_and_ignores_numbering_spaces_and_group_headings():
    law = next(r for r in REQUESTS_2021 if r.key == "denied_law")
    assert comparable("（三）不予公开 2.其他法律 行政法规禁止公开") == "其他法律行政法规禁止公开"
    assert similarity("2.其他法律行政止公开", law) > 0.8  # 法规禁 dropped
    assert similarity("公开禁止法规行政法律其他", law) < 0.5  # the same characters, out of order


# --- class (a): vertical merged header cell bleeding into the label cells -----------------------

def test_vertical_header_characters_in_the_label_cells_still_decode():
    rep = report()
    g = requests_grid(rep)
    header = "三、本年度办理结果"
    for key, chars in (("granted", "三、本"), ("partly_granted", "年度"), ("denied_state_secret", "办理"),
                       ("denied_law", "结果")):
        r = row_of(g, key)
        canon = next(c.label for c in REQUESTS_2021 if c.key == key).split(" ")[-1]
        set_label(g, r, bleed(canon, chars, every=3) if key == "partly_granted" else chars + canon)
    assert header  # the header cell itself is printed one character per line, so it lands nowhere
    cells, warnings = parse_grid(g)
    got = {k: c.value for k, c in cells_by_key(cells).items()}
    assert got == request_values(rep)
    assert not any("appears twice" in w for w in warnings)


def test_the_issue_s_interleaved_partly_granted_label_is_placed_and_sure_enough():
    rep = report()
    g = requests_grid(rep)
    set_label(g, row_of(g, "partly_granted"), "本年度(计二其)他部情分形公)开(区分处理的，只计这一情形，不计其他情形)")
    cells, warnings = parse_grid(g)
    by = cells_by_key(cells)
    assert by[("requests", "partly_granted", "total")].value == rep.values[("requests", "partly_granted", "total")]
    assert {k: c.value for k, c in by.items()} == request_values(rep)


# --- class (b): characters missing or substituted ---------------------------------------------

def test_a_label_with_characters_dropped_keeps_its_row_and_steals_no_other():
    rep = report()
    g = requests_grid(rep)
    set_label(g, row_of(g, "denied_law"), "（三）不予公开 2.其他法律行政止公开")
    set_label(g, row_of(g, "denied_internal"), "（三）不予公开 5.属于三类内部事物信")
    cells, warnings = parse_grid(g)
    assert {k: c.value for k, c in cells_by_key(cells).items()} == request_values(rep)
    assert not any("appears twice" in w for w in warnings)
    assert not any(w.startswith("row not found") for w in warnings)


def test_a_garbled_label_whose_keywords_name_another_row_is_placed_by_order_and_flagged():
    rep = report()
    g = requests_grid(rep)
    # denied_law's label garbled into words of the third-party row two places below
    set_label(g, row_of(g, "denied_law"), "2.其他法律第三方公开")
    cells, warnings = parse_grid(g)
    by = cells_by_key(cells)
    assert {k: c.value for k, c in by.items()} == request_values(rep)
    law = by[("requests", "denied_law", "total")]
    assert "placed_by_order" in law.flags and law.confidence <= 0.5
    third = by[("requests", "denied_third_party", "total")]
    assert "placed_by_order" not in third.flags
    assert any("placed as" in w and "denied_law" in w for w in warnings)


def test_an_unreadable_label_is_placed_by_order_and_never_looks_sure():
    rep = report()
    g = requests_grid(rep)
    set_label(g, row_of(g, "unable_need_create"), "2.□□□□□□□□")
    cells, warnings = parse_grid(g)
    by = cells_by_key(cells)
    row = [c for k, c in by.items() if k[1] == "unable_need_create"]
    assert len(row) == 7 and all("placed_by_order" in c.flags and c.confidence <= 0.5 for c in row)
    assert {k: c.value for k, c in by.items()} == request_values(rep)


# --- class (c): labels wrapped inside their cell with a space ----------------------------------

def test_labels_wrapped_with_a_space_inside_the_cell():
    rep = report()
    g = requests_grid(rep)
    set_label(g, row_of(g, "partly_granted"), "（二）部分公开（区分处理的，只计这一情 形，不计其他情形）")
    set_label(g, row_of(g, "rejected_confirm"), "（五）不予处理 5.要求行政机关确认或重新出 具已获取信息")
    cells, _ = parse_grid(g)
    assert {k: c.value for k, c in cells_by_key(cells).items()} == request_values(rep)


def flat_lines(rep: mc.Report, labels: dict[str, str] | None = None) -> list[str]:
    """The requests table as a PDF text layer gives it: one row per line, label then seven numbers."""
    from parsers.report.schema_keys import REQUEST_COLS, row_keys
    lines = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计"]
    for key in row_keys(rep.template, "requests"):
        label = (labels or {}).get(key) or next(c.label for c in canonical_rows(rep.template, "requests")
                                                if c.key == key).split(" ")[-1]
        nums = " ".join(str(rep.values[("requests", key, c)]) for c in REQUEST_COLS)
        lines.append(f"{label} {nums}")
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    return lines


def test_flattened_table_with_wrapped_and_garbled_labels():
    rep = report()
    lines = flat_lines(rep, {"partly_granted": "(二)部分公开(区分处理的,只计这一情 形,不计其他情形)",
                             "denied_law": "2.其他法律行政止公开",
                             "granted": "本年度(一)予以公开",
                             "unable_unclear": "3.补正后申请□□仍不"})
    cells, warnings = parse_flat_text(lines, 0, "2021")
    assert {k: c.value for k, c in cells_by_key(cells).items()} == request_values(rep)


def test_flattened_table_with_a_row_missing_names_it():
    rep = report()
    lines = [ln for ln in flat_lines(rep) if "部分公开" not in ln]
    cells, warnings = parse_flat_text(lines, 0, "2021")
    assert not any(c.row_key == "partly_granted" for c in cells)
    assert any(w.startswith("row not found: requests.partly_granted") and "部分公开" in w for w in warnings)


# --- class (d): mixed templates, subtotals, repeated headers, missing rows -----------------------

def test_a_2021_report_printing_the_2019_single_other_row_reports_no_missing_rows():
    rep = report("2019")
    cells, warnings = parse_tables([Block("heading", "三、收到和处理政府信息公开申请情况"),
                                    grid_block(requests_grid(rep))], 0, "2021")
    got = {k: c.value for k, c in cells_by_key(cells).items()}
    assert got == request_values(rep)
    other = [c for c in cells if c.row_key == "other"]
    assert other and all("template_mismatch" in c.flags for c in other)
    assert not any(w.startswith("row not found") for w in warnings)


def test_subtotal_rows_and_a_repeated_header_after_a_page_break_are_left_out():
    rep = report()
    g = requests_grid(rep)
    r = row_of(g, "denied_query") + 1  # after the last 不予公开 row
    sub = ["（三）不予公开", "小计", "小计"] + ["99"] * 7
    header = g.rows[2]
    g.rows = g.rows[:r] + [sub] + g.rows[r:]
    g.merges = [m if m[0] < r else (m[0] + 1, m[1], m[2] + 1, m[3]) for m in g.merges]
    first = mc.Grid(g.rows[:r + 1], [m for m in g.merges if m[2] <= r])
    second = mc.Grid([header] + g.rows[r + 1:], [(m[0] - r, m[1], m[2] - r, m[3]) for m in g.merges if m[0] > r])
    blocks = [Block("heading", "三、收到和处理政府信息公开申请情况"), grid_block(first), grid_block(second)]
    cells, warnings = parse_tables(blocks, 0, "2021")
    assert {k: c.value for k, c in cells_by_key(cells).items()} == request_values(rep)
    assert not any(c.value == 99 for c in cells)


def test_a_row_missing_entirely_is_named_everywhere_a_reader_looks():
    rep = report()
    g = requests_grid(rep)
    r = row_of(g, "partly_granted")
    g.rows = g.rows[:r] + g.rows[r + 1:]
    g.merges = [(m[0] - (m[0] > r), m[1], m[2] - (m[2] >= r), m[3]) for m in g.merges if not (m[0] == r == m[2])]
    blocks = [Block("heading", "三、收到和处理政府信息公开申请情况"), grid_block(g)]
    doc = Document("docx", blocks=[Block("heading", "清河县柳林镇人民政府2022年政府信息公开工作年度报告")] + blocks)
    doc.text = "\n".join(b.text for b in doc.blocks if b.text)
    parsed = parse_report([doc])
    assert not any(c.row_key == "partly_granted" for c in parsed.cells)
    assert any(w.startswith("row not found: requests.partly_granted") for w in parsed.warnings)
    outcomes = next(c for c in parsed.checks if c.name == "requests_outcomes_sum")
    assert outcomes.passed is None and "requests.partly_granted" in outcomes.detail and "部分公开" in outcomes.detail
    assert "not found" in outcomes.detail


def test_a_wholly_absent_table_is_named():
    rep = report()
    doc = Document("docx", blocks=[Block("heading", "清河县柳林镇人民政府2022年政府信息公开工作年度报告"),
                                   Block("heading", "三、收到和处理政府信息公开申请情况"),
                                   grid_block(requests_grid(rep))])
    doc.text = "\n".join(b.text for b in doc.blocks if b.text)
    parsed = parse_report([doc])
    assert any(w.startswith("table not found: review") for w in parsed.warnings)


# --- blank tables stay in the archive ----------------------------------------------------------

def test_a_review_table_printed_blank_stores_one_null_per_cell():
    from parsers.extract import extract
    heads = "".join(f"<td>{h}</td>" for h in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
    html = ("<html><body><h1>清河县柳林镇人民政府2022年政府信息公开工作年度报告</h1>"
            "<p>四、政府信息公开行政复议、行政诉讼情况</p><table>"
            "<tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
            "<tr><td rowspan=2>结果维持</td><td rowspan=2>结果纠正</td><td rowspan=2>其他结果</td>"
            "<td rowspan=2>尚未审结</td><td rowspan=2>总计</td><td colspan=5>未经复议直接起诉</td>"
            "<td colspan=5>复议后起诉</td></tr>"
            f"<tr>{heads}{heads}</tr><tr>{'<td></td>' * 15}</tr></table>"
            "<p>五、存在的主要问题及改进情况</p></body></html>")
    parsed = parse_report([extract(html.encode("utf-8"), url="report.html")])
    review = [c for c in parsed.cells if c.table_name == "review"]
    assert len(review) == 15 and all(c.value is None for c in review)
    assert {(c.row_key, c.col_key) for c in review} == {(g, k) for g in ("review", "litigation_direct",
                                                                          "litigation_after_review")
                                                         for k in ("upheld", "corrected", "other", "pending", "total")}


# --- classes found on real pages (tests/fixtures/README, "row decoding") ------------------------

REVIEW_ZEROS = " ".join(["0"] * 15)


def review_cells(cells):
    return {(c.row_key, c.col_key): c.value for c in cells if c.table_name == "review"}


def test_pdf_review_table_with_one_glyph_per_line_headers():
    lines = ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼", "未经复议直接起诉 复议后起诉",
             "结 结 其 尚", "结 结 其 尚 结 结 其 尚", "果 果 他 未", "总计 果 果 他 未 总 果 果 他 未 总",
             "维 纠 结 审", "维 纠 结 审 计 维 纠 结 审 计", "持 正 果 结", "持 正 果 结 持 正 果 结",
             " ".join(str(i) for i in range(15)), "五、存在的主要问题及改进情况"]
    cells, _ = parse_flat_text(lines, 0, "2021")
    got = review_cells(cells)
    assert len(got) == 15 and got[("review", "upheld")] == 0 and got[("litigation_after_review", "total")] == 14
    assert not any(c.table_name == "requests" for c in cells)  # 总计 of the glyph header is no requests row


def test_pdf_review_table_with_two_glyphs_per_line_headers():
    lines = ["四、因政府信息公开工作被申请行政复议提起行政诉讼情况", "行政复议 行政诉讼", "未经复议直接起诉 复议后起诉",
             "结果 结果 其他 尚未 总", "维持 纠正 结果 审结 计 结果 结果 其他 尚未 总 结果 结果 其他 尚未 总",
             "维持 纠正 结果 审结 计 维持 纠正 结果 审结 计", REVIEW_ZEROS, "五、存在的主要问题及改进情况"]
    cells, _ = parse_flat_text(lines, 0, "2021")
    assert review_cells(cells) == {(g, k): 0 for g in ("review", "litigation_direct", "litigation_after_review")
                                   for k in ("upheld", "corrected", "other", "pending", "total")}


def test_the_2019_60_review_section_title_names_the_new_templates():
    from parsers.report.template import detect_template
    template, evidence = detect_template("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", 2022)
    assert template == "2021" and evidence


def test_a_review_table_printed_as_headings_only_in_flat_text_stores_nulls():
    lines = ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果",
             "尚未审结", "未经复议直接起诉", "复议后起诉", "五、存在的主要问题及改进情况"]
    cells, warnings = parse_flat_text(lines, 0, "2019")
    review = [c for c in cells if c.table_name == "review"]
    assert len(review) == 15 and all(c.value is None for c in review)
    # …but headings followed by numbers that cannot be read are never called blank
    cells, _ = parse_flat_text(lines[:-1] + ["0 0 0", "五、存在的主要问题及改进情况"], 0, "2019")
    assert not [c for c in cells if c.table_name == "review" and "no_cells" in c.flags]


def test_a_page_served_in_traditional_characters():
    import opencc
    s2t = opencc.OpenCC("s2t")
    rep = report("2019")
    g = mc.active_grid(rep)
    g.rows = [[s2t.convert(t) for t in row] for row in g.rows]
    blocks = [Block("heading", s2t.convert("二、主动公开政府信息情况")), grid_block(g)]
    cells, _ = parse_tables(blocks, 0, "2019")
    assert {k: c.value for k, c in cells_by_key(cells).items()} == {
        k: v for k, v in rep.values.items() if k[0] == "active"}
    from parsers.report.template import detect_template
    assert detect_template(s2t.convert("本年新制作数量 对外公开总数量 其他对外管理服务事项"), 2020)[0] == "2019"


def test_a_mojibake_cell_is_never_read_as_a_number_and_its_row_is_named():
    lines = ["二、主动公开政府信息情况", "第二十条第(一)项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数",
             "规章", "0", "? 0", "0", "行政规范性文件", "0", "0", "0"]
    cells, warnings = parse_flat_text(lines, 0, "2021")
    regs = [c for c in cells if c.row_key == "regulations"]
    assert regs and all(c.value is None and c.confidence < 0.8 for c in regs)
    assert {c.col_key: c.value for c in cells if c.row_key == "normative_docs"} == {
        "made": 0, "repealed": 0, "in_force": 0}


def test_a_wrong_placement_is_never_sure_over_many_random_damaged_tables():
    """Rows dropped, labels garbled or cut, subtotals inserted: whatever the aligner places wrongly it
    places by order (flagged), never as a sure label match."""
    from parsers.report import labels as lab
    from parsers.report.row_alignment import SURE
    rng = random.Random(11)
    canon = [r for r in REQUESTS_2021 if not r.optional]
    wrong_sure = placed = 0
    for _ in range(300):
        rows = [(r.key, r.label.split(" ")[-1]) for r in canon if rng.random() > 0.15]
        printed = []
        for key, text in rows:
            roll = rng.random()
            if roll < 0.15:
                text = "□" * rng.randint(2, 8)  # unreadable
            elif roll < 0.3:
                cut = rng.randint(1, max(1, len(text) // 2))
                start = rng.randint(0, len(text) - cut)
                text = text[:start] + text[start + cut:]  # characters dropped
            printed.append((key, text))
            if rng.random() < 0.05:
                printed.append((None, "小计"))
        hints = []
        for _key, text in printed:
            m = lab.request_row(text)
            hints.append(m.key if m and not m.fuzzy else None)
        result = align([t for _k, t in printed], REQUESTS_2021, hints=hints)
        for (truth, _t), p in zip(printed, result.placements):
            if p.key is None:
                continue
            placed += 1
            if p.key != truth and not p.by_order and p.score >= SURE:
                wrong_sure += 1
    assert placed > 3000 and wrong_sure == 0


def test_a_change_written_with_a_sign_word_is_read_with_its_sign_and_flagged():
    lines = ["二、主动公开政府信息情况", "第二十条第(五)项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量",
             "行政许可", "37", "减3", "1125", "其他对外管理服务事项", "4", "增加2", "0"]
    cells, _ = parse_flat_text(lines, 0, "2019")
    by = {(c.row_key, c.col_key): c for c in cells}
    assert by[("licensing", "change")].value == -3 and "sign_word" in by[("licensing", "change")].flags
    assert (by[("licensing", "prev_items")].value, by[("licensing", "decisions")].value) == (37, 1125)
    assert by[("other_services", "change")].value == 2


def test_an_active_row_with_an_unreadable_label_is_placed_by_its_place():
    rep = report("2019")
    g = mc.active_grid(rep)
    r = next(i for i, row in enumerate(g.rows) if row[0] == "行政处罚")
    g.rows[r] = ["行□□罚"] + g.rows[r][1:]
    cells, warnings = parse_tables([Block("heading", "二、主动公开政府信息情况"), grid_block(g)], 0, "2019")
    by = cells_by_key(cells)
    penalty = [c for k, c in by.items() if k[1] == "penalty"]
    assert penalty and all("placed_by_order" in c.flags or "fuzzy_label" in c.flags for c in penalty)
    assert {k: c.value for k, c in by.items()} == {k: v for k, v in rep.values.items() if k[0] == "active"}


def test_a_table_printed_twice_keeps_its_first_copy_whole():
    rep, other = report(seed=3), report(seed=4)
    blocks = [Block("heading", "三、收到和处理政府信息公开申请情况"), grid_block(requests_grid(rep)),
              grid_block(requests_grid(other))]
    cells, warnings = parse_tables(blocks, 0, "2021")
    assert {k: c.value for k, c in cells_by_key(cells).items()} == request_values(rep)
