"""Who published a report, for which year, when, and where: read from the report and its site.

The agency comes from the report's title line (the hint from the crawl and the
site's name fill in when no title names one). The administrative level is
read from the agency name's ending; the region and its division code from
the names at its start (regions.py), with the site's name to place a town or
department that does not name its county.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import regions
from ..model import Document
from ..normalize import normalize_text
from . import identity


@dataclass
class Metadata:
    agency: str | None = None
    agency_short: str | None = None
    level: str | None = None  # national | province | city | county | town | department
    year: int | None = None
    published: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    region_code: str | None = None
    is_aggregate: bool = False
    warnings: list[str] = field(default_factory=list)


_GOV = re.compile(r"(人民政府|政府)(办公室|办公厅)?$")
_TOWN = re.compile(r"(镇|乡|街道|街道办事处|苏木|民族乡)(人民政府|政府)?$")
_NATIONAL = re.compile(r"^(国务院|国家|中国|中华人民共和国|海关总署|国家税务总局)|^[^省市县区]{1,8}部$|"
                       r"^(外交部|国防部|教育部|科学技术部|工业和信息化部|公安部|民政部|司法部|财政部|"
                       r"人力资源和社会保障部|自然资源部|生态环境部|住房和城乡建设部|交通运输部|水利部|"
                       r"农业农村部|商务部|文化和旅游部|退役军人事务部|应急管理部|审计署|中国人民银行)")
_AGGREGATE = re.compile(r"汇总|综合各(县|区|市|乡|镇|部门|单位)|全(省|市|县|区)各级行政机关|"
                        r"本(省|市|县|区)各级行政机关|全(省|市|县|区)(共|累计)?(收到|受理|新收)")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _title_candidates(documents: list[Document]) -> list[str]:
    out = []
    for d in documents:
        if d.title:
            out.append(d.title)
        for b in d.blocks[:6]:
            if b.kind != "table" and b.text:
                out.append(b.text)
            elif b.kind == "table" and b.rows:
                # A spreadsheet puts its title in the sheet's first cells.
                out += list(dict.fromkeys(c.text for row in b.rows[:3] for c in row if c.text))
        if not d.blocks and d.text:
            # Text without blocks (a CMS paste, a text dump: the seeds): its first non-empty lines.
            out += [line for line in d.text.split("\n") if line.strip()][:6]
    return [normalize_text(t).replace("\n", "") for t in out]


def find_title(documents: list[Document]) -> str | None:
    found = _found_title(documents)
    return found.title if found else None


def _found_title(documents: list[Document], repairs: list[str] | None = None) -> identity.TitleFound | None:
    """The report title, on one line or broken over lines (identity.find_title), else the
    opening sentence that names the report. A scan's lines are read with OCR's misreads of a
    title's year and words put right; the changes are added to `repairs`."""
    cands = [t for t in _title_candidates(documents) if t]
    if any(d.ocr for d in documents):
        cands, changes = identity.repaired_title_lines(cands)
        if repairs is not None:
            repairs += changes
    return identity.find_title(cands) or next(
        (found for d in documents if (found := identity.sentence_title(d.text or ""))), None)


def short_name(agency: str, region: regions.Region | None) -> str:
    """清河县柳林镇人民政府 → 柳林镇; 北京市朝阳区卫生健康委员会 → 卫生健康委员会 (region dropped)."""
    s = re.sub(r"\s+", "", agency)
    core = _GOV.sub("", s) or s
    chain = regions.find_regions(core)
    pos = 0
    if chain:
        # Drop the region prefix only when something is left after it.
        names = [opts[0].name for opts in chain]
        for n in names:
            if core.startswith(n, pos) or core[pos:].startswith(regions.short_province(n)):
                pos += len(n) if core.startswith(n, pos) else len(regions.short_province(n))
        rest = core[pos:]
        return rest or core
    return core


def fuller_name(agency: str, text: str) -> str | None:
    """The agency's name with its regions, as the body writes it somewhere ("杨家庄镇" → 汾阳市杨家庄镇人民政府)."""
    return identity.fuller_in_text(agency, text)


def agency_level(agency: str, region: regions.Region | None) -> str | None:
    s = re.sub(r"\s+", "", agency)
    if _TOWN.search(s):
        return "town"
    if _GOV.search(s):
        core = _GOV.sub("", s)
        chain = regions.find_regions(core)
        if chain and sum(len(opts[0].name) for opts in chain) == len(core):
            return chain[-1][0].level  # the government of the last region named
        for suffix, level in (("自治区", "province"), ("省", "province"), ("州", "city"), ("盟", "city"),
                              ("地区", "city"), ("县", "county"), ("区", "county"), ("旗", "county"),
                              ("市", "city")):
            if core.endswith(suffix):
                return level
        return None
    if _NATIONAL.search(s) and not regions.find_regions(s):
        return "national"
    return "department"


def published_date(documents: list[Document], year: int | None) -> str | None:
    for d in documents:
        if d.published:
            return d.published[:10]
    # The signature date at the end of the report ("2021年1月29日"), in the year after the report year.
    for d in documents:
        tail = normalize_text(d.text)[-300:]
        found = _DATE.findall(tail)
        for y, m, dd in reversed(found):
            y_, m_, d_ = int(y), int(m), int(dd)
            if 1 <= m_ <= 12 and 1 <= d_ <= 31 and (year is None or y_ in (year, year + 1)):
                return f"{y_:04d}-{m_:02d}-{d_:02d}"
    return None


def read_metadata(documents: list[Document], *, year_hint: int | None = None, agency_hint: str | None = None,
                  site_name: str | None = None) -> Metadata:
    meta = Metadata()
    repairs: list[str] = []
    found = _found_title(documents, repairs)
    meta.warnings += identity.repair_warning(found, repairs)
    agency = found.agency if found else None
    # The archive's name for the report (identity, at ingest) is the fullest its documents give.
    if agency_hint and (not agency or identity.extends(agency_hint, agency)):
        agency = agency_hint
    meta.agency = agency or site_name
    meta.year = (found.year if found else None) or year_hint
    if meta.year is None:
        # A title without a (plausible) year: the year the harvest's identity reads from the body
        # (the statistics period, the opening sentence), so parse and archive agree.
        meta.year = next((ident.year for d in documents if (ident := identity.identify(d))), None)
    if found is None:
        meta.warnings.append("no report title found in the documents")
    text = "\n".join(d.text for d in documents)
    meta.is_aggregate = bool(_AGGREGATE.search(re.sub(r"\s+", "", text)))
    meta.published = published_date(documents, meta.year)
    if not meta.agency:
        meta.warnings.append("agency unknown")
        return meta
    if not regions.find_regions(meta.agency):
        meta.agency = fuller_name(meta.agency, text) or meta.agency
    if any(d.ocr for d in documents):
        # A scan's title with one character of its city misread (闽州市 for 赣州市), said in the warnings.
        meta.agency, note = regions.correct_misread_parent(meta.agency)
        meta.warnings += [note] if note else []
    region, warns = regions.resolve(meta.agency, site_name, agency_hint)
    meta.warnings += warns
    meta.level = agency_level(meta.agency, region)
    meta.agency_short = short_name(meta.agency, region)
    if region:
        meta.region_code = region.code
        prov = regions.by_code(region.province_code)
        meta.province = prov.name if prov else None
        if region.level in ("city", "county"):
            city = regions.by_code(region.city_code)
            meta.city = city.name if city else None
        if region.level == "county":
            meta.county = region.name
    return meta
