"""Table grids from ruling lines.

Works on plain segments in any y-up coordinate system (PDF points from
`pdf_layout`, or image pixels flipped by the OCR path), so born-digital and
scanned pages share one table builder.

A table is a connected set of horizontal and vertical rules. Its column
edges are the x positions of its vertical rules and its row edges the y
positions of its horizontal rules; two neighbouring grid slots belong to one
merged cell when no rule separates them. Parts of one table on consecutive
pages are joined on the union of their column edges, and cells a page break
cut in two are glued back together (`join_parts`).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..model import Cell
from ..normalize import parse_number

TOL = 2.0  # points: rules this close are one rule (double borders, anti-aliasing)


@dataclass
class Segment:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) <= abs(self.x1 - self.x0)


@dataclass
class Region:
    """One (possibly merged) cell: grid slots r0..r1-1 x c0..c1-1 and its text."""

    r0: int
    r1: int
    c0: int
    c1: int
    text: str = ""
    confidence: float | None = None  # OCR only: the reading's confidence (0..1) and doubts
    flags: list[str] = field(default_factory=list)


@dataclass
class TablePart:
    """A table as found on one page, before joining with its continuations."""

    page: int
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 (y up)
    col_edges: list[float]  # left to right
    row_edges: list[float]  # top to bottom (descending y)
    regions: list[Region] = field(default_factory=list)
    _slots: dict[tuple[int, int], Region] | None = field(default=None, repr=False, compare=False)
    _desc: list[float] = field(default_factory=list, repr=False, compare=False)

    @property
    def n_rows(self) -> int:
        return len(self.row_edges) - 1

    @property
    def n_cols(self) -> int:
        return len(self.col_edges) - 1

    def column(self, x: float) -> int:
        """The grid column holding x (clamped to the table)."""
        return min(max(bisect_right(self.col_edges, x) - 1, 0), self.n_cols - 1)

    def locate(self, x: float, y: float) -> Region | None:
        """The region containing point (x, y), if any."""
        if not (self.col_edges[0] <= x <= self.col_edges[-1] and self.row_edges[-1] <= y <= self.row_edges[0]):
            return None
        if self._slots is None:  # built once: a page's every glyph is located
            self._desc = [-e for e in self.row_edges]
            self._slots = {(r, c): region for region in self.regions
                           for r in range(region.r0, region.r1) for c in range(region.c0, region.c1)}
        c = min(max(bisect_right(self.col_edges, x) - 1, 0), self.n_cols - 1)
        r = min(max(bisect_right(self._desc, -y) - 1, 0), self.n_rows - 1)
        return self._slots.get((r, c))

    def region_bbox(self, region: Region) -> tuple[float, float, float, float]:
        return (self.col_edges[region.c0], self.row_edges[region.r1], self.col_edges[region.c1],
                self.row_edges[region.r0])


def _cluster(values: list[float], tol: float = TOL) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def merge_collinear(segments: list[Segment], tol: float = TOL) -> list[Segment]:
    """Join touching pieces of one rule (PDF writers draw a border cell by cell)."""
    horizontal = [s for s in segments if s.horizontal]
    vertical = [s for s in segments if not s.horizontal]
    out: list[Segment] = []
    for group, is_h in ((horizontal, True), (vertical, False)):
        norm = []
        for s in group:
            pos = (s.y0 + s.y1) / 2 if is_h else (s.x0 + s.x1) / 2
            a, b = (min(s.x0, s.x1), max(s.x0, s.x1)) if is_h else (min(s.y0, s.y1), max(s.y0, s.y1))
            norm.append((pos, a, b))
        norm.sort()
        lines: list[list[float]] = []  # [pos, a, b]
        for pos, a, b in norm:
            for line in lines:
                if abs(line[0] - pos) <= tol and a <= line[2] + tol and b >= line[1] - tol:
                    line[1], line[2] = min(line[1], a), max(line[2], b)
                    break
            else:
                lines.append([pos, a, b])
        for pos, a, b in lines:
            out.append(Segment(a, pos, b, pos) if is_h else Segment(pos, a, pos, b))
    return out


def _touch(h: Segment, v: Segment, tol: float) -> bool:
    return (h.x0 - tol <= v.x0 <= h.x1 + tol) and (v.y0 - tol <= h.y0 <= v.y1 + tol)


def find_tables(segments: list[Segment], page: int, tol: float = TOL, min_size: float = 10.0) -> list[TablePart]:
    """Group rules into tables and resolve each into a grid of (merged) regions."""
    segs = [s for s in merge_collinear(segments, tol) if max(abs(s.x1 - s.x0), abs(s.y1 - s.y0)) >= min_size]
    hs = [s for s in segs if s.horizontal]
    vs = [s for s in segs if not s.horizontal]
    # Connected components over h-v intersections (union-find).
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _touch(h, v, tol + 1):
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    tables = []
    for gh, gv in groups.values():
        if len(gh) < 2 or len(gv) < 2:
            continue
        table = _grid(gh, gv, page, tol)
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda t: -t.bbox[3])
    return tables


def _grid(hs: list[Segment], vs: list[Segment], page: int, tol: float) -> TablePart | None:
    cols = _cluster([v.x0 for v in vs], tol)
    rows = sorted(_cluster([h.y0 for h in hs], tol), reverse=True)
    if len(cols) < 2 or len(rows) < 2:
        return None
    n_r, n_c = len(rows) - 1, len(cols) - 1

    def covered_v(x: float, ya: float, yb: float) -> bool:  # rule at x covering y in [yb, ya]
        mid, need = (ya + yb) / 2, (ya - yb) * 0.3
        return any(abs(v.x0 - x) <= tol and v.y0 - tol <= mid - need and v.y1 + tol >= mid + need for v in vs)

    def covered_h(y: float, xa: float, xb: float) -> bool:
        mid, need = (xa + xb) / 2, (xb - xa) * 0.3
        return any(abs(h.y0 - y) <= tol and h.x0 - tol <= mid - need and h.x1 + tol >= mid + need for h in hs)

    parent = list(range(n_r * n_c))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_r):
        for c in range(n_c):
            if c + 1 < n_c and not covered_v(cols[c + 1], rows[r], rows[r + 1]):
                parent[find(r * n_c + c)] = find(r * n_c + c + 1)
            if r + 1 < n_r and not covered_h(rows[r + 1], cols[c], cols[c + 1]):
                parent[find(r * n_c + c)] = find((r + 1) * n_c + c)
    slots: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_r):
        for c in range(n_c):
            slots.setdefault(find(r * n_c + c), []).append((r, c))
    regions = []
    claimed: set[tuple[int, int]] = set()
    for members in sorted(slots.values()):
        r0 = min(m[0] for m in members)
        r1 = max(m[0] for m in members) + 1
        c0 = min(m[1] for m in members)
        c1 = max(m[1] for m in members) + 1
        box = {(r, c) for r in range(r0, r1) for c in range(c0, c1)}
        if box & claimed:  # a non-rectangular merge (broken rule): fall back to its own slots
            for m in members:
                if m not in claimed:
                    regions.append(Region(m[0], m[0] + 1, m[1], m[1] + 1))
                    claimed.add(m)
            continue
        claimed |= box
        regions.append(Region(r0, r1, c0, c1))
    return TablePart(page=page, bbox=(cols[0], rows[-1], cols[-1], rows[0]), col_edges=cols, row_edges=rows,
                     regions=regions)


_PROSE_END = re.compile(r"[。；;：:！？]$")
_SECTION_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])\S{4,}")


def _is_prose(text: str) -> bool:
    """Running text or a section heading, not a table's own title row ("第二十条第（一）项", "申请人情况")."""
    return (len(text) >= 30 or bool(_PROSE_END.search(text)) or bool(_SECTION_HEADING.match(text))) \
        and not parse_number(text)[1] == "number"


