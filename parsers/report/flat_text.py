"""Statistics from text whose tables were flattened.

When a CMS paste, a PDF text layer or a Word dump is all there is, a table
arrives as lines: one row per line with cells separated by spaces or tabs
("行政许可 0 0 0"), or one cell per line (label, then its values on the
following lines), or labels wrapped over two lines ("1.信访举报投" / "诉类申请"), or
cells kept apart by pipes (`pipe_rows`: their empty cells keep their places). The lines
are regrouped into rows and decoded by the same `RowStream` (rows aligned to the
template's canonical rows) as real tables, with `source='flat_text'`; without column
positions, values are placed in schema order only when their count fits.
"""
from __future__ import annotations

import re

from . import labels, pipe_rows
from ..normalize import normalize_text
from .schema_keys import REQUEST_COLS, REVIEW_COLS, REVIEW_ROWS
from .statistics_tables import RawRow, RowStream, StatCell, is_value, read_value

_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]+\)|\d+[.、]|第)")
_SPLIT = re.compile(r"\t+| {2,}|\u3000+")


def _tokens(line: str) -> list[str]:
    """A line's cells: labels joined (glyph-spaced labels are one label), values separate."""
    pieces = [normalize_text(p) for p in _SPLIT.split(line)]
    pieces = [p for p in pieces if p]
    out: list[str] = []
    for piece in pieces:
        start = len(out)
        for word in piece.split(" "):
            if not word:
                continue
            if is_value(word):
                out.append(word)
            elif len(out) > start and not is_value(out[-1]) and (len(word) == 1 or len(out[-1]) == 1):
                out[-1] += word  # glyph-spaced label: "结 果 维 持"
            elif len(out) == start and out and not is_value(out[-1]) and (
                    len(piece.strip()) == 1 or len(out[-1]) == 1):
                out[-1] += word  # "规    章": one label glyph-spaced wider than a cell gap
            else:
                out.append(word)
    # "信息 无 0 0": extractors join CJK across spaces, gluing the 无 cell to its label.
    for i in range(len(out) - 1):
        if not is_value(out[i]) and len(out[i]) > 2 and out[i][-1] in "无空" and is_value(out[i + 1]):
            out[i:i + 1] = [out[i][:-1], out[i][-1]]
            break
    return out


def _recognised(label: str) -> bool:
    return bool(labels.request_row(label) or labels.active_row(label) or labels.review_group(label)
                or labels.request_col(label) or labels.review_col(label) or labels.active_col(label)
                or labels.request_group(label) or "信息内容" in label)


def _row_label(label: str) -> bool:
    if labels.request_col(label) or labels.review_col(label):
        return False  # a column heading such as 总计
    return bool(labels.request_row(label) or labels.active_row(label) or labels.review_group(label))


def _data_row_label(label: str) -> bool:
    """A requests/active row label (what a wrapped label must add up to)."""
    if labels.request_col(label) or labels.review_col(label):
        return False
    return bool(labels.request_row(label) or labels.active_row(label))


_ACTIVE_WIDTH = 3  # the widest 主动公开 row (制发/废止/有效, or 2019's 新制作/新公开/总数); others are narrower
_SHOWN_EMPTY = "\x00"  # an empty cell shown as a blank line, until its row is known to be that wide


def _paragraph_cells(lines: list) -> bool:
    """Whether the text writes one cell per paragraph, a blank line after each: a reader that gives an
    empty cell a line break of its own then shows it as one blank line more (`12`, five more blank
    lines, `12`: five empty cells between). Most short lines must then be one blank line apart."""
    texts = [(item[0] if isinstance(item, tuple) else item) or "" for item in lines]
    gaps, blank, seen = [], 0, False
    for t in texts:
        if not t.strip():
            blank += 1
            continue
        if seen and len(t.strip()) <= 40:
            gaps.append(blank)
        seen, blank = True, 0
    return len(gaps) >= 20 and sum(1 for g in gaps if g >= 1) >= 0.9 * len(gaps) and \
        sum(1 for g in gaps if g == 1) >= 0.6 * len(gaps)


