"""Accuracy and speed on degraded scans (tests/corpus/make_scans.py), through the real pipeline.

Each fixture's files go through `parsers.extract.extract` and `parsers.report.parse_report` as one
report's documents; every truth cell counts (a blank must come back NULL). Printed per degradation
class: cells exact, wrong values without `suspect` (the goal is 0: `ocr` alone is provenance, not
doubt), template/agency/year right, CPU seconds per page (this process and its Tesseract children).

    python benchmarks/scan_accuracy.py [--heldout | --sealed] [--only NAME] [--labels ENGINE] [--digits ENGINE] [--json]

Used by `benchmarks/bench_extract.py --scans` (which also compares engines) and the accuracy gate.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "corpus")]

from make_scans import FIXTURES, HELDOUT, SEALED, make_scan  # noqa: E402
from parsers.extract import extract  # noqa: E402
from parsers.extract.image import join_image_pages  # noqa: E402
from parsers.report import parse_report  # noqa: E402


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def score_fixture(name: str) -> dict:
    scan = make_scan(name)
    started = _cpu()
    docs = [extract(data, url=f"http://example.gov.cn/{fname}") for fname, data in scan.files]
    cpu = _cpu() - started
    parsed = parse_report(join_image_pages(docs)[0])  # as the harvest does (flows/tasks.py)
    got = {f"{c.table_name}.{c.row_key}.{c.col_key}": c for c in parsed.cells}
    exact, silent, misses = 0, 0, []
    for key, want in scan.truth["cells"].items():
        cell = got.get(key)
        if cell is not None and _same(cell.value, want):
            exact += 1
            continue
        # Doubt is visible when the cell says `suspect`, or says it was not found or not placed ('no_cells',
        # 'ambiguous_alignment': NULL, not a number).
        doubted = cell is not None and ("suspect" in cell.flags or (
            cell.value is None and {"no_cells", "ambiguous_alignment"} & set(cell.flags)))
        if cell is not None and not doubted:
            silent += 1
        misses.append(f"{name}: {key} want {want!r} got "
                      + ("absent" if cell is None else f"{cell.value!r} ({cell.raw_text!r}, {','.join(cell.flags)})")
                      + ("" if cell is None or doubted else " NOT SUSPECT"))
    pages = sum(d.pages or 0 for d in docs) or len(docs)
    return {"name": name, "class": scan.cls, "container": scan.container, "cells": len(scan.truth["cells"]),
            "exact": exact, "silent_wrong": silent, "cpu_s": cpu, "pages": pages,
            "template": parsed.template == scan.truth["template"], "agency": parsed.agency == scan.truth["agency"],
            "year": parsed.year == scan.truth["year"], "got_agency": parsed.agency, "misses": misses,
            "errors": [d.error for d in docs if d.error]}


def evaluate(names: list[str] | None = None, labels: str | None = None, digits: str | None = None,
             jsonl: str | None = None) -> dict:
    """Figures over the fixtures `names` (default all), with the given engines (default: the code's)."""
    for env, value in (("NIANBAO_OCR_LABELS", labels), ("NIANBAO_OCR_DIGITS", digits)):
        if value:
            os.environ[env] = value
    started = time.perf_counter()
    from parsers.extract import ocr, ocr_rapid

    if "rapidocr" in ocr.engines().values():
        ocr_rapid._recogniser()  # the model loads once per process (≈2 CPU s): not a per-page cost
    rows = []
    for n in names or list(FIXTURES):
        rows.append(score_fixture(n))
        if jsonl:  # each fixture's row as soon as it is done: a long run on a busy machine keeps its partial figures
            with open(jsonl, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(rows[-1], ensure_ascii=False) + "\n")
    by_class: dict[str, dict] = defaultdict(lambda: {"cells": 0, "exact": 0, "silent_wrong": 0, "cpu_s": 0.0,
                                                     "pages": 0, "fixtures": 0, "metadata_ok": 0})
    for r in rows:
        c = by_class[r["class"]]
        for k in ("cells", "exact", "silent_wrong", "cpu_s", "pages"):
            c[k] += r[k]
        c["fixtures"] += 1
        c["metadata_ok"] += r["template"] and r["agency"] and r["year"]
    total = {k: sum(r[k] for r in rows) for k in ("cells", "exact", "silent_wrong", "cpu_s", "pages")}
    pct = lambda a, b: round(100.0 * a / b, 2) if b else None  # noqa: E731
    return {
        "classes": {k: {**v, "accuracy": pct(v["exact"], v["cells"]), "s_per_page": round(v["cpu_s"] / v["pages"], 2)}
                    for k, v in sorted(by_class.items())},
        "accuracy": pct(total["exact"], total["cells"]),
        "degraded_accuracy": pct(sum(r["exact"] for r in rows if r["class"] != "clean200"),
                                 sum(r["cells"] for r in rows if r["class"] != "clean200")),
        "silent_wrong": total["silent_wrong"], "s_per_page": round(total["cpu_s"] / max(total["pages"], 1), 2),
        "template_ok": sum(r["template"] for r in rows), "agency_ok": sum(r["agency"] for r in rows),
        "year_ok": sum(r["year"] for r in rows), "fixtures": len(rows),
        "rows": rows, "seconds": round(time.perf_counter() - started, 1),
    }


def print_report(res: dict, title: str = "") -> None:
    print(f"degraded scans{(' — ' + title) if title else ''}: {res['fixtures']} fixtures, {res['seconds']} s "
          f"(load {os.getloadavg()[0]:.1f})")
    print(f"  {'class':10s} {'cells exact':>12s} {'not suspect':>12s} {'tmpl+agency+year':>17s} {'cpu s/page':>11s}")
    for cls, v in res["classes"].items():
        print(f"  {cls:10s} {v['accuracy']:11.2f}% {v['silent_wrong']:12d} {v['metadata_ok']:>11d}/{v['fixtures']:<5d}"
              f" {v['s_per_page']:11.2f}")
    print(f"  all: {res['accuracy']} % exact (degraded only {res['degraded_accuracy']} %), "
          f"{res['silent_wrong']} wrong without suspect, template {res['template_ok']}/{res['fixtures']}, "
          f"agency {res['agency_ok']}/{res['fixtures']}, year {res['year_ok']}/{res['fixtures']}, "
          f"{res['s_per_page']} cpu s/page")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="fixtures whose name contains this")
    ap.add_argument("--labels", choices=("tesseract", "rapidocr"))
    ap.add_argument("--digits", choices=("tesseract", "rapidocr"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--names", help="comma-separated fixture names, in this order")
    ap.add_argument("--heldout", action="store_true",
                    help="the held-out fixtures (make_scans.HELDOUT: other reports, never tuned on) instead")
    ap.add_argument("--sealed", action="store_true",
                    help="the sealed fixtures (make_scans.SEALED): totals only, never their misses")
    ap.add_argument("--jsonl", help="append each fixture's result to this file as it is done")
    args = ap.parse_args()
    if args.sealed and (args.show_misses or args.json or args.jsonl):
        ap.error("--sealed prints totals only: its misses stay unread, so it keeps measuring untuned code")
    pool = SEALED if args.sealed else HELDOUT if args.heldout else FIXTURES
    names = args.names.split(",") if args.names else [n for n in pool if not args.only or args.only in n]
    res = evaluate(names, args.labels, args.digits, args.jsonl)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return
    print_report(res)
    if args.show_misses:
        for r in res["rows"]:
            for e in r["errors"]:
                print(f"  error: {r['name']}: {e}")
            if not r["agency"]:
                print(f"  miss: {r['name']}: agency got {r['got_agency']!r}")
            for m in r["misses"]:
                print("  miss:", m)


if __name__ == "__main__":
    main()
