"""The schema's consistency checks, evaluated on parsed cells, never repairing them.

One result per check per report. A check passes only when every cell it
needs is a number and every identity holds; when cells are missing (blank,
"—", not found) it is recorded as not evaluable (`passed=None`) and the
detail says why: a row not found is named with its Chinese label, then cells
not found, then blank cells. Failing identities are named cell by cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .row_alignment import row_label
from .schema_keys import APPLICANT_COLS, REQUEST_COLS, REVIEW_COLS, REVIEW_ROWS, outcome_rows, row_keys

_EPS = 1e-6
_MAX_DETAIL = 20  # failing identities named in a detail


@dataclass
class CheckResult:
    name: str
    passed: bool | None
    detail: str
    # Cells of the identities that failed, "table.row.col", for flagging them (not stored as such:
    # `detail` names the failing identities with their sums).
    cells: list[str] = field(default_factory=list)
    # Cells of identities that held, and of identities left unevaluated because a cell was
    # missing: a scanned value that no identity confirmed is doubted (report._flag_doubts).
    held: list[str] = field(default_factory=list, compare=False)
    unevaluated: list[str] = field(default_factory=list, compare=False)


Values = dict[tuple[str, str, str], "int | float | None"]


def _values(cells: Iterable) -> Values:
    out: Values = {}
    for c in cells:
        out.setdefault((c.table_name, c.row_key, c.col_key), c.value)
    return out


def _name(table: str, row: str, col: str) -> str:
    return f"{table}.{row}.{col}"


class _Rule:
    """Collects identities: failures and missing cells."""

    def __init__(self, values: Values) -> None:
        self.values = values
        self.failures: list[str] = []
        self.missing: list[str] = []
        self.failed_cells: list[str] = []
        self.held_cells: list[str] = []
        self.unevaluated_cells: list[str] = []
        self.evaluated = 0

    def get(self, key: tuple[str, str, str]) -> float | None:
        v = self.values.get(key)
        if v is None:
            name = _name(*key)
            if name not in self.missing:
                self.missing.append(name)
        return v

    def identity(self, left: list[tuple[str, str, str]], right: list[tuple[str, str, str]], what: str) -> None:
        lv = [self.get(k) for k in left]
        rv = [self.get(k) for k in right]
        if any(v is None for v in lv + rv):
            self.unevaluated_cells += [_name(*k) for k in left + right if k in self.values]
            return
        self.evaluated += 1
        ls, rs = sum(lv), sum(rv)  # type: ignore[arg-type]
        if abs(ls - rs) > _EPS:
            self.failures.append(f"{what}: {_fmt(ls)} ≠ {_fmt(rs)}")
            self.failed_cells += [_name(*k) for k in left + right]
        else:
            self.held_cells += [_name(*k) for k in left + right]

    def result(self, name: str) -> CheckResult:
        result = self._result(name)
        result.held, result.unevaluated = self.held_cells, self.unevaluated_cells
        return result

    def _result(self, name: str) -> CheckResult:
        if self.failures:
            detail = "; ".join(self.failures[:_MAX_DETAIL])
            if len(self.failures) > _MAX_DETAIL:
                detail += f"; … {len(self.failures) - _MAX_DETAIL} more"
            if self.missing:
                detail += f" (not evaluated, missing: {self.why_missing()})"
            return CheckResult(name, False, detail, list(self.failed_cells))
        if self.missing:
            return CheckResult(name, None, f"not evaluated, missing: {self.why_missing()}"
                               + (f"; {self.evaluated} identities hold" if self.evaluated else ""))
        return CheckResult(name, True, f"{self.evaluated} identities hold")

    def why_missing(self) -> str:
        """Missing cells said the way a reader can act on: whole rows not found by name, then blank cells."""
        printed_rows = {(t, r) for (t, r, _c) in self.values}
        absent_rows: list[tuple[str, str]] = []
        absent: list[str] = []
        blank: list[str] = []
        for name in self.missing:
            table, row, col = name.split(".")
            if (table, row, col) in self.values:
                blank.append(name)  # printed, but blank or a dash
            elif (table, row) not in printed_rows:
                if (table, row) not in absent_rows:
                    absent_rows.append((table, row))
            else:
                absent.append(name)
        parts = []
        rows = [f"{t}.{r} {row_label(t, r)}" for t, r in absent_rows]
        if rows:
            parts.append(("rows " if len(rows) > 1 else "row ") + _short(rows, 6) + " not found")
        if absent:
            parts.append(f"cells not found: {_short(absent)}")
        if blank:
            parts.append(f"blank cells: {_short(blank)}")
        return "; ".join(parts)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _short(names: list[str], limit: int = 12) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", … {len(names) - limit} more"


def requests_balance(values: Values, template: str) -> CheckResult:
    rule = _Rule(values)
    for c in REQUEST_COLS:
        rule.identity([("requests", "new", c), ("requests", "carried_in", c)],
                      [("requests", "total_processed", c), ("requests", "carried_over", c)],
                      f"new+carried_in vs total_processed+carried_over [{c}]")
    return rule.result("requests_balance")


def _outcomes(values: Values, template: str) -> list[str]:
    """The template's outcome rows; a report that kept the other template's （六） rows is summed as printed."""
    rows = outcome_rows(template)
    present = {r for (t, r, _c) in values if t == "requests"}
    other_rows = [r for r in rows if r.startswith("other")]
    if not present & set(other_rows):
        alt = [r for r in outcome_rows("2019" if template == "2021" else "2021") if r.startswith("other")]
        if present & set(alt):
            rows = [r for r in rows if not r.startswith("other")] + alt
    return rows


def requests_outcomes_sum(values: Values, template: str) -> CheckResult:
    rule = _Rule(values)
    outcomes = _outcomes(values, template)
    for c in REQUEST_COLS:
        rule.identity([("requests", "total_processed", c)], [("requests", r, c) for r in outcomes],
                      f"total_processed vs sum of outcomes [{c}]")
    return rule.result("requests_outcomes_sum")


def requests_row_total(values: Values, template: str) -> CheckResult:
    rule = _Rule(values)
    rows = row_keys(template, "requests")
    rows = rows[:rows.index("granted")] + _outcomes(values, template) + ["total_processed", "carried_over"]
    for r in rows:
        rule.identity([("requests", r, "total")], [("requests", r, c) for c in APPLICANT_COLS],
                      f"{r}.total vs sum of applicant columns")
    return rule.result("requests_row_total")


def review_total(values: Values, template: str) -> CheckResult:
    rule = _Rule(values)
    for r in REVIEW_ROWS:
        rule.identity([("review", r, "total")], [("review", r, c) for c in REVIEW_COLS[:4]],
                      f"review.{r}.total vs upheld+corrected+other+pending")
    return rule.result("review_total")


CHECKS = (requests_balance, requests_outcomes_sum, requests_row_total, review_total)


def run_checks(cells: Iterable, template: str) -> list[CheckResult]:
    """All schema checks for a 2019/2021 report; none for pre2019/unknown (no schema tables)."""
    if template not in ("2019", "2021"):
        return []
    values = _values(c for c in cells if c.source != "prose")
    return [check(values, template) for check in CHECKS]
