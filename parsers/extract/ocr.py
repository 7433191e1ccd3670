"""Scanned pages: ruling lines from the page image, words from Tesseract.

Each page is rendered by pypdfium2 at 200 dpi. Long horizontal and vertical
runs of dark pixels are the table rules; they are turned into segments and
then erased from the image, since rules touching glyphs are the commonest
cause of OCR garbage in table cells. Each cell's ink (cropped, with a
margin) is stacked with the others on a white canvas, so Tesseract reads
every cell in isolation; the text outside the tables is one more image. One
Tesseract process (chi_sim, TSV output with word boxes and confidences)
reads the images of up to `PAGES_PER_CALL` pages; words become `Glyph`s in
PDF points, so the born-digital table builder (`pdf_grid`) and text
grouping (`pdf_text`) do the rest unchanged. Blank cells, lone dashes and
lone slashes (the "not applicable" markers) are recognised from their ink
without OCR.

Tesseract runs with OMP_THREAD_LIMIT=1: its OpenMP threads fight each
other on a shared machine (≈6x slower on two busy cores), and parallelism
belongs to the caller (one page or document per process).
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import NamedTuple
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from .ocr_lexicon import correct_label, is_known_label
from .pdf_grid import Segment, find_tables
from .pdf_text import Glyph
from .scan_edges import ruled_edges

DPI = 200
LANG = "chi_sim"
TIMEOUT_S = 60  # per page: a normal page takes 1-2 s


@dataclass
class OcrResult:
    pages: dict[int, tuple[list[Glyph], list[Segment]]] = field(default_factory=dict)
    confidence: float | None = None
    extractor: str = ""
    error: str | None = None
    prep: dict[int, dict] = field(default_factory=dict)  # what page preparation did, per page
    rejected: dict[int, str] = field(default_factory=dict)  # pages skipped as not report pages, and why


def tesseract_version() -> str | None:
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].strip() if first else "tesseract"


RULE_FILL = 0.9  # share of a window along a rule that must be dark: dropout gaps up to 10 % are bridged
BRIDGE_H, BRIDGE_V = 30, 4  # px: gaps closed between collinear rule pieces (narrower than any column / line gap)
# A page where no table shows at those settings (photocopier dropout breaks a third of a rule) is
# tried once more with these: looser on a page that has no ruled table is no risk to one that has.
RETRY_FILL, RETRY_BRIDGE_H, RETRY_BRIDGE_V = 0.6, 40, 10
# Rules a photocopier printed as dashes (a table found only in pieces): pieces at least DASHED_PIECE px
# long joined over gaps as long as a line of text.
DASHED_PIECE, DASHED_BRIDGE_H, DASHED_BRIDGE_V = 24, 60, 40
MIN_TABLE_PT = (72.0, 18.0)  # a table is at least this wide and tall: smaller "grids" are glyph strokes
STAT_TABLE_AREA = 200.0 * 100.0  # pt²: the least a statistics table covers; a scrap of grid in prose is less
GAIN = 1.2  # how much more table area a looser reading must find to be taken instead
# A page whose tables cover less than this share is read again with faint ink kept (a statistics
# table fills half a page).
FAINT_TRY_SHARE = 0.4


def _line_mask(dark: np.ndarray, length: int, horizontal: bool, fill: float = RULE_FILL,
               bridges: tuple[int, int] = (BRIDGE_H, BRIDGE_V), min_piece: int = 0) -> np.ndarray:
    """Pixels on a rule along one direction, gaps included.

    A pixel is on a rule when some window of `length` pixels along the direction through it is
    mostly dark (`RULE_FILL`), so copier dropout and faint, broken rules still count; a one-pixel
    drift across the rule (residual skew) is absorbed by thickening across it first. Collinear
    pieces a short gap apart are then joined (morphological closing along the rule), and only pieces
    at least `length` long are kept: a glyph's stroke is shorter than any rule.
    """
    across = np.ones((3, 1) if horizontal else (1, 3), np.uint8)
    along = np.ones((1, length) if horizontal else (length, 1), np.uint8)
    thick = cv2.dilate(dark.astype(np.uint8), across)
    share = cv2.blur(thick.astype(np.float32), (length, 1) if horizontal else (1, length),
                     borderType=cv2.BORDER_CONSTANT)
    cover = cv2.dilate((share >= fill).astype(np.uint8), along) & thick
    if min_piece:
        # only rule-like pieces are bridged: long gaps would join glyph strokes otherwise
        n, labels, stats, _ = cv2.connectedComponentsWithStats(cover, connectivity=8)
        long_enough = stats[:, cv2.CC_STAT_WIDTH if horizontal else cv2.CC_STAT_HEIGHT] >= min_piece
        long_enough[0] = False
        cover = long_enough[labels].astype(np.uint8)
    bridge = np.ones((1, bridges[0]) if horizontal else (bridges[1], 1), np.uint8)
    joined = cv2.morphologyEx(cover, cv2.MORPH_CLOSE, bridge)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    extent = stats[:, cv2.CC_STAT_WIDTH if horizontal else cv2.CC_STAT_HEIGHT]
    keep = extent >= length
    keep[0] = False
    return keep[labels]


def _segments(mask: np.ndarray, horizontal: bool, scale: float, height_px: int) -> list[Segment]:
    """Rules in a line mask -> segments in PDF points (y up), one per connected piece."""
    out: list[Segment] = []
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    for k in range(1, n):
        x, y, w, h, _area = (int(v) for v in stats[k])
        if horizontal:
            yc = float(height_px - (y + h / 2)) * scale
            out.append(Segment(float(x) * scale, yc, float(x + w) * scale, yc))
        else:
            xc = float(x + w / 2) * scale
            out.append(Segment(xc, float(height_px - (y + h)) * scale, xc, float(height_px - y) * scale))
    return out


class Rules(NamedTuple):
    """A page image's table rules."""

    segments: list[Segment]  # PDF points
    erase: np.ndarray  # the pixels to erase before OCR
    tables: list  # the tables they form
    dashed: bool  # some table's rules are a photocopier's dashes: its strokes are broken too


