"""Layout objects of a born-digital PDF page: characters with boxes, and ruling lines.

The tables are rebuilt from these (`pdf_grid`, `pdf_align`), so this is the
expensive step of PDF extraction. pdfminer.six's layout objects carry the
same facts, but its pure-Python content-stream interpreter managed ≈ 30
table pages/s per core here (87% of the time in tokenising), short of the
40 pages/s goal for whole reports; pdfium has already parsed the page for
triage, and reading its character boxes and path objects through the C API
costs ≈ 4 ms a page. pdfminer.six remains the second backend
(`pdf_layout_pdfminer`, same objects, same coordinates): chosen with
NIANBAO_PDF_LAYOUT=pdfminer, and the fallback where pdfium fails
(`extract_pdf`). Coordinates are PDF points in the upright page (y up,
/Rotate applied, origin at the visible box's corner): the space
`PdfPage.get_size()` and pdfminer's page aggregator use.
"""
from __future__ import annotations

import ctypes
import math
from collections.abc import Callable

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .pdf_grid import Segment
from .pdf_text import Glyph

Transform = Callable[[float, float], tuple[float, float]]
Matrix = tuple[float, float, float, float, float, float]
_MAX_FORM_DEPTH = 4  # rules drawn inside (nested) form XObjects: Word and WPS wrap whole pages in one


def upright_matrix(box: tuple[float, float, float, float], rotation: int) -> Matrix:
    """PDF user space -> upright page space, as (a, b, c, d, e, f) with x' = ax + cy + e, y' = bx + dy + f:
    /Rotate applied and the origin at the corner of `box` (the visible box: CropBox within MediaBox).
    Both layout backends use it, so their coordinates agree."""
    x0, y0, x1, y1 = box
    rotation %= 360
    if rotation == 90:
        return (0.0, -1.0, 1.0, 0.0, -y0, x1)
    if rotation == 180:
        return (-1.0, 0.0, 0.0, -1.0, x1, y1)
    if rotation == 270:
        return (0.0, 1.0, -1.0, 0.0, y1, -x0)
    return (1.0, 0.0, 0.0, 1.0, -x0, -y0)


def page_transform(page: pdfium.PdfPage) -> Transform:
    """PDF user space -> upright page space for a pdfium page (its bbox is the visible box)."""
    a, b, c, d, e, f = upright_matrix(page.get_bbox(), page.get_rotation())
    return lambda x, y: (a * x + c * y + e, b * x + d * y + f)


def page_glyphs(textpage: pdfium.PdfTextPage, to_page: Transform, rotation: int = 0) -> list[Glyph]:
    """Every character the page draws, with its font box ("loose" box: ascent to descent, so glyphs of
    one line share a height whatever their shape, as line grouping needs) and the direction it runs
    on the upright page (`rotation`: the page's /Rotate)."""
    raw = textpage.raw
    get_unicode, is_generated = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_IsGenerated
    get_box, get_angle = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharAngle
    rect = pdfium_c.FS_RECTF()
    glyphs: list[Glyph] = []
    for i in range(textpage.count_chars()):
        code = get_unicode(raw, i)
        # Skip the spaces and line breaks pdfium invents between text runs (it marks them "generated"),
        # control codes, and halves of surrogate pairs (not representable on their own).
        if code < 32 or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) or is_generated(raw, i) == 1:
            continue
        if not get_box(raw, i, rect):
            continue
        xa, ya = to_page(rect.left, rect.bottom)
        xb, yb = to_page(rect.right, rect.top)
        # pdfium's angle is clockwise in user space; /Rotate turns the page clockwise too.
        turn = get_angle(raw, i)
        angle = (-math.degrees(turn) - rotation) % 360 if turn > 0 else -rotation % 360
        glyphs.append(Glyph(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb), chr(code), angle))
    return glyphs


