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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from .ocr_lexicon import correct_label
from .pdf_grid import Segment, find_tables
from .pdf_text import Glyph

DPI = 200
LANG = "chi_sim"
TIMEOUT_S = 60  # per page: a normal page takes 1-2 s


@dataclass
class OcrResult:
    pages: dict[int, tuple[list[Glyph], list[Segment]]] = field(default_factory=dict)
    confidence: float | None = None
    extractor: str = ""
    error: str | None = None


def tesseract_version() -> str | None:
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].strip() if first else "tesseract"


def _runs(mask: np.ndarray, min_len: int) -> np.ndarray:
    """Pixels that belong to a run of at least `min_len` True values along axis 1."""
    h, w = mask.shape
    if w < min_len:
        return np.zeros_like(mask)
    cs = np.zeros((h, w + 1), dtype=np.int32)
    np.cumsum(mask, axis=1, out=cs[:, 1:])
    full = (cs[:, min_len:] - cs[:, :-min_len]) == min_len  # a full window starts here
    starts = np.zeros((h, w + 1), dtype=np.int32)
    starts[:, 1:w - min_len + 2] = full
    cover = np.cumsum(starts, axis=1)
    cover[:, min_len:] -= cover[:, :-min_len].copy()
    return cover[:, 1:] > 0


def _segments(mask: np.ndarray, horizontal: bool, scale: float, height_px: int) -> list[Segment]:
    """Runs in a line mask -> segments in PDF points (y up)."""
    out: list[Segment] = []
    m = mask if horizontal else mask.T
    rows = np.nonzero(m.any(axis=1))[0]
    for r in rows:
        line = np.concatenate(([0], m[r].astype(np.int8), [0]))
        d = np.diff(line)
        for a, b in zip(np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]):
            if horizontal:
                y = float(height_px - r) * scale
                out.append(Segment(float(a) * scale, y, float(b) * scale, y))
            else:
                x = float(r) * scale
                out.append(Segment(x, float(height_px - b) * scale, x, float(height_px - a) * scale))
    return out