def text_rows(lines: list, document_index: int) -> list[RawRow]:
    """Rows from text lines; a line may come as (text, page) so cells keep their page."""
    rows: list[RawRow] = []
    paragraphs = _paragraph_cells(lines)
    blank = 0  # blank lines since the last line with text
    label: str | None = None  # label waiting for its values
    values: list[str] = []
    page: int | None = None
    row_page: int | None = None

    def flush() -> None:
        nonlocal label, values
        if _SHOWN_EMPTY in values:
            # Blank lines taken for empty cells must make the row as wide as its table; otherwise they
            # were layout (a page break between a label and its values), and are dropped.
            filled = [v for v in values if v != _SHOWN_EMPTY]
            width = (len(REQUEST_COLS) if label and labels.request_row(label) else _ACTIVE_WIDTH
                     if label and labels.active_row(label) else len(REVIEW_COLS) * len(REVIEW_ROWS))
            while len(values) > width and values[-1] == _SHOWN_EMPTY:
                values.pop()  # blank lines after the table's last row, before what follows it
            values = [("" if v == _SHOWN_EMPTY else v) for v in values] if (
                len(values) == width or (width == _ACTIVE_WIDTH and len(values) < width)) else filled
        if label is not None and values and not _row_label(label):
            rows.append(RawRow([label], document_index, row_page))  # a heading, then values without a label
            label = None
        if label is not None or values:
            rows.append(RawRow(([label] if label else []) + values, document_index, row_page))
        label, values = None, []

    for item in pipe_rows.regroup(lines):
        raw, page = item if isinstance(item, tuple) else (item, None)
        if isinstance(raw, str) and not raw.strip():
            blank += 1
            continue
        empties, blank = (blank - 1 if paragraphs and blank >= 2 else 0), 0
        if label is None and not values:
            row_page = page
        if empties and label is not None:
            values.extend([_SHOWN_EMPTY] * empties)  # empty cells of the row: after its label or last value
        if isinstance(raw, list):
            # a row whose cells the text kept apart (pipes): empty cells hold their places
            flush()
            cells = [normalize_text(c) for c in raw]
            if any(cells) and not (len(cells[0]) > 70 or "。" in cells[0]):
                row = RawRow(cells, document_index, page)
                first = next((i for i, c in enumerate(cells) if is_value(c)), len(cells))
                if (first and labels.request_row("".join(cells[:first])) and len(cells) - first >= 7
                        and not any(cells[first + 1:])):
                    # One number, then only empty places: one cell merged across the row (what the
                    # number means for the other columns the text cannot say) or a row left blank
                    # but for its first column.
                    row.flags, row.confidence = ["ambiguous_alignment"], 0.3
                rows.append(row)
            continue
        toks = _tokens(raw or "")
        if not toks:
            continue
        if len(toks) > 1 and not any(is_value(t) for t in toks) and _data_row_label("".join(toks)) and not any(
                labels.request_col(t) or labels.review_col(t) or labels.active_col(t) for t in toks):
            toks = ["".join(toks)]  # one label the author wrapped with a space: "一、本年新收政府信息 公开申请数量"
        first_is_label = not is_value(toks[0])
        if first_is_label and len(toks) > 1:
            if (label is not None and not values and not _row_label(toks[0]) and not _NUMBERED.match(toks[0])
                    and _data_row_label(label + toks[0])):
                toks = [label + toks[0]] + toks[1:]  # the second half of a wrapped label, then its values
                label = None
            flush()
            if len(toks[0]) > 70 or "。" in toks[0]:
                continue
            rows.append(RawRow(toks, document_index, page))
            continue
        if not first_is_label:
            if all(is_value(t) for t in toks):
                values.extend(toks)
            else:
                flush()  # prose that starts with a number ("2020 年以来…")
            continue
        if len(toks[0]) > 70 or "。" in toks[0]:
            flush()  # a sentence, not a label
            continue
        tok = toks[0]
        if (label is not None and not values and not _recognised(tok) and not _NUMBERED.match(tok)
                and len(tok) <= 20 and _data_row_label(label + tok)):
            label += tok  # a label wrapped over two lines
            continue
        flush()
        label = tok
        row_page = page
    flush()
    return rows


