"""Statistics tables (二 active, 三 requests, 四 review) → keyed cells.

Rows are placed by the template's structure: the printed rows of the requests
and active tables wait until the table is read, then an order-preserving
alignment to the canonical rows (`row_alignment`) places them, label
similarity the score and order the constraint; a row its label cannot name is
placed by its place only when nothing else fits there, and is flagged
(`placed_by_order`). Columns are placed by their headers. Rows are read as one
stream across all tables of a document, so a table cut by a page break
(arriving as two tables) continues with the header and the row group it had. Where no header says which column a value is in
(a continuation without headers, text split into rows), values are placed by
the schema's column order, and only when their count fits; otherwise the cells
are flagged instead of guessed.

`RowStream` is shared with the flat-text reader, which turns text into rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import checks, labels
from ..model import Block
from ..normalize import normalize_text, parse_number
from .row_alignment import align, canonical_rows, is_subtotal
from .schema_keys import REQUEST_COLS, REVIEW_COLS, REVIEW_ROWS, col_keys, is_schema_cell


@dataclass
class StatCell:
    table_name: str
    row_key: str
    col_key: str
    value: int | float | None
    raw_text: str | None
    raw_label: str | None
    document_index: int
    page: int | None
    table_index: int | None
    row_index: int | None
    col_index: int | None
    source: str  # 'table' | 'flat_text' | 'prose'
    confidence: float = 1.0
    flags: list[str] = field(default_factory=list)


@dataclass
class RawRow:
    """One row of a table (or of text read as a table), with where it came from."""

    cells: list[str]
    document_index: int
    page: int | None = None
    table_index: int | None = None
    row_index: int | None = None
    col_indices: list[int] | None = None  # grid columns of `cells`; None for text rows
    new_table: bool = False  # first row of a table block
    hint: str | None = None  # table named by the heading right before this table
    grid_cells: list[str] | None = None  # every grid position, merged text repeated (headers)
    flags: list[str] = field(default_factory=list)  # doubts about the whole row (e.g. its alignment)
    confidence: float = 1.0


# A value cell that carries a unit or a note: "3件", "12条", "5 (注)".
_VALUE_WITH_UNIT = re.compile(r"^([+\-−]?\d[\d,，]*(?:\.\d+)?)\s*(?:件|条|个|项|次|人次|万元|元)?$")


# A change written with a word for its sign, as 本年增/减 cells sometimes are: "减3", "增加2".
_SIGN_WORD = re.compile(r"^(增加|增|减少|減少|减|減)(\d[\d,，]*(?:\.\d+)?)$")


def read_value(text: str | None) -> tuple[int | float | None, str, list[str]]:
    """(value, status, flags) of one cell; status as in parse_number."""
    value, status = parse_number(text)
    if status == "unparsed":
        compact = normalize_text(text).replace(" ", "")
        m = _VALUE_WITH_UNIT.match(compact)
        if m:
            value, status = parse_number(m.group(1))
            return value, status, ["unit_stripped"]
        m = _SIGN_WORD.match(compact)
        if m:
            value, status = parse_number(m.group(2))
            if status == "number" and m.group(1)[0] in "减減":
                value = -value  # type: ignore[operator]
            return value, status, ["sign_word"]
    return value, status, []


def is_value(text: str | None) -> bool:
    return read_value(text)[1] != "unparsed"


def _dedupe(texts: list[str]) -> list[str]:
    out: list[str] = []
    for t in texts:
        if t and (not out or out[-1] != t):
            out.append(t)
    return out


@dataclass
class _Header:
    """Column map of the current table part: grid column → key."""

    cols: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)  # review only: column → review row


class RowStream:
    """Reads rows in document order and emits StatCells."""

    def __init__(self, template: str, source: str = "table") -> None:
        self.template = template if template in ("2019", "2021") else "2021"
        self.source = source
        self.context: str | None = None
        self.group: str | None = None  # requests outcome group of the previous row
        self.headers: dict[str, _Header] = {}
        self.pending_header: dict[str, _Header] = {}  # header rows being accumulated
        self.review_group_hint: str | None = None
        self.last_request: str | None = None
        self.review_done: list[str] = []
        self.cells: list[StatCell] = []
        self.warnings: list[str] = []
        self._seen: set[tuple[str, str, str]] = set()
        # requests/active rows wait here until the table's rows are all known: then they are placed by
        # an order-preserving alignment to the canonical rows (row_alignment), not by their labels alone
        self._queued: dict[str, list[_Queued]] = {"active": [], "requests": []}
        self._review_header_row: RawRow | None = None
        self._review_numbers = False  # any number read while in the review table
        self._review_words = 0  # review headings read (行政复议, 结果维持…)
        self._review_printed_blank: RawRow | None = None  # flat text: the review headings ended without values

    # -- header rows -------------------------------------------------------------

    def _header_row(self, row: RawRow) -> bool:
        """Consume a header row; True when the row was one."""
        texts = row.grid_cells if row.grid_cells is not None else row.cells
        cols = None if row.grid_cells is not None else row.col_indices
        req = {j: labels.request_col(t) for j, t in enumerate(texts)}
        req = {j: k for j, k in req.items() if k}
        act = {j: labels.active_col(t) for j, t in enumerate(texts)}
        act = {j: k for j, k in act.items() if k}
        rev = {j: labels.review_col(t) for j, t in enumerate(texts)}
        rev = {j: k for j, k in rev.items() if k}
        grp = {j: labels.review_group(t) for j, t in enumerate(texts)}
        grp = {j: g for j, g in grp.items() if g}
        joined = labels.clean("".join(texts))
        kind = None
        if len(set(req.values()) - {"total"}) >= 2 or "申请人情况" in joined:
            kind = "requests"
        elif len(set(rev.values())) >= 2 or (grp and not act and not any(is_value(t) and t for t in texts)):
            kind = "review"
        elif act or "信息内容" in joined:
            kind = "active"
        if kind is None:
            return False
        colmap = {"requests": req, "review": rev, "active": act}[kind]
        grid = lambda j: cols[j] if cols else j  # noqa: E731
        if kind != self.context or row.new_table and kind not in self.pending_header:
            self.pending_header[kind] = _Header()
        h = self.pending_header.setdefault(kind, _Header())
        if kind == "active" and "信息内容" in joined:
            h.cols = {}  # each 第二十条 group has its own header row
        for j, k in colmap.items():
            h.cols[grid(j)] = k
        if kind == "review":
            self._review_header_row = row
            for j, g in grp.items():
                h.groups[grid(j)] = g
            if grp and not rev and len(set(grp.values())) == 1 and len(_dedupe(texts)) == 1:
                self.review_group_hint = next(iter(grp.values()))
        self.headers[kind] = h
        self.context = kind
        return True

    # -- data rows -----------------------------------------------------------------

    def feed(self, row: RawRow) -> None:
        texts = [normalize_text(t) for t in row.cells]
        grid_cells = [normalize_text(t) for t in row.grid_cells] if row.grid_cells is not None else None
        row = RawRow(texts, row.document_index, row.page, row.table_index, row.row_index,
                     row.col_indices, row.new_table, row.hint, grid_cells, row.flags, row.confidence)
        if row.new_table:
            self.pending_header = {}
            if row.hint:
                self.context = row.hint
        if not any(texts):
            h = self.headers.get("review")
            if (self.context == "review" and row.col_indices is not None and h and len(h.cols) >= 15
                    and not self.review_done):
                self._review_values(row, list(range(len(texts))), None)  # the value row left blank
            return
        if self.context == "review":
            if any(t and read_value(t)[1] == "number" for t in texts):
                self._review_numbers = True
            self._review_words += sum(bool(labels.review_col(t) or labels.review_group(t)) for t in texts if t)
        if _is_header(texts):
            self._header_row(row)
            return
        # Label cells come before the first number; text after it is a misread value (OCR), not a label.
        first_number = next((j for j, t in enumerate(texts) if t and read_value(t)[1] == "number"), len(texts))
        label_end = -1
        for j, t in enumerate(texts[:first_number]):
            if t and not is_value(t):
                label_end = j
        label_cells = texts[:label_end + 1]
        value_pos = list(range(label_end + 1, len(texts)))
        raw_label = " ".join(_dedupe(label_cells)) or None
        label = "".join(_dedupe(label_cells))
        if self.context == "review" and _review_header_glyphs(label):
            label = ""  # the glyphs of a vertical review header glued to the value line: no row label
        target = self._classify(label)
        if (target is None and label and self.context in self._queued and not labels.review_group(label)
                and _carries_values(texts, value_pos) and len(label) <= 80 and "。" not in label):
            # a label that names no row, in a row shaped like the table's data rows: its place decides
            grp = labels.request_group(label)
            if grp and self.context == "requests":
                self.group = grp
            self._queued[self.context].append(_Queued(row, label, None, False, value_pos, raw_label, True,
                                                      self._header_now(self.context)))
            return
        if target is None:
            if not label and self.context == "review" and any(texts[j] for j in value_pos):
                self._review_values(row, value_pos, raw_label)
            elif label:
                g = labels.review_group(label)
                if g and len(label) <= 20 and self.context in ("review", None):
                    self.review_group_hint = g
                    self.context = "review"
                    if any(texts[j] for j in value_pos):
                        self._review_values(row, value_pos, raw_label, group=g)
                else:
                    grp = labels.request_group(label)
                    if grp and self.context == "requests":
                        self.group = grp
                    elif _SECTION.match(label) and not labels.table_of_heading(label):
                        if self.context == "review" and not self._review_numbers and self._review_words >= 4:
                            self._review_printed_blank = row  # headings, then the next section: no values
                        self.context = None  # 五、存在的主要问题…: the tables are over
            return
        table, key, fuzzy = target
        self.context = table
        if table == "requests":
            self.last_request = key
            if key in ("other", "other_other", "other_no_correction", "other_no_fee"):
                self.group = "other"  # a bare 其他 after these is （六）其他处理's 3.其他
        self._queued[table].append(_Queued(row, label, key, fuzzy, value_pos, raw_label,
                                           _carries_values(texts, value_pos), self._header_now(table)))

    def _classify(self, label: str) -> tuple[str, str, bool] | None:
        if not label or len(label) > 80 or "。" in label:
            return None
        if self.context == "review" and _review_header_glyphs(label):
            return None  # "总计 果 果 他 未 总…": a vertical review header read line by line, not 总计
        order = ("active", "requests") if self.context == "active" else ("requests", "active")
        for table in order:
            if table == "requests":
                if self.context == "review" and labels.review_group(label):
                    continue
                grp = labels.request_group(label)
                m = labels.request_row(label, group=grp or self.group)
                if m and m.key == "total_processed" and labels.clean(label) == "总计" and (
                        self.context != "requests" or self.last_request not in _BEFORE_TOTAL):
                    m = None  # a bare 总计 not right after the outcomes is a column header
                if m:
                    if grp:
                        self.group = grp
                    return "requests", m.key, m.fuzzy
            else:
                m = labels.active_row(label)
                if m:
                    return "active", m.key, m.fuzzy
        return None

    def _emit(self, table: str, row_key: str, col_key: str, text: str | None, raw_label: str | None,
              row: RawRow, j: int | None, *, confidence: float = 1.0, flags: list[str] | None = None) -> None:
        value, status, vflags = read_value(text)
        flags = list(flags or []) + vflags + [f for f in row.flags if f not in (flags or [])]
        confidence = min(confidence, row.confidence)
        if status == "unparsed":
            flags.append("unparsed")
            confidence = min(confidence, 0.2)
        if isinstance(value, float) and col_key != "amount_10k_yuan":
            flags.append("non_integer")
            confidence = min(confidence, 0.5)
        if isinstance(value, (int, float)) and value < 0 and col_key != "change":
            flags.append("negative")
        if not is_schema_cell(self.template, table, row_key, col_key) and "template_mismatch" not in flags:
            flags.append("template_mismatch")  # e.g. the 2019 （六）其他处理 row in a 2021 report
        key = (table, row_key, col_key)
        if key in self._seen:
            self.warnings.append(f"{table}.{row_key}.{col_key} appears twice; first kept")
            return
        self._seen.add(key)
        col = None
        if j is not None:
            col = row.col_indices[j] if row.col_indices else j
        self.cells.append(StatCell(table, row_key, col_key, value, text if text != "" else None, raw_label,
                                   row.document_index, row.page, row.table_index, row.row_index, col,
                                   self.source, confidence, flags))

    # placing the queued rows ------------------------------------------------------------

    def _header_now(self, table: str) -> "_Header | None":
        """The column map in force for this row (headers change while rows wait to be placed)."""
        h = self.headers.get(table)
        return _Header(dict(h.cols), dict(h.groups)) if h else None

    def finish(self) -> None:
        """Place the queued requests/active rows by alignment and emit their cells; name what is missing."""
        for table, queued in self._queued.items():
            if not queued:
                continue
            canon = canonical_rows(self.template, table)
            result = align([q.label for q in queued], canon, hints=[None if q.fuzzy else q.hint for q in queued],
                           data=[q.data for q in queued],
                           confirm=(lambda i, k, qs=queued: self._confirm(qs, i, k)) if table == "requests" else None)
            placed_rows = [p for p in result.placements if p.key]
            for q, p in zip(queued, result.placements):
                if p.key is None:
                    if q.data and not is_subtotal(q.label):  # a subtotal is no row of the template
                        maybe = f" (could be {' or '.join(_label_of(canon, k) for k in p.candidates)})" \
                            if p.candidates else ""
                        self.warnings.append(f"row not placed: {table} printed row “{q.raw_label}”{maybe}; "
                                             f"its cells are not stored")
                    continue
                flags, conf = (["fuzzy_label"], 0.8) if (q.fuzzy or (p.key != q.hint and not p.by_order)) else ([], 1.0)
                if p.out_of_order:
                    self.warnings.append(f"{table}: row {_label_of(canon, p.key)} printed out of the template's order")
                if p.by_order or (q.hint is not None and not q.fuzzy and p.key != q.hint):
                    flags, conf = ["placed_by_order"], 0.5  # the label did not say this row: its place did
                    self.warnings.append(f"{table}: printed row “{q.raw_label}” placed as "
                                         f"{_label_of(canon, p.key)} ({p.key}) by its place in the table"
                                         + (", confirmed by the totals" if p.confirmed else ""))
                if table == "requests":
                    self._request_values(q.row, p.key, q.value_pos, q.raw_label, flags, conf, q.header)
                else:
                    self._active_values(q.row, p.key, q.value_pos, q.raw_label, flags, conf, q.header)
            if len(placed_rows) >= 3:
                for row in result.missing:
                    self.warnings.append(f"row not found: {table}.{row.key} {row.label}")
            queued.clear()
        self._blank_review_table()
        if self.review_done and len(self.review_done) < len(REVIEW_ROWS):
            for g in REVIEW_ROWS:
                if g not in self.review_done:
                    self.warnings.append(f"row not found: review.{g} {_label_of(canonical_rows(self.template, 'review'), g)}")
        # cells in the report's table order (二, 三, 四), each table in printed order, as readers expect
        self.cells.sort(key=lambda c: _TABLE_ORDER.get(c.table_name, len(_TABLE_ORDER)))

    def _blank_review_table(self) -> None:
        """A review table whose headers came but no value row (an HTML table printed blank loses its
        empty row): its cells are blank, so NULL, one per cell, as the schema wants; not 'not found'."""
        h = self.headers.get("review")
        row = self._review_header_row
        full_grid = row is not None and h is not None and len(h.cols) >= 15 and len(set(h.groups.values())) == 3
        if not full_grid:
            row = self._review_printed_blank
        if self.review_done or self._review_numbers or row is None:
            return
        blank = RawRow([""] * 15, row.document_index, row.page, row.table_index, None, None)
        for g, k in [(g, k) for g in REVIEW_ROWS for k in REVIEW_COLS]:
            self._emit("review", g, k, None, None, blank, None, confidence=0.9, flags=["no_cells"])
        self.review_done = list(REVIEW_ROWS)
        self.warnings.append("review: the table is printed without values; its 15 cells are stored blank")

    def _confirm(self, queued: list["_Queued"], i: int, key: str) -> bool | None:
        """Would row i at `key` make the request identities hold? (None: they cannot tell.)"""
        vals: dict[tuple[str, str, str], float | None] = {}
        for k, q in enumerate(queued):
            row_key = key if k == i else q.hint
            nums = _plain_values(q)
            if row_key and nums and (k == i or row_key != key):
                for c, v in zip(REQUEST_COLS, nums):
                    vals.setdefault(("requests", row_key, c), v)
        verdicts = [checks.requests_balance(vals, self.template).passed,
                    checks.requests_outcomes_sum(vals, self.template).passed]
        if False in verdicts:
            return False
        return True if True in verdicts else None

    # requests ----------------------------------------------------------------------

    def _request_values(self, row: RawRow, key: str, value_pos: list[int], raw_label: str | None,
                        base_flags: list[str], conf: float, h: "_Header | None") -> None:
        if key in ("other", "other_other", "other_no_correction", "other_no_fee"):
            self.group = "other"
        grid = (lambda j: row.col_indices[j]) if row.col_indices else (lambda j: j)  # noqa: E731
        texts = row.cells
        if h and row.col_indices is not None and len(set(h.cols.values()) & set(REQUEST_COLS)) >= 6:
            by_key: dict[str, int] = {}
            for j in value_pos:
                k = h.cols.get(grid(j))
                if k and k not in by_key:
                    by_key[k] = j
            stray = [j for j in value_pos if texts[j] and grid(j) not in h.cols]
            if len(by_key) >= 6 and not stray:
                for k in REQUEST_COLS:
                    if k in by_key:
                        self._emit("requests", key, k, texts[by_key[k]], raw_label, row, by_key[k],
                                   confidence=conf, flags=base_flags)
                return
        # No usable header: the values are the row's last cells, in schema order.
        vals = [j for j in value_pos]
        while vals and not texts[vals[-1]] and len(vals) > len(REQUEST_COLS):
            vals.pop()
        while vals and not texts[vals[0]] and len(vals) > len(REQUEST_COLS):
            vals.pop(0)
        filled = [j for j in vals if texts[j]]
        has_sub = h is not None and "subtotal" in h.cols.values()
        if len(vals) == len(REQUEST_COLS):
            for k, j in zip(REQUEST_COLS, vals):
                self._emit("requests", key, k, texts[j], raw_label, row, j, confidence=conf, flags=base_flags)
        elif len(vals) == len(REQUEST_COLS) + 1 and has_sub:
            keys = list(REQUEST_COLS[:6]) + ["subtotal", "total"]
            order = [h.cols[c] for c in sorted(h.cols) if h.cols[c] in keys]
            keys = order if len(order) == 8 else keys
            for k, j in zip(keys, vals):
                if k != "subtotal":
                    self._emit("requests", key, k, texts[j], raw_label, row, j, confidence=conf, flags=base_flags)
        elif not filled:
            if not is_schema_cell(self.template, "requests", key, "total"):
                return  # 2021's "（六）其他处理" group heading on a line of its own, not the 2019 row
            for k in REQUEST_COLS:
                self._emit("requests", key, k, None, raw_label, row, None, confidence=0.6,
                           flags=base_flags + ["no_cells"])
        else:
            self.warnings.append(f"requests.{key}: {len(vals)} cells for {len(REQUEST_COLS)} columns "
                                 f"({' | '.join(texts[j] for j in vals)}); not assigned")
            for k in REQUEST_COLS:
                self._emit("requests", key, k, None, raw_label, row, None, confidence=0.0,
                           flags=base_flags + ["ambiguous_alignment"])

    # active ------------------------------------------------------------------------

    def _active_values(self, row: RawRow, key: str, value_pos: list[int], raw_label: str | None,
                       base_flags: list[str], conf: float, h: "_Header | None") -> None:
        texts = row.cells
        wanted = col_keys(self.template, "active", key)
        other_tpl = "2019" if self.template == "2021" else "2021"
        grid = (lambda j: row.col_indices[j]) if row.col_indices else (lambda j: j)  # noqa: E731
        if h and h.cols and row.col_indices is not None:
            by_key: dict[str, list[int]] = {}
            for j in value_pos:
                k = h.cols.get(grid(j))
                if k:
                    by_key.setdefault(k, []).append(j)
            allowed = set(wanted) | set(col_keys(other_tpl, "active", key))
            if by_key and set(by_key) <= allowed | set(col_keys(self.template, "active")):
                for k, js in by_key.items():
                    # A header merged over several grid columns: one value, the first filled one.
                    filled = [j for j in js if texts[j]]
                    distinct = {texts[j] for j in filled}
                    j = filled[0] if filled else js[0]
                    flags = list(base_flags)
                    if len(distinct) > 1:
                        flags.append("ambiguous_alignment")
                    if k not in wanted:
                        flags.append("template_mismatch")
                    self._emit("active", key, k, texts[j], raw_label, row, j, confidence=conf, flags=flags)
                for k in wanted:
                    if k not in by_key:
                        self._emit("active", key, k, None, raw_label, row, None, confidence=0.6,
                                   flags=base_flags + ["no_cells"])
                return
        vals = [j for j in value_pos]
        while vals and not texts[vals[-1]] and len(vals) > len(wanted):
            vals.pop()
        filled = [j for j in vals if texts[j]]
        if len(vals) == len(wanted):
            for k, j in zip(wanted, vals):
                self._emit("active", key, k, texts[j], raw_label, row, j, confidence=conf, flags=base_flags)
        elif not filled:
            for k in wanted:
                self._emit("active", key, k, None, raw_label, row, None, confidence=0.6,
                           flags=base_flags + ["no_cells"])
        else:
            self.warnings.append(f"active.{key}: {len(vals)} cells for {len(wanted)} columns; not assigned")
            for k in wanted:
                self._emit("active", key, k, None, raw_label, row, None, confidence=0.0,
                           flags=base_flags + ["ambiguous_alignment"])

    # review ------------------------------------------------------------------------

    def _next_review_group(self) -> str | None:
        for g in REVIEW_ROWS:
            if g not in self.review_done:
                return g
        return None

    def _review_values(self, row: RawRow, value_pos: list[int], raw_label: str | None,
                       group: str | None = None) -> None:
        texts = row.cells
        h = self.headers.get("review")
        grid = (lambda j: row.col_indices[j]) if row.col_indices else (lambda j: j)  # noqa: E731
        filled = [j for j in value_pos if texts[j]]
        slots: list[tuple[str, str, int]] = []  # (review row, column, position)
        flags: list[str] = []
        conf = 1.0
        if h and h.cols and row.col_indices is not None:
            hint = group or self.review_group_hint
            mapped = [j for j in value_pos if grid(j) in h.cols]
            stray = [j for j in filled if grid(j) not in h.cols]
            groups_known = all(grid(j) in h.groups for j in mapped)
            if not groups_known:
                g = hint if hint and hint not in self.review_done else self._next_review_group()
                if g is None:
                    return
            for j in mapped:
                g2 = h.groups.get(grid(j)) if groups_known else g
                slots.append((g2, h.cols[grid(j)], j))
            if stray:
                flags.append("extra_cells")
                conf = 0.5
                self.warnings.append(f"review: {len(filled)} cells for {len(mapped)} headed columns "
                                     f"({' '.join(texts[j] for j in filled)})")
                slots = self._prefer_shifted(slots, texts, sorted(mapped + stray))
        else:
            vals = list(value_pos)
            while vals and not texts[vals[-1]] and len(vals) % 5:
                vals.pop()
            n = len(vals)
            if n == 15:
                for i, j in enumerate(vals):
                    slots.append((REVIEW_ROWS[i // 5], REVIEW_COLS[i % 5], j))
            elif n == 5:
                g = group or (self.review_group_hint if self.review_group_hint not in self.review_done else None)
                g = g or self._next_review_group()
                if g is None:
                    return
                if not group and not self.review_group_hint:
                    flags.append("group_by_order")
                    conf = 0.7
                slots = [(g, REVIEW_COLS[i], j) for i, j in enumerate(vals)]
            elif n == 16:
                flags.append("extra_cells")
                conf = 0.5
                self.warnings.append(f"review: 16 cells for 15 columns ({' '.join(texts[j] for j in vals)})")
                cand = [(REVIEW_ROWS[i // 5], REVIEW_COLS[i % 5], j) for i, j in enumerate(vals[:15])]
                slots = self._prefer_passing(cand, texts, vals)
            else:
                if any(read_value(texts[j])[1] == "number" for j in vals):
                    self.warnings.append(f"review: {n} cells, expected 5 or 15; not assigned")
                return
        for g, k, j in slots:
            if g is None:
                continue
            self._emit("review", g, k, texts[j] if j is not None else None, raw_label, row, j,
                       confidence=conf, flags=list(flags))
            if g not in self.review_done:
                self.review_done.append(g)
        self.review_group_hint = None

    def _prefer_shifted(self, slots: list[tuple[str, str, int]], texts: list[str],
                        positions: list[int]) -> list[tuple[str, str, int]]:
        """Headers known, one cell too many: keep the headed columns unless only the shifted reading adds up."""
        filled = [j for j in positions if texts[j]]
        if len(filled) == len(slots) + 1 and not _review_adds_up(slots, texts):
            shifted = [(g, k, j) for (g, k, _), j in zip(slots, filled[1:])]
            if _review_adds_up(shifted, texts):
                self.warnings.append("review: shifted one column right, the only reading whose totals add up")
                return shifted
        return slots

    def _prefer_passing(self, slots: list[tuple[str, str, int]], texts: list[str],
                        positions: list[int]) -> list[tuple[str, str, int]]:
        """Too many cells: of 'drop the last' and 'drop the first', keep the one whose totals add up.

        When both or neither add up, the values are not assigned (value None, raw kept): no guessing.
        """
        filled = [j for j in positions if texts[j]]
        if len(filled) != len(slots) + 1:
            return [(g, k, None) for g, k, _ in slots]
        options = [filled[:-1], filled[1:]]
        passing = []
        for opt in options:
            cand = [(g, k, j) for (g, k, _), j in zip(slots, opt)]
            if _review_adds_up(cand, texts):
                passing.append(cand)
        if len(passing) == 1:
            return passing[0]
        if passing and all([texts[j] for *_, j in p] == [texts[j] for *_, j in passing[0]] for p in passing):
            return passing[0]
        return [(g, k, None) for g, k, _ in slots]


@dataclass
class _Queued:
    """A requests/active row waiting for the alignment that places it."""

    row: RawRow
    label: str
    hint: str | None  # the row its label's keywords name, if any
    fuzzy: bool
    value_pos: list[int]
    raw_label: str | None
    data: bool  # carries values (only such a row may be placed by its place alone)
    header: "_Header | None"  # the column map in force when the row was read


_TABLE_ORDER = {"active": 0, "requests": 1, "review": 2}
_REVIEW_HEADER_CHARS = set("结果维持纠正其他尚未审总计数")


def _review_header_glyphs(label: str) -> bool:
    s = labels.clean(label)
    return len(s) >= 3 and set(s) <= _REVIEW_HEADER_CHARS and s != "总计"


def _carries_values(texts: list[str], value_pos: list[int]) -> bool:
    filled = [texts[j] for j in value_pos if texts[j]]
    return bool(filled) and all(is_value(t) for t in filled)


def _plain_values(q: _Queued) -> list[float] | None:
    """The row's seven numbers when it has exactly seven, in schema order (for confirming only)."""
    nums = [read_value(q.row.cells[j])[0] for j in q.value_pos if q.row.cells[j]]
    return nums if len(nums) == len(REQUEST_COLS) and None not in nums else None  # type: ignore[return-value]


