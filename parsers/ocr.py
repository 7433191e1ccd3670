"""Scanned pages: ruling lines from the page image, words from Tesseract.

Each page is rendered by pypdfium2 at 200 dpi. Long horizontal and vertical
runs of dark pixels are the table rules; they are turned into segments and
then erased from the image, since rules touching glyphs are the commonest
cause of OCR garbage in table cells. One Tesseract call per page (chi_sim,
TSV output with word boxes and confidences) reads the cleaned image; words
become `Glyph`s in PDF points, so the born-digital table builder
(`pdf_grid`) and text grouping (`pdf_text`) do the rest unchanged.

Tesseract runs with OMP_THREAD_LIMIT=1: its OpenMP threads fight each
other on a shared machine (≈6x slower on two busy cores), and parallelism
belongs to the caller (one page or document per process).
"""
from __future__ import annotations

import csv
import re
import io
import os
import shutil
import subprocess
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium

from .ocr_lexicon import correct_label
from .pdf_grid import Segment, find_tables
from .pdf_text import Glyph

DPI = 200
LANG = "chi_sim"
TIMEOUT_S = 60


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


def _tesseract(image: np.ndarray) -> list[Word]:
    h, w = image.shape
    pgm = b"P5 %d %d 255\n" % (w, h) + np.ascontiguousarray(image).tobytes()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.run(["tesseract", "stdin", "stdout", "-l", LANG, "--psm", "6", "--dpi", str(DPI),
                           "-c", "tessedit_do_invert=0", "tsv"], input=pgm, capture_output=True, env=env,
                          timeout=TIMEOUT_S)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip()[-200:] or "tesseract failed")
    words: list[Word] = []
    reader = csv.reader(io.StringIO(proc.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None:
        return words
    col = {name: i for i, name in enumerate(header)}
    for row in reader:
        if len(row) < len(header) or row[col["level"]] != "5":
            continue
        text = row[col["text"]].strip()
        conf = float(row[col["conf"]])
        if text and conf >= 0:
            words.append((int(row[col["left"]]), int(row[col["top"]]), int(row[col["width"]]),
                          int(row[col["height"]]), text, conf))
    return words


def _glyph(left: float, top: float, width: float, height: float, text: str, scale: float, h: int) -> Glyph:
    return Glyph(left * scale, (h - top - height) * scale, (left + width) * scale, (h - top) * scale, text)


CELL_GAP = 24  # px of white between stacked cell images
MAX_STACK = 20000  # px: tall stacks are OCR'd in several calls


def _ocr_cells(image: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> list[tuple[Word, int]]:
    """OCR many cell images in one Tesseract call: stack them on a white canvas, one below the other.

    Each cell is read in isolation (no words running across cell borders, lines of a tall merged
    cell in order) while paying Tesseract's start-up once. Returns words in page pixels with the
    index of their cell.
    """
    out: list[tuple[Word, int]] = []
    batch: list[int] = []
    height = CELL_GAP

    def run(indexes: list[int], total: int) -> None:
        width = max(boxes[i][3] - boxes[i][2] for i in indexes) + 2 * CELL_GAP
        canvas = np.full((total, width), 255, dtype=np.uint8)
        starts = []
        y = CELL_GAP
        for i in indexes:
            top, bottom, left, right = boxes[i]
            canvas[y:y + bottom - top, CELL_GAP:CELL_GAP + right - left] = image[top:bottom, left:right]
            starts.append(y)
            y += bottom - top + CELL_GAP
        for left, top, width_w, height_w, text, conf in _tesseract(canvas):
            centre = top + height_w / 2
            k = max((j for j, start in enumerate(starts) if start - CELL_GAP / 2 <= centre), default=0)
            i = indexes[k]
            b_top, _b_bottom, b_left, _b_right = boxes[i]
            out.append(((b_left + left - CELL_GAP, b_top + top - starts[k], width_w, height_w, text, conf), i))

    for i, (top, bottom, _left, _right) in enumerate(boxes):
        if batch and height + bottom - top + CELL_GAP > MAX_STACK:
            run(batch, height)
            batch, height = [], CELL_GAP
        batch.append(i)
        height += bottom - top + CELL_GAP
    if batch:
        run(batch, height)
    return out


def ocr_page(gray: np.ndarray) -> tuple[list[Glyph], list[Segment], list[float]]:
    """Glyphs (PDF points), rules and per-character confidences of one page image."""
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
            rows, cols = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
            ink_h, ink_w = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
            if ink_h <= 6 and ink_w >= 6:
                # A lone dash (the "not applicable" marker) is too thin for Tesseract to read.
                text = "—" if ink_w >= 20 else "-"
                words.append((left + int(cols[0]), top + int(rows[0]), int(ink_w), int(ink_h), text, 90.0))
                continue
            boxes.append((top, bottom, left, right))
    outside = clean.copy()
    for table in tables:
        top, bottom, left, right = _pixel_box(table.bbox, scale, h, w, pad=2)
        outside[top:bottom, left:right] = 255
    words += [word for word, _cell in _ocr_cells(clean, boxes)] if boxes else []
    if (outside < 128).sum() > 50:
        words += _tesseract(outside)
    glyphs = [_glyph(left, top, width, height, text, scale, h) for left, top, width, height, text, _c in words]
    confs = [conf for *_box, text, conf in words for _ in text]
    return glyphs, segments, confs


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
        for i in indexes:
            page = pdf[i]
            gray = page.render(scale=DPI / 72, grayscale=True).to_numpy()
            gray = gray.reshape(gray.shape[0], gray.shape[1]) if gray.ndim == 3 else gray
            page.close()
            try:
                glyphs, segments, page_confs = ocr_page(gray)
            except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
                result.error = f"OCR failed on page {i + 1}: {exc}"
                glyphs, segments, page_confs = [], [], []
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
    from .normalize import parse_number

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