def _row_total_score(rows: list[RawRow]) -> int:
    """How many rows have total == sum of the six applicant columns (numbers only)."""
    score = 0
    for r in rows:
        vals = [read_value(t)[0] for t in r.cells[1:]]
        if len(vals) == len(REQUEST_COLS) and None not in vals and abs(sum(vals[:6]) - vals[6]) < 1e-6:
            score += 1
    return score


def resolve_label_runs(rows: list[RawRow], warnings: list[str]) -> list[RawRow]:
    """Labels listed first, then all the numbers: read row by row or column by column, whichever adds up.

    PDF text layers often give a table's label column, then its numbers, either row by row or
    column by column. Both readings are tried; the one whose row totals hold wins. When both (or
    neither) hold, the rows are kept row by row and flagged 'ambiguous_alignment'.
    """
    out: list[RawRow] = []
    i = 0
    while i < len(rows):
        run: list[RawRow] = []
        kept: list[RawRow] = []
        j = i
        while j < len(rows) and len(rows[j].cells) == 1 and not is_value(rows[j].cells[0]):
            if labels.request_row(rows[j].cells[0]):
                run.append(rows[j])
            elif labels.request_group(rows[j].cells[0]) is None and run:
                break
            else:
                kept.append(rows[j])  # headings before or inside the run stay, for context
            j += 1
        values: list[str] = []
        if j < len(rows) and rows[j].cells:
            nxt = rows[j].cells
            if all(is_value(t) for t in nxt):
                values = nxt
            elif len(nxt) > 1 and labels.request_row(nxt[0]) and all(is_value(t) for t in nxt[1:]):
                # the last label of the run took all the numbers with it
                run.append(RawRow([nxt[0]], rows[j].document_index, rows[j].page))
                values = nxt[1:]
        n = len(run)
        if n >= 3 and values and len(values) == n * len(REQUEST_COLS) and len(values) > len(REQUEST_COLS):
            k = len(REQUEST_COLS)
            by_row = [RawRow([r.cells[0]] + values[a * k:(a + 1) * k], r.document_index, r.page) for a, r in enumerate(run)]
            by_col = [RawRow([r.cells[0]] + [values[c * n + a] for c in range(k)], r.document_index, r.page)
                      for a, r in enumerate(run)]
            s_row, s_col = _row_total_score(by_row), _row_total_score(by_col)
            chosen = by_col if s_col > s_row else by_row
            if [r.cells for r in by_row] == [r.cells for r in by_col]:
                pass  # both readings give the same numbers (an all-zero table): nothing to doubt
            elif s_col == s_row:
                for r in chosen:
                    r.flags, r.confidence = ["ambiguous_alignment"], 0.3
                warnings.append(f"requests: {n} labels then {len(values)} numbers; row-by-row and column-by-column "
                                f"readings add up equally ({s_row} rows); read row by row")
            else:
                for r in chosen:
                    r.flags = ["column_major" if chosen is by_col else "row_major"]
                    r.confidence = 0.8
            out.extend(kept)
            out.extend(chosen)
            i = j + 1
            continue
        out.append(rows[i])
        i += 1
    return out


def parse_flat_text(lines: list, document_index: int, template: str,
                    tables: set[str] | None = None) -> tuple[list[StatCell], list[str]]:
    """Cells of the statistics tables found in text lines; only `tables` when given."""
    stream = RowStream(template, source="flat_text")
    run_warnings: list[str] = []
    for row in resolve_label_runs(text_rows(lines, document_index), run_warnings):
        stream.feed(row)
    stream.finish()
    stream.warnings += run_warnings
    cells = [c for c in stream.cells if tables is None or c.table_name in tables]
    for c in cells:
        c.confidence = min(c.confidence, 0.9)
    return cells, stream.warnings
