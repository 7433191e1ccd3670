"""Table rows from text whose tables were written with `|` between cells.

Pages saved as text (html2text, trafilatura, Markdown exports, copies of a page's reading view)
keep a table's cells apart with pipes, in four shapes real copies show:

- a row per line: `| 规章 | 0 | 0 | |`;
- each cell closed on its own line (`规章 |`, `0 |`), a row opened by a bare `|` line: a cell's
  paragraphs broke the row apart;
- each cell opened on its own line (`| 条`, `| 01`), a row closed by a bare `|` line;
- each cell on lines of its own with a bare `|` line between cells (`规章`, `|`, `0`, `|`): a page
  whose cells hold paragraphs, saved by a reader that writes the pipe after each cell's block. No
  pipe marks a row's end here, so a row is its labels and the values after them.

An empty cell is a bare `|` or an empty field, and it is kept: it holds a place in its row, so the
values after it stay in their columns. A cell spanning k columns is closed by k pipes (`申请人情况 | ||`);
only its first place carries text. What cannot be told apart (an empty cell at the end of one row
or at the start of the next) goes to the end of the row before, where the decoder drops a trailing
blank beyond the table's width.
"""
from __future__ import annotations

import re

from . import labels
from ..normalize import normalize_text
from .statistics_tables import is_value

_SEP_ROW = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")  # Markdown's | --- | --- |
_BARE = re.compile(r"^[|\s]+$")
_CLOSING = re.compile(r"(?:\s*\|)+\s*$")
_ESCAPED = "\x00"


def _cells_of_line(line: str) -> list[str]:
    """`| a | b | | c |` -> ['a', 'b', '', 'c']."""
    body = line.replace("\\|", _ESCAPED).strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip().replace(_ESCAPED, "|") for c in body.split("|")]


def _kind(s: str) -> str | None:
    """The shape one pipe line has: 'row', 'close', 'open', or None (a bare pipe line)."""
    if _BARE.match(s):
        return None
    filled = [c for c in _cells_of_line(s) if c]
    if len(filled) >= 2 or (s.startswith("|") and s.endswith("|")):
        return "row"
    return "close" if s.endswith("|") else "open" if s.startswith("|") else None


def _shape(lines: list[str]) -> str | None:
    """'row', 'close', 'open' or 'between' for a run of pipe lines, whichever shape most have."""
    counts = {"row": 0, "close": 0, "open": 0}
    bare = plain = 0
    for s in lines:
        k = _kind(s)
        if k:
            counts[k] += 1
        elif _BARE.match(s):
            bare += 1
        elif "|" not in s:
            plain += 1
    best = max(counts, key=lambda k: counts[k])
    if counts[best] >= 2:
        return best
    return "between" if bare >= 4 and plain >= bare * 0.6 else None


def _column_heading(cell: str) -> bool:
    text = normalize_text(cell)
    return bool(labels.request_col(text) or labels.review_col(text) or labels.active_col(text)
                or "信息内容" in text or "申请人情况" in text)


_SHORT_PIECE = 6  # a cell's text broken over lines ("商业" / "企业") is short pieces


def _between_cells(run: list[str]) -> list:
    """Cells with a bare `|` line between them: rows of labels then values, and the text around them.

    A cell's text may be broken over lines ("商业" / "企业"); lines that are longer, or end in a
    sentence, before a cell are text between two tables (a heading, "表格如下：") and stay text. Two
    bare lines in a row hold an empty cell. A row is a run of label cells (a data row has at most three:
    三、本年度办理结果 | （三）不予公开 | 1.…) and the values and empty cells after it; the labels
    before those, column headings, stay lines of their own, as a cell-per-line table would give them.
    """
    cells: list[str | None] = []  # None: a line of text outside the table
    texts: list[str] = []
    out: list = []

    def close_cell() -> None:
        if not texts:
            cells.append("")
            return
        pieces = list(texts)
        texts.clear()
        while len(pieces) > 1 and not all(len(p) <= _SHORT_PIECE and not is_value(p) for p in pieces):
            out_of_table.append(pieces.pop(0))
        cells.extend([None] * len(out_of_table))
        lines_out.extend(out_of_table)
        out_of_table.clear()
        cells.append("".join(pieces))

    out_of_table: list[str] = []
    lines_out: list[str] = []
    bare_run = 0
    for s in run:
        if _BARE.match(s):
            bare_run += 1
            if texts or bare_run > 1:
                close_cell()
            continue
        bare_run = 0
        texts.append(s)
    leftover = list(texts)

    free = iter(lines_out)
    row_labels: list[str] = []
    row_values: list[str] = []

    def flush() -> None:
        if row_values:
            k = len(row_labels)
            while k > 0 and len(row_labels) - k < 3 and not _column_heading(row_labels[k - 1]):
                k -= 1
            out.extend(row_labels[:k])
            out.append(row_labels[k:] + row_values)
        else:
            out.extend(row_labels)
        row_labels.clear()
        row_values.clear()

    for c in cells:
        if c is None:
            flush()
            out.append(next(free))
        elif c == "" or is_value(c):
            if row_labels or row_values or c:
                row_values.append(c)
        else:
            if row_values:
                flush()
            row_labels.append(c)
    flush()
    out.extend(leftover)
    return out


