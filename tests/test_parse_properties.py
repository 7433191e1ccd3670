"""Property tests: the parser never crashes, and label variants still find their keys."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.report import labels
from parsers.model import Block, Cell, Document
from parsers.report import parse_report
from parsers.report.schema_keys import expected_cells, is_schema_cell, schema

LABEL_WORDS = ["规章", "行政规范性文件", "行政许可", "信息内容", "本年制发件数", "自然人", "商业企业", "总计", "结果维持",
               "行政复议", "未经复议直接起诉", "（三）不予公开", "1.属于国家秘密", "（七）总计", "三、本年度办理结果",
               "四、结转下年度继续办理", "—", "/", "无", "", "0", "12", "3,746", "1.5", "-2", "十", "（六）其他处理"]
cell_text = st.one_of(st.sampled_from(LABEL_WORDS), st.text(max_size=12))


@st.composite
def tables(draw):
    width = draw(st.integers(1, 17))
    height = draw(st.integers(1, 30))
    rows = [[Cell(draw(cell_text)) for _ in range(width)] for _ in range(height)]
    # some merged cells, sometimes with a bogus origin
    for _ in range(draw(st.integers(0, 5))):
        r, c = draw(st.integers(0, height - 1)), draw(st.integers(0, width - 1))
        rows[r][c].origin = (draw(st.integers(0, height)), draw(st.integers(0, width)))
    return Block("table", rows=rows)


blocks = st.lists(st.one_of(tables(), st.builds(lambda t: Block("paragraph", t), cell_text),
                            st.builds(lambda t: Block("heading", t), st.sampled_from(
                                ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                 "四、政府信息公开行政复议、行政诉讼情况", "行政复议", "X县2021年政府信息公开工作年度报告"]))),
                  max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks, st.sampled_from([None, 2012, 2020, 2023]))
def test_parser_never_crashes_on_arbitrary_tables(bl, year):
    doc = Document("docx", blocks=bl, text="\n".join(b.text for b in bl))
    parsed = parse_report([doc], year_hint=year)
    assert parsed.template in ("2021", "2019", "pre2019", "unknown")
    for c in parsed.cells:
        if c.table_name != "prose":
            assert c.table_name in ("active", "requests", "review")
        assert c.source in ("table", "flat_text", "prose")
        assert 0 <= c.confidence <= 1
    assert len({(c.table_name, c.row_key, c.col_key) for c in parsed.cells}) == len(parsed.cells)
    for check in parsed.checks:
        assert check.passed in (True, False, None) and check.detail


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400), st.text(max_size=40))
def test_parser_never_crashes_on_arbitrary_text(text, site):
    parsed = parse_report([Document("html", text=text, blocks=[Block("paragraph", t) for t in text.split("\n")])],
                          site_name=site or None)
    assert isinstance(parsed.warnings, list)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=30))
def test_flat_text_lines_never_crash(lines):
    doc = Document("pdf", text="三、收到和处理政府信息公开申请情况\n" + "\n".join(lines),
                   blocks=[Block("paragraph", "三、收到和处理政府信息公开申请情况")] + [Block("paragraph", x) for x in lines])
    parse_report([doc], year_hint=2021)


def test_every_cell_key_produced_is_in_the_schema():
    for template in ("2021", "2019"):
        for t, r, c in expected_cells(template):
            assert is_schema_cell(template, t, r, c)


def test_shipped_schema_matches_its_canonical_keys():
    data = schema()
    assert set(data["templates"]) == {"2021", "2019"}
    assert json.dumps(data)  # loads and round-trips


def _request_labels():
    out = []
    for t in schema()["templates"]["2021"]["tables"]:
        if t["table"] == "requests":
            out = [(r["key"], r["label"]) for r in t["rows"]]
    return out


def _mangle(draw, text: str) -> str:
    """Spaces and line breaks inside the words, full-width brackets, the seed typos."""
    for canonical, typo in (("结果维持", "结果维护"), ("信访举报", "住房举报"), ("本年新收", "本年度新收"),
                            ("集中采购", "集中收购"), ("（", "(")):
        if draw(st.booleans()):
            text = text.replace(canonical, typo)
    chars = []
    for ch in text:
        chars.append(ch)
        chars.append(draw(st.sampled_from(["", "", "", " ", "\n", "\u3000"])))
    return "".join(chars)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_request_row_labels_survive_spacing_and_typos(data):
    key, label = data.draw(st.sampled_from(_request_labels()))
    parts = label.split(" ")
    text = _mangle(data.draw, parts[-1])
    group = None
    if key.startswith("other_") or key == "other_other":
        text = "（六）其他处理" + text if key == "other_other" else text
        group = "other"
    m = labels.request_row(text, group=group)
    assert m is not None and m.key == key, (text, key)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_review_and_active_labels_survive_spacing(data):
    word, key = data.draw(st.sampled_from([("结果维持", "upheld"), ("结果纠正", "corrected"), ("其他结果", "other"),
                                           ("尚未审结", "pending"), ("总计", "total")]))
    assert labels.review_col(_mangle(data.draw, word)) == key
    word, key = data.draw(st.sampled_from([("规章", "regulations"), ("行政规范性文件", "normative_docs"),
                                           ("规范性文件", "normative_docs"), ("政府集中采购", "procurement"),
                                           ("行政事业性收费", "fees"), ("其他对外管理服务事项", "other_services")]))
    m = labels.active_row(_mangle(data.draw, word))
    assert m is not None and m.key == key


def test_no_documents_and_failed_documents_give_an_empty_report_with_warnings():
    empty = parse_report([])
    assert empty.template == "unknown" and empty.cells == [] and empty.checks == []
    failed = parse_report([Document("pdf", error="x.pdf: broken xref")], year_hint=2015, agency_hint="清河县人民政府")
    assert failed.year == 2015 and failed.agency == "清河县人民政府" and failed.region_code == "130534"
    assert any("broken xref" in w for w in failed.warnings)
