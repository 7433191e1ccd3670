"""sites/registry.yaml: real annual-report columns, valid for the harvest and well-formed."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

from crawlers.sites import load_sites

REGISTRY = Path(__file__).resolve().parent.parent / "sites" / "registry.yaml"
LEVELS = {"province", "city", "county", "town", "department"}
# Government hosts outside gov.cn that registries may need (none used yet; add with a source).
KNOWN_GOVERNMENT_DOMAINS: tuple[str, ...] = ()


def _government_host(host: str) -> bool:
    return host.endswith(".gov.cn") or host.endswith(KNOWN_GOVERNMENT_DOMAINS or ("\0",))


def test_registry_loads_and_is_well_formed():
    sites = load_sites(REGISTRY)  # the harvest's own validation: unique slugs, http(s) URLs, known keys
    assert len(sites) >= 300
    assert len({s.id for s in sites}) == len(sites)
    for site in sites:
        assert site.name and site.level in LEVELS, site.id
        # The source is the public page where the column (or a report in it) was seen: a URL, never
        # a path on somebody's machine.
        source = urlparse(site.source or "")
        assert source.scheme in ("http", "https") and _government_host(source.hostname or ""), site.id
        for url in site.start_urls:
            parts = urlparse(url)
            assert parts.scheme in ("http", "https") and _government_host(parts.hostname or ""), url
            # Start URLs come from that material: the page itself, or a column URL on the same site.
            assert url == site.source or parts.hostname == source.hostname, site.id
        assert all(_government_host(d) for d in site.allowed_domains), site.id
    starts = [u for s in sites for u in s.start_urls]
    assert len(starts) == len(set(starts))  # no column twice
    assert set(Counter(s.level for s in sites)) == LEVELS  # every administrative level represented
    assert len({s.region[:2] for s in sites if s.region}) >= 25  # across the provinces, not a few of them


def test_registry_header_says_entries_are_unverified():
    header = "".join(line for line in REGISTRY.read_text(encoding="utf-8").splitlines(keepends=True)
                     if line.startswith("#"))
    assert "UNVERIFIED" in header and "site_runs" in header