def _label_of(canon, key: str) -> str:
    return next((r.label for r in canon if r.key == key), key)


_SECTION = re.compile(r"^[一二三四五六七八九十]+[、.]")
_BEFORE_TOTAL = ("other", "other_other", "other_no_fee", "other_no_correction", "rejected_confirm")
_HEADER_WORDS = ("信息内容", "申请人情况")
_GLUED_HEADER_WORDS = ("自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "总计",
                       "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议", "复议后起诉", "行政复议", "行政诉讼")


def _is_header(texts: list[str]) -> bool:
    """A row of column headings: header words and no numbers."""
    if any(t and read_value(t)[1] == "number" for t in texts):
        return False
    if any(w in labels.clean(t) for t in texts for w in _HEADER_WORDS):
        return True
    # Headings glued together by text extraction: "自然人法人或其他组织总计".
    if any(sum(w in labels.clean(t) for w in _GLUED_HEADER_WORDS) >= 2 for t in texts):
        return True
    req = {labels.request_col(t) for t in texts} - {None, "total", "other_org", "subtotal"}
    rev = {labels.review_col(t) for t in texts} - {None}
    act = {labels.active_col(t) for t in texts} - {None}
    grp = {labels.review_group(t) for t in texts} - {None}
    return bool(req) or len(rev) >= 2 or bool(act) or (bool(grp) and len(_dedupe(texts)) <= 3
                                                        and "行政诉讼" in labels.clean("".join(texts)))


