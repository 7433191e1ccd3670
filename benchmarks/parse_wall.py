"""Wall time of `nianbao parse` on a 6-page born-digital PDF, start-up included (target ≤ 1 s).

    .venv/bin/python benchmarks/parse_wall.py [--runs 7]

The PDF is pages 3–8 of tests/fixtures/extract/long_a.pdf (a report with prose
around its three tables), written with pypdfium2. Prints the median and best of N runs of
the real command in a fresh process each, and the machine's load average.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "fixtures" / "extract" / "long_a.pdf"


def six_page_pdf(path: Path) -> Path:
    import pypdfium2

    src = pypdfium2.PdfDocument(str(SOURCE))
    out = pypdfium2.PdfDocument.new()
    out.import_pages(src, list(range(2, 8)))  # pages 3–8: prose and all three tables
    out.save(str(path))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = six_page_pdf(Path(tmp) / "six-pages.pdf")
        cmd = [sys.executable, "-m", "flows.cli", "parse", str(pdf), "--json"]
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)  # warm the OS file cache
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            assert proc.returncode == 0, proc.stderr
        import json
        cells = len(json.loads(proc.stdout)["cells"])
    print(f"nianbao parse, 6-page born-digital PDF ({cells} cells): median {statistics.median(times):.2f} s, "
          f"best {min(times):.2f} s wall over {args.runs} runs (target ≤ 1 s); load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