def peel_prose_rows(table: TablePart) -> tuple[TablePart | None, list[Region]]:
    """Cut prose off the top and bottom of a table: (the table left, the prose regions).

    Shaded paragraphs print as boxes; set edge to edge with a table of the text's width, their edges
    join the table's rules and each paragraph becomes a full-width row. A full-width single row
    holding running text or a section heading is such a paragraph, not a table row.
    """
    rows: dict[int, list[Region]] = {}
    for reg in table.regions:
        for r in range(reg.r0, reg.r1):
            rows.setdefault(r, []).append(reg)

    def prose_row(r: int) -> bool:
        regs = rows.get(r, [])
        return (len(regs) == 1 and regs[0].r0 == regs[0].r1 - 1 and regs[0].c0 == 0 and regs[0].c1 == table.n_cols
                and _is_prose(regs[0].text))

    top, bottom = 0, table.n_rows
    while top < bottom and prose_row(top):
        top += 1
    while bottom > top and prose_row(bottom - 1):
        bottom -= 1
    if (top, bottom) == (0, table.n_rows):
        return table, []
    prose = [reg for reg in table.regions if reg.r1 <= top or reg.r0 >= bottom]
    if bottom - top < 1:
        return None, prose
    regions = [reg for reg in table.regions if top <= reg.r0 and reg.r1 <= bottom]
    for reg in regions:  # the same objects: callers keyed their glyphs by region
        reg.r0, reg.r1 = reg.r0 - top, reg.r1 - top
    edges = table.row_edges[top:bottom + 1]
    return TablePart(page=table.page, bbox=(table.bbox[0], edges[-1], table.bbox[2], edges[0]),
                     col_edges=table.col_edges, row_edges=edges, regions=regions), prose


