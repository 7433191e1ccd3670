"""Degraded scans of the corpus's born-digital PDFs, made the way offices make them.

Each fixture takes a born-digital report of tests/corpus/files (its truth JSON is the truth of the
scan), renders its pages at a scanner's resolution and degrades them by one class of real damage,
with its own seed:

    clean200  a perfect 200-dpi greyscale scan (the baseline the old figure came from)
    skew      rotated 0.5–3°, either way
    dpi150    150 dpi, JPEG q60–75
    dpi300    300 dpi, JPEG q60–75
    jpeg      JPEG q35–45 (blocking and ringing around strokes)
    yellowed  yellowed paper with a grey cast and blotches, JPEG q50–70
    seal      colour scan, a red round seal (公章) over a table corner and over the signature
    copier    photocopier dropout: strokes and thin rules broken in patches, faint toner, grey cast
    speckle   toner specks and dust all over
    phone     a phone photo: slight keystone, uneven light, soft focus, JPEG, no dpi in the file
    rules     thin, faint rules with parts missing
    mixed     skew + seal + speckle + JPEG q40 + yellowed paper at once

Fixtures are generated in memory (a few seconds each, no external tools): the tests and
`benchmarks/bench_extract.py --scans` call `make_scan(name)`; `python tests/corpus/make_scans.py OUT_DIR`
writes them as files to look at. Containers vary with the class: an image-only PDF (as a scanner
writes), or the page images themselves (JPEG, PNG, a multi-page TIFF: the 图片版 report).
"""
from __future__ import annotations

import io
import json
import math
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
SEED = 20261202

# name: (source report, class, container)
FIXTURES: dict[str, tuple[str, str, str]] = {
    "clean200_a": ("02_2021_pdf", "clean200", "pdf"),
    "clean200_b": ("26_2019_pdf", "clean200", "pdf"),
    "skew_a": ("09_2021_pdf", "skew", "pdf"),
    "skew_b": ("33_2019_pdf", "skew", "pdf"),
    "dpi150_a": ("16_2021_pdf", "dpi150", "pdf"),
    "dpi300_a": ("26_2019_pdf", "dpi300", "pdf"),
    "jpeg_a": ("02_2021_pdf", "jpeg", "pdf"),
    "yellowed_a": ("33_2019_pdf", "yellowed", "pdf"),
    "seal_a": ("09_2021_pdf", "seal", "pdf"),
    "seal_b": ("26_2019_pdf", "seal", "jpg"),
    "copier_a": ("16_2021_pdf", "copier", "pdf"),
    "copier_b": ("33_2019_pdf", "copier", "pdf"),
    "speckle_a": ("02_2021_pdf", "speckle", "png"),
    "phone_a": ("09_2021_pdf", "phone", "jpg"),
    "rules_a": ("26_2019_pdf", "rules", "tiff"),
    "mixed_a": ("16_2021_pdf", "mixed", "pdf"),
}
# Held out: the same classes made from other reports (the producer-imitating PDFs of issue 11: WPS
# and Word tables with vertical header cells, wrapped and misprinted labels), never looked at while
# the scan code is tuned: `benchmarks/scan_accuracy.py --heldout` says how far the figures above carry.
HELDOUT: dict[str, tuple[str, str, str]] = {
    "clean200_h": ("103_2021_pdf", "clean200", "pdf"),
    "skew_h": ("85_2021_pdf", "skew", "pdf"),
    "dpi150_h": ("97_2021_pdf", "dpi150", "pdf"),
    "dpi300_h": ("100_2021_pdf", "dpi300", "pdf"),
    "jpeg_h": ("88_2021_pdf", "jpeg", "pdf"),
    "yellowed_h": ("94_2021_pdf", "yellowed", "pdf"),
    "seal_h": ("73_2021_pdf", "seal", "jpg"),
    "copier_h": ("64_2021_pdf", "copier", "pdf"),
    "copier_h2": ("91_2019_pdf", "copier", "pdf"),
    "copier_h3": ("70_2021_pdf", "copier", "pdf"),
    "speckle_h": ("67_2021_pdf", "speckle", "png"),
    "phone_h": ("76_2021_pdf", "phone", "jpg"),
    "rules_h": ("82_2021_pdf", "rules", "tiff"),
    "mixed_h": ("79_2021_pdf", "mixed", "pdf"),
}
# Sealed (added 2026-12-07, when the held-out copier fixtures became the copier work's development
# set): other reports again, other seeds. Only their totals are looked at (`--sealed` prints no
# misses), so they keep measuring what the code does on scans nobody tuned it on.
SEALED: dict[str, tuple[str, str, str]] = {
    "copier_s1": ("73_2021_pdf", "copier", "pdf"),
    "copier_s2": ("85_2021_pdf", "copier", "pdf"),
    "copier_s3": ("100_2021_pdf", "copier", "pdf"),
    "skew_s": ("67_2021_pdf", "skew", "pdf"),
    "seal_s": ("94_2021_pdf", "seal", "pdf"),
    "phone_s": ("88_2021_pdf", "phone", "jpg"),
    "mixed_s": ("97_2021_pdf", "mixed", "pdf"),
    "speckle_s": ("103_2021_pdf", "speckle", "png"),
    "rules_s": ("76_2021_pdf", "rules", "pdf"),
    "jpeg_s": ("82_2021_pdf", "jpeg", "pdf"),
    "dpi150_s": ("79_2021_pdf", "dpi150", "pdf"),
    "yellowed_s": ("70_2021_pdf", "yellowed", "pdf"),
}
CLASSES = sorted({cls for _src, cls, _c in FIXTURES.values()})


