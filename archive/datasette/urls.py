"""Paths of nianbao's pages, built in one place (templates and plugins call these)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode


def agency_url(agency_key: str) -> str:
    return "/-/nianbao/agency/" + quote(agency_key, safe="")


def place_url(place_code_or_name: str, **params: Any) -> str:
    q = {k: v for k, v in params.items() if v not in (None, "")}
    return "/-/nianbao/place/" + quote(str(place_code_or_name), safe="") + ("?" + urlencode(q) if q else "")


def report_agency_url(report_id: int) -> str:
    """Redirects to the report's agency page: for rows that carry a report id but not the agency key."""
    return f"/-/nianbao/report/{int(report_id)}/agency"
