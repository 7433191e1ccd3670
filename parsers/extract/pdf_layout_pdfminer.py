"""Layout objects of born-digital PDF pages from pdfminer.six: the second backend.

Same facts as `pdf_layout` (pdfium), in the same upright page space: each
character with its box (LTChar) and the ruling lines (LTLine, LTRect edges,
the axis-aligned pieces of LTCurve paths). pdfminer's interpreter is pure
Python: whole reports ≈ 3x slower than with pdfium (bench_extract.py), so it is not
the default: `extract_pdf` uses it when NIANBAO_PDF_LAYOUT=pdfminer, and as
the fallback when pdfium cannot open a file, finds no pages in it, fails on a
page's objects, or decodes a page's text layer to garbage (pdfminer has its
own parser, xref repair, page-tree fallback and CMaps, so it reads some files
pdfium does not). Only the pages asked for are interpreted (pdfminer's
`pagenos`), so triage still decides which pages get layout work.
"""
from __future__ import annotations

import io
import math
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import pdfminer
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage, LTLine, LTRect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from .pdf_grid import Segment
from .pdf_layout import WHITE, upright_matrix
from .pdf_text import Glyph

VERSION = f"pdfminer.six {pdfminer.__version__}"
_CID = re.compile(r"\(cid:\d+\)")  # pdfminer's text for a character code it cannot map to Unicode


@dataclass
class MinerPage:
    index: int  # 0-based, in pdfminer's page order
    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    images: int = 0

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)


def read_layouts(data: bytes, page_numbers: Collection[int] | None = None) -> list[MinerPage]:
    """The layout objects of the pages `page_numbers` (0-based; None: every page), in page order.

    Raises pdfminer's exceptions (PDFSyntaxError, PDFPasswordIncorrect, ...) for a file it cannot read.
    """
    if page_numbers is not None and not page_numbers:
        return []  # pdfminer reads an empty `pagenos` as "all pages"
    wanted = set(page_numbers) if page_numbers is not None else None
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)  # raw objects: our own grouping is cheaper
    interpreter = PDFPageInterpreter(manager, device)
    out: list[MinerPage] = []
    # maxpages stops the page-tree walk after the last page wanted.
    pages = PDFPage.get_pages(io.BytesIO(data), pagenos=wanted, maxpages=max(wanted) + 1 if wanted else 0)
    index = -1
    for page in pages:
        index = _next_index(index, wanted)
        # The visible box (CropBox within MediaBox), as pdfium uses; pdfminer's process_page would take
        # the MediaBox, shifting every coordinate on cropped pages.
        mx0, my0, mx1, my1 = page.mediabox
        cx0, cy0, cx1, cy1 = page.cropbox
        box = (max(mx0, cx0), max(my0, cy0), min(mx1, cx1), min(my1, cy1))
        if box[0] >= box[2] or box[1] >= box[3]:
            box = (mx0, my0, mx1, my1)
        ctm = upright_matrix(box, page.rotate)
        device.begin_page(page, ctm)
        interpreter.render_contents(page.resources, page.contents, ctm=ctm)
        device.end_page(page)
        width, height = box[2] - box[0], box[3] - box[1]
        if page.rotate % 180 == 90:
            width, height = height, width
        miner = MinerPage(index, width, height)
        _collect(device.get_result(), miner)
        out.append(miner)
    return out


def _is_white(color) -> bool:
    """pdfminer gives a paint as a gray level, an (r, g, b) or a (c, m, y, k) tuple, 0-1 (None: unset)."""
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, tuple) or not color or not all(isinstance(v, (int, float)) for v in color):
        return False  # a pattern or an unknown space: assume it shows
    if len(color) == 4:
        return max(color) <= 1 - WHITE / 255
    return min(color) >= WHITE / 255


def _visible(obj: LTCurve) -> bool:
    """Does the path paint anything but white, as `pdf_layout._visible` asks of pdfium?"""
    painted = []
    if obj.fill:
        painted.append(obj.non_stroking_color)
    if obj.stroke:
        painted.append(obj.stroking_color)
    return not painted or not all(_is_white(c) for c in painted)


def _next_index(previous: int, wanted: set[int] | None) -> int:
    """pdfminer yields only the wanted pages, in order: the page number of the next one."""
    if wanted is None:
        return previous + 1
    return min(i for i in wanted if i > previous)


def _collect(items: Iterable, page: MinerPage) -> None:
    for obj in items:
        if isinstance(obj, LTChar):
            text = _CID.sub("\ufffd", obj.get_text())  # unmapped codes count as garbage in triage
            a, b = obj.matrix[0], obj.matrix[1]  # in page space already (the upright ctm is applied)
            angle = math.degrees(math.atan2(b, a)) % 360 if b else (0.0 if a >= 0 else 180.0)
            page.glyphs.append(Glyph(obj.x0, obj.y0, obj.x1, obj.y1, text, angle))
        elif isinstance(obj, LTFigure):  # a form XObject: its objects are already in page space
            _collect(obj, page)
        elif isinstance(obj, LTImage):
            page.images += 1
        elif isinstance(obj, LTCurve) and not _visible(obj):
            continue  # white on white (LTLine and LTRect are LTCurves): not a rule anyone sees
        elif isinstance(obj, LTLine):
            (xa, ya), (xb, yb) = obj.pts[0], obj.pts[-1]
            page.segments.append(Segment(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)))
        elif isinstance(obj, LTRect):
            x0, y0, x1, y1 = obj.bbox
            if obj.width < 3 or obj.height < 3:  # a rule drawn as a thin filled box: its centre line
                if obj.width >= obj.height:
                    page.segments.append(Segment(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2))
                else:
                    page.segments.append(Segment((x0 + x1) / 2, y0, (x0 + x1) / 2, y1))
            elif obj.fill and not obj.stroke:
                continue  # a background (shaded cell, paragraph or line of text), not a rule
            else:  # a frame: its four edges
                page.segments += [Segment(x0, y0, x1, y0), Segment(x0, y1, x1, y1), Segment(x0, y0, x0, y1),
                                  Segment(x1, y0, x1, y1)]
        elif isinstance(obj, LTCurve) and obj.pts:
            for (xa, ya), (xb, yb) in zip(obj.pts, obj.pts[1:]):
                if abs(xa - xb) < 0.5 or abs(ya - yb) < 0.5:  # keep the axis-aligned pieces of a path
                    page.segments.append(Segment(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)))
