"""Parse accuracy on the labelled corpus (tests/corpus/files), through the real pipeline.

Every file goes through `parsers.extract.extract` and `parsers.report_parser.parse_report`;
each truth cell counts (blank cells included: a NULL must come back NULL). Prints
cell accuracy per template and per format, template accuracy and check agreement.

    python benchmarks/parse_accuracy.py [--json] [--only NAME_SUBSTRING] [--show-misses]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "corpus" / "files"

from parsers.extract import extract  # noqa: E402
from parsers.report_parser import parse_report  # noqa: E402

BORN_DIGITAL = ("html", "docx", "pdf", "doc", "flat", "cells", "colmajor")


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def evaluate(only: str | None = None, show_misses: bool = False) -> dict:
    cells_ok: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    tmpl_ok = [0, 0]
    checks_ok = [0, 0]
    misses: list[str] = []
    started = time.perf_counter()
    for truth_path in sorted(CORPUS.glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if only and only not in truth["file"]:
            continue
        data = (CORPUS / truth["file"]).read_bytes()
        doc = extract(data, url=truth["file"])
        parsed = parse_report([doc])
        got = {f"{c.table_name}.{c.row_key}.{c.col_key}": c.value for c in parsed.cells}
        fmt = truth["format"]
        groups = (f"template:{truth['template']}", f"format:{fmt}",
                  "born_digital" if fmt in BORN_DIGITAL else "scanned", "all")
        for key, want in truth["cells"].items():
            ok = key in got and _same(got[key], want)
            for g in groups:
                cells_ok[g][0] += ok
                cells_ok[g][1] += 1
            if not ok:
                misses.append(f"{truth['file']}: {key} want {want!r} got {got.get(key, 'absent')!r}")
        tmpl_ok[0] += parsed.template == truth["template"]
        tmpl_ok[1] += 1
        if parsed.template != truth["template"]:
            misses.append(f"{truth['file']}: template want {truth['template']} got {parsed.template}")
        got_checks = {c.name: c.passed for c in parsed.checks}
        for name, want in truth["checks"].items():
            ok = got_checks.get(name, "absent") == want
            checks_ok[0] += ok
            checks_ok[1] += 1
            if not ok:
                misses.append(f"{truth['file']}: check {name} want {want} got {got_checks.get(name, 'absent')}")
    pct = lambda a: round(100.0 * a[0] / a[1], 2) if a[1] else None  # noqa: E731
    result = {
        "cells": {g: {"accuracy": pct(v), "correct": v[0], "total": v[1]} for g, v in sorted(cells_ok.items())},
        "template_accuracy": pct(tmpl_ok), "reports": tmpl_ok[1],
        "check_agreement": pct(checks_ok), "checks": checks_ok[1],
        "seconds": round(time.perf_counter() - started, 1),
    }
    if show_misses:
        result["misses"] = misses
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--only")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    res = evaluate(args.only, args.show_misses)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return
    print(f"reports: {res['reports']}   time: {res['seconds']} s")
    print(f"template accuracy: {res['template_accuracy']} %")
    print(f"check agreement:   {res['check_agreement']} % of {res['checks']} checks")
    print("cell accuracy (exact, blanks counted):")
    for g, v in res["cells"].items():
        print(f"  {g:20s} {v['accuracy']:7.2f} %  ({v['correct']}/{v['total']})")
    for m in res.get("misses", [])[:200]:
        print("  miss:", m)


if __name__ == "__main__":
    main()
