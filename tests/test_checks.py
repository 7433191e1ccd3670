"""Consistency checks: pass, fail with the failing cells named, or not evaluable — never repaired."""
from __future__ import annotations

from parsers.checks import run_checks
from parsers.schema_keys import APPLICANT_COLS, REVIEW_COLS, REVIEW_ROWS, outcome_rows, row_keys
from parsers.statistics_tables import StatCell


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