@dataclass
class Scan:
    name: str
    cls: str
    source: str
    container: str  # pdf | jpg | png | tiff
    files: list[tuple[str, bytes]]  # (file name, bytes): one PDF or TIFF, or one image per page
    truth: dict


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(SEED + zlib.crc32(name.encode()))


def render(source: str, dpi: int, colour: bool) -> list[np.ndarray]:
    """The source PDF's pages as BGR (or grey) arrays at `dpi`."""
    pdf = pdfium.PdfDocument((FILES / f"{source}.pdf").read_bytes())
    pages = []
    try:
        for page in pdf:
            bitmap = page.render(scale=dpi / 72, grayscale=not colour)
            arr = bitmap.to_numpy().copy()
            if colour:
                arr = arr[:, :, :3]  # pdfium renders BGR(x)
            elif arr.ndim == 3:
                arr = arr[:, :, 0]
            pages.append(arr)
            page.close()
    finally:
        pdf.close()
    return pages


def _colour(page: np.ndarray) -> np.ndarray:
    return page if page.ndim == 3 else cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)


def _rule_mask(gray: np.ndarray) -> np.ndarray:
    ink = (gray < 160).astype(np.uint8)
    h, w = gray.shape
    hl = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 15, 10), 1)))
    vl = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(h // 40, 10))))
    return (hl | vl).astype(bool)


def skew(page: np.ndarray, rng: np.random.Generator, lo: float = 0.5, hi: float = 3.0) -> np.ndarray:
    angle = float(rng.uniform(lo, hi) * rng.choice([-1, 1]))
    h, w = page.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = (255, 255, 255) if page.ndim == 3 else 255
    return cv2.warpAffine(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def paper(page: np.ndarray, rng: np.random.Generator, tint: tuple[float, float, float]) -> np.ndarray:
    """Tinted paper (BGR factors) with soft blotches."""
    page = _colour(page).astype(np.float32)
    h, w = page.shape[:2]
    blotch = cv2.resize(rng.uniform(0.88, 1.0, (8, 6)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    page *= np.array(tint, np.float32)[None, None, :] * blotch[:, :, None]
    return np.clip(page, 0, 255).astype(np.uint8)


def seal(page: np.ndarray, rng: np.random.Generator, centre: tuple[int, int], dpi: int) -> np.ndarray:
    """A red round seal multiplied onto the page: ring, star, an arc of "characters"."""
    page = _colour(page).copy()
    h, w = page.shape[:2]
    r = int(21 / 25.4 * dpi)  # 42 mm across
    stamp = np.full((h, w), 255, np.uint8)
    cx, cy = centre
    cv2.circle(stamp, (cx, cy), r, 0, max(int(1.2 / 25.4 * dpi), 2))
    star = [(cx + int(0.28 * r * math.cos(math.pi / 2 + k * 4 * math.pi / 5)),
             cy - int(0.28 * r * math.sin(math.pi / 2 + k * 4 * math.pi / 5))) for k in range(5)]
    cv2.fillPoly(stamp, [np.array(star, np.int32)], 0)
    for k in range(14):  # the agency's name round the rim, as blocks of strokes
        a = math.pi * (0.95 + k * 1.1 / 13)
        x, y = cx + int(0.75 * r * math.cos(a)), cy - int(0.75 * r * math.sin(a))
        s = int(0.12 * r)
        cv2.rectangle(stamp, (x - s, y - s), (x + s, y + s), 0, max(s // 3, 2))
        cv2.line(stamp, (x - s, y), (x + s, y), 0, max(s // 4, 1))
    cv2.line(stamp, (cx - int(0.5 * r), cy + int(0.45 * r)), (cx + int(0.5 * r), cy + int(0.45 * r)), 0, max(r // 12, 2))
    # Uneven ink: the stamp is lighter in patches.
    strength = cv2.resize(rng.uniform(0.55, 1.0, (6, 6)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    ink = (255 - stamp.astype(np.float32)) / 255 * strength
    red = np.array([60, 50, 215], np.float32) / 255  # BGR of seal ink
    factor = 1 - ink[:, :, None] * (1 - red[None, None, :])
    return np.clip(page.astype(np.float32) * factor, 0, 255).astype(np.uint8)


def dropout(gray: np.ndarray, rng: np.random.Generator, share: float = 0.22, cell: int = 5) -> np.ndarray:
    """Toner dropout: ink lightened to paper in small random patches (strokes and rules broken)."""
    h, w = gray.shape
    field = cv2.resize(rng.random((h // cell + 1, w // cell + 1)).astype(np.float32), (w, h),
                       interpolation=cv2.INTER_NEAREST)
    out = gray.copy()
    hole = (field < share) & (gray < 200)
    out[hole] = np.clip(out[hole].astype(np.int16) + rng.integers(120, 200, int(hole.sum())), 0, 235).astype(np.uint8)
    return out


def speckle(gray: np.ndarray, rng: np.random.Generator, density: float = 6e-4) -> np.ndarray:
    h, w = gray.shape
    out = gray.copy()
    n = int(h * w * density)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    sizes = rng.choice([1, 1, 1, 2, 2, 3], n)
    for y, x, s in zip(ys, xs, sizes):
        out[y:y + s, x:x + s] = rng.integers(0, 90)
    return out


def keystone(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = page.shape[:2]
    dx, dy = rng.uniform(0.01, 0.025) * w, rng.uniform(0.0, 0.01) * h
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[dx, dy], [w - dx * rng.uniform(0.6, 1.0), dy * rng.uniform(0, 1)], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(src, dst)
    border = (255, 255, 255) if page.ndim == 3 else 255
    return cv2.warpPerspective(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def uneven_light(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = page.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.1, 0.5) * h
    dist = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / math.hypot(w, h)
    light = np.clip(1.0 - 0.9 * dist + 0.1 * (xx / w), 0.5, 1.0)
    out = page.astype(np.float32) * (light[:, :, None] if page.ndim == 3 else light)
    return np.clip(out, 0, 255).astype(np.uint8)


def broken_rules(gray: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Rules made faint and thin, with stretches missing."""
    rules = _rule_mask(gray)
    out = gray.copy()
    out[rules] = np.clip(out[rules].astype(np.int16) + 110, 0, 255).astype(np.uint8)  # faint
    h, w = gray.shape
    n_gaps = 60
    for _ in range(n_gaps):
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        length = int(rng.integers(8, 40))
        if rng.random() < 0.5:
            region = (slice(max(y - 3, 0), y + 4), slice(x, x + length))
        else:
            region = (slice(y, y + length), slice(max(x - 3, 0), x + 4))
        sub = out[region]
        sub[rules[region]] = 250
    return out


def jpeg(page: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def _table_corner(page: np.ndarray) -> tuple[int, int] | None:
    """Top-right corner of the page's largest ruled table (independent of the code under test)."""
    gray = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    rules = _rule_mask(gray).astype(np.uint8)
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(rules, np.ones((5, 5), np.uint8)))
    if n < 2:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h, _area = stats[k]
    if w < gray.shape[1] // 3 or h < 100:
        return None
    return int(x + w), int(y)


def degrade(pages: list[np.ndarray], cls: str, rng: np.random.Generator, dpi: int) -> list[np.ndarray]:
    out = []
    sealed = False
    for i, page in enumerate(pages):
        gray = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
        if cls == "skew":
            page = skew(gray, rng)
        elif cls in ("dpi150", "dpi300"):
            page = jpeg(gray, int(rng.integers(60, 76)))
        elif cls == "jpeg":
            page = jpeg(gray, int(rng.integers(35, 46)))
        elif cls == "yellowed":
            page = jpeg(paper(gray, rng, (0.72, 0.86, 0.93)), int(rng.integers(50, 71)))
        elif cls in ("seal", "mixed"):
            page = _colour(page)
            corner = _table_corner(page)
            if corner is not None and not sealed:
                page, sealed = seal(page, rng, corner, dpi), True
            if i == len(pages) - 1:  # over the signature and date at the end
                h, w = page.shape[:2]
                page = seal(page, rng, (int(w * 0.72), int(h * 0.35)), dpi)
            if cls == "mixed":
                page = jpeg(_speckle_colour(skew(paper(page, rng, (0.75, 0.87, 0.94)), rng), rng), 40)
            else:
                page = jpeg(page, int(rng.integers(60, 76)))
        elif cls == "copier":
            thin = cv2.dilate(gray, np.ones((2, 1), np.uint8)) if dpi >= 200 else gray  # toner spreads less
            page = dropout(thin, rng)
            page = np.clip(page.astype(np.float32) * 0.85 + 20, 0, 255).astype(np.uint8)  # grey cast, low contrast
            page = jpeg(speckle(page, rng, 1.5e-4), int(rng.integers(55, 70)))
        elif cls == "speckle":
            page = speckle(gray, rng)
        elif cls == "phone":
            page = keystone(_colour(page), rng)
            page = uneven_light(page, rng)
            page = cv2.GaussianBlur(page, (0, 0), 0.7)
            page = jpeg(page, int(rng.integers(55, 71)))
        elif cls == "rules":
            page = broken_rules(gray, rng)
        else:
            page = gray
        out.append(page)
    return out


def _speckle_colour(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    specks = speckle(np.full(page.shape[:2], 255, np.uint8), rng, 3e-4)
    return np.minimum(page, specks[:, :, None])


def _pil(page: np.ndarray) -> Image.Image:
    return Image.fromarray(page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2RGB))


def package(name: str, pages: list[np.ndarray], container: str, dpi: int | None) -> list[tuple[str, bytes]]:
    images = [_pil(p) for p in pages]
    res = {"dpi": (dpi, dpi)} if dpi else {}
    if container == "pdf":
        buf = io.BytesIO()
        images[0].save(buf, "PDF", resolution=float(dpi or 200), save_all=True, append_images=images[1:])
        return [(f"{name}.pdf", buf.getvalue())]
    if container == "tiff":
        buf = io.BytesIO()
        images[0].save(buf, "TIFF", save_all=True, append_images=images[1:], compression="tiff_deflate", **res)
        return [(f"{name}.tif", buf.getvalue())]
    out = []
    for k, im in enumerate(images, 1):
        buf = io.BytesIO()
        if container == "jpg":
            im.save(buf, "JPEG", quality=70, **res)
        else:
            im.save(buf, "PNG", **res)
        out.append((f"{name}_p{k}.{container}", buf.getvalue()))
    return out


def make_scan(name: str) -> Scan:
    source, cls, container = {**FIXTURES, **HELDOUT, **SEALED}[name]
    rng = _rng(name)
    dpi = {"dpi150": 150, "dpi300": 300, "phone": 180}.get(cls, 200)
    colour = cls in ("seal", "mixed", "phone", "yellowed")
    pages = degrade(render(source, dpi, colour), cls, rng, dpi)
    # A phone photo carries no scanner resolution (JPEGs say 72 dpi or nothing).
    files = package(name, pages, container, None if cls == "phone" else dpi)
    truth = json.loads((FILES / f"{source}.json").read_text(encoding="utf-8"))
    return Scan(name, cls, source, container, files, truth)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "scans")
    out.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[2:] or FIXTURES:  # held-out ones by name
        scan = make_scan(name)
        for fname, data in scan.files:
            (out / fname).write_bytes(data)
        print(f"{name}: {scan.cls} of {scan.source}, {len(scan.files)} file(s)")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    main()
