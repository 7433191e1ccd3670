"""What each page-preparation step gains: table structure recovered from degraded scans with every step,
and with each step left out (no OCR: preparation and rule finding only, so it runs in seconds).

For each fixture of tests/corpus/make_scans.py, the grid cells found on its pages are compared with those
found on a clean render of its source; a cell count off by one table's worth means a table lost or split.

    python benchmarks/scan_prep_gain.py [--names a,b,...]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "corpus")]

from make_scans import FIXTURES, make_scan, render  # noqa: E402
from parsers.extract.image import image_pages  # noqa: E402
from parsers.extract.ocr import DPI, _pdf_page_images, find_rules  # noqa: E402
from parsers.extract.scan_prep import prepare_page  # noqa: E402

STEPS = ("seal", "normalise", "deskew", "keystone", "despeckle")


def _pages(scan):
    for name, data in scan.files:
        if name.endswith(".pdf"):
            import pypdfium2 as pdfium

            yield from _pdf_page_images(data, list(range(len(pdfium.PdfDocument(data)))))
        else:
            _n, frames = image_pages(data)
            yield from frames


def cells_found(pages, steps) -> int:
    total = 0
    for page in pages:
        prepared = prepare_page(page.pixels, page.dpi, steps=steps)
        _segments, _erase, tables, _dashed = find_rules(prepared.image, 72 / DPI)
        total += sum(len(t.regions) for t in tables if len(t.regions) >= 2)
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", default="seal_a,yellowed_a,phone_a,skew_a,speckle_a,copier_a,mixed_a")
    args = ap.parse_args()
    print(f"{'fixture':12s} {'reference':>9s} {'all steps':>9s} " + " ".join(f"{'-' + s:>10s}" for s in STEPS)
          + f" {'none':>6s}")
    for name in args.names.split(","):
        scan = make_scan(name)
        from parsers.extract.ocr import PageImage

        ref = cells_found([PageImage(i, p, DPI) for i, p in enumerate(render(scan.source, DPI, colour=False))], ())
        pages = list(_pages(scan))
        row = [cells_found(pages, STEPS)] + [cells_found(pages, tuple(s for s in STEPS if s != left)) for left in STEPS]
        row.append(cells_found(pages, ()))
        print(f"{name:12s} {ref:9d} {row[0]:9d} " + " ".join(f"{v:10d}" for v in row[1:-1]) + f" {row[-1]:6d}",
              flush=True)
    print(f"(load average {os.getloadavg()[0]:.1f}; a step's gain is the cells lost without it)")


if __name__ == "__main__":
    main()
