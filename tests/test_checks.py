"""Consistency checks: pass, fail with the failing cells named, or not evaluable — never repaired."""
from __future__ import annotations

from parsers.report.checks import run_checks
from parsers.report.schema_keys import APPLICANT_COLS, REVIEW_COLS, REVIEW_ROWS, outcome_rows, row_keys
from parsers.report.statistics_tables import StatCell


def cell(table, row, col, value):
    return StatCell(table, row, col, value, None if value is None else str(value), None, 0, None, None, None, None,
                    "table")


def consistent(template="2021"):
    v = {}
    for c in APPLICANT_COLS:
        for r in outcome_rows(template):
            v[("requests", r, c)] = 1
        v[("requests", "total_processed", c)] = len(outcome_rows(template))
        v[("requests", "carried_over", c)] = 2
        v[("requests", "carried_in", c)] = 1
        v[("requests", "new", c)] = len(outcome_rows(template)) + 1
    for r in row_keys(template, "requests"):
        v[("requests", r, "total")] = sum(v[("requests", r, c)] for c in APPLICANT_COLS)
    for g in REVIEW_ROWS:
        for k in REVIEW_COLS[:4]:
            v[("review", g, k)] = 1
        v[("review", g, "total")] = 4
    return v


def run(v, template="2021"):
    return {r.name: r for r in run_checks([cell(*k, val) for k, val in v.items()], template)}


def test_consistent_report_passes_every_check():
    res = run(consistent())
    assert set(res) == {"requests_balance", "requests_outcomes_sum", "requests_row_total", "review_total"}
    assert all(r.passed is True for r in res.values())


def test_2019_uses_the_single_other_row():
    res = run(consistent("2019"), "2019")
    assert all(r.passed is True for r in res.values())


def test_failure_names_the_cells():
    v = consistent()
    v[("requests", "denied_third_party", "legal_services")] += 1  # seed 000: 0 0 0 0 1 0 0
    res = run(v)
    assert res["requests_row_total"].passed is False
    assert "denied_third_party.total" in res["requests_row_total"].detail
    assert res["requests_outcomes_sum"].passed is False
    assert "legal_services" in res["requests_outcomes_sum"].detail
    assert res["requests_balance"].passed is True
    assert v[("requests", "denied_third_party", "legal_services")] == 2  # values untouched


def test_missing_cells_make_a_check_unevaluable_not_passed():
    v = consistent()
    v[("review", "litigation_direct", "pending")] = None
    del v[("requests", "new", "total")]
    res = run(v)
    assert res["review_total"].passed is None
    assert "review.litigation_direct.pending" in res["review_total"].detail
    assert res["requests_balance"].passed is None
    assert "requests.new.total" in res["requests_balance"].detail


def test_a_failure_is_reported_even_when_other_cells_are_missing():
    v = consistent()
    v[("review", "review", "total")] = 9
    v[("review", "litigation_direct", "pending")] = None
    res = run(v)
    assert res["review_total"].passed is False
    assert "review.review.total" in res["review_total"].detail and "missing" in res["review_total"].detail


def test_pre2019_has_no_schema_checks():
    assert run_checks([cell("prose", "reviews", "value", 2)], "pre2019") == []


