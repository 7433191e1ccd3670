"""Page preparation before OCR: a scanned or photographed page made into a clean, level, bilevel image.

Real scans arrive skewed, stamped, copied and photographed. Each step undoes one of those, in an order
where each helps the next (OpenCV does the pixel work):

1. red seal removal by colour: a 公章 is red ink; in the red channel it is as light as the paper, while
   black text under it stays dark in every channel, so reddish pixels take their red value;
2. resampling to `TARGET_DPI` (the resolution the OCR and rule finding are tuned for);
3. background and light normalisation: the page divided by its own paper brightness (a max filter
   wide enough to remove glyphs, then smoothed), which flattens grey cast, yellowed paper and the
   uneven light of a phone photo;
4. deskew: the angle whose horizontal projection of the ink is sharpest (rules and text lines both
   give peaks), coarse then fine on a reduced image;
5. keystone: when the largest ruled frame is a quadrilateral that is not a rectangle, the page is
   warped so that it becomes one;
6. binarisation adapted to the page: a pixel is ink when it is darker than its neighbourhood by a
   margin and darker than the paper by a margin (no noise in empty areas, no lost faint strokes);
   a second reading that also keeps faint ink continuing clear ink is made on demand: the OCR
   looks for rules on it when the first reading's tables cover little of the page (rules a
   photocopier broke into dashes);
7. speckle removal: ink components too small to be any glyph part.

`prepare_page` returns the bilevel page and what each step did, so the caller can record it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import cv2
import numpy as np

TARGET_DPI = 200
MAX_SKEW = 5.0  # degrees searched either way
SPECK_AREA = 5  # px at TARGET_DPI: smaller ink components are noise (a full stop is ≈ 12 px)


@dataclass
class Prepared:
    """A page ready for rule finding and OCR: 0 = ink, 255 = paper, at TARGET_DPI."""

    image: np.ndarray
    faint: Callable[[], np.ndarray] | None = None  # the same page read with faint ink kept, on demand
    angle: float = 0.0  # degrees the page was rotated by
    keystone: bool = False
    seal_pixels: int = 0
    steps: dict[str, object] = field(default_factory=dict)


def remove_red(bgr: np.ndarray) -> tuple[np.ndarray, int]:
    """Grey page with red ink (seals, red headers) turned to paper; the number of red pixels."""
    b, g, r = (bgr[:, :, i].astype(np.int16) for i in range(3))
    red = (r - np.maximum(g, b) > 35) & (r > 90)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    # The red channel of a red pixel is about the paper's brightness; black under red stays black.
    gray[red] = np.maximum(r[red], gray[red]).astype(np.uint8)
    return gray, int(red.sum())


def normalise_background(gray: np.ndarray) -> np.ndarray:
    """The page divided by its paper brightness: white paper, even light, ink kept."""
    h, w = gray.shape
    small = cv2.resize(gray, (max(w // 4, 1), max(h // 4, 1)), interpolation=cv2.INTER_AREA)  # ≈ 50 dpi
    # ≈ 3.5 mm: every glyph has paper that close, so the max filter leaves only the paper.
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7)))
    paper = cv2.GaussianBlur(cv2.medianBlur(paper, 15), (0, 0), 5)
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(paper, 1), scale=255)


def _ink_estimate(gray: np.ndarray) -> np.ndarray:
    _t, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def _rotate(image: np.ndarray, angle: float, border: int = 255,
            interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, m, (w, h), flags=interpolation, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=border)


def skew_angle(gray: np.ndarray) -> float:
    """Rotation (degrees, counter-clockwise positive as cv2) that levels the page's rules and text lines."""
    h, w = gray.shape
    scale = 600 / max(h, w)
    small = cv2.resize(gray, (max(int(w * scale), 1), max(int(h * scale), 1)), interpolation=cv2.INTER_AREA)
    ink = _ink_estimate(small)
    if cv2.countNonZero(ink) < 50:
        return 0.0

    def sharpness(angle: float) -> float:
        rows = _rotate(ink, angle, border=0).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness)
    return float(round(max(np.arange(best - 0.1, best + 0.101, 0.025), key=sharpness), 3))


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], dtype=np.float32)


