"""Rebuild `regions.json` (administrative division codes) from a cpca wheel.

The table is vendored so parsing never needs the network. Its source is the
`adcodes.csv` resource of the MIT-licensed PyPI package cpca 0.5.5
(DQinYuan/chinese_province_city_area_mapper, data of 2020): 34 provinces,
all prefecture-level units and ~2,900 county-level units. Run once by hand:

    pip download cpca==0.5.5 --no-deps -d /tmp/cpca && \
    python -m parsers.report.regions_build /tmp/cpca/cpca-0.5.5-py3-none-any.whl
"""
from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

# Placeholder rows of the national code list that name no place.
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def build(wheel: str | Path, out: str | Path = Path(__file__).with_name("regions.json")) -> int:
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read("cpca/resources/adcodes.csv").decode("utf-8")
    codes = {}
    for row in csv.DictReader(io.StringIO(raw)):
        name = row["name"].strip()
        if name and name not in _PLACEHOLDERS:
            codes[row["adcode"][:6]] = name
    payload = {"source": "cpca 0.5.5 resources/adcodes.csv (MIT), 2020 division codes",
               "codes": dict(sorted(codes.items()))}
    Path(out).write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return len(codes)


if __name__ == "__main__":
    print(build(sys.argv[1]), "codes written")
