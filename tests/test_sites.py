"""The sites file: interface.md's format, errors naming file, line and key."""
from __future__ import annotations

import pytest

from archive.errors import UserError
from crawlers.sites import parse_sites


def test_minimal_site_defaults_allowed_domains_to_start_hosts():
    (site,) = parse_sites("sites:\n  - id: liulin-town\n    start_urls:\n      - http://example.gov.cn/zwgk/zfxxgknb/\n")
    assert site.id == "liulin-town" and site.allowed_domains == ("example.gov.cn",) and site.name is None


def test_full_site():
    (site,) = parse_sites("sites:\n  - id: a\n    start_urls: [http://a.gov.cn/x/]\n    name: 清河县柳林镇人民政府\n"
                          "    allowed_domains: [a.gov.cn, files.a.gov.cn]\n")
    assert site.name == "清河县柳林镇人民政府" and site.allowed_domains == ("a.gov.cn", "files.a.gov.cn")


@pytest.mark.parametrize("text, message", [
    ("sites:\n  - id: a\n    start_urls: [http://a/]\n    bogus: 1\n", "s.yaml:4: unknown key 'bogus'"),
    ("site:\n  - id: a\n", "s.yaml:1: unknown key 'site'"),
    ("sites:\n  - start_urls: [http://a/]\n", "s.yaml:2: site is missing 'id'"),
    ("sites:\n  - id: a\n", "s.yaml:2: site is missing 'start_urls'"),
    ("sites:\n  - id: A B\n    start_urls: [http://a/]\n", "must be a slug"),
    ("sites:\n  - id: a\n    start_urls: [ftp://a/]\n", "is not an http(s) URL"),
    ("sites:\n  - id: a\n    start_urls: [http://a/]\n  - id: a\n    start_urls: [http://b/]\n", "s.yaml:4: duplicate id 'a' (first at line 2)"),
    ("sites: [\n", "s.yaml:2: not valid YAML"),
    ("", "empty sites file"),
])
def test_errors_name_file_line_and_key(text, message):
    with pytest.raises(UserError) as err:
        parse_sites(text, "s.yaml")
    assert message in str(err.value)
