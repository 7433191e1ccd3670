"""One agency however it is written."""
from __future__ import annotations

import pytest

from parsers.report.agencies import agency_key, region_prefix


@pytest.mark.parametrize("name, site, key", [
    ("柳林镇", "清河县人民政府", "清河县柳林镇"),
    ("清河县柳林镇人民政府", "清河县人民政府", "清河县柳林镇"),
    ("清河县人民政府", "清河县人民政府", "清河县"),
    ("清河县人民政府办公室", None, "清河县"),
    ("财政局", "清河县人民政府", "清河县财政局"),
    ("国家统计局", None, "国家统计局"),
    ("北京市朝阳区人民政府", None, "北京市朝阳区"),
    ("清 河 县 教育局", None, "清河县教育局"),
])
def test_agency_key(name, site, key):
    assert agency_key(name, site) == key


def test_region_prefix():
    assert region_prefix("河北省邢台市清河县人民政府") == "河北省邢台市清河县"
    assert region_prefix("国家统计局") == ""
