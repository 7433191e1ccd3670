"""One agency, however its name is written.

Reports name their agency in full (清河县柳林镇人民政府), short (柳林镇), or with
the 人民政府 dropped. The key folds the suffix away and puts the site's region
in front of a name that lacks it, so 柳林镇 on 清河县's portal and
清河县柳林镇人民政府 are the same agency. Every spelling seen is kept in
`agency_aliases`.
"""
from __future__ import annotations

import re
import unicodedata

_SUFFIX = re.compile(r"(人民政府|政府)(办公室|办公厅)?$")
# The region part of a site or agency name: 河北省邢台市清河县, 清河县, 北京市朝阳区…
_REGION = re.compile(r"^((?:[^省市县区旗]{1,8}(?:省|自治区))?(?:[^省市县区旗]{1,8}(?:市|州|盟))?(?:[^省市县区旗]{1,8}(?:县|区|旗|市))?)")
_LOWER_UNIT = re.compile(r"(镇|乡|街道|街道办事处|苏木|局|委员会|委|办公室|办|中心|厅|署|院|所|站|队)$")


def _clean(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


def region_prefix(name: str | None) -> str:
    """The administrative region a name starts with ('清河县人民政府' → '清河县')."""
    m = _REGION.match(_clean(name or ""))
    return m.group(1) if m else ""


def agency_key(agency: str, site_name: str | None = None) -> str:
    key = _SUFFIX.sub("", _clean(agency)) or _clean(agency)
    region = region_prefix(site_name)
    # A town or department named without its county: add the site's region in front.
    if region and not key.startswith(region) and not region_prefix(key) and _LOWER_UNIT.search(key):
        key = region + key
    return key