def _row_lines(run: list[str]) -> list[list[str]]:
    out = []
    for s in run:
        if _SEP_ROW.match(s) or "|" not in s:
            continue
        cells = _cells_of_line(s)
        if any(cells):
            out.append(cells)
    return out


def _closed_cells(run: list[str]) -> list[list[str]]:
    """Each cell closed by pipes on its own line; a bare `|` line opens a row or is an empty cell."""
    rows: list[list[str]] = []
    row: list[str] | None = None
    bare = 0  # bare lines not yet known to be empty cells or the next row's opening
    partial = ""  # a cell's text on lines before the one that closes it
    for s in run:
        if _BARE.match(s):
            bare += s.count("|")
            continue
        text, pipes = _split_closing(s)
        if bare:
            # A row opens on a label; a number after a bare line is a value after an empty cell,
            # except after a row of column headings (the review table's value row has no label).
            # A data row has at most three label cells (三、本年度办理结果 | （三）不予公开 | 1.…).
            headings = row is not None and not any(is_value(c) for c in row if c) and sum(1 for c in row if c) > 3
            opens = row is None or not is_value(text) or headings
            if opens:
                if row is not None:
                    rows.append(row + [""] * (bare - 1))  # the others were that row's empty cells
                row = []
            else:
                row = (row or []) + [""] * bare
            bare = 0
        if row is None:
            row = []
        if not pipes:
            partial += text  # the cell goes on over the next line
            continue
        row.append(partial + text)
        partial = ""
        row += [""] * (pipes - 1)  # a spanned cell's other places
    if row is not None:
        rows.append(row + [""] * max(0, bare - 1))
    return [r for r in rows if any(r)]


def _opened_cells(run: list[str]) -> list[list[str]]:
    """Each cell opened by a pipe on its own line; a bare `|` closes the row or is an empty cell."""
    rows: list[list[str]] = []
    row: list[str] = []
    bare = 0
    for s in run:
        if _BARE.match(s):
            bare += s.count("|")
            continue
        if s.startswith("|"):
            row += [""] * bare
            bare = 0
            row.append(s.lstrip("|").strip())
            continue
        if bare:
            # text without a pipe after bare lines: the last bare closed the row; a new row's first cell
            row += [""] * (bare - 1)
            if any(row):
                rows.append(row)
            row, bare = [s], 0
        elif row:
            row[-1] += s  # the cell's text goes on over the line
        else:
            row = [s]
    row += [""] * max(0, bare - 1)
    if any(row):
        rows.append(row)
    return rows


def _split_closing(s: str) -> tuple[str, int]:
    """'申请人情况 | ||' -> ('申请人情况', 3): the text and the pipes closing it."""
    m = _CLOSING.search(s)
    if not m:
        return s, 0
    return s[:m.start()].strip(), m.group(0).count("|")


def _is_pipe_line(s: str) -> bool:
    return "|" in s and len(s) <= 200 and "。" not in s


def regroup(items: list) -> list:
    """The items (a line, or (line, page)) with each run of pipe lines replaced by its rows, each a
    list of cell texts (or (cells, page)); everything else as it came."""
    out: list = []
    i = 0
    n = len(items)

    def text(item) -> str:
        return (item[0] if isinstance(item, tuple) else item) or ""

    while i < n:
        if not _is_pipe_line(text(items[i]).strip()):
            out.append(items[i])
            i += 1
            continue
        j = i
        run: list[str] = []
        while j < n:
            s = text(items[j]).strip()
            if not _is_pipe_line(s) and not any(_is_pipe_line(text(items[k]).strip())
                                                for k in range(j + 1, min(j + 3, n))):
                break  # prose (or the blank lines) after the table
            if s:
                run.append(s)  # a pipe line, or a cell's text wrapped onto a line of its own
            j += 1
        shape = _shape(run)
        page = items[i][1] if isinstance(items[i], tuple) else None
        if shape is None:
            out.extend(items[i:j])
        else:
            if shape == "open" and out and not isinstance(out[-1], list):
                before = text(out[-1]).strip()
                if before and len(before) <= 40 and "。" not in before and "|" not in before:
                    run.insert(0, before)  # the first row's first cell, which no pipe opens
                    out.pop()
            if shape == "between" and out and not isinstance(out[-1], list):
                before = text(out[-1]).strip()
                if before and len(before) <= 40 and "。" not in before and "|" not in before:
                    run.insert(0, before)  # the first cell, before the first pipe
                    out.pop()
            rows = {"row": _row_lines, "close": _closed_cells, "open": _opened_cells,
                    "between": _between_cells}[shape](run)
            out.extend((r, page) if isinstance(items[i], tuple) else r for r in rows)
        i = max(j, i + 1)
    return out
