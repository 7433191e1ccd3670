"""PP-OCR text-line recognition through rapidocr-onnxruntime, for table cells.

The PP-OCRv4 recognition model ships inside the rapidocr-onnxruntime wheel (`models/`), so nothing
is downloaded at run time; the session is created on first use with one thread (parallelism
belongs to the caller, as for Tesseract). Only the recogniser is used: a cell's lines are found
from its ink (rows with ink, separated by blank rows), so the detector's cost is not paid.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

Word = tuple[int, int, int, int, str, float]
LINE_GAP = 3  # blank pixel rows that separate two lines of a cell
LINE_PAD = 4


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def version() -> str:
    from importlib.metadata import version as dist_version

    return f"rapidocr-onnxruntime {dist_version('rapidocr-onnxruntime')} PP-OCRv4 rec"


@lru_cache(maxsize=1)
def _recogniser():
    import rapidocr_onnxruntime
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
    from rapidocr_onnxruntime.utils import read_yaml

    root = Path(rapidocr_onnxruntime.__file__).resolve().parent
    config = read_yaml(str(root / "config.yaml"))["Rec"]
    config["model_path"] = str(root / config["model_path"])  # the model inside the wheel
    if not Path(config["model_path"]).is_file():
        raise RuntimeError(f"PP-OCR model missing from the rapidocr-onnxruntime package: {config['model_path']}")
    config["intra_op_num_threads"] = 1
    config["inter_op_num_threads"] = 1
    return TextRecognizer(config)


def cell_lines(image: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """Text lines of one cell of a bilevel page, as (top, bottom, left, right) page pixels."""
    top, bottom, left, right = box
    ink = image[top:bottom, left:right] < 128
    rows = ink.any(axis=1)
    lines = []
    start = None
    blank = 0
    for y, has in enumerate(rows):
        if has:
            if start is None:
                start = y
            blank = 0
            end = y + 1
        elif start is not None:
            blank += 1
            if blank >= LINE_GAP:
                lines.append((start, end))
                start = None
    if start is not None:
        lines.append((start, end))
    out = []
    for a, b in lines:
        cols = np.nonzero(ink[a:b].any(axis=0))[0]
        if b - a < 4 or not len(cols):
            continue
        out.append((top + a, top + b, left + int(cols[0]), left + int(cols[-1]) + 1))
    return out


def read_cells(image: np.ndarray, boxes: list[tuple[int, int, int, int]], which: list[int]) -> dict[int, list[Word]]:
    """Words (one per cell, confidence 0..100) of the cells `which`, in page pixels."""
    crops, owners = [], []
    for i in which:
        lines = cell_lines(image, boxes[i])
        if not lines:
            continue
        # A wrapped label's lines side by side, in order: one recognition per cell, not per line.
        height = max(b - t for t, b, _l, _r in lines) + 2 * LINE_PAD
        parts = []
        for top, bottom, left, right in lines:
            piece = np.full((height, right - left + 2 * LINE_PAD), 255, np.uint8)
            piece[LINE_PAD:LINE_PAD + bottom - top, LINE_PAD:LINE_PAD + right - left] = image[top:bottom, left:right]
            parts.append(piece)
        crop = np.hstack(parts)
        crops.append(np.dstack([crop, crop, crop]))
        t0, _b0, l0, _r0 = lines[0]
        owners.append((i, (l0, t0, max(r for *_x, r in lines) - l0, lines[-1][1] - t0)))
    out: dict[int, list[Word]] = {}
    if not crops:
        return out
    results, _elapsed = _recogniser()(crops)
    for (i, (left, top, width, height)), (text, score) in zip(owners, results):
        text = text.strip()
        if text:
            out.setdefault(i, []).append((left, top, width, height, text, float(score) * 100))
    return out