def find_rules(gray: np.ndarray, scale: float) -> Rules:
    """Table rules of a page image: segments (PDF points), the pixels to erase, the tables they form."""
    dark = gray < 160
    h, w = dark.shape
    # Horizontal rules span at least a narrow column (≈80 px); vertical ones can be as short as a
    # one-line cell (≈50 px), longer than a glyph's stroke (≈30 px at 10.5 pt); the strokes of large
    # titles that reach it never form a grid with horizontal rules, and only rules inside a found
    # table are erased.
    best = None
    for fill, bridges, piece in ((RULE_FILL, (BRIDGE_H, BRIDGE_V), 0), (RETRY_FILL, (RETRY_BRIDGE_H, RETRY_BRIDGE_V), 0),
                                 (RETRY_FILL, (DASHED_BRIDGE_H, DASHED_BRIDGE_V), DASHED_PIECE)):
        hmask = _line_mask(dark, max(80, w // 20), True, fill, bridges, piece)
        vmask = _line_mask(dark, max(44, h // 50), False, fill, bridges, piece)
        segments = _segments(hmask, True, scale, h) + _segments(vmask, False, scale, h)
        tables = _tables_of(segments)
        judged: dict[int, tuple] = {}  # id(table) -> ruled_edges(...), computed once per table
        found = (hmask, vmask, segments, tables, judged)
        if piece and not (best and best[3]) and _largest(tables) < STAT_TABLE_AREA:
            break  # where nothing was ruled, joined dashes must make a statistics table, not a scrap in prose
        if best is None or _covered(tables) > _covered(best[3]) * GAIN:
            best = found  # more of the page in statistics tables: a second table, or a lost frame
        if (tables and len(tables) <= 2 and _largest(tables) >= STAT_TABLE_AREA
                and all(_judge(judged, dark, t, scale)[2] for t in tables)):
            # One or two tables with solid rules: the rules held together at these settings. Dashed
            # ones (a photocopy) may be scraps of the tables the looser readings find whole.
            break
    hmask, vmask, segments, tables, judged = best
    # Which edges of each table are ruled is decided again from the pixels along each edge
    # (`scan_edges`): dashes a copier left, and a line of text taken for a rule, are judged there.
    found = hmask | vmask
    rules = np.zeros_like(dark)
    kept = [s for s in segments if not any(_inside(s, t.bbox) for t in tables)]
    dashed = False
    for table in tables:
        edges, on, solid = _judge(judged, dark, table, scale)
        dashed |= not solid
        kept += edges
        top, bottom, left, right = _pixel_box(table.bbox, scale, h, w, pad=3)
        near = cv2.dilate(on[top:bottom, left:right].astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
        rules[top:bottom, left:right] = (found[top:bottom, left:right] & near) | on[top:bottom, left:right]
    if tables:
        segments = kept
        tables = _tables_of(segments)
    # Erase the rules with a margin: anti-aliased edges left behind read as "|", "l" or "1".
    grown = cv2.dilate(rules.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & dark | rules
    return Rules(segments, grown, tables, dashed)


def _tables_of(segments: list[Segment]) -> list:
    """The tables the segments form, without the "grids" smaller than a table (glyph strokes)."""
    return [t for t in find_tables(segments, page=0)
            if t.bbox[2] - t.bbox[0] >= MIN_TABLE_PT[0] and t.bbox[3] - t.bbox[1] >= MIN_TABLE_PT[1]]


def _judge(judged: dict[int, tuple], dark: np.ndarray, table, scale: float) -> tuple:
    """`scan_edges.ruled_edges` of a table, once per table of a reading."""
    if id(table) not in judged:
        judged[id(table)] = ruled_edges(dark, table, scale)
    return judged[id(table)]


def _inside(s: Segment, bbox, tol: float = 3.0) -> bool:
    x0, y0, x1, y1 = bbox
    return (x0 - tol <= min(s.x0, s.x1) and max(s.x0, s.x1) <= x1 + tol
            and y0 - tol <= min(s.y0, s.y1) and max(s.y0, s.y1) <= y1 + tol)


def _area(table) -> float:
    return (table.bbox[2] - table.bbox[0]) * (table.bbox[3] - table.bbox[1])


def _covered(tables: list) -> float:
    """The area of the statistics-sized tables (a page's two or three tables, not scraps of grid)."""
    return sum(a for a in map(_area, tables) if a >= STAT_TABLE_AREA)


def _largest(tables: list) -> float:
    return max(map(_area, tables), default=0.0)


def _pixel_box(bbox, scale: float, h: int, w: int, pad: int = 0) -> tuple[int, int, int, int]:
    """PDF-point bbox (y up) -> (top, bottom, left, right) pixel slice bounds, grown by `pad` (may be < 0)."""
    x0, y0, x1, y1 = bbox
    top = int(round(h - y1 / scale)) - pad
    bottom = int(round(h - y0 / scale)) + pad
    left = int(round(x0 / scale)) - pad
    right = int(round(x1 / scale)) + pad
    return max(top, 0), min(bottom, h), max(left, 0), min(right, w)


Word = tuple[int, int, int, int, str, float]  # left, top, width, height (pixels), text, confidence (0..100)
DIGITS_CONFIG = ("-c", "tessedit_char_whitelist=0123456789,.-")  # the digit-restricted reading of numeric cells
SUSPECT_BELOW = 0.5  # a cell read with less confidence than this is flagged `suspect`
DISAGREE_CONF = 0.3  # the confidence of a numeric cell whose two readings differ
WORD_GAP = 14  # px between two words of a numeric cell that make them two numbers, not one


def _tesseract(images: list[np.ndarray], timeout: float = TIMEOUT_S, lang: str = LANG,
               config: tuple[str, ...] = ()) -> list[list[Word]]:
    """Words of each image, from one Tesseract process reading them all as the pages of a list file:
    loading the model costs ≈0.15 CPU s, paid once per batch instead of once per image."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="nianbao-ocr-") as tmp:
        paths = []
        for k, image in enumerate(images):
            h, w = image.shape
            path = Path(tmp) / f"{k}.pgm"
            path.write_bytes(b"P5 %d %d 255\n" % (w, h) + np.ascontiguousarray(image).tobytes())
            paths.append(str(path))
        listing = Path(tmp) / "images.txt"
        listing.write_text("\n".join(paths) + "\n")
        proc = subprocess.run(["tesseract", str(listing), "stdout", "-l", lang, "--psm", "6", "--dpi", str(DPI),
                               "-c", "tessedit_do_invert=0", *config, "tsv"], capture_output=True, env=env,
                              timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip()[-200:] or "tesseract failed")
    out: list[list[Word]] = [[] for _ in images]
    reader = csv.reader(io.StringIO(proc.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None:
        return out
    col = {name: i for i, name in enumerate(header)}
    for row in reader:
        if len(row) < len(header) or row[col["level"]] != "5":
            continue
        k = int(row[col["page_num"]]) - 1
        text = row[col["text"]].strip()
        conf = float(row[col["conf"]])
        if text and conf >= 0 and 0 <= k < len(out):
            out[k].append((int(row[col["left"]]), int(row[col["top"]]), int(row[col["width"]]),
                           int(row[col["height"]]), text, conf))
    return out


def _glyph(word: Word, scale: float, h: int, conf: float | None = None) -> Glyph:
    left, top, width, height, text, raw_conf = word
    return Glyph(left * scale, (h - top - height) * scale, (left + width) * scale, (h - top) * scale, text,
                 conf=round(raw_conf / 100 if conf is None else conf, 3))


CELL_GAP = 24  # px of white between stacked cell images
INK_PAD = 20  # px of white kept around a cell's ink (within the cell): Tesseract wants a margin, more is wasted work
MAX_STACK = 20000  # px: tall stacks are OCR'd as several images
PAGES_PER_CALL = 8  # pages whose images share one Tesseract process (bounds the images held in memory)
GLYPH_AREA = 15  # px: ink components smaller than this in a cell are specks, not part of a value


@dataclass
class _Stack:
    """Cell images stacked on a white canvas, one below the other, and where each came from."""

    canvas: np.ndarray
    cells: list[int]  # indexes into the boxes
    starts: list[int]  # canvas row where each cell's image starts


def _stack_cells(image: np.ndarray, boxes: list[tuple[int, int, int, int]], which: list[int]) -> list[_Stack]:
    """The cells `which` of `image` on canvases: each cell read in isolation (no words running across
    cell borders, lines of a tall merged cell in order) while Tesseract sees one image, not hundreds."""
    out: list[_Stack] = []

    def stack(indexes: list[int], total: int) -> None:
        width = max(boxes[i][3] - boxes[i][2] for i in indexes) + 2 * CELL_GAP
        canvas = np.full((total, width), 255, dtype=np.uint8)
        starts = []
        y = CELL_GAP
        for i in indexes:
            top, bottom, left, right = boxes[i]
            canvas[y:y + bottom - top, CELL_GAP:CELL_GAP + right - left] = image[top:bottom, left:right]
            starts.append(y)
            y += bottom - top + CELL_GAP
        out.append(_Stack(canvas, indexes, starts))

    batch: list[int] = []
    height = CELL_GAP
    for i in which:
        top, bottom = boxes[i][:2]
        if batch and height + bottom - top + CELL_GAP > MAX_STACK:
            stack(batch, height)
            batch, height = [], CELL_GAP
        batch.append(i)
        height += bottom - top + CELL_GAP
    if batch:
        stack(batch, height)
    return out


def _unstack(stack: _Stack, words: list[Word], boxes: list[tuple[int, int, int, int]]) -> dict[int, list[Word]]:
    """Words read on a stack, per cell, in page pixels."""
    out: dict[int, list[Word]] = {}
    for left, top, width, height, text, conf in words:
        centre = top + height / 2
        k = max((j for j, start in enumerate(stack.starts) if start - CELL_GAP / 2 <= centre), default=0)
        b_top, _b_bottom, b_left, _b_right = boxes[stack.cells[k]]
        out.setdefault(stack.cells[k], []).append(
            (b_left + left - CELL_GAP, b_top + top - stack.starts[k], width, height, text, conf))
    return out


def _ink_box(ink: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) of the dark pixels of a boolean image, or None when there are none."""
    rows = np.nonzero(ink.any(axis=1))[0]
    if not len(rows):
        return None
    cols = np.nonzero(ink.any(axis=0))[0]
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _glyph_ink(ink: np.ndarray) -> np.ndarray:
    """A cell's ink without specks: blank versus 0 is decided by what is left."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= GLYPH_AREA
    return keep[labels]


def is_slash(ink: np.ndarray) -> bool:
    """Is this cropped ink (True = dark) a lone "/": one thin stroke rising to the right?

    Every row's ink is a short run, the runs move right going up, and the whole is neither upright
    and narrow (a "1") nor topped by a bar (a "7", whose top rows span the glyph).
    """
    h, w = ink.shape
    if h < 12 or not 0.25 * h <= w <= 1.2 * h:
        return False
    centres = []
    for row in ink:
        xs = np.nonzero(row)[0]
        if len(xs) == 0 or xs[-1] - xs[0] + 1 > max(0.45 * w, 0.25 * h):
            return False  # a gap inside the glyph, or a horizontal bar
        centres.append((xs[0] + xs[-1]) / 2)
    steps = np.diff(centres)
    # From the top row down, the stroke moves left: by most of the glyph width, never back right.
    return bool(centres[0] - centres[-1] >= 0.6 * (w - 1) - 2 and (steps <= 1.0).all())


DIGIT_W = 18  # px: the widest ink shape of a digit at 200 dpi (a CJK character has wider strokes)
LINE_GAP = 5  # px of paper between two lines of a cell


def digit_lines(ink: np.ndarray) -> list[tuple[int, int]] | None:
    """The (top, bottom) rows of each line of a cell's cropped ink when it holds two or more lines
    made only of digit-sized shapes; otherwise None. Two rows' numbers in one cell (their rule lost
    to a copier) read as one line would be one number ("168" over "1": 1681); read line by line,
    the page's unruled-row splitting (`pdf_unruled.missing_rules`) can put each in its row."""
    rows = ink.any(axis=1)
    bands, start, gap = [], None, 0
    for y, on in enumerate(rows):
        if on:
            if start is None:
                start = y
            gap = 0
        elif start is not None:
            gap += 1
            if gap >= LINE_GAP:
                bands.append((start, y - gap + 1))
                start, gap = None, 0
    if start is not None:
        bands.append((start, len(rows) - gap))
    if len(bands) < 2 or any(b - a < 10 for a, b in bands):
        return None
    _n, _labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    if (stats[1:, cv2.CC_STAT_WIDTH] > DIGIT_W).any():
        return None
    return bands


@dataclass
class _PagePlan:
    """One page prepared for OCR: its rules, the cells to read and the words known without OCR."""

    image: np.ndarray  # bilevel, rules erased
    segments: list[Segment]
    boxes: list[tuple[int, int, int, int]]  # cells with ink to read (top, bottom, left, right)
    words: list[Word]
    outside: tuple[np.ndarray, int, int] | None = None  # text outside the tables, and its offset
    prep: dict | None = None
    first_page: bool = False


def _plan_page(gray: np.ndarray, prep: dict | None = None, faint=None) -> _PagePlan:
    """`faint()`, when given, makes the page's reading with faint ink kept (`binarise(faint_ink=True)`):
    the page is read from it when the plain reading's tables cover little of the page and the faint
    reading's cover a good deal more (rules and strokes a photocopier broke: `prep['faint_ink']`)."""
    scale = 72 / DPI
    h, w = gray.shape
    segments, rules, tables, dashed = find_rules(gray, scale)
    area = sum(map(_area, tables))
    text = gray
    if faint is not None and area < FAINT_TRY_SHARE * (w * scale) * (h * scale):
        faint_gray = faint()
        f_segments, f_rules, f_tables, _dashed = find_rules(faint_gray, scale)
        if sum(map(_area, f_tables)) > area * GAIN and _largest(f_tables) >= STAT_TABLE_AREA:
            gray = text = faint_gray
            segments, rules, tables = f_segments, f_rules, f_tables
            prep = {**(prep or {}), "faint_ink": True}
    if faint is not None and dashed and not (prep or {}).get("faint_ink"):
        # Rules printed as dashes: the photocopier broke the glyphs' strokes too ("2021" read "2:21").
        # The cells stay those of the plain reading; their text is read with the faint ink kept,
        # whose rules are thicker (the hysteresis grows ink), so more is erased round them.
        text = faint()
        rules = cv2.dilate(rules.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & (text < 160) | rules
        prep = {**(prep or {}), "faint_text": True}
    # Tesseract gets a clean bilevel image: no rules, no grey fringe.
    clean = np.where(text < 160, 0, 255).astype(np.uint8)
    clean[rules] = 255
    boxes = []
    words: list[Word] = []
    for table in tables:
        for region in table.regions:
            top, bottom, left, right = _pixel_box(table.region_bbox(region), scale, h, w, pad=-3)
            if bottom - top <= 4 or right - left <= 4:
                continue
            ink = _glyph_ink(clean[top:bottom, left:right] < 128)
            if ink.sum() < 12:
                continue  # a cell without ink is blank: no OCR needed
            i_top, i_bottom, i_left, i_right = _ink_box(ink)  # type: ignore[misc]
            ink_h, ink_w = i_bottom - i_top, i_right - i_left
            if ink_h <= 6 and ink_w >= 6:
                # A lone dash (the "not applicable" marker) is too thin for Tesseract to read.
                text = "—" if ink_w >= 20 else "-"
                words.append((left + i_left, top + i_top, ink_w, ink_h, text, 90.0))
                continue
            if is_slash(ink[i_top:i_bottom, i_left:i_right]):
                # The "/" marker alone in a cell: Tesseract reads it as 1 or 7, both plausible counts.
                words.append((left + i_left, top + i_top, ink_w, ink_h, "/", 90.0))
                continue
            for b_top, b_bottom in digit_lines(ink[i_top:i_bottom, i_left:i_right]) or [(0, i_bottom - i_top)]:
                b_top, b_bottom = i_top + b_top, i_top + b_bottom
                boxes.append((top + max(b_top - INK_PAD, 0), top + min(b_bottom + INK_PAD, bottom - top),
                              left + max(i_left - INK_PAD, 0), left + min(i_right + INK_PAD, right - left)))
    outside = clean.copy()
    for table in tables:
        top, bottom, left, right = _pixel_box(table.bbox, scale, h, w, pad=2)
        outside[top:bottom, left:right] = 255
    plan = _PagePlan(clean, segments, boxes, words, prep=prep)
    ink = outside < 128
    if ink.sum() > 50:
        o_top, o_bottom, o_left, o_right = _ink_box(ink)  # type: ignore[misc]
        o_top, o_left = max(o_top - 2 * INK_PAD, 0), max(o_left - 2 * INK_PAD, 0)
        o_bottom, o_right = min(o_bottom + 2 * INK_PAD, h), min(o_right + 2 * INK_PAD, w)
        plan.outside = (outside[o_top:o_bottom, o_left:o_right], o_left, o_top)
    return plan


_NUMERIC_LIKE = re.compile(r"^[\dOoIl|SZB了工〇,，.．\s]{1,14}$")


def _cell_text(words: list[Word]) -> str:
    return "".join(w[4] for w in sorted(words, key=lambda w: (w[1] // 12, w[0])))


def _is_number(text: str) -> bool:
    from ..normalize import parse_number

    return parse_number(text)[1] == "number"


def decide_cell(first: list[Word], digits: list[Word] | None, box: tuple[int, int, int, int]) -> list[tuple[Word, float]]:
    """The words a cell keeps and the confidence of each (0..1), from its two readings.

    `first` is the general (chi_sim) reading; `digits` the digit-restricted one, for cells that look
    numeric (None otherwise). Both agreeing on a number is the surest reading there is. When they
    differ the digit reading is kept (it cannot return a letter for a digit) but the cell is doubtful;
    ink that neither reading turns into anything is doubtful too, and kept as an empty word so the
    cell carries its doubt instead of passing as blank.
    """
    if digits is None:
        if not first:
            top, _bottom, left, _right = box
            return [((left, top, 1, 1, "", 0.0), 0.0)]  # ink without text
        return [(w, w[5] / 100) for w in first]
    d_text = _cell_text(digits)
    f_text = clean_ocr_cell(_cell_text(first))
    if digits and _is_number(d_text):
        agree = _norm_digits(d_text) == _norm_digits(f_text)
        conf = min(w[5] for w in digits) / 100
        ordered = sorted(digits, key=lambda w: w[0])
        if any(b[0] - (a[0] + a[2]) > WORD_GAP for a, b in zip(ordered, ordered[1:])):
            agree = False  # two numbers apart in one cell (a rule missing between them?): not one number
        return [(w, conf if agree else min(conf, DISAGREE_CONF)) for w in digits]
    if first:
        return [(w, min(w[5] / 100, DISAGREE_CONF)) for w in first]  # ink the digit reading made nothing of
    top, _bottom, left, _right = box
    return [((left, top, 1, 1, "", 0.0), 0.0)]


def _norm_digits(text: str) -> str:
    return re.sub(r"[\s,，]", "", text)


def split_unruled_cells(table, buckets: dict[int, list[Glyph]]) -> None:
    """Cells that a missing rule merged across columns, split back where the text says so: a region
    spanning columns whose words are all numbers, each inside one column, in two columns or more, is
    one cell per column (column alignment of the values where the rule is gone). Genuinely merged
    cells (headers, labels) hold text, or one number, and stay merged. `buckets`: glyphs per region id."""
    from .pdf_grid import Region

    out = []
    for reg in table.regions:
        words = buckets.get(id(reg), [])
        slots: dict[int, list[Glyph]] = {}
        for g in words if reg.c1 - reg.c0 >= 2 and len(words) >= 2 else []:
            col = next((j for j in range(reg.c0, reg.c1)
                        if table.col_edges[j] - 1 <= g.x0 and g.x1 <= table.col_edges[j + 1] + 1), None)
            if col is None or not _is_number(g.text):
                slots = {}
                break
            slots.setdefault(col, []).append(g)
        if len(slots) < 2:
            out.append(reg)
            continue
        for j in range(reg.c0, reg.c1):
            part = Region(reg.r0, reg.r1, j, j + 1)
            buckets[id(part)] = slots.get(j, [])
            out.append(part)
    if len(out) != len(table.regions):
        table.regions = out
        table._slots = None  # the point-to-region index is rebuilt on the next lookup


def cell_doubt(confidences: list[float]) -> tuple[float | None, list[str]]:
    """A table cell's confidence (its least sure word) and flags."""
    if not confidences:
        return None, []
    conf = round(min(confidences), 3)
    return conf, (["suspect"] if conf < SUSPECT_BELOW else [])


STACKED = 1.7  # a number's ink this many times as tall as the table's numbers holds two lines


def stacked_number_doubt(table, buckets: dict[int, list[Glyph]]) -> None:
    """Doubt a number whose ink is two lines tall. Two rows' values in one cell (the rule between
    them lost to a copier) read as one number: "168" over "1" becomes 1681, a plausible count."""
    heights = sorted(g.y1 - g.y0 for region in table.regions for g in buckets.get(id(region), [])
                     if _is_number(g.text))
    if not heights:
        return
    line = heights[len(heights) // 2]
    for region in table.regions:
        bucket = buckets.get(id(region), [])
        if not bucket or not _is_number(region.text):
            continue
        if max(g.y1 for g in bucket) - min(g.y0 for g in bucket) > STACKED * line:
            region.confidence = min(region.confidence if region.confidence is not None else 1.0, DISAGREE_CONF)
            region.flags = sorted({*region.flags, "suspect", "two_lines"})


LABELS_ENV, DIGITS_ENV = "NIANBAO_OCR_LABELS", "NIANBAO_OCR_DIGITS"
ENGINES = ("tesseract", "rapidocr")
DEFAULT_ENGINES = {"labels": "rapidocr", "digits": "tesseract"}  # chosen by measurement: README "Scanned reports"


def engines() -> dict[str, str]:
    """The OCR engine per role (labels: every cell's first reading; digits: the second reading of
    numeric cells), from NIANBAO_OCR_LABELS / NIANBAO_OCR_DIGITS or the measured defaults. rapidocr
    falls back to tesseract when the package is not installed."""
    from . import ocr_rapid

    out = {}
    for role, env in (("labels", LABELS_ENV), ("digits", DIGITS_ENV)):
        value = os.environ.get(env, "").strip().lower() or DEFAULT_ENGINES[role]
        if value not in ENGINES:
            raise ValueError(f"{env}={value!r} is not an OCR engine: use tesseract or rapidocr")
        out[role] = value if value != "rapidocr" or ocr_rapid.available() else "tesseract"
    return out


def engine_names(chosen: dict[str, str]) -> str:
    from . import ocr_rapid

    names = {"tesseract": f"{tesseract_version() or 'tesseract'}", "rapidocr": None}
    if "rapidocr" in chosen.values():
        names["rapidocr"] = ocr_rapid.version()
    labels = f"{names[chosen['labels']]} {LANG}" if chosen["labels"] == "tesseract" else names["rapidocr"]
    digits = f"{names[chosen['digits']]} eng digits" if chosen["digits"] == "tesseract" else names["rapidocr"]
    return f"labels: {labels}; digits: {digits}"


def _read_group(plans: list[_PagePlan], timeout: float) -> list[tuple[list[Glyph], list[Segment], list[float]]]:
    """OCR of a group of prepared pages: a first reading of every cell and of the text outside the
    tables, the labels read again by the labels engine when it is not Tesseract, a digit-restricted
    second reading of the cells that look numeric by the digits engine."""
    from . import ocr_rapid

    chosen = engines()
    scale = 72 / DPI
    # Tesseract reads every cell first (one process for the whole group: cheap), which tells the
    # numeric cells from the labels; each role's engine then reads its cells again.
    first: dict[int, dict[int, list[Word]]] = {id(p): {} for p in plans}
    stacks = [(p, st) for p in plans for st in _stack_cells(p.image, p.boxes, list(range(len(p.boxes))))]
    outside = [p for p in plans if p.outside is not None]
    found = _tesseract([st.canvas for _p, st in stacks] + [p.outside[0] for p in outside], timeout=timeout)  # type: ignore[index]
    for (p, st), words in zip(stacks, found):
        first[id(p)].update(_unstack(st, words, p.boxes))
    numeric = {id(p): [i for i in range(len(p.boxes)) if _looks_numeric(first[id(p)].get(i, []))] for p in plans}
    if chosen["labels"] == "rapidocr":
        for p in plans:
            # Only labels Tesseract's reading does not place among the template's: PP-OCR reads
            # labels better, Tesseract costs a fraction, and most labels are the template's.
            labels = [i for i in range(len(p.boxes)) if i not in set(numeric[id(p)])
                      and not is_known_label(clean_ocr_cell(_cell_text(first[id(p)].get(i, []))))]
            first[id(p)].update(ocr_rapid.read_cells(p.image, p.boxes, labels))
    second: dict[int, dict[int, list[Word]]] = {id(p): {} for p in plans}
    if chosen["digits"] == "tesseract":
        d_stacks = [(p, st) for p in plans for st in _stack_cells(p.image, p.boxes, numeric[id(p)])]
        if d_stacks:
            d_found = _tesseract([st.canvas for _p, st in d_stacks], timeout=timeout, lang="eng", config=DIGITS_CONFIG)
            for (p, st), words in zip(d_stacks, d_found):
                second[id(p)].update(_unstack(st, words, p.boxes))
    else:
        for p in plans:
            second[id(p)] = ocr_rapid.read_cells(p.image, p.boxes, numeric[id(p)])
    out = []
    outside_words = dict(zip(map(id, outside), found[len(stacks):]))
    for p in plans:
        h = p.image.shape[0]
        glyphs = [_glyph(w, scale, h) for w in p.words]
        is_numeric = set(numeric[id(p)])
        for i, box in enumerate(p.boxes):
            digits = second[id(p)].get(i, []) if i in is_numeric else None
            glyphs += [_glyph(w, scale, h, conf) for w, conf in decide_cell(first[id(p)].get(i, []), digits, box)]
        if p.outside is not None:
            img, dx, dy = p.outside
            words = outside_words.get(id(p), [])
            if p.first_page and chosen["labels"] == "rapidocr":
                words = _title_lines(img, words)
            glyphs += [_glyph((l + dx, t + dy, ww, hh, text, c), scale, h) for l, t, ww, hh, text, c in words]
        confs = [g.conf for g in glyphs for _ in g.text if g.conf is not None]
        out.append((glyphs, p.segments, confs))
    return out


TITLE_LINES = 3  # lines at the top of a document's first page read again by PP-OCR: title, agency, year


def _title_lines(image: np.ndarray, words: list[Word]) -> list[Word]:
    """The first lines of a first page (the title: agency and year) in PP-OCR's reading, which misreads
    far fewer characters than Tesseract's (e.g. 赣州 read as 闽州); the other lines stay Tesseract's."""
    from . import ocr_rapid

    h, w = image.shape
    lines = [ln for ln in ocr_rapid.cell_lines(image, (0, h, 0, w)) if ln[1] - ln[0] >= 16][:TITLE_LINES]
    if not lines:
        return words
    read = ocr_rapid.read_cells(image, lines, list(range(len(lines))))
    kept = [wd for wd in words if not any(top <= wd[1] + wd[3] / 2 < bottom for top, bottom, _l, _r in lines)]
    for k, (top, bottom, _l, _r) in enumerate(lines):
        if k not in read:  # PP-OCR found nothing: Tesseract's words of that line stay
            kept += [wd for wd in words if top <= wd[1] + wd[3] / 2 < bottom]
    return kept + [wd for k in sorted(read) for wd in read[k]]


def _looks_numeric(words: list[Word]) -> bool:
    text = _cell_text(words)
    return not words or bool(_NUMERIC_LIKE.match(text))


@dataclass
class PageImage:
    """One page to OCR: its 0-based index, pixels (grey, BGR or BGRA) and resolution."""

    index: int
    pixels: np.ndarray
    dpi: float


def ocr_images(pages, *, steps: tuple[str, ...] | None = None, reject=None) -> OcrResult:
    """OCR pages (an iterable of `PageImage`, consumed `PAGES_PER_CALL` at a time so memory stays
    bounded): each prepared (`scan_prep`), its rules found, its cells read. `reject(index, bilevel)`
    may return why a page is not a report page: that page is skipped and the reason kept."""
    from .scan_prep import prepare_page

    version = tesseract_version()
    result = OcrResult(extractor=f"{engine_names(engines()) if version else 'tesseract (missing)'}; opencv {cv2.__version__}")
    if version is None:
        result.error = "scanned pages but tesseract is not installed: no OCR"
        return result
    confs: list[float] = []
    errors: list[str] = []
    group: list[tuple[int, _PagePlan]] = []
    faint_copy = False

    def flush() -> None:
        if not group:
            return
        try:
            read = _read_group([p for _i, p in group], timeout=TIMEOUT_S * len(group))
        except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
            first, last = group[0][0] + 1, group[-1][0] + 1
            errors.append(f"OCR failed on {'page %d' % first if first == last else 'pages %d-%d' % (first, last)}: {exc}")
            read = [([], p.segments, []) for _i, p in group]
        for (i, plan), (glyphs, segments, page_confs) in zip(group, read):
            confs.extend(page_confs)
            result.pages[i] = (glyphs, segments)
            h, w = plan.image.shape
            result.prep[i] = {**(plan.prep or {}), "size": (w * 72 / DPI, h * 72 / DPI)}
        group.clear()

    for page in pages:
        prepared = prepare_page(page.pixels, page.dpi, steps=steps)
        why = reject(page.index, prepared.image) if reject is not None else None
        if why:
            result.rejected[page.index] = why
            continue
        if faint_copy:
            # an earlier page of this file needed its faint ink: a copier's damage is the whole file's
            plan = _plan_page(prepared.faint(), {**prepared.steps, "faint_ink": True})
        else:
            plan = _plan_page(prepared.image, prepared.steps, faint=prepared.faint)
            faint_copy = bool(plan.prep and plan.prep.get("faint_ink"))
        plan.first_page = page.index == 0
        group.append((page.index, plan))
        if len(group) >= PAGES_PER_CALL:
            flush()
    flush()
    if errors:
        result.error = "; ".join(errors)
    result.confidence = round(sum(confs) / len(confs), 3) if confs else None
    return result


def _pdf_page_images(data: bytes, indexes: list[int]):
    pdf = pdfium.PdfDocument(data)
    try:
        for i in indexes:
            page = pdf[i]
            pixels = page.render(scale=DPI / 72).to_numpy()  # colour: red seals are removed by colour
            page.close()
            yield PageImage(i, pixels, DPI)
    finally:
        pdf.close()


def ocr_pages(data: bytes, indexes: list[int]) -> OcrResult:
    """OCR the given 0-based pages of a PDF: glyphs and rules per page, mean confidence (0..1)."""
    result = ocr_images(_pdf_page_images(data, indexes))
    result.extractor += " + pypdfium2"
    return result


_ENUM_BRACKETS = re.compile(r"[《〈{<〔\[【(（]\s*([一二三四五六七八九十\d]{1,2})\s*[)）》〉}>〕\]】]")
_QUOTES = "“”\"'‘’|`"
_STRAY = _QUOTES + ",.;:、。_~"


def clean_ocr_cell(text: str) -> str:
    """Undo the commonest Tesseract slips in table cells.

    Brackets read as 《〈{ in enumerations ("《三) 不予公开" -> "(三)不予公开"),
    specks at a cell's edge read as quotes or bars ("“47" -> "47",
    "(三)不予公开。”" -> "(三)不予公开"), one wrong character in a known
    template label (`ocr_lexicon`). Only applied to OCR output.
    """
    from ..normalize import DIGIT_LOOKALIKES, parse_number

    t = _ENUM_BRACKETS.sub(r"(\1)", text.strip())
    # After the number, a dash is the scrap of a rule the erasing missed ("0-", "3 _"); before it,
    # it may be the number's sign, so it stays there.
    core = t.strip(_STRAY + " ").rstrip("-—‘’' " + _STRAY)
    if core != t and parse_number(core)[1] == "number":
        return core
    if len(t) <= 12 and any(ord(ch) in DIGIT_LOOKALIKES for ch in t):
        as_digits = t.translate(DIGIT_LOOKALIKES)
        if parse_number(as_digits)[1] == "number":
            return as_digits  # "O" -> "0", "了" -> "7" where the cell is otherwise a number
    if 1 < len(t) <= 3 and "/" in t and not t.strip("/1lI|"):
        return "/"  # the slash marker with a speck read as 1
    if t.count("“") != t.count("”"):  # an unbalanced quote at an edge is a speck, not a quote
        t = t.strip(_QUOTES + " ")
    if t.endswith(("。", "。”")) and t.count("。") == 1 and len(t) <= 20:
        t = t.rstrip("。” ")  # labels are not sentences
    return correct_label(t.strip("|` "))