# ---------------------------------------------------------------- joining parts across pages

@dataclass
class JoinedTable:
    page: int
    bbox: tuple[float, float, float, float]
    n_rows: int
    n_cols: int
    regions: list[Region]

    def cells(self) -> list[list[Cell]]:
        grid: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for reg in self.regions:
            for r in range(reg.r0, reg.r1):
                for c in range(reg.c0, reg.c1):
                    grid[r][c] = Cell(text=reg.text, row_span=reg.r1 - reg.r0, col_span=reg.c1 - reg.c0,
                                      origin=(reg.r0, reg.c0) if (reg.r1 - reg.r0, reg.c1 - reg.c0) != (1, 1) else None,
                                      confidence=reg.confidence, flags=list(reg.flags))
        return [[c if c is not None else Cell(text="") for c in row] for row in grid]


def same_columns(a: TablePart | JoinedTable, b: TablePart, tol: float = 6.0) -> bool:
    """Does `b` look like the continuation of `a` (same left and right edges)?"""
    return abs(a.bbox[0] - b.bbox[0]) <= tol and abs(a.bbox[2] - b.bbox[2]) <= tol


_ENUMERATED = re.compile(r"^\s*([（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])")


def join_text(a: str, b: str) -> str:
    """Glue two pieces of one cell's text that a line or page break separated."""
    if not a:
        return b
    if not b:
        return a
    if a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return f"{a} {b}"
    return a + b


def _is_number(text: str) -> bool:
    return parse_number(text)[1] == "number"


def join_parts(parts: list[TablePart]) -> JoinedTable:
    """Stack table parts (one per page) into one grid on the union of their column edges."""
    edges = _cluster([x for p in parts for x in p.col_edges], 4.0)
    n_cols = len(edges) - 1

    def col_index(x: float) -> int:
        return min(range(len(edges)), key=lambda i: abs(edges[i] - x))

    regions: list[Region] = []
    offset = 0
    head: list[tuple] = []
    for k, part in enumerate(parts):
        local = [Region(reg.r0, reg.r1, col_index(part.col_edges[reg.c0]), col_index(part.col_edges[reg.c1]),
                        reg.text, reg.confidence, reg.flags) for reg in part.regions]
        n_rows = part.n_rows
        if k == 0:
            head = _row_signatures(local, n_rows)
        else:
            repeated = _repeated_header_rows(head, _row_signatures(local, n_rows))
            if repeated:  # the header rows printed again at the top of the page: one table has one header
                local = [Region(max(reg.r0, repeated) - repeated, reg.r1 - repeated, reg.c0, reg.c1, reg.text,
                               reg.confidence, reg.flags)
                         for reg in local if reg.r1 > repeated]
                n_rows -= repeated
        mapped = [Region(reg.r0 + offset, reg.r1 + offset, reg.c0, reg.c1, reg.text, reg.confidence, reg.flags)
                  for reg in local]
        if k > 0:
            mapped, dropped_row = _glue_page_break(regions, mapped, offset)
            if dropped_row:
                offset -= 1
        regions.extend(mapped)
        offset += n_rows
    first = parts[0]
    return JoinedTable(page=first.page, bbox=first.bbox, n_rows=offset, n_cols=n_cols, regions=regions)


