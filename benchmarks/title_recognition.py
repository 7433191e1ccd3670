"""Title recognition measured on real-world titles: precision, recall, year and agency accuracy.

    python benchmarks/title_recognition.py [--show-errors]

The fixture (tests/fixtures/titles.tsv: title, is_report, year, agency,
source) holds report titles and decoys collected from public government
pages and mirrors; the source column says where each came from.
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parsers.report.titles import recognize_title  # noqa: E402

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "titles.tsv"


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    year_ok: int = 0
    year_total: int = 0
    agency_ok: int = 0
    agency_total: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(path: Path = FIXTURE) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def score(rows: list[dict[str, str]]) -> Scores:
    s = Scores()
    for row in rows:
        truth = row["is_report"] == "1"
        match = recognize_title(row["title"])
        if truth and match:
            s.tp += 1
            if row["year"]:
                s.year_total += 1
                s.year_ok += match.year == int(row["year"])
                if match.year != int(row["year"]):
                    s.errors.append(f"year   {match.year} != {row['year']}: {row['title']}")
            if row["agency"]:
                s.agency_total += 1
                s.agency_ok += match.agency == row["agency"]
                if match.agency != row["agency"]:
                    s.errors.append(f"agency {match.agency!r} != {row['agency']!r}: {row['title']}")
        elif truth:
            s.fn += 1
            s.errors.append(f"missed report: {row['title']}")
        elif match:
            s.fp += 1
            s.errors.append(f"decoy taken:   {row['title']}")
        else:
            s.tn += 1
    return s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    rows = load()
    t0 = time.perf_counter()
    s = score(rows)
    elapsed = time.perf_counter() - t0
    n_reports = sum(r["is_report"] == "1" for r in rows)
    print(f"titles: {len(rows)} ({n_reports} reports, {len(rows) - n_reports} decoys) from {FIXTURE.name}")
    print(f"precision: {s.precision:.3f}  recall: {s.recall:.3f}  (tp {s.tp}, fp {s.fp}, fn {s.fn}, tn {s.tn})")
    print(f"year correct: {s.year_ok}/{s.year_total}  agency correct: {s.agency_ok}/{s.agency_total}")
    print(f"speed: {len(rows) / elapsed:,.0f} titles/s")
    if args.show_errors:
        for e in s.errors:
            print("  " + e)


if __name__ == "__main__":
    main()