def find_rules(gray: np.ndarray, scale: float) -> tuple[list[Segment], np.ndarray, list]:
    """Table rules of a page image: segments (PDF points), the pixels to erase, the tables they form."""
    dark = gray < 160
    h, w = dark.shape
    # Horizontal rules span at least a narrow column (≈80 px); vertical ones can be as short as a
    # one-line cell (≈40 px), which glyph strokes of large titles also reach: those never form a grid
    # with horizontal rules, and only rules inside a found table are erased.
    min_h = max(80, w // 20)
    min_v = max(36, h // 80)
    # Thin rules break up when a scan is thresholded: bridge 1-2 px gaps along each direction.
    hdark = dark.copy()
    hdark[:, 1:] |= dark[:, :-1]
    hdark[:, :-1] |= dark[:, 1:]
    vdark = dark.copy()
    vdark[1:, :] |= dark[:-1, :]
    vdark[:-1, :] |= dark[1:, :]
    hmask = _runs(hdark, min_h) & dark
    vmask = _runs(vdark.T, min_v).T & dark
    segments = _segments(hmask, True, scale, h) + _segments(vmask, False, scale, h)
    tables = find_tables(segments, page=0)
    rules = np.zeros_like(dark)
    for table in tables:
        top, bottom, left, right = _pixel_box(table.bbox, scale, h, w, pad=3)
        rules[top:bottom, left:right] = (hmask | vmask)[top:bottom, left:right]
    # Erase the rules with a margin: anti-aliased edges left behind read as "|", "l" or "1".
    grown = rules.copy()
    for shift in (1, 2):
        grown[shift:, :] |= rules[:-shift, :]
        grown[:-shift, :] |= rules[shift:, :]
        grown[:, shift:] |= rules[:, :-shift]
        grown[:, :-shift] |= rules[:, shift:]
    return segments, grown, tables


def _pixel_box(bbox, scale: float, h: int, w: int, pad: int = 0) -> tuple[int, int, int, int]:
    """PDF-point bbox (y up) -> (top, bottom, left, right) pixel slice bounds, grown by `pad` (may be < 0)."""
    x0, y0, x1, y1 = bbox
    top = int(round(h - y1 / scale)) - pad
    bottom = int(round(h - y0 / scale)) + pad
    left = int(round(x0 / scale)) - pad
    right = int(round(x1 / scale)) + pad
    return max(top, 0), min(bottom, h), max(left, 0), min(right, w)


Word = tuple[int, int, int, int, str, float]  # left, top, width, height (pixels), text, confidence
Placer = Callable[[list[Word]], list[Word]]  # words on an OCR image -> words in page pixels


def _tesseract(images: list[np.ndarray], timeout: float = TIMEOUT_S) -> list[list[Word]]:
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
        proc = subprocess.run(["tesseract", str(listing), "stdout", "-l", LANG, "--psm", "6", "--dpi", str(DPI),
                               "-c", "tessedit_do_invert=0", "tsv"], capture_output=True, env=env,
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


def _glyph(left: float, top: float, width: float, height: float, text: str, scale: float, h: int) -> Glyph:
    return Glyph(left * scale, (h - top - height) * scale, (left + width) * scale, (h - top) * scale, text)


CELL_GAP = 24  # px of white between stacked cell images
INK_PAD = 20  # px of white kept around a cell's ink (within the cell): Tesseract wants a margin, more is wasted work
MAX_STACK = 20000  # px: tall stacks are OCR'd as several images
PAGES_PER_CALL = 8  # pages whose images share one Tesseract process (bounds the images held in memory)


def _stack_cells(image: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> list[tuple[np.ndarray, Placer]]:
    """Cell images stacked on white canvases, one below the other, each with its way back to the page.

    Each cell is read in isolation (no words running across cell borders, lines of a tall merged
    cell in order) while Tesseract sees one image instead of hundreds.
    """
    out: list[tuple[np.ndarray, Placer]] = []

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

        def place(words: list[Word]) -> list[Word]:
            placed = []
            for left, top, width_w, height_w, text, conf in words:
                centre = top + height_w / 2
                k = max((j for j, start in enumerate(starts) if start - CELL_GAP / 2 <= centre), default=0)
                b_top, _b_bottom, b_left, _b_right = boxes[indexes[k]]
                placed.append((b_left + left - CELL_GAP, b_top + top - starts[k], width_w, height_w, text, conf))
            return placed

        out.append((canvas, place))

    batch: list[int] = []
    height = CELL_GAP
    for i, (top, bottom, _left, _right) in enumerate(boxes):
        if batch and height + bottom - top + CELL_GAP > MAX_STACK:
            stack(batch, height)
            batch, height = [], CELL_GAP
        batch.append(i)
        height += bottom - top + CELL_GAP
    if batch:
        stack(batch, height)
    return out


def _ink_box(ink: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) of the dark pixels of a boolean image, or None when there are none."""
    rows = np.nonzero(ink.any(axis=1))[0]
    if not len(rows):
        return None
    cols = np.nonzero(ink.any(axis=0))[0]
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


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


@dataclass
class _PagePlan:
    """One page prepared for OCR: its rules, the images to read and the words known without OCR."""

    height: int
    segments: list[Segment]
    images: list[tuple[np.ndarray, Placer]]
    words: list[Word]


def _plan_page(gray: np.ndarray) -> _PagePlan:
    scale = 72 / DPI
    h, w = gray.shape
    segments, rules, tables = find_rules(gray, scale)
    # Tesseract gets a clean bilevel image: no rules, no grey fringe.
    clean = np.where(gray < 160, 0, 255).astype(np.uint8)
    clean[rules] = 255
    boxes = []
    words: list[Word] = []
    for table in tables:
        for region in table.regions:
            top, bottom, left, right = _pixel_box(table.region_bbox(region), scale, h, w, pad=-3)
            if bottom - top <= 4 or right - left <= 4:
                continue
            ink = clean[top:bottom, left:right] < 128
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
            boxes.append((top + max(i_top - INK_PAD, 0), top + min(i_bottom + INK_PAD, bottom - top),
                          left + max(i_left - INK_PAD, 0), left + min(i_right + INK_PAD, right - left)))
    outside = clean.copy()
    for table in tables:
        top, bottom, left, right = _pixel_box(table.bbox, scale, h, w, pad=2)
        outside[top:bottom, left:right] = 255
    images = _stack_cells(clean, boxes) if boxes else []
    ink = outside < 128
    if ink.sum() > 50:
        o_top, o_bottom, o_left, o_right = _ink_box(ink)  # type: ignore[misc]
        o_top, o_left = max(o_top - 2 * INK_PAD, 0), max(o_left - 2 * INK_PAD, 0)
        o_bottom, o_right = min(o_bottom + 2 * INK_PAD, h), min(o_right + 2 * INK_PAD, w)

        def place_outside(found: list[Word], dx: int = o_left, dy: int = o_top) -> list[Word]:
            return [(left + dx, top + dy, width, height, text, conf) for left, top, width, height, text, conf in found]

        images.append((outside[o_top:o_bottom, o_left:o_right], place_outside))
    return _PagePlan(h, segments, images, words)


def _finish_page(plan: _PagePlan, found: list[list[Word]]) -> tuple[list[Glyph], list[Segment], list[float]]:
    """Glyphs (PDF points), rules and per-character confidences of one page, from its OCR results."""
    scale = 72 / DPI
    words = list(plan.words)
    for (_image, place), image_words in zip(plan.images, found):
        words += place(image_words)
    glyphs = [_glyph(left, top, width, height, text, scale, plan.height) for left, top, width, height, text, _c in words]
    confs = [conf for *_box, text, conf in words for _ in text]
    return glyphs, plan.segments, confs


def ocr_pages(data: bytes, indexes: list[int]) -> OcrResult:
    """OCR the given 0-based pages: glyphs and rules per page, mean confidence (0..1)."""
    version = tesseract_version()
    result = OcrResult(extractor=f"{version or 'tesseract (missing)'} {LANG} + pypdfium2")
    if version is None:
        result.error = "scanned PDF but tesseract is not installed: no OCR"
        return result
    confs: list[float] = []
    pdf = pdfium.PdfDocument(data)
    try:
        for start in range(0, len(indexes), PAGES_PER_CALL):
            group = indexes[start:start + PAGES_PER_CALL]
            plans = {}
            for i in group:
                page = pdf[i]
                gray = page.render(scale=DPI / 72, grayscale=True).to_numpy()
                gray = gray.reshape(gray.shape[0], gray.shape[1]) if gray.ndim == 3 else gray
                page.close()
                plans[i] = _plan_page(gray)
            images = [image for plan in plans.values() for image, _place in plan.images]
            try:
                found = _tesseract(images, timeout=TIMEOUT_S * len(group)) if images else []
            except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
                pages = f"page {group[0] + 1}" if len(group) == 1 else f"pages {group[0] + 1}-{group[-1] + 1}"
                result.error = f"OCR failed on {pages}: {exc}"
                found = [[] for _ in images]
            k = 0
            for i, plan in plans.items():
                glyphs, segments, page_confs = _finish_page(plan, found[k:k + len(plan.images)])
                k += len(plan.images)
                confs += page_confs
                result.pages[i] = (glyphs, segments)
    finally:
        pdf.close()
    result.confidence = round(sum(confs) / len(confs) / 100, 3) if confs else None
    return result


_ENUM_BRACKETS = re.compile(r"[《〈{<〔\[【(（]\s*([一二三四五六七八九十\d]{1,2})\s*[)）》〉}>〕\]】]")
_QUOTES = "“”\"'‘’|`"
# Letters Tesseract's Chinese model returns for digits in isolated cells.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1", "了": "7",
                                   "S": "5", "Z": "2", "工": "1", "B": "8"})
_STRAY = _QUOTES + ",.;:、。_~"


def clean_ocr_cell(text: str) -> str:
    """Undo the commonest Tesseract slips in table cells.

    Brackets read as 《〈{ in enumerations ("《三) 不予公开" -> "(三)不予公开"),
    specks at a cell's edge read as quotes or bars ("“47" -> "47",
    "(三)不予公开。”" -> "(三)不予公开"), one wrong character in a known
    template label (`ocr_lexicon`). Only applied to OCR output.
    """
    from ..normalize import parse_number

    t = _ENUM_BRACKETS.sub(r"(\1)", text.strip())
    core = t.strip(_STRAY + " ")
    if core != t and parse_number(core)[1] == "number":
        return core
    if len(t) <= 12 and any(ord(ch) in _DIGIT_LOOKALIKES for ch in t):
        as_digits = t.translate(_DIGIT_LOOKALIKES)
        if parse_number(as_digits)[1] == "number":
            return as_digits  # "O" -> "0", "了" -> "7" where the cell is otherwise a number
    if 1 < len(t) <= 3 and "/" in t and not t.strip("/1lI|"):
        return "/"  # the slash marker with a speck read as 1
    if t.count("“") != t.count("”"):  # an unbalanced quote at an edge is a speck, not a quote
        t = t.strip(_QUOTES + " ")
    if t.endswith(("。", "。”")) and t.count("。") == 1 and len(t) <= 20:
        t = t.rstrip("。” ")  # labels are not sentences
    return correct_label(t.strip("|` "))
