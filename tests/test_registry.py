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


def test_registry_loads_and_is_well_formed():
    sites = load_sites(REGISTRY)  # the harvest's own validation: unique slugs, http(s) URLs, known keys
    assert len(sites) >= 30
    assert len({s.id for s in sites}) == len(sites)
    for site in sites:
        assert site.source and site.level in LEVELS, site.id
        for url in site.start_urls:
            parts = urlparse(url)
            host = parts.hostname or ""
            assert parts.scheme in ("http", "https") and parts.path.endswith("/"), url
            assert host.endswith(".gov.cn") or host.endswith(KNOWN_GOVERNMENT_DOMAINS or ("\0",)), url
        assert all(d.endswith(".gov.cn") for d in site.allowed_domains), site.id
    starts = [u for s in sites for u in s.start_urls]
    assert len(starts) == len(set(starts))  # no column twice
    assert set(Counter(s.level for s in sites)) == LEVELS  # every administrative level represented
