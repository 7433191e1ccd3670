"""Tables without ruling lines, rebuilt from text alignment.

Some reports lay their tables out with tabs or borderless Word tables. The
rows are runs of text chunks on one baseline; the columns come from the
x-extent of the numbers (narrow, so they never bridge two columns), with
everything left of the first number column as the label column. A new row
starts at a wide vertical gap, at an enumerated label ("（一）", "1."), or
when a line brings numbers into a row that already has them; other lines are
wrapped text inside the row's cells.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Cell
from ..normalize import parse_number
from .pdf_grid import _ENUMERATED, join_text
from .pdf_text import Line


@dataclass
class AlignedTable:
    rows: list[list[Cell]]
    bbox: tuple[float, float, float, float]
    lines: list[Line]  # the lines it consumed


def _baseline_rows(lines: list[Line]) -> list[list[Line]]:
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda l: -l.yc):
        if rows and abs(rows[-1][0].yc - line.yc) <= 0.4 * line.size:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(r, key=lambda l: l.x0) for r in rows]


def _numeric(line: Line) -> bool:
    return parse_number(line.text)[1] in ("number", "empty_marker")


def find_aligned_tables(lines: list[Line], min_rows: int = 3) -> list[AlignedTable]:
    rows = _baseline_rows(lines)
    tables: list[AlignedTable] = []
    i = 0
    while i < len(rows):
        if len(rows[i]) < 3:
            i += 1
            continue
        # Grow a run: multi-chunk rows, and rows whose text stays inside the label column (wrapped
        # labels, group rows such as "（三）不予公开"). A full-width line or a wide gap ends it.
        label_right = rows[i][1].x0 - 1
        seen = list(rows[i])

        def fits(row: list[Line]) -> bool:
            # Wrapped text of a cell: inside the label column, or under a chunk of a row above.
            return all(l.x1 <= label_right + l.size or any(
                s.x0 - l.size <= l.x0 and l.x1 <= s.x1 + l.size for s in seen) for l in row)

        j = i + 1
        while j < len(rows):
            gap = rows[j - 1][0].y0 - rows[j][0].y1
            if gap > 3 * rows[j][0].size:
                break
            if len(rows[j]) >= 3:
                label_right = min(label_right, rows[j][1].x0 - 1)
                seen.extend(rows[j])
            elif not fits(rows[j]):
                break
            j += 1
        # A page break can leave the tail of a wrapped label above the first full row.
        start = i
        while start > 0 and len(rows[start - 1]) == 1 and rows[start - 1][0].x1 <= label_right + rows[i][0].size \
                and rows[start - 1][0].y0 - rows[start][0].y1 < 2 * rows[i][0].size \
                and not any(t for t in tables if rows[start - 1][0] in t.lines):
            start -= 1
        run = rows[start:j]
        multi = [r for r in run if len(r) >= 3]
        data_rows = [r for r in run if sum(_numeric(l) for l in r) >= 2]
        if len(multi) >= min_rows and len(data_rows) >= 2:
            table = _build(run, data_rows)
            if table is not None:
                tables.append(table)
            i = j
        else:
            i += 1
    return tables


def _intervals(chunks: list[Line]) -> list[list[float]]:
    spans = sorted([l.x0, l.x1] for l in chunks)
    out: list[list[float]] = []
    for a, b in spans:
        if out and a <= out[-1][1] + 1.0:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _build(run: list[list[Line]], data_rows: list[list[Line]]) -> AlignedTable | None:
    numeric_chunks = [l for r in data_rows for l in r if _numeric(l)]
    cols = _intervals(numeric_chunks)
    left = min(l.x0 for r in run for l in r)
    if not cols:
        return None
    if cols[0][0] - left > 10:
        cols.insert(0, [left, cols[0][0] - 2])
    # Widen each column to its neighbours' midpoints so header text (wider than numbers) lands in one.
    bounds = [left - 1] + [(cols[k][1] + cols[k + 1][0]) / 2 for k in range(len(cols) - 1)] + [
        max(l.x1 for r in run for l in r) + 1]

    def col_of(line: Line) -> int:
        centre = (line.x0 + line.x1) / 2
        for k in range(len(bounds) - 1):
            if bounds[k] <= centre < bounds[k + 1]:
                return k
        return len(bounds) - 2

    pitches = [run[k][0].yc - run[k + 1][0].yc for k in range(len(run) - 1)]
    pitch = min(pitches) if pitches else 0
    grid: list[list[str]] = []
    has_numbers = False
    prev_y = None
    for r in run:
        numbers_here = any(_numeric(l) for l in r)
        first = r[0]
        new_row = (not grid or prev_y is None or prev_y - first.yc > 1.3 * pitch
                   or (numbers_here and has_numbers)
                   or (col_of(first) == 0 and _ENUMERATED.match(first.text)))
        if new_row:
            grid.append([""] * (len(bounds) - 1))
            has_numbers = False
        for line in r:
            k = col_of(line)
            grid[-1][k] = join_text(grid[-1][k], line.text)
        has_numbers = has_numbers or numbers_here
        prev_y = first.yc
    used = [l for r in run for l in r]
    bbox = (min(l.x0 for l in used), min(l.y0 for l in used), max(l.x1 for l in used), max(l.y1 for l in used))
    return AlignedTable(rows=[[Cell(text=t) for t in row] for row in grid], bbox=bbox, lines=used)
