"""Parse accuracy on the labelled corpus (tests/corpus/files), through the real pipeline.

Every file goes through `parsers.extract.extract` and `parsers.report.parse_report`;
each truth cell counts (blank cells included: a NULL must come back NULL). Prints
cell accuracy per template, per format and per variation class (`class:NAME`; the
real-producer classes also per format, `class:NAME/FORMAT`, and all of them as `producer` and
`producer:format:FORMAT`), template accuracy, check agreement,
metadata accuracy (agency, year, level, region), and how many wrong cells the
parser did not flag ("silent wrong": a wrong value with no flag; the goal is 0).

    python benchmarks/parse_accuracy.py [--json] [--only NAME_SUBSTRING] [--show-misses]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "corpus" / "files"

from parsers.extract import extract  # noqa: E402
from parsers.report import parse_report  # noqa: E402

BORN_DIGITAL = ("html", "wordhtml", "docx", "pdf", "doc", "wps", "xls", "xlsx", "flat", "cells", "colmajor", "seed")
# Variation classes of real producers' layouts (tests/corpus/README.md): also reported per format.
PRODUCER_CLASSES = ("vertical_header", "rotated_header", "wrapped_space", "missing_chars", "hybrid_other",
                    "prose_above", "shaded_prose", "repeated_header", "missing_rules", "blank_review", "agency_line")
# Report pages saved as text (reports 106+): counted per text format, in `text` and `text:CLASS`.
TEXT_FORMATS = ("txt_rows", "txt_close", "txt_open", "txt_cells", "txt_between", "txt_paras")


# Flags that describe a value rather than doubt it.
_BENIGN = {"unit_stripped", "negative", "no_cells", "fails_check", "stated_none"}


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def _groups(truth: dict) -> tuple[str, ...]:
    """The figures a truth cell counts in. Real-producer reports (tests/corpus/README.md) count in their
    classes, per class and format, and in `producer` / `producer:format:X`, but not in the older
    groups (all, born_digital, format:X, template:X), whose floors were set on the corpus before them."""
    fmt = truth["format"]
    variations = [v for v in truth.get("variations", []) if not v.startswith("real text")]
    if fmt in TEXT_FORMATS:
        return ("text", f"format:{fmt}") + tuple(f"text:{v}" for v in variations)
    classes = tuple(f"class:{v}" for v in variations)
    if any(v in PRODUCER_CLASSES for v in variations):
        return classes + tuple(f"class:{v}/{fmt}" for v in variations if v in PRODUCER_CLASSES) + (
            "producer", f"producer:format:{fmt}")
    return (f"template:{truth['template']}", f"format:{fmt}", "born_digital" if fmt in BORN_DIGITAL else "scanned",
            "all") + classes


def _parse_one(truth: dict):
    data = (CORPUS / truth["file"]).read_bytes()
    return parse_report([extract(data, url=truth["file"])])


def evaluate(only: str | None = None, show_misses: bool = False, workers: int = 2) -> dict:
    """Accuracy figures; `workers` files are extracted at once, in separate processes (PDFium is not
    thread-safe); spawned, not forked, so a caller's threads (pytest, Prefect) cannot deadlock a child."""
    cells_ok: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    tmpl_ok = [0, 0]
    checks_ok = [0, 0]
    meta_ok: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong = {"silent": 0, "flagged": 0, "missing": 0, "extra": 0}
    flagged_right: Counter[str] = Counter()
    misses: list[str] = []
    started = time.perf_counter()
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.json"))]
    truths = [t for t in truths if not only or only in t["file"]]
    if workers <= 1:
        results = [_parse_one(t) for t in truths]
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_parse_one, truths))
    for truth, parsed in zip(truths, results):
        got = {f"{c.table_name}.{c.row_key}.{c.col_key}": c.value for c in parsed.cells}
        flags = {f"{c.table_name}.{c.row_key}.{c.col_key}": c.flags for c in parsed.cells}
        fmt = truth["format"]
        groups = _groups(truth)
        for key, want in truth["cells"].items():
            ok = key in got and _same(got[key], want)
            for g in groups:
                cells_ok[g][0] += ok
                cells_ok[g][1] += 1
            if not ok:
                kind = "missing" if key not in got else "flagged" if flags[key] else "silent"
                wrong[kind] += 1
                misses.append(f"{truth['file']}: {key} want {want!r} got {got.get(key, 'absent')!r}"
                              + (f" flags {','.join(flags[key])}" if flags.get(key) else
                                 " UNFLAGGED" if kind == "silent" else ""))
            elif flags.get(key) and set(flags[key]) - _BENIGN:
                flagged_right.update(set(flags[key]) - _BENIGN)
                flagged_right["cells"] += 1
        # Cells the document does not have (a table invented, a row read twice under another key).
        for key in got:
            if key not in truth["cells"] and not key.startswith("prose."):
                wrong["extra"] += 1
                misses.append(f"{truth['file']}: {key} not in the document, got {got[key]!r}")
        if truth["template"] != "unknown":
            region = "".join(x or "" for x in (parsed.province, parsed.city, parsed.county))
            known = truth["region"] is not None  # a seed's town whose county the text never names
            for field, ok in (("agency", parsed.agency == truth["agency"]), ("year", parsed.year == truth["year"]),
                              ("level", parsed.level == truth["level"]), ("region", region == truth["region"]),
                              ("region_code", bool(parsed.region_code))):
                if field.startswith("region") and not known:
                    continue
                meta_ok[field][0] += ok
                meta_ok[field][1] += 1
                if not ok:
                    misses.append(f"{truth['file']}: metadata {field} want "
                                  f"{truth.get(field, '(a code)')!r} got {getattr(parsed, field, region)!r}")
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
        "metadata": {f: pct(v) for f, v in sorted(meta_ok.items())},
        "wrong_cells": dict(wrong), "flagged_but_right": dict(flagged_right),
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
    ap.add_argument("--workers", type=int, default=2, help="files extracted at once (default 2)")
    args = ap.parse_args()
    res = evaluate(args.only, args.show_misses, args.workers)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return
    print(f"reports: {res['reports']}   time: {res['seconds']} s ({args.workers} workers)")
    print(f"template accuracy: {res['template_accuracy']} %")
    print(f"check agreement:   {res['check_agreement']} % of {res['checks']} checks")
    print("metadata accuracy: " + ", ".join(f"{f} {v} %" for f, v in res["metadata"].items()))
    w = res["wrong_cells"]
    print(f"wrong cells: {w['silent']} silent (wrong value, no flag), {w['flagged']} flagged, {w['missing']} missing, "
          f"{w['extra']} extra (not in the document); "
          f"{res['flagged_but_right'].get('cells', 0)} right cells carry a doubt flag ("
          + ", ".join(f"{k} {v}" for k, v in sorted(res["flagged_but_right"].items()) if k != "cells") + ")")
    print("cell accuracy (exact, blanks counted):")
    for g, v in res["cells"].items():
        print(f"  {g:20s} {v['accuracy']:7.2f} %  ({v['correct']}/{v['total']})")
    for m in res.get("misses", [])[:200]:
        print("  miss:", m)


if __name__ == "__main__":
    main()