def _review_adds_up(slots: list[tuple[str, str, int]], texts: list[str]) -> bool:
    vals: dict[tuple[str, str], float | None] = {}
    for g, k, j in slots:
        vals[(g, k)] = read_value(texts[j])[0]
    for g in {g for g, _, _ in slots}:
        parts = [vals.get((g, c)) for c in REVIEW_COLS[:4]]
        total = vals.get((g, "total"))
        if total is None or any(p is None for p in parts) or sum(parts) != total:  # type: ignore[arg-type]
            return False
    return True


def rows_of_table(block: Block, document_index: int, table_index: int, hint: str | None) -> list[RawRow]:
    """The rows of one table block, with merged cells collapsed within a row."""
    out = []
    for r, row in enumerate(block.rows or []):
        texts, cols = [], []
        for c, cell in enumerate(row):
            # A cell merged across columns is one value: keep it once (at its first column).
            if cell.origin is not None and cell.origin[0] == r and cell.origin[1] != c:
                continue
            texts.append(cell.text or "")
            cols.append(c)
        out.append(RawRow(texts, document_index, block.source.page, table_index, r, cols,
                          new_table=(r == 0), hint=hint if r == 0 else None,
                          grid_cells=[cell.text or "" for cell in row]))
    return out


def parse_tables(blocks: list[Block], document_index: int, template: str) -> tuple[list[StatCell], list[str]]:
    """Statistics cells from the table blocks of one document (headings give context)."""
    stream = RowStream(template, source="table")
    hint = None
    t_index = 0
    for b in blocks:
        if b.kind != "table":
            h = labels.table_of_heading(b.text)
            if h:
                hint = h
            elif len(labels.clean(b.text)) <= 24 and labels.review_group(b.text):
                stream.review_group_hint = labels.review_group(b.text)
            continue
        for raw in rows_of_table(b, document_index, t_index, hint):
            stream.feed(raw)
        hint = None
        t_index += 1
    stream.finish()
    return stream.cells, stream.warnings
