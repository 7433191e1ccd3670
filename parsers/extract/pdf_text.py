"""Characters -> text lines -> paragraphs, and running headers/footers.

Shared by the layout path (characters of table pages, `pdf_layout`), pdfium's
text runs (the other pages) and OCR. Coordinates are PDF points, y up.
"""
from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass

from ..model import Block, Source
from ..normalize import collapse_spaces_cjk, normalize_text, tighten_cjk_digits


@dataclass
class Glyph:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    angle: float = 0.0  # direction the text runs, degrees counterclockwise on the upright page (90: upwards)
    conf: float | None = None  # OCR only: the word's confidence (0..1)

    @property
    def size(self) -> float:
        return max(self.y1 - self.y0, 1.0)


@dataclass
class Line:
    """A run of glyphs on one baseline with no wide gap inside (a table chunk or a text line)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


def group_rows(glyphs: list[Glyph], apart: bool = False) -> list[list[Glyph]]:
    """Glyphs sharing a baseline, top to bottom; each row sorted left to right.

    With `apart` (a text layer's characters, whose boxes are exact; not OCR's estimated ones), two
    glyphs that overlap side by side are never on one line: however tall a neighbour's box (a big
    character of a vertical header, a font with a huge ascent), the lines of a wrapped label stay
    apart instead of being interleaved character by character."""
    rows: list[list[Glyph]] = []
    centres: list[float] = []
    sizes: list[float] = []  # the tallest glyph of each row
    spans: list[list[tuple[float, float]]] = []  # each row's glyph x-extents, sorted
    for g in sorted(glyphs, key=lambda g: -(g.y0 + g.y1) / 2):
        yc = (g.y0 + g.y1) / 2
        # Tolerance from the row's height too: an OCR word box is as tall as its ink, and "一、" is a
        # flat box at mid-height that must stay on its line, not start a row of its own.
        if rows and abs(centres[-1] - yc) <= 0.35 * max(g.size, sizes[-1]) and not (apart and _overlaps(spans[-1], g)):
            rows[-1].append(g)
            sizes[-1] = max(sizes[-1], g.size)
            if _solid(g):
                insort(spans[-1], (g.x0, g.x1))
        else:
            rows.append([g])
            centres.append(yc)
            sizes.append(g.size)
            spans.append([(g.x0, g.x1)] if _solid(g) else [])
    return [sorted(r, key=lambda g: g.x0) for r in rows]


def _solid(g: Glyph) -> bool:
    """A printed character (not a space; not an OCR word box, whose boxes may overlap their neighbours)."""
    return len(g.text) == 1 and not g.text.isspace()


def _overlaps(spans: list[tuple[float, float]], g: Glyph) -> bool:
    """Does `g` cover more than half of a glyph already in the row (or that glyph more than half of g)?
    Glyphs of one line do not overlap, so only the neighbours in x order need a look."""
    if len(g.text) != 1 or g.text.isspace():
        return False
    k = bisect_left(spans, (g.x0, g.x1))
    gx0, gx1 = g.x0, g.x1
    for x0, x1 in spans[k - 1 if k else 0:k + 1]:
        overlap = (x1 if x1 < gx1 else gx1) - (x0 if x0 > gx0 else gx0)
        if overlap > 0 and overlap > 0.5 * max(min(gx1 - gx0, x1 - x0), 0.1):
            return True
    return False


def glyphs_to_lines(glyphs: list[Glyph], gap: float = 1.2, apart: bool = False) -> list[Line]:
    """Split each row of glyphs at gaps wider than `gap` x font size (`apart`: see `group_rows`)."""
    out: list[Line] = []
    for row in group_rows(glyphs, apart):
        chunk: list[Glyph] = []
        for g in row:
            if chunk and g.x0 - chunk[-1].x1 > gap * max(g.size, chunk[-1].size):
                out.append(_line(chunk))
                chunk = []
            chunk.append(g)
        if chunk:
            out.append(_line(chunk))
    return [line for line in out if line.text]


def _line(glyphs: list[Glyph]) -> Line:
    parts: list[str] = []
    prev: Glyph | None = None
    for g in glyphs:
        # A visible gap without a space glyph still separates words (Latin) or spaced-out CJK.
        if prev is not None and g.x0 - prev.x1 > 0.25 * g.size and not g.text.isspace() and not parts[-1].isspace():
            parts.append(" ")
        parts.append(g.text)
        prev = g
    text = tighten_cjk_digits(collapse_spaces_cjk(normalize_text("".join(parts))))
    size = sorted(g.size for g in glyphs)[len(glyphs) // 2]
    return Line(min(g.x0 for g in glyphs), min(g.y0 for g in glyphs), max(g.x1 for g in glyphs),
                max(g.y1 for g in glyphs), text, size)


def turn_upright(glyphs: list[Glyph]) -> list[Glyph]:
    """Rotated text (a narrow header cell printed sideways) turned so that it runs left to right, lines
    top to bottom: text running up (90°) reads bottom to top, its lines left to right; text running
    down (270°) top to bottom, its lines right to left. Upright glyphs are returned as they are."""
    turned = sum(1 for g in glyphs if 45 <= g.angle % 360 < 315)
    if not glyphs or 2 * turned <= len(glyphs):
        return glyphs
    up = sum(1 for g in glyphs if 45 <= g.angle % 360 < 135)
    if 2 * up > len(glyphs):
        return [Glyph(g.y0, -g.x1, g.y1, -g.x0, g.text) for g in glyphs]
    down = sum(1 for g in glyphs if 225 <= g.angle % 360 < 315)
    if 2 * down > len(glyphs):
        return [Glyph(-g.y1, g.x0, -g.y0, g.x1, g.text) for g in glyphs]
    return glyphs  # upside down or mixed: leave the order to the boxes


def cell_text(glyphs: list[Glyph], apart: bool = False) -> str:
    """Text of one table cell: its lines glued without breaks (wrapped labels and numbers); `apart`:
    see `group_rows`."""
    from .pdf_grid import join_text

    text = ""
    for row in group_rows(turn_upright(glyphs), apart):
        line = _line(row).text
        text = join_text(text, line)
    return collapse_spaces_cjk(text)


_PAGE_NUMBER = re.compile(r"^\s*([-—–－]\s*\d+\s*[-—–－]?|第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3})\s*$")
_DIGITS = re.compile(r"\d+")


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(normalize_text(text)))


def running_lines(pages: list[list[Line]], page_heights: list[float], margin: float = 0.08) -> set[str]:
    """Texts (digits masked) of lines in the top/bottom margin that recur on most pages."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines, height in zip(pages, page_heights):
        seen = set()
        for line in lines:
            if line.y0 > height * (1 - margin) or line.y1 < height * margin:
                seen.add(_DIGITS.sub("#", line.text))
        counts.update(seen)
    return {text for text, n in counts.items() if n >= max(3, len(pages) // 2)}


def drop_furniture(lines: list[Line], height: float, running: set[str], margin: float = 0.08) -> list[Line]:
    """Remove page numbers and running headers/footers from a page's lines."""
    out = []
    for line in lines:
        in_margin = line.y0 > height * (1 - margin) or line.y1 < height * margin
        if in_margin and (is_page_number(line.text) or _DIGITS.sub("#", line.text) in running):
            continue
        out.append(line)
    return out


_HEADING = re.compile(r"^([一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章节部分])")


def lines_to_blocks(lines: list[Line], page: int) -> list[Block]:
    """Group text lines into paragraphs: a line continues the paragraph above
    when that one ran to the right margin and this one is not indented."""
    rows = _merge_same_baseline(lines)
    if not rows:
        return []
    left = min(r.x0 for r in rows)
    right = max(r.x1 for r in rows)
    blocks: list[Block] = []
    current: list[Line] = []

    def flush() -> None:
        if not current:
            return
        from .pdf_grid import join_text

        text = ""
        for line in current:
            text = join_text(text, line.text)
        kind = "heading" if (_HEADING.match(text) and len(text) <= 40) else "paragraph"
        bbox = (min(l.x0 for l in current), min(l.y0 for l in current), max(l.x1 for l in current),
                max(l.y1 for l in current))
        blocks.append(Block(kind=kind, text=text, source=Source(page=page, bbox=tuple(round(v, 1) for v in bbox))))
        current.clear()

    body_size = sorted(r.size for r in rows)[len(rows) // 2]
    for line in rows:
        if current:
            prev = current[-1]
            ran_full = prev.x1 >= right - 2.5 * prev.size
            indented = line.x0 > left + 1.5 * line.size
            close = prev.y0 - line.y1 < 2.5 * line.size
            # A title wraps onto a second centred line in the same large type.
            big = prev.size >= 1.25 * body_size and line.size >= 1.25 * body_size
            if not ((ran_full and not indented) or big) or not close or _HEADING.match(line.text):
                flush()
        current.append(line)
    flush()
    return blocks


def _merge_same_baseline(lines: list[Line]) -> list[Line]:
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda l: -l.y1):
        if rows and _same_baseline(rows[-1], line):
            rows[-1].append(line)
        else:
            rows.append([line])
    out = []
    for row in rows:
        row.sort(key=lambda l: l.x0)
        from .pdf_grid import join_text

        text = ""
        for l in row:  # pieces of one line: a space only between Latin words
            text = join_text(text, l.text)
        out.append(Line(row[0].x0, min(l.y0 for l in row), row[-1].x1, max(l.y1 for l in row),
                        tighten_cjk_digits(collapse_spaces_cjk(text)), max(l.size for l in row)))
    return out


def _same_baseline(row: list[Line], line: Line) -> bool:
    """Vertical overlap of at least half the smaller height (punctuation glyphs sit low and small)."""
    top = max(l.y1 for l in row)
    bottom = min(l.y0 for l in row)
    overlap = min(top, line.y1) - max(bottom, line.y0)
    return overlap >= 0.5 * min(top - bottom, line.y1 - line.y0)


def paragraph_edges(lines: list[Line]) -> tuple[bool, bool]:
    """(first line starts flush left, last line runs to the right margin) for a page's text.

    A paragraph that a page break cuts ends at the margin on one page and goes
    on flush left, without indent, on the next.
    """
    rows = _merge_same_baseline(lines)
    if not rows:
        return False, False
    left = min(r.x0 for r in rows)
    right = max(r.x1 for r in rows)
    first, last = rows[0], rows[-1]
    return first.x0 <= left + 1.5 * first.size, last.x1 >= right - 2.5 * last.size
