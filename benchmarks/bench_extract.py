"""Extraction speed, peak memory and table accuracy per format, on the committed fixtures.

    python benchmarks/bench_extract.py            # all formats, pdfplumber alongside if installed
    python benchmarks/bench_extract.py --only pdf
    python benchmarks/bench_extract.py --scans    # degraded scans only, per class and per OCR engine

Each format runs in its own child process, so the peak RSS printed is that
format's own (self = the Python process; children = soffice/tesseract).
"cpu pages/s" counts the CPU time of the process and its children (per-core
speed; the machine is shared, so wall-clock pages/s varies). Pages: a PDF's page count; for HTML/DOCX/DOC/XLS the page count of the same
report rendered as PDF (4; a one-sheet spreadsheet counts 1), so pages/s
compares like with like. "cpu s/page" is the inverse (for OCR: seconds per
page at 200 dpi, Tesseract included). "cells exact" is the share of the known
table cells (truth JSON beside the fixtures) whose text came out exactly
(after NFKC and whitespace removal).

"ours/batched" is the office groups again through `extract_many`, as the
extraction task calls it: the whole group in one batch, so soffice starts once
per target format instead of once per document; "docs/s" (documents per
wall-clock second) shows what that saves.

"ours/pdfminer" is our extraction again with the pdfminer.six layout
backend (NIANBAO_PDF_LAYOUT=pdfminer: pdfium still triages, pdfminer lays
out the table pages), on the same PDFs in the same run: the price of that
backend against the pdfium default ("ours").

pdfplumber (optional; `pip install pdfplumber`) runs on the same PDFs in the
same run: `extract_text()` plus `extract_tables()` per page, default
settings. For its "cells exact" its tables are given every benefit: cells it
leaves None inside a merged cell take the merged cell's text (found by
geometry), and tables on consecutive pages with the same number of columns
are stacked into one, as ours are joined.

Goals: born-digital reports, tables included, >= 40 pages/s per core; OCR
<= 2 s per page at 200 dpi per core.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

FIXTURES = ROOT / "tests" / "fixtures" / "extract"
REPORT_PAGES = 4  # report_a/b rendered by LibreOffice

# format -> [(fixture, truth, pages or None = REPORT_PAGES)], repetitions
GROUPS: dict[str, tuple[list[tuple[str, str]], int]] = {
    "html": ([("report_a_utf8.html", "report_a"), ("report_a_gbk.html", "report_a"),
              ("report_b_utf8.html", "report_b"), ("report_b_gbk.html", "report_b")], 5),
    "pdf-ruled": ([("report_a.pdf", "report_a"), ("report_b.pdf", "report_b"), ("long_a.pdf", "report_a")], 10),
    "pdf-borderless": ([("nolines_a.pdf", "nolines_a"), ("nolines_b.pdf", "nolines_b")], 10),
    "docx": ([("report_a.docx", "report_a"), ("report_b.docx", "report_b")], 5),
    "doc (soffice)": ([("report_a.doc", "report_a"), ("report_b.doc", "report_b")], 4),
    "xls (soffice)": ([("sheet_a.xls", "sheet_a"), ("sheet_b.xls", "sheet_b")], 4),
    "scan (OCR 200 dpi)": ([("scan_a.pdf", "report_a"), ("scan_b.pdf", "report_b")], 1),
}
PLUMBER_GROUPS = ("pdf-ruled", "pdf-borderless")
PDFMINER_GROUPS = PLUMBER_GROUPS  # our PDF path again, with the pdfminer.six layout backend
# The same office files again, as the extraction task gets them: one batch (extract_many), one
# soffice start for all of them instead of one per document.
BATCHED_GROUPS = ("doc (soffice)", "xls (soffice)")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (soffice, tesseract)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def run_group(group: str, engine: str) -> dict:
    from fixtures.extract.truth import load_truth, score_document, score_tables
    from parsers.extract import extract, extract_many

    files, reps = GROUPS[group]
    label = engine
    batched = engine == "ours/batched"
    if engine.startswith("ours"):
        from parsers.extract.pdf import LAYOUT_ENV

        # Set either way in this child process, so a NIANBAO_PDF_LAYOUT in the caller's shell cannot
        # swap the default row's backend.
        os.environ[LAYOUT_ENV] = "pdfminer" if engine == "ours/pdfminer" else "pdfium"
        engine = "ours"
    payloads = [((FIXTURES / name).read_bytes(), name, truth) for name, truth in files]
    cells = exact = 0
    pages = 0
    # One untimed pass: imports, CMaps and models load once per worker process in real runs too.
    for data, name, truth_name in payloads:
        if engine == "ours":
            doc = extract(data, url=name)
            score = score_document(doc, load_truth(truth_name))
        else:
            score = score_tables(_plumber_tables(data), load_truth(truth_name)["tables"])
        cells += score.cells
        exact += score.exact
    start = time.perf_counter()
    cpu0 = _cpu()
    docs = reps * len(payloads)
    if batched:
        for doc in extract_many([{"data": data, "url": name} for _ in range(reps) for data, name, _t in payloads]):
            pages += doc.pages or (1 if doc.format in ("xls", "xlsx", "et") else REPORT_PAGES)
    for _ in range(0 if batched else reps):
        for data, name, _truth in payloads:
            if engine == "ours":
                doc = extract(data, url=name)
                pages += doc.pages or (1 if doc.format in ("xls", "xlsx", "et") else REPORT_PAGES)
            else:
                pages += _plumber_pages(data)
    wall = time.perf_counter() - start
    cpu = _cpu() - cpu0
    own, kids = _peak_mb()
    return {"group": group, "engine": label, "pages": pages, "docs": docs, "wall_s": wall, "cpu_s": cpu,
            "pages_per_s": pages / wall, "peak_rss_mb": own, "children_peak_rss_mb": kids,
            "cells": cells, "cells_exact": exact}


def _plumber_tables(data: bytes) -> list[list[list[str]]]:
    import io

    import pdfplumber

    out: list[list[list[str]]] = []
    last_page = -2
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages):
            for k, table in enumerate(page.find_tables()):
                grid = _fill_merged(table)
                if (k == 0 and out and last_page == number - 1 and grid and out[-1]
                        and len(grid[0]) == len(out[-1][0])):
                    out[-1].extend(grid)  # continues the table that ended the previous page
                else:
                    out.append(grid)
                last_page = number
    return out


def _fill_merged(table) -> list[list[str]]:
    """pdfplumber's grid with its None cells (covered by a merged cell) given the merged cell's text,
    found by geometry: the cell whose box holds the centre of the covered slot."""
    text = table.extract()
    boxes = [row.cells for row in table.rows]
    col_x: dict[int, tuple[float, float]] = {}
    row_y: dict[int, tuple[float, float]] = {}
    for r, row in enumerate(boxes):
        for c, box in enumerate(row):
            if box is None:
                continue
            if c not in col_x or box[2] - box[0] < col_x[c][1] - col_x[c][0]:
                col_x[c] = (box[0], box[2])  # the narrowest cell of a column gives its extent
            if r not in row_y or box[3] - box[1] < row_y[r][1] - row_y[r][0]:
                row_y[r] = (box[1], box[3])
    grid = []
    for r, row in enumerate(text):
        filled = []
        for c, cell in enumerate(row):
            if cell is None and c in col_x and r in row_y:
                x, y = sum(col_x[c]) / 2, sum(row_y[r]) / 2
                cell = next((text[r2][c2] for r2, brow in enumerate(boxes) for c2, box in enumerate(brow)
                             if box is not None and box[0] <= x <= box[2] and box[1] <= y <= box[3]), None)
            filled.append(cell or "")
        grid.append(filled)
    return grid


def _plumber_pages(data: bytes) -> int:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
        return len(pdf.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run groups whose name contains this")
    parser.add_argument("--child", nargs=2, metavar=("GROUP", "ENGINE"), help=argparse.SUPPRESS)
    parser.add_argument("--scans", action="store_true",
                        help="only the degraded scans (tests/corpus/make_scans.py): accuracy and cpu s/page per "
                             "degradation class, for each OCR engine per role (labels, digits)")
    parser.add_argument("--engines", default="rapidocr/tesseract,tesseract/tesseract,rapidocr/rapidocr",
                        help="with --scans: LABELS/DIGITS engine pairs to compare (default %(default)s)")
    parser.add_argument("--scan-only", help="with --scans: fixtures whose name contains this")
    args = parser.parse_args()
    if args.scans:
        _scans(args.engines, args.scan_only)
        return
    if args.child:
        print(json.dumps(run_group(*args.child)))
        return
    try:
        import pdfplumber  # noqa: F401  (optional: only for the comparison rows)
        have_plumber = True
    except ImportError:
        have_plumber = False
    jobs = [(g, engine) for g in GROUPS if not args.only or args.only in g
            for engine in ("ours", "ours/batched") if engine == "ours" or g in BATCHED_GROUPS]
    jobs += [(g, "ours/pdfminer") for g in PDFMINER_GROUPS if not args.only or args.only in g]
    if have_plumber:
        jobs += [(g, "pdfplumber") for g in PLUMBER_GROUPS if not args.only or args.only in g]
    header = f"{'format':<20} {'engine':<13} {'pages':>5} {'pages/s':>8} {'cpu pages/s':>11} {'cpu s/page':>10} " \
             f"{'peak RSS MB':>11} {'+children':>9} {'cells exact':>17} {'docs/s':>7}"
    print(header)
    print("-" * len(header))
    for group, engine in jobs:
        proc = subprocess.run([sys.executable, __file__, "--child", group, engine], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{group:<20} {engine:<13} failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        share = r["cells_exact"] / r["cells"] if r["cells"] else 0
        print(f"{group:<20} {engine:<13} {r['pages']:>5} {r['pages_per_s']:>8.1f} {r['pages'] / r['cpu_s']:>11.1f} "
              f"{r['cpu_s'] / r['pages']:>10.3f} {r['peak_rss_mb']:>11.0f} {r['children_peak_rss_mb']:>9.0f} "
              f"{share:>7.1%} {r['cells_exact']:>4}/{r['cells']} {r['docs'] / r['wall_s']:>7.2f}")
    if not have_plumber:
        print("(pip install pdfplumber to add its rows for comparison)")
    print(f"\n{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end: figures from a busy machine "
          "are low; cpu pages/s is the per-core figure the goals refer to.")


def _scans(engine_pairs: str, only: str | None) -> None:
    """Each engine pair in a child process of its own (the engines are chosen by environment)."""
    for pair in engine_pairs.split(","):
        labels, digits = pair.split("/")
        cmd = [sys.executable, str(ROOT / "benchmarks" / "scan_accuracy.py"), "--labels", labels, "--digits", digits]
        if only:
            cmd += ["--only", only]
        print(f"== labels: {labels}, digits: {digits}", flush=True)
        subprocess.run(cmd, check=False)


if __name__ == "__main__":
    main()
