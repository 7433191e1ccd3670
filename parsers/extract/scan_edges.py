"""Which cell edges of a scanned table are ruled, decided from the pixels along each edge.

The rules found as long dark runs (`ocr.find_rules`) give a table's row and column positions, but
whether two neighbouring cells are one merged cell was decided by whether one found rule covers
their shared edge. On a photocopy the rules are dashes, so a real edge is covered by no single
piece and cells merge; bridging the dashes over wider gaps also joins the horizontal strokes of a
line of text into a "rule", so a label cell is cut in two. Both are wrong numbers in the end (a
row's values joined, a label split from its row).

Here every interior edge of the grid is looked at on its own: it is a rule when dark pixels lie
along it, in a band as thin as a rule, over most of its length and spread over all of it, in runs
longer than the strokes a character puts across a line, and no glyph lies on it (one ink shape
reaching well beyond the band on either side: a stroke of 直 cut through, or 后's first stroke joined
to the rest of the glyph). On a photocopy, an edge still unruled is read again for short dashes
exactly on the line its rule's other pieces lie on (`dash_reading`). The table's frame is kept as
found. The result is a segment per ruled edge, which the born-digital table builder
(`pdf_grid.find_tables`) turns into the same regions for the OCR's cell reading and for the
document's tables, and the pixels to erase before OCR (only those of rules that are rules: text
taken for a rule keeps its strokes).
"""
from __future__ import annotations

import cv2
import numpy as np

from .pdf_grid import Segment, TablePart

END_TRIM = 6  # px left out at each end of an edge: the crossing rules
REACH = 13  # px either side of the found position searched for the rule itself
MIN_RUN = 8  # px: a dash of a broken rule is at least this long; a stroke crossing the line is 2-4 px
RUN_SHARE = 0.4  # share of the edge covered by such runs
BIN_PX = 16  # the edge is cut in bins of about this length ...
BIN_SHARE = 0.6  # ... and runs must reach this share of them (a rule runs the whole edge; a stroke does not)
MIN_GAP = 24  # px: the least height of a row (one line of text) and width of a column
SOLID_FILL = 0.93  # a table whose edges are mostly this fully ruled is printed with solid rules ...
SOLID_NEED = 0.85  # ... and an edge of it must be about as full (a glyph's stroke on a line is shorter)
OFF_LINE = 1.5  # px an edge's ink may lie off the line its rule's other pieces agree on
MAX_THICK = 6  # px: the thickest rule (a bold frame at 200 dpi)
CUT_REACH = 4  # px beyond the band (either side) an ink shape on it must reach to be a glyph, not a rule
CROSS_SHARE = 0.5  # share of the rule's length cut through glyphs: text, not a rule
SIDE_SHARE = 0.45  # ink beside the band, as a share of the band's: more is a glyph's strokes
GLYPH = -1.0  # an edge reading's share when the ink on the edge is a glyph's, not a rule's


def _runs_cover(line: np.ndarray, min_run: int) -> np.ndarray:
    """The pixels of `line` (bool, 1-D) lying in runs of True at least `min_run` long."""
    if not line.any():
        return np.zeros_like(line)
    padded = np.concatenate(([False], line, [False])).astype(np.int8)
    d = np.diff(padded)
    starts, ends = np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]
    out = np.zeros_like(line)
    for s, e in zip(starts, ends):
        if e - s >= min_run:
            out[s:e] = True
    return out