def _row_signatures(regions: list[Region], n_rows: int) -> list[tuple]:
    """Per row, the (columns, text) of every cell covering it: equal rows print the same."""
    rows: list[list[tuple[int, int, str]]] = [[] for _ in range(n_rows)]
    for reg in regions:
        for r in range(reg.r0, min(reg.r1, n_rows)):
            rows[r].append((reg.c0, reg.c1, reg.text))
    return [tuple(sorted(row)) for row in rows]


def _repeated_header_rows(head: list[tuple], rows: list[tuple]) -> int:
    """How many rows at the top of a continuation repeat the first part's leading rows (text rows only,
    with some text: a repeated header, not a data row that happens to match)."""
    n = 0
    while (n < len(head) and n < len(rows) - 1 and rows[n] == head[n] and any(text for _, _, text in rows[n])
           and not any(_is_number(text) for _, _, text in rows[n])):
        n += 1
    return n


def continues(above: str, below: str) -> bool:
    """Can `below` (blank, or text) be the rest of a cell `above` that a page break cut? Only a label
    goes on over a break, and a fragment of one is not a number and not an enumerated label."""
    return bool(above) and not _is_number(above) and not (below and (_is_number(below) or _ENUMERATED.match(below)))


def _glue_page_break(above: list[Region], below: list[Region], boundary: int) -> tuple[list[Region], bool]:
    """Glue cells a page break cut in two.

    PDF writers close every cell with a border at the page foot, so geometry
    cannot tell a split cell from two cells. The text can: a continuation
    fragment is not a number and not an enumerated label ("（一）", "1."),
    and it sits under a non-numeric cell with exactly the same columns. When
    every filled cell of the first row below is such a fragment, the row was
    split across the pages and is folded into the row above.
    """
    last = {(reg.c0, reg.c1): reg for reg in above if reg.r1 == boundary}
    first = [reg for reg in below if reg.r0 == boundary]
    row_has_numbers = any(_is_number(reg.text) for reg in first)
    glue: list[tuple[Region, Region]] = []
    for reg in first:
        top = last.get((reg.c0, reg.c1))
        if top is None or not continues(top.text, reg.text):
            continue
        tall = reg.r1 - reg.r0 > 1 or top.r1 - top.r0 > 1
        # Single-row fragments only when the row holds no numbers: values sit at a row's top, so a
        # row with numbers under the break is a real row, not the tail of the one above.
        if tall or (reg.text and not row_has_numbers):
            glue.append((top, reg))
    if not glue:
        return below, False
    if any(reg.text for _, reg in glue) and not row_has_numbers:
        # Fragments were glued in this row: its empty cells under labels are the rest of split cells.
        glued = {id(reg) for _, reg in glue}
        for reg in first:
            top = last.get((reg.c0, reg.c1))
            if id(reg) not in glued and not reg.text and top is not None and top.text and not _is_number(top.text):
                glue.append((top, reg))
    filled_first = [reg for reg in first if reg.text]
    fold_row = all(any(reg is g for _, g in glue) for reg in filled_first)
    glued_ids = {id(reg) for _, reg in glue}
    out: list[Region] = []
    for top, reg in glue:
        top.text = join_text(top.text, reg.text)
        top.flags = sorted(set(top.flags) | set(reg.flags))
        if reg.confidence is not None:
            top.confidence = min(reg.confidence, top.confidence if top.confidence is not None else 1.0)
        top.r1 = reg.r1 - (1 if fold_row else 0)
        top.r1 = max(top.r1, top.r0 + 1)
    for reg in below:
        if id(reg) in glued_ids:
            continue
        if fold_row and reg.r0 == boundary:
            if reg.r1 - reg.r0 == 1:
                # Empty remainder of the folded row: the row above already owns these columns.
                above_reg = last.get((reg.c0, reg.c1))
                if above_reg is not None or not reg.text:
                    continue
            reg = Region(reg.r0, reg.r1 - 1, reg.c0, reg.c1, reg.text, reg.confidence, reg.flags)
            if reg.r1 <= reg.r0:
                continue
        out.append(reg)
    if fold_row:
        out = [Region(reg.r0 - 1, reg.r1 - 1, reg.c0, reg.c1, reg.text, reg.confidence, reg.flags)
               if reg.r0 > boundary else reg for reg in out]
    return out, fold_row
