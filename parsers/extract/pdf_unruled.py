"""Rules a table forgot to draw, found from its text.

When a row's bottom rule is missing (the author cleared a border, a hairline
the writer dropped), two printed rows fall into one grid row: its label cell
holds both labels and each number cell two numbers on two lines. Glued into
one cell they read "1" + "2" = "12", a wrong number that looks right, and a
whole row vanishes. Number cells are the evidence: a cell of one row holds one
value, so a grid row whose number cells hold several number lines each is
several rows. The missing rule goes just above the line that starts the next
row: the next enumerated label ("（二）", "2.") where there is one, otherwise
between the lower number line and the nearest line above it in any cell
(values sit at the top of their row, as Word and WPS set them).
"""
from __future__ import annotations

from ..normalize import parse_number
from .pdf_grid import _ENUMERATED, Region, Segment, TablePart
from .pdf_text import Glyph, Line, glyphs_to_lines

_VALUE_KINDS = ("number", "empty_marker")


def _lines(glyphs: list[Glyph]) -> list[Line]:
    """A cell's text lines, top to bottom (one line per baseline, gaps included)."""
    return sorted(glyphs_to_lines(glyphs, gap=1e9), key=lambda line: -line.yc)


def _tall(glyphs: list[Glyph]) -> bool:
    """Do the glyphs stand on more than one line?"""
    if len(glyphs) < 2:
        return False
    first = glyphs[0]
    low = high = (first.y0 + first.y1) / 2
    for g in glyphs:
        yc = (g.y0 + g.y1) / 2
        low, high = min(low, yc), max(high, yc)
    return high - low > 0.6 * first.size


def missing_rules(table: TablePart, glyphs_of: dict[int, list[Glyph]]) -> list[Segment]:
    """Horizontal segments where rows of `table` lack the rule between them (`glyphs_of`: region id -> glyphs)."""
    out: list[Segment] = []
    by_row: dict[int, list[Region]] = {}
    for reg in table.regions:
        if reg.r1 - reg.r0 == 1:
            by_row.setdefault(reg.r0, []).append(reg)
    for regs in by_row.values():
        if len(regs) < 3 or sum(1 for reg in regs if _tall(glyphs_of.get(id(reg), []))) < 2:
            continue  # the common case, cheaply: at most one cell of the row holds more than one line
        lines = {id(reg): _lines(glyphs_of.get(id(reg), [])) for reg in regs}
        stacked = [ls for ls in lines.values()
                   if len(ls) >= 2 and all(parse_number(line.text)[1] in _VALUE_KINDS for line in ls)]
        if len(stacked) < 2:
            continue
        reference = max(stacked, key=len)
        # A "line" much taller than the numbers' lines is a whole cell read as one (an OCR engine's
        # reading of a wrapped label): it says nothing of where one row ends.
        tallest = 1.6 * max(line.size for line in reference)
        everything = sorted((line for ls in lines.values() for line in ls if line.size <= tallest),
                            key=lambda line: -line.yc)
        for upper, lower in zip(reference, reference[1:]):
            y = _split_between(upper, lower, everything)
            if y is not None:
                out += [Segment(table.col_edges[reg.c0], y, table.col_edges[reg.c1], y) for reg in regs]
    return out


def _split_between(upper: Line, lower: Line, everything: list[Line]) -> float | None:
    """Where the rule between the rows of two stacked values goes."""
    window = [line for line in everything if lower.yc - 0.3 * lower.size <= line.yc < upper.yc - 0.3 * upper.size]
    starts = [line for line in window if _ENUMERATED.match(line.text)]
    first = max(starts, key=lambda line: line.yc) if starts else None
    if first is None or first.yc < lower.yc - 0.3 * lower.size:
        first = lower
    above = [line for line in everything if line.yc > first.yc + 0.5 * first.size]
    if not above:
        return None
    nearest = min(above, key=lambda line: line.yc)
    if nearest.yc > upper.yc + 0.3 * upper.size:
        return None  # the upper value's own line must be above the split
    return (nearest.y0 + first.y1) / 2
