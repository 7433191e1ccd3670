"""Quality gate: parse accuracy on the labelled corpus must not drop below tests/corpus/floors.json.

Runs the real pipeline (extract → parse_report) on every corpus file, OCR included.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from parse_accuracy import CORPUS, PRODUCER_CLASSES, evaluate  # noqa: E402

FLOORS = json.loads((ROOT / "tests" / "corpus" / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result() -> dict:
    return evaluate(show_misses=True)


def test_corpus_is_large_enough_and_covers_every_format():
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.json")]
    assert len(truths) >= 40
    assert {t["format"] for t in truths} >= {"html", "docx", "pdf", "doc", "wps", "xls", "xlsx", "scan", "flat", "cells",
                                             "seed", "wordhtml", "txt_rows", "txt_close", "txt_open", "txt_cells",
                                             "txt_between", "txt_paras"}
    # every real-producer class as an office-printed PDF, as DOCX and as Word-exported HTML
    for cls in PRODUCER_CLASSES:
        assert {t["format"] for t in truths if cls in t["variations"]} >= {"pdf", "docx", "wordhtml"}, cls
        assert f"class:{cls}" in FLOORS["cells"], f"no floor for class {cls}"
    assert {t["template"] for t in truths} == {"2021", "2019", "pre2019", "unknown"}
    assert any(t["checks"] and False in t["checks"].values() for t in truths), "no inconsistent report"


@pytest.mark.parametrize("group", sorted(FLOORS["cells"]))
def test_cell_accuracy_floor(result, group):
    got = result["cells"][group]["accuracy"]
    misses = [m for m in result["misses"] if group.split(":")[-1] in m or group in ("born_digital", "scanned")
              or group.startswith("class:")]
    assert got >= FLOORS["cells"][group], f"{group}: {got} % < floor; first misses: {misses[:10]}"


def test_template_accuracy_floor(result):
    assert result["template_accuracy"] >= FLOORS["template_accuracy"], [m for m in result["misses"] if "template" in m]


def test_check_agreement_floor(result):
    assert result["check_agreement"] >= FLOORS["check_agreement"], [m for m in result["misses"] if "check" in m]


@pytest.mark.parametrize("field", sorted(FLOORS["metadata"]))
def test_metadata_accuracy_floor(result, field):
    assert result["metadata"][field] >= FLOORS["metadata"][field], \
        [m for m in result["misses"] if f"metadata {field} " in m]


def test_no_silent_wrong_number(result):
    """A wrong value must carry a flag (OCR, failing check, ambiguous alignment…): never pass as sure."""
    assert result["wrong_cells"]["silent"] <= FLOORS["silent_wrong_cells_max"], \
        [m for m in result["misses"] if m.endswith("UNFLAGGED")]


def test_no_cell_the_document_does_not_have(result):
    assert result["wrong_cells"]["extra"] <= FLOORS["extra_cells_max"], \
        [m for m in result["misses"] if "not in the document" in m]


# Degraded scans (tests/corpus/make_scans.py): two of the hardest fixtures, ten pages in all, so the
# gate's OCR cost stays in tens of seconds; `benchmarks/scan_accuracy.py` measures every class.
DEGRADED = ("mixed_a", "seal_b")


@pytest.fixture(scope="module")
def degraded() -> dict:
    from scan_accuracy import evaluate as evaluate_scans

    return evaluate_scans(list(DEGRADED))


def test_degraded_scans_cell_floor(degraded):
    misses = [m for r in degraded["rows"] for m in r["misses"]]
    assert degraded["accuracy"] >= FLOORS["degraded_scans"]["cells"], misses[:10]


def test_degraded_scans_no_wrong_value_without_suspect(degraded):
    assert degraded["silent_wrong"] <= FLOORS["degraded_scans"]["silent_wrong_max"], \
        [m for r in degraded["rows"] for m in r["misses"] if m.endswith("NOT SUSPECT")]


def test_degraded_scans_template_agency_year(degraded):
    assert degraded["template_ok"] == degraded["agency_ok"] == degraded["year_ok"] == degraded["fixtures"], \
        [(r["name"], r["template"], r["got_agency"], r["year"]) for r in degraded["rows"]]


# A photocopy whose rules are dashes (`parsers/extract/scan_edges.py`): its own floor, four pages.
COPIER = ("copier_b",)


@pytest.fixture(scope="module")
def copier() -> dict:
    from scan_accuracy import evaluate as evaluate_scans

    return evaluate_scans(list(COPIER))


def test_copier_scan_cell_floor(copier):
    assert copier["accuracy"] >= FLOORS["copier_scans"]["cells"], [m for r in copier["rows"] for m in r["misses"]][:10]


def test_copier_scan_no_wrong_value_without_suspect(copier):
    assert copier["silent_wrong"] <= FLOORS["copier_scans"]["silent_wrong_max"], \
        [m for r in copier["rows"] for m in r["misses"] if m.endswith("NOT SUSPECT")]
