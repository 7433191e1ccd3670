"""Numbers as the pages print them, formatted once in Python (a Jinja macro per cell cost
~0.5 ms each: 1 s for a province's ranking)."""
from __future__ import annotations

from typing import Any

RATES = ("refusal_rate", "correction_rate")


def num(value: Any) -> str:
    """3.0 → '3', 3.5 → '3.5', None → '' (a blank cell stays blank, never 0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def pct(value: Any) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def shown(row: dict[str, Any], keys: tuple[str, ...] | list[str]) -> dict[str, str]:
    """The row's figures as printed: rates as percentages, counts as numbers."""
    return {k: pct(row.get(k)) if k in RATES else num(row.get(k)) for k in keys}