def _compose(m: tuple[float, ...], parent: tuple[float, ...]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    pa, pb, pc, pd, pe, pf = parent
    return (a * pa + b * pc, a * pb + b * pd, c * pa + d * pc, c * pb + d * pd, e * pa + f * pc + pe,
            e * pb + f * pd + pf)


def page_segments(page: pdfium.PdfPage, to_page: Transform) -> list[Segment]:
    """The axis-aligned straight pieces of every stroked or filled path: table rules.

    A thin filled rectangle (how LibreOffice and Word often draw a border) becomes its centre line;
    a larger stroked rectangle (a frame) its four edges; a larger rectangle only filled is a
    background (a shaded cell, paragraph or line) and no rule: shaded prose set against a table
    would otherwise join its grid. Other paths give their axis-aligned pieces; curves are ignored.
    White paint is no rule either.
    """
    matrix = pdfium_c.FS_MATRIX()
    fx, fy = ctypes.c_float(), ctypes.c_float()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    rgba = tuple(ctypes.c_uint() for _ in range(4))
    forms: dict[int, tuple[float, ...]] = {}  # level -> matrix of the form XObject open at that level
    segments: list[Segment] = []
    wanted = [pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM]
    for obj in page.get_objects(filter=wanted, max_depth=_MAX_FORM_DEPTH):
        pdfium_c.FPDFPageObj_GetMatrix(obj.raw, matrix)
        m: tuple[float, ...] = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
        if obj.level and obj.level - 1 in forms:
            m = _compose(m, forms[obj.level - 1])  # objects inside a form are in the form's space
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            forms[obj.level] = m
            continue
        pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        if not fill.value and not stroke.value:
            continue  # an invisible path
        if not _visible(obj.raw, bool(fill.value), bool(stroke.value), rgba):
            continue  # white on white: text pasted from a web page keeps a white box behind every line
        a, b, c, d, e, f = m
        subpaths: list[list[tuple[float, float]]] = []
        points: list[tuple[float, float]] = []
        for k in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj.raw, k)
            pdfium_c.FPDFPathSegment_GetPoint(seg, fx, fy)
            x, y = fx.value, fy.value
            point = to_page(a * x + c * y + e, b * x + d * y + f)
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                if len(points) > 1:
                    subpaths.append(points)
                points = [point]
            elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                points = [point]  # a curve breaks the polyline: keep only straight pieces
            else:
                points.append(point)
            if pdfium_c.FPDFPathSegment_GetClose(seg) and points:
                points.append(points[0])
        if len(points) > 1:
            subpaths.append(points)
        filled_only = bool(fill.value) and not stroke.value
        for pts in subpaths:
            if filled_only and _is_box(pts):
                continue  # a background (shaded cell, shaded paragraph or line of text), not a rule
            segments.extend(_rules(pts))
    return segments


WHITE = 245  # 0-255: a paint this light on a white page draws nothing a reader sees as a rule


def _visible(raw, fill: bool, stroke: bool, rgba: tuple[ctypes.c_uint, ...]) -> bool:
    """Does the path paint anything but white (or fully transparent)?"""
    for wanted, getter in ((fill, pdfium_c.FPDFPageObj_GetFillColor), (stroke, pdfium_c.FPDFPageObj_GetStrokeColor)):
        if not wanted:
            continue
        if not getter(raw, *(ctypes.byref(v) for v in rgba)):
            return True  # colour unknown (pattern, shading): keep it
        r, g, b, a = (v.value for v in rgba)
        if a and min(r, g, b) < WHITE:
            return True
    return False


def _is_box(pts: list[tuple[float, float]]) -> bool:
    """An axis-aligned rectangle at least 3 points each way (thinner ones are how rules are drawn)."""
    pts = [q for k, q in enumerate(pts) if k == 0 or q != pts[k - 1]]  # a close after a lineto back home
    if len(pts) not in (4, 5):
        return False
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    straight = all(abs(p[0] - q[0]) < 0.5 or abs(p[1] - q[1]) < 0.5 for p, q in zip(pts, pts[1:]))
    return straight and max(xs) - min(xs) >= 3 and max(ys) - min(ys) >= 3


def _rules(pts: list[tuple[float, float]]) -> list[Segment]:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    straight = all(abs(p[0] - q[0]) < 0.5 or abs(p[1] - q[1]) < 0.5 for p, q in zip(pts, pts[1:]))
    if straight and len(pts) in (4, 5) and (width < 3 or height < 3):
        # A rule drawn as a thin filled box: its centre line.
        if width >= height:
            y = (min(ys) + max(ys)) / 2
            return [Segment(min(xs), y, max(xs), y)]
        x = (min(xs) + max(xs)) / 2
        return [Segment(x, min(ys), x, max(ys))]
    return [Segment(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))
            for (xa, ya), (xb, yb) in zip(pts, pts[1:]) if abs(xa - xb) < 0.5 or abs(ya - yb) < 0.5]


def page_layout(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> tuple[list[Glyph], list[Segment]]:
    to_page = page_transform(page)
    return page_glyphs(textpage, to_page, page.get_rotation()), page_segments(page, to_page)
