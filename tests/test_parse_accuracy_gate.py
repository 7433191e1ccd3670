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

from parse_accuracy import CORPUS, evaluate  # noqa: E402

FLOORS = json.loads((ROOT / "tests" / "corpus" / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result() -> dict:
    return evaluate(show_misses=True)


def test_corpus_is_large_enough_and_covers_every_format():
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.json")]
    assert len(truths) >= 40
    assert {t["format"] for t in truths} >= {"html", "docx", "pdf", "doc", "scan", "flat", "cells"}
    assert {t["template"] for t in truths} == {"2021", "2019", "pre2019", "unknown"}
    assert any(t["checks"] and False in t["checks"].values() for t in truths), "no inconsistent report"


@pytest.mark.parametrize("group", sorted(FLOORS["cells"]))
def test_cell_accuracy_floor(result, group):
    got = result["cells"][group]["accuracy"]
    misses = [m for m in result["misses"] if group.split(":")[-1] in m or group in ("born_digital", "scanned")]
    assert got >= FLOORS["cells"][group], f"{group}: {got} % < floor; first misses: {misses[:10]}"


def test_template_accuracy_floor(result):
    assert result["template_accuracy"] >= FLOORS["template_accuracy"], [m for m in result["misses"] if "template" in m]


def test_check_agreement_floor(result):
    assert result["check_agreement"] >= FLOORS["check_agreement"], [m for m in result["misses"] if "check" in m]