def edge_reading(dark: np.ndarray, pos: int, a: int, b: int, horizontal: bool) -> tuple[float, tuple[int, int]]:
    """How much of the edge at `pos` (row for a horizontal edge, column for a vertical one) from `a`
    to `b` (pixels along it) is ruled: the share of its length in rule-like runs; 0.0 when there is
    too little ink or it is too unevenly spread, GLYPH when the ink is a glyph's (too thick, strokes
    beside it, a shape reaching off the line). Also the band (first, last row or column) where its
    ink lies."""
    n = dark.shape[0] if horizontal else dark.shape[1]
    a, b = a + END_TRIM, b - END_TRIM
    lo, hi = max(pos - REACH, 0), min(pos + REACH + 1, n)
    if b - a < MIN_RUN * 2 or hi - lo < 5:
        return 0.0, (pos, pos)
    strip = dark[lo:hi, a:b] if horizontal else dark[a:b, lo:hi].T  # rows = offsets across the edge
    profile = strip.mean(axis=1)
    near = slice(max(pos - 4 - lo, 0), min(pos + 5 - lo, len(profile)))
    k = near.start + int(np.argmax(profile[near]))
    if profile[k] < RUN_SHARE:
        return 0.0, (pos, pos)
    t0 = t1 = k
    while t0 - 1 >= 0 and profile[t0 - 1] >= 0.5 * profile[k]:
        t0 -= 1
    while t1 + 1 < len(profile) and profile[t1 + 1] >= 0.5 * profile[k]:
        t1 += 1
    band = (lo + t0, lo + t1)
    if t1 - t0 + 1 > MAX_THICK:
        return GLYPH, band  # ink spread wide across the line: glyphs, not a rule
    # A rule is a thin line with paper beside it; a glyph's stroke has the glyph's other strokes
    # beside it (the ink falls off slowly on at least one side).
    beside = [profile[t0 - 4:t0 - 1].mean() if t0 >= 4 else 0.0,
              profile[t1 + 2:t1 + 5].mean() if t1 + 5 <= len(profile) else 0.0]
    if max(beside) > SIDE_SHARE * profile[k]:
        return GLYPH, band
    cover = strip[t0:t1 + 1].any(axis=0)
    runs = _runs_cover(cover, MIN_RUN)
    if runs.mean() < RUN_SHARE:
        return 0.0, band
    bins = np.array_split(runs, max(3, len(runs) // BIN_PX))
    if sum(bool(piece.any()) for piece in bins) < BIN_SHARE * len(bins):
        return 0.0, band
    # A glyph on the edge: one ink shape reaching well beyond the band on either side (a stroke of 直
    # lying on the line, joined to strokes either side of it; 后's first stroke, joined to the strokes
    # right of it). A rule's pieces stay in their band.
    if _glyph_on(strip, t0, t1, runs):
        return GLYPH, band
    return float(runs.mean()), band


def _glyph_on(strip: np.ndarray, t0: int, t1: int, runs: np.ndarray) -> bool:
    """Whether most of the edge's ink (`runs`, in the band t0..t1 of `strip`) belongs to ink shapes
    reaching CUT_REACH or more off the band: glyphs lying on the line, not pieces of a rule."""
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(strip.astype(np.uint8), connectivity=8)
    top, height = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_HEIGHT]
    off = (top <= t0 - CUT_REACH) | (top + height - 1 >= t1 + CUT_REACH)
    off[0] = False
    return bool(off.any()) and (runs & off[labels[t0:t1 + 1]].any(axis=0)).sum() > CROSS_SHARE * runs.sum()


WEAK_RUN = 4  # px: on a photocopy's rule line, a dash this long is still a dash
WEAK_SHARE = 0.3  # share of the edge such dashes cover
WEAK_HALF = 2  # px either side of the line's centre the dashes must lie in


def dash_reading(dark: np.ndarray, centre: int, a: int, b: int, horizontal: bool) -> float:
    """The share of the edge covered by short dashes lying exactly on a rule line at `centre`, with
    paper beside them and no glyph touching them; 0.0 otherwise. For a copier's rules, whose pieces
    on a one-line cell's edge are shorter than `edge_reading` asks for."""
    n = dark.shape[0] if horizontal else dark.shape[1]
    a, b = a + END_TRIM, b - END_TRIM
    lo, hi = centre - REACH, centre + REACH + 1
    if b - a < MIN_RUN or lo < 0 or hi > n:
        return 0.0
    strip = dark[lo:hi, a:b] if horizontal else dark[a:b, lo:hi].T
    t0, t1 = REACH - WEAK_HALF, REACH + WEAK_HALF
    runs = _runs_cover(strip[t0:t1 + 1].any(axis=0), WEAK_RUN)
    if runs.mean() < WEAK_SHARE:
        return 0.0
    bins = np.array_split(runs, max(2, len(runs) // BIN_PX))
    if sum(bool(piece.any()) for piece in bins) < 0.5 * len(bins):
        return 0.0
    profile = strip.mean(axis=1)
    if max(profile[t0 - 6:t0 - 1].mean(), profile[t1 + 2:t1 + 7].mean()) > 0.5 * profile[t0:t1 + 1].max():
        return 0.0  # ink beside the line: glyph strokes
    if _glyph_on(strip, t0, t1, runs):
        return 0.0  # a glyph's stroke on the line, joined to strokes off it
    return float(runs.mean())


def ruled_edges(dark: np.ndarray, table: TablePart, scale: float) -> tuple[list[Segment], np.ndarray, bool]:
    """Segments (PDF points, y up) for the table's frame and for each interior edge that is ruled,
    a mask of the pixels on them, and whether the table's rules are solid (not a copier's dashes)."""
    h, w = dark.shape
    xs = [int(round(x / scale)) for x in table.col_edges]
    ys = [int(round(h - y / scale)) for y in table.row_edges]  # top to bottom
    out: list[Segment] = []
    mask = np.zeros_like(dark, dtype=bool)

    def keep_h(r: int, c0: int, c1: int, band: tuple[int, int] | None) -> None:
        y = table.row_edges[r]
        out.append(Segment(table.col_edges[c0], y, table.col_edges[c1], y))
        t0, t1 = band or (ys[r] - 2, ys[r] + 2)
        mask[max(t0 - 1, 0):min(t1 + 2, h), xs[c0]:xs[c1] + 1] = True

    def keep_v(c: int, r0: int, r1: int, band: tuple[int, int] | None) -> None:
        x = table.col_edges[c]
        out.append(Segment(x, table.row_edges[r1], x, table.row_edges[r0]))
        t0, t1 = band or (xs[c] - 2, xs[c] + 2)
        mask[ys[r0]:ys[r1] + 1, max(t0 - 1, 0):min(t1 + 2, w)] = True

    readings: dict[tuple[int, int, int, bool], tuple[float, tuple[int, int]]] = {}

    def read(pos: int, a: int, b: int, horizontal: bool) -> tuple[float, tuple[int, int]]:
        key = (pos, a, b, horizontal)
        if key not in readings:
            readings[key] = edge_reading(dark, pos, a, b, horizontal)
        return readings[key]

    # A rule found twice a few pixels apart (residual skew, a text line's strokes bridged next to it)
    # would make a grid row too thin to hold text: of two such positions the better-ruled one stays.
    rows = _distinct(list(range(len(ys))), lambda r: sum(
        max(read(ys[r], xs[c], xs[c + 1], True)[0], 0.0) for c in range(len(xs) - 1)), ys)
    cols = _distinct(list(range(len(xs))), lambda c: sum(
        max(read(xs[c], ys[rows[k]], ys[rows[k + 1]], False)[0], 0.0) for k in range(len(rows) - 1)), xs)
    last_r, last_c = len(rows) - 1, len(cols) - 1
    h_lines = {r: [read(ys[rows[r]], xs[cols[c]], xs[cols[c + 1]], True) for c in range(last_c)] for r in range(1, last_r)}
    v_lines = {c: [read(xs[cols[c]], ys[rows[r]], ys[rows[r + 1]], False) for r in range(last_r)] for c in range(1, last_c)}
    # How fully this table's rules are printed: solid on a clean scan, dashes on a photocopy. An edge
    # must be about as full as the table's rules are: a glyph's stroke lying on a line is shorter
    # than a solid rule, though it may be as long as a copier's dashed one.
    shares = [share for line in (*h_lines.values(), *v_lines.values()) for share, _band in line if share >= RUN_SHARE]
    solid = bool(shares) and float(np.median(shares)) >= SOLID_FILL
    need = SOLID_NEED if solid else RUN_SHARE
    # On a solid-ruled table an edge the rules found (`table`'s regions: its two sides are two cells)
    # keeps the low bar: a faint rule with stretches missing is still the rule found there.
    slot = {(r, c): k for k, region in enumerate(table.regions)
            for r in range(region.r0, region.r1) for c in range(region.c0, region.c1)}
    found_h = lambda r, c: any(slot.get((rows[r] - 1, cc)) != slot.get((rows[r], cc))  # noqa: E731
                               for cc in range(cols[c], cols[c + 1]))
    found_v = lambda c, r: any(slot.get((rr, cols[c] - 1)) != slot.get((rr, cols[c]))  # noqa: E731
                               for rr in range(rows[r], rows[r + 1]))
    if solid:
        h_lines = {r: [(share if share >= need or not found_h(r, c) else need, band)
                       for c, (share, band) in enumerate(line)] for r, line in h_lines.items()}
        v_lines = {c: [(share if share >= need or not found_v(c, r) else need, band)
                       for r, (share, band) in enumerate(line)] for c, line in v_lines.items()}
    for r in (0, last_r):
        keep_h(rows[r], cols[0], cols[last_c], None)
    for c in (0, last_c):
        keep_v(cols[c], rows[0], rows[last_r], None)
    ruled_h = {(r, c): band for r, line in h_lines.items() for c, band in _on_line(line, need)}
    ruled_v = {(c, r): band for c, line in v_lines.items() for r, band in _on_line(line, need)}
    if not solid:
        # A copier's dashes on a one-line cell's edge can be too short for `edge_reading`: the
        # edges left are read again for short dashes exactly on their line.
        for r in h_lines:
            centre = _centre([b for (rr, _c), b in ruled_h.items() if rr == r], ys[rows[r]])
            for c in range(last_c):
                if (r, c) not in ruled_h and dash_reading(dark, centre, xs[cols[c]], xs[cols[c + 1]], True):
                    ruled_h[(r, c)] = (centre - WEAK_HALF, centre + WEAK_HALF)
        for c in v_lines:
            centre = _centre([b for (cc, _r), b in ruled_v.items() if cc == c], xs[cols[c]])
            for r in range(last_r):
                if (c, r) not in ruled_v and dash_reading(dark, centre, ys[rows[r]], ys[rows[r + 1]], False):
                    ruled_v[(c, r)] = (centre - WEAK_HALF, centre + WEAK_HALF)
    _rectangular(last_r, last_c, h_lines, v_lines, ruled_h, ruled_v)
    for (r, c), band in ruled_h.items():
        keep_h(rows[r], cols[c], cols[c + 1], band)
    for (c, r), band in ruled_v.items():
        keep_v(cols[c], rows[r], rows[r + 1], band)
    return out, mask & dark, solid or not shares


def _centre(bands: list[tuple[int, int]], found: int) -> int:
    """Where a grid line's rule lies: the middle of its ruled edges' bands, else where it was found."""
    return int(round(float(np.median([(b0 + b1) / 2 for b0, b1 in bands])))) if bands else found


def _cells(slots: set[tuple[int, int]], ruled_h: dict, ruled_v: dict) -> list[list[tuple[int, int]]]:
    """`slots` (grid positions) grouped into cells: slots joined across every edge that is not ruled."""
    seen: set[tuple[int, int]] = set()
    out = []
    for start in sorted(slots):
        if start in seen:
            continue
        group, todo = [], [start]
        seen.add(start)
        while todo:
            r, c = todo.pop()
            group.append((r, c))
            for nr, nc, edge, ruled in ((r + 1, c, (r + 1, c), ruled_h), (r - 1, c, (r, c), ruled_h),
                                        (r, c + 1, (c + 1, r), ruled_v), (r, c - 1, (c, r), ruled_v)):
                if (nr, nc) in slots and (nr, nc) not in seen and edge not in ruled:
                    seen.add((nr, nc))
                    todo.append((nr, nc))
        out.append(group)
    return out


def _is_rectangle(group: list[tuple[int, int]]) -> bool:
    rs, cs = [g[0] for g in group], [g[1] for g in group]
    return len(group) == (max(rs) - min(rs) + 1) * (max(cs) - min(cs) + 1)


def _rectangular(n_r: int, n_c: int, h_lines: dict, v_lines: dict, ruled_h: dict, ruled_v: dict) -> None:
    """Make every cell a rectangle. A cell is always one: where the unruled edges join slots into
    another shape (an L round a merged cell), some rule there was lost to dropout. The edges inside
    such a shape are taken back, the best-inked first, until every part of it is a rectangle; never
    one whose ink is a glyph's (a label printed across a column line that starts below it: its
    strokes on the line are no rule, and an unruled edge elsewhere closes the cell)."""
    for group in _cells({(r, c) for r in range(n_r) for c in range(n_c)}, ruled_h, ruled_v):
        if _is_rectangle(group):
            continue
        inside = set(group)
        candidates = [(h_lines[r][c][0], "h", (r, c)) for r, c in inside
                      if (r - 1, c) in inside and r in h_lines and h_lines[r][c][0] != GLYPH] + \
                     [(v_lines[c][r][0], "v", (c, r)) for r, c in inside
                      if (r, c - 1) in inside and c in v_lines and v_lines[c][r][0] != GLYPH]
        for _share, kind, edge in sorted(candidates, reverse=True):
            if kind == "h":
                ruled_h[edge] = h_lines[edge[0]][edge[1]][1]
            else:
                ruled_v[edge] = v_lines[edge[0]][edge[1]][1]
            if all(_is_rectangle(g) for g in _cells(inside, ruled_h, ruled_v)):
                break


def _on_line(line: list[tuple[float, tuple[int, int]]], need: float) -> list[tuple[int, tuple[int, int]]]:
    """(index, band) of the ruled edges among the readings of one grid line's edges. The pieces of
    one rule lie on one line: an edge whose ink lies off the line the others agree on is a glyph's
    stroke next to it."""
    found = [(i, band) for i, (share, band) in enumerate(line) if share >= need]
    if len(found) < 3:
        return found
    centre = float(np.median([(b0 + b1) / 2 for _i, (b0, b1) in found]))
    return [(i, band) for i, band in found if abs((band[0] + band[1]) / 2 - centre) <= OFF_LINE]


def _distinct(indexes: list[int], score, px: list[int]) -> list[int]:
    """`indexes` (grid lines, in order, at pixel positions `px`) without lines closer than MIN_GAP to
    a better-scored neighbour; the first and last (the frame) always stay."""
    keep = [indexes[0]]
    for i in indexes[1:]:
        if px[i] - px[keep[-1]] >= MIN_GAP:
            keep.append(i)
        elif i == indexes[-1] or (len(keep) > 1 and score(i) > score(keep[-1])):
            keep[-1] = i
    return keep