def _report_with(v, *, ocr: bool):
    """A parsed report whose requests/review tables hold `v` (through the real parser)."""
    from parsers.model import Block, Cell, Document
    from parsers.report import parse_report
    from parsers.report.schema_keys import REQUEST_COLS

    head = [Cell(x) for x in ("", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")]
    labels = {"new": "一、本年新收政府信息公开申请数量", "carried_in": "二、上年结转政府信息公开申请数量",
              "total_processed": "（七）总计", "carried_over": "四、结转下年度继续办理"}
    rows = [head]
    for r in row_keys("2021", "requests"):
        label = labels.get(r) or {"granted": "（一）予以公开", "partly_granted": "（二）部分公开"}.get(r)
        if label is None:
            from parsers.report.labels import _REQUEST_CANON
            label = next((k for k, key in _REQUEST_CANON.items() if key == r), None)
            label = label or {"other_no_correction": "1.申请人无正当理由逾期不补正", "other_no_fee":
                              "2.申请人逾期未按收费通知要求缴纳费用", "other_other": "（六）其他处理 3.其他"}[r]
        rows.append([Cell(label)] + [Cell("" if v[("requests", r, c)] is None else str(v[("requests", r, c)]))
                                     for c in REQUEST_COLS])
    doc = Document("pdf", blocks=[Block("heading", "三、收到和处理政府信息公开申请情况"), Block("table", rows=rows)],
                   ocr=ocr, ocr_confidence=0.9 if ocr else None)
    return parse_report([doc], year_hint=2021)


def test_cells_of_failing_identities_are_suspect_in_a_scan_and_the_crossing_cell_most():
    v = consistent()
    v[("requests", "total_processed", "nonprofit")] = 395  # an OCR misread of 35 (corpus 47_2021_scan)
    parsed = _report_with(v, ocr=True)
    cells = {(c.table_name, c.row_key, c.col_key): c for c in parsed.cells}
    bad = cells[("requests", "total_processed", "nonprofit")]
    assert bad.value == 395  # kept as printed, never repaired
    assert {"ocr", "fails_check", "suspect"} <= set(bad.flags) and bad.confidence <= 0.1
    # on a scan a failing identity is most likely a misread: each of its cells is suspect, the cell
    # where two failing identities cross the most
    other = cells[("requests", "new", "nonprofit")]
    assert {"fails_check", "suspect"} <= set(other.flags) and bad.confidence < other.confidence <= 0.3
    fine = cells[("requests", "granted", "natural_person")]
    assert fine.flags == ["ocr"] and fine.confidence == 0.9
    # the same numbers in a born-digital document: a finding, flagged, less doubted than a scan
    digital = {(c.table_name, c.row_key, c.col_key): c for c in _report_with(v, ocr=False).cells}
    assert set(digital[("requests", "total_processed", "nonprofit")].flags) == {"fails_check", "suspect"}
    assert digital[("requests", "total_processed", "nonprofit")].confidence == 0.5
    assert digital[("requests", "granted", "natural_person")].flags == []


def test_a_scanned_value_no_identity_could_confirm_is_unconfirmed_and_suspect():
    v = consistent()
    v[("requests", "granted", "natural_person")] = 154  # a copier's stray stroke: 15 read as 154
    v[("requests", "total_processed", "natural_person")] = None  # its column's total read blank
    v[("requests", "granted", "total")] = None  # and its row's total
    parsed = _report_with(v, ocr=True)
    cells = {(c.table_name, c.row_key, c.col_key): c for c in parsed.cells}
    stray = cells[("requests", "granted", "natural_person")]
    assert stray.value == 154 and {"ocr", "unconfirmed", "suspect"} <= set(stray.flags)
    assert stray.confidence <= 0.4
    blank = cells[("requests", "total_processed", "natural_person")]
    assert blank.value is None and "unconfirmed" in blank.flags  # no ink read, nothing vouches for it
    # a cell whose other identity held (its column sums) is confirmed by it
    confirmed = cells[("requests", "granted", "commercial")]
    assert confirmed.flags == ["ocr"]
    assert any("scanned cells unconfirmed" in w for w in parsed.warnings)
    # born-digital, the same gaps are the document's own: no OCR doubt to add
    digital = {(c.table_name, c.row_key, c.col_key): c for c in _report_with(v, ocr=False).cells}
    assert "unconfirmed" not in digital[("requests", "granted", "natural_person")].flags


def test_prose_figures_stated_as_none():
    from parsers.report.prose_figures import prose_figures

    got = {c.row_key: (c.value, c.source, c.flags) for c in prose_figures(
        "2020年，我镇未收到政府信息公开的申请，未发生因政府信息公开引起的行政复议。本年度未收取任何费用。", 0)}
    assert got["applications_received"] == (0, "prose", ["stated_none"])
    assert got["fees_yuan"][0] == 0 and got["reviews"][0] == 0
