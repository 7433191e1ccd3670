"""One agency, however its name is written; and whether a name says which place it is.

Reports name their agency in full (清河县柳林镇人民政府), short (柳林镇), or with
the 人民政府 dropped. The key folds the suffix away and starts at the most specific
region name that is unique in the country (河北省邢台市清河县… → 清河县…), so one
agency written with or without its province and city is one key.

A short name (柳林镇, 县卫生健康局, 市交通运输局) does not say where it is: 城关镇,
新城镇 or 太平镇 exist in hundreds of counties. Such a name is *qualified* by the
site's place (its configured region or name: 柳林镇 on 清河县's portal is 清河县柳林镇);
a name nothing qualifies is kept apart per site by the archive (store.report_for).
Every spelling seen is kept in `agency_aliases`.
"""
from __future__ import annotations

import re
import unicodedata

from . import regions

_SUFFIX = re.compile(r"(人民政府|政府)(办公室|办公厅)?$")
# The region part of a site or agency name: 河北省邢台市清河县, 清河县, 北京市朝阳区…
_REGION = re.compile(r"^((?:[^省市县区旗]{1,8}(?:省|自治区))?(?:[^省市县区旗]{1,8}(?:市|州|盟))?(?:[^省市县区旗]{1,8}(?:县|区|旗|市))?)")
# A place written out by syntax alone (names not in the division table: new districts, fictional
# fixtures): 2–12 characters before 县/区/旗/市/州/盟, optionally after a province and a city.
_PLACE = re.compile(r"^(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{2,9}?(?:市|自治州|州|盟|地区))?"
                    r"(?:[\u4e00-\u9fff]{2,12}?(?:自治县|县|区|旗|市))?")
# Words that end in 市/区/县 without being a place of their own.
_NOT_PLACE = {"城市", "都市", "新区", "市区", "城区", "郊区", "本市", "本区", "本县", "我市", "我区", "我县", "全市",
              "全区", "全县", "高新区", "开发区", "经开区", "示范区", "保税区", "自贸区", "试验区", "工业园区"}
_NOT_PLACE_END = ("社区", "小区", "园区", "景区", "街区", "片区", "辖区", "山区", "库区", "矿区", "林区", "牧区", "校区")
_LOWER_UNIT = re.compile(r"(镇|乡|街道|街道办事处|办事处|苏木|局|委员会|委|办公室|办|中心|厅|署|院|所|站|队|分局|管委会)$")
_NATIONAL = re.compile(r"^(国务院|国家|中国|中华人民共和国|海关总署)|^(外交部|国防部|教育部|科学技术部|工业和信息化部|公安部|"
                       r"民政部|司法部|财政部|人力资源和社会保障部|自然资源部|生态环境部|住房和城乡建设部|交通运输部|水利部|"
                       r"农业农村部|商务部|文化和旅游部|退役军人事务部|应急管理部|审计署|中国人民银行)")
# A short name's leading level word ("县卫生健康局", "市交通运输局"): the place it needs is of that level.
_LEVEL_WORD = {"省": ("省", "自治区"), "市": ("市",), "县": ("县", "旗"), "区": ("区",), "州": ("州",), "旗": ("旗",)}


def _clean(name: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


def region_prefix(name: str | None) -> str:
    """The administrative region a name starts with ('清河县人民政府' → '清河县')."""
    m = _REGION.match(_clean(name or ""))
    return m.group(1) if m else ""


def place_prefix(name: str | None) -> str:
    """The place a name starts with: region names of the division table (清河县, 北京市朝阳区,
    富县) or, failing those, names shaped like places (柏宝县, 武汉东湖新技术开发区)."""
    s = _clean(name)
    chain, covered = regions.leading_regions(s)
    if chain:
        return s[:covered]
    m = _PLACE.match(s)
    prefix = m.group(0) if m else ""
    return "" if prefix in _NOT_PLACE or prefix.endswith(_NOT_PLACE_END) else prefix


def is_qualified(name: str | None) -> bool:
    """Whether a name says which agency it is nationwide: it starts with a place, or is national."""
    s = _clean(name)
    return bool(s) and (bool(place_prefix(s)) or bool(_NATIONAL.search(s)))


def site_place(site_name: str | None = None, site_region: str | None = None) -> str:
    """The place of a site from the sites file: its `region` (山西省吕梁市汾阳市), else the
    place its `name` starts with (清河县人民政府 → 清河县). Empty when neither says one."""
    for text in (site_region, site_name):
        place = place_prefix(text)
        if place:
            return place
    return ""


_LEVELS = re.compile(r"^(?P<upper>(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{2,9}?(?:市|自治州|州|盟|地区))?)"
                     r"(?P<county>[\u4e00-\u9fff]{2,12}?(?:自治县|县|区|旗|市))")


def canonical(name: str) -> str:
    """The name from its most specific unique region on (河北省邢台市清河县柳林镇 → 清河县柳林镇).
    A place the division table does not know keeps its county-level part only, so the sites
    file's "某某省某某市柏宝县" and a page's "柏宝县" agree."""
    s = _clean(name)
    if regions.find_regions(s):
        return s[regions.canonical_start(s):]
    m = _LEVELS.match(s)
    if m and m.group("upper") and len(s) > m.end() or m and m.group("upper") and place_prefix(s) == m.group(0):
        return s[len(m.group("upper")):]
    return s


def qualify(name: str, place: str) -> str | None:
    """A short name placed in `place` ("柳林镇", "清河县" → "清河县柳林镇"; "县财政局", "柏宝县" →
    "柏宝县财政局"). None when the name's level word does not fit the place ("市交通运输局" on a
    county's site: that is the city's bureau, not the county's)."""
    s, place = _clean(name), _clean(place)
    if not place or is_qualified(s):
        return None
    head = s[:1]
    if head in _LEVEL_WORD and _LOWER_UNIT.search(s[1:]) and not s.startswith(("市场", "区域", "县域")):
        if not place.endswith(_LEVEL_WORD[head]):
            return None
        s = s[1:]
    return place + s


def agency_key(agency: str, site_name: str | None = None, site_region: str | None = None) -> str:
    """The key reports of one agency share. A short name gets the site's place in front
    (`site_name`/`site_region`: the sites file's name and region)."""
    key = _SUFFIX.sub("", _clean(agency)) or _clean(agency)
    if not is_qualified(key) and _LOWER_UNIT.search(key):
        placed = qualify(key, site_place(site_name, site_region))
        if placed:
            key = placed
    return canonical(key)