def frame_quad(ink: np.ndarray) -> np.ndarray | None:
    """Corners of the largest ruled frame on the page (a table's outline), if it has four."""
    h, w = ink.shape
    thick = cv2.dilate(ink, np.ones((3, 3), np.uint8))
    hl = cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 12, 10), 1)))
    vl = cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(h // 25, 10))))
    lines = cv2.dilate(cv2.bitwise_or(hl, vl), np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    big = max(contours, key=cv2.contourArea)
    if cv2.contourArea(big) < 0.08 * h * w:
        return None
    hull = cv2.convexHull(big)
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4:
        return None
    return _order_corners(quad.reshape(4, 2).astype(np.float32))


def unkeystone(gray: np.ndarray, quad: np.ndarray, min_shift: float = 4.0) -> np.ndarray | None:
    """The page warped so that `quad` becomes an upright rectangle; None when it already is one."""
    tl, tr, br, bl = quad
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    x0, y0 = float(quad[:, 0].mean() - width / 2), float(quad[:, 1].mean() - height / 2)
    target = np.array([[x0, y0], [x0 + width, y0], [x0 + width, y0 + height], [x0, y0 + height]], dtype=np.float32)
    if float(np.abs(target - quad).max()) < min_shift:
        return None
    m = cv2.getPerspectiveTransform(quad, target)
    h, w = gray.shape
    return cv2.warpPerspective(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                               borderValue=255)


def binarise(gray: np.ndarray, faint_ink: bool = False) -> np.ndarray:
    """Bilevel page (0 ink, 255 paper) from a normalised grey page.

    `faint_ink` adds hysteresis: clear ink, plus faint ink reached from it through faint ink (up to
    three pixels). A photocopier's dropout leaves a rule's broken parts light grey, too light to be
    ink alone but continuing a rule that is. It also thickens glyph strokes and rules (JPEG halos,
    yellowed paper), which costs more than it gains on other pages, so it is asked for only where
    the plain reading finds little table (`ocr._plan_page`)."""
    local = cv2.GaussianBlur(gray, (0, 0), 8)
    ink = (gray.astype(np.int16) < local.astype(np.int16) - 18) & (gray < 200)
    ink |= gray < 110  # solid ink (bold strokes, thick rules) is ink whatever its neighbourhood
    if faint_ink:
        allowed = ((gray < 228) | ink).astype(np.uint8)  # the paper is 255 after normalisation
        grown = ink.astype(np.uint8)
        for _ in range(3):
            grown = cv2.dilate(grown, np.ones((3, 3), np.uint8)) & allowed
        ink = grown.astype(bool)
    return np.where(ink, 0, 255).astype(np.uint8)


def despeckle(bilevel: np.ndarray, max_area: int = SPECK_AREA) -> np.ndarray:
    ink = (bilevel < 128).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = np.nonzero(stats[:, cv2.CC_STAT_AREA] <= max_area)[0]
    small = small[small > 0]
    if not len(small):
        return bilevel
    out = bilevel.copy()
    out[np.isin(labels, small)] = 255
    return out


def to_gray(image: np.ndarray) -> tuple[np.ndarray, int]:
    """Grey page from a grey, BGR or BGRA array; seals removed from colour pages."""
    if image.ndim == 2:
        return image, 0
    if image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return remove_red(image)


def prepare_page(image: np.ndarray, dpi: float, *, steps: tuple[str, ...] | None = None) -> Prepared:
    """The page (grey or BGR array at `dpi`) prepared for OCR. `steps` limits which steps run (for
    measuring each one's gain): any of seal, normalise, deskew, keystone, despeckle."""
    on = set(steps if steps is not None else ("seal", "normalise", "deskew", "keystone", "despeckle"))
    if "seal" in on:
        gray, seal = to_gray(image)
    else:
        gray, seal = (image if image.ndim == 2 else cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY)), 0
    if abs(dpi - TARGET_DPI) > 2:
        f = TARGET_DPI / dpi
        gray = cv2.resize(gray, (max(int(gray.shape[1] * f), 1), max(int(gray.shape[0] * f), 1)),
                          interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
    if "normalise" in on:
        gray = normalise_background(gray)
    angle = skew_angle(gray) if "deskew" in on else 0.0
    if abs(angle) >= 0.05:
        gray = _rotate(gray, angle, interpolation=cv2.INTER_CUBIC)
    keystone = False
    if "keystone" in on:
        quad = frame_quad(_ink_estimate(gray))
        warped = unkeystone(gray, quad) if quad is not None else None
        if warped is not None:
            gray, keystone = warped, True
    bilevel = binarise(gray)
    if "despeckle" in on:
        bilevel = despeckle(bilevel)

    def faint() -> np.ndarray:
        read = binarise(gray, faint_ink=True)
        return despeckle(read) if "despeckle" in on else read

    return Prepared(bilevel, faint, angle=angle, keystone=keystone, seal_pixels=seal,
                    steps={"angle": angle, "keystone": keystone, "seal_pixels": seal})


def looks_like_text_page(bilevel: np.ndarray) -> str | None:
    """Why a prepared page is not a page of text (a photo, a QR code, an empty page), or None.

    Text pages are mostly paper, with ink in many small components (glyph parts, rules). A photo
    binarises to large dark areas; a QR code to a few big blocks of modules.
    """
    ink = bilevel < 128
    share = float(ink.mean())
    if share < 0.002:
        return "blank page (no ink)"
    if share > 0.35:
        return f"not a text page ({share:.0%} of it is dark: a photo?)"
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    if n < 40:
        return f"not a text page (only {n - 1} ink shapes)"
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    glyphish = ((heights <= 60) & (widths <= 80)).sum()
    if glyphish < 30:
        return "not a text page (no glyph-sized shapes: a QR code or a drawing?)"
    return None
