"""HTML <table> markup -> rectangular grids of `Cell`s.

Resolves rowspan/colspan the way browsers do (a cell fills the next free
slot of its row), reads cell text with <p>/<br>/<div> as line breaks and
&nbsp; as space, and tells layout tables (cells holding other tables) from
data tables. Consecutive tables that are one table split in several
<table> elements are joined by `join_split_tables`.
"""
from __future__ import annotations

import lxml.html

from collections.abc import Callable

from ..model import Block, Cell, table_text
from ..normalize import collapse_spaces_cjk, normalize_text, parse_number

_BREAKING = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
MAX_SPAN = 200  # rowspan="9999" in sloppy markup must not allocate millions of slots


def rows_of(table: lxml.html.HtmlElement) -> list:
    """The <tr>s of this table, not of tables nested inside it."""
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def cells_of(tr: lxml.html.HtmlElement) -> list:
    return tr.xpath("./td | ./th")


def is_layout_table(table: lxml.html.HtmlElement) -> bool:
    return any(cell.xpath(".//table") for tr in rows_of(table) for cell in cells_of(tr))


def element_text(el: lxml.html.HtmlElement, skip_tables: bool = True) -> str:
    """Visible text with block elements as line breaks, normalised (NFKC, spaced CJK joined)."""
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style", "noscript") or (skip_tables and tag == "table" and node is not el):
            if node.tail:
                parts.append(node.tail)
            return
        if tag in _BREAKING:
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
        if tag in _BREAKING:
            parts.append("\n")
        if node is not el and node.tail:
            parts.append(node.tail)

    walk(el)
    return collapse_spaces_cjk(normalize_text("".join(parts)))


def _span(cell, name: str) -> int:
    try:
        return min(max(int(str(cell.get(name, "1")).strip() or "1"), 1), MAX_SPAN)
    except ValueError:
        return 1


def table_grid(table: lxml.html.HtmlElement) -> list[list[Cell]]:
    """Resolve spans into a rectangular grid; merged cells repeat with `origin` set."""
    slots: dict[tuple[int, int], tuple[int, int]] = {}  # position -> origin
    info: dict[tuple[int, int], tuple[str, int, int]] = {}  # origin -> (text, rowspan, colspan)
    trs = rows_of(table)
    n_rows = len(trs)
    for r, tr in enumerate(trs):
        c = 0
        for cell in cells_of(tr):
            while (r, c) in slots:
                c += 1
            rs = min(_span(cell, "rowspan"), n_rows - r)
            cs = _span(cell, "colspan")
            info[(r, c)] = (element_text(cell), rs, cs)
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    slots.setdefault((rr, cc), (r, c))
            c += cs
    if not slots:
        return []
    width = max(c for _, c in slots) + 1
    grid: list[list[Cell]] = []
    for r in range(n_rows):
        row = []
        for c in range(width):
            origin = slots.get((r, c))
            if origin is None:
                row.append(Cell(text=""))
                continue
            text, rs, cs = info[origin]
            merged = rs > 1 or cs > 1
            row.append(Cell(text=text, row_span=rs, col_span=cs, origin=origin if merged else None))
        grid.append(row)
    # Drop spacer rows: empty rows of at most one cell of their own, or Word's zero-height row of
    # borderless cells after the last row. An empty row of real cells stays: a table printed blank
    # (no reviews this year) is still a table of empty cells, each NULL, not a missing table.
    return [row for r, row in enumerate(grid) if any(c.text for c in row) or not _spacer(trs[r], row, r)] or grid


def _spacer(tr, row: list[Cell], r: int) -> bool:
    own = [c for c, cell in enumerate(row) if cell.origin is None or cell.origin == (r, c)]
    if len(own) <= 1:
        return True
    if str(tr.get("height", "")).strip() in ("0", "0px"):
        return True
    styles = [(td.get("style") or "").replace(" ", "").lower() for td in cells_of(tr)]
    return all("border:none" in st for st in styles) and not any("border-" in st for st in styles)


def join_grids(first: list[list[Cell]], second: list[list[Cell]]) -> list[list[Cell]]:
    """Append `second` below `first`, dropping the header rows the split repeated."""
    offset = len(first)
    repeated = 0
    while (repeated < min(len(first), len(second) - 1)
           and [c.text for c in second[repeated]] == [c.text for c in first[repeated]]
           and not any(parse_number(c.text)[1] == "number" for c in second[repeated])):
        repeated += 1
    if repeated:
        second = second[repeated:]
        offset -= repeated
    shifted = []
    for r, row in enumerate(second):
        new_row = []
        for cell in row:
            origin = cell.origin
            if origin is not None:
                origin = (origin[0] + offset, origin[1])
                if origin[0] < len(first):  # the header drop moved the origin out of this part
                    origin = (len(first), origin[1])
            new_row.append(Cell(text=cell.text, row_span=cell.row_span, col_span=cell.col_span, origin=origin))
        shifted.append(new_row)
    joined = first + shifted
    if first and shifted:
        _unify_split_spans(joined, len(first))
    return joined


def _unify_split_spans(grid: list[list[Cell]], boundary: int) -> None:
    """A rowspan cut by the split was repeated in the second table: make it one merged cell again."""
    for c, (top, bottom) in enumerate(zip(grid[boundary - 1], grid[boundary])):
        if (top.origin is None or bottom.origin is None or top.text != bottom.text or top.col_span != bottom.col_span
                or top.origin[1] != bottom.origin[1] or bottom.origin[0] != boundary or top.origin == bottom.origin):
            continue
        if top.row_span == 1 and bottom.row_span == 1:
            continue
        old, new = bottom.origin, top.origin
        total = top.row_span + bottom.row_span
        for row in grid:
            for cell in row:
                if cell.origin in (old, new):
                    cell.origin, cell.row_span = new, total


def join_split_tables(blocks: list[Block],
                      joinable: Callable[[Block, Block], bool] = lambda prev, block: True) -> list[Block]:
    """Adjacent tables of the same width are one table an editor split into several
    (several <table>s, or a Word table broken to restart a page); `joinable` narrows it."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (block.kind == "table" and prev is not None and prev.kind == "table" and prev.rows and block.rows
                and len(prev.rows[0]) == len(block.rows[0]) and joinable(prev, block)):
            prev.rows = join_grids(prev.rows, block.rows)
            prev.text = table_text(prev.rows)
            continue
        out.append(block)
    return out
