"""Which report a document is: agency, year and title, read the way real reports print them.

Layouts seen on real portals (tests/fixtures/README, section "report identity"):
- a title line naming agency and year ("柏宝县长城镇人民政府2023年政府信息公开工作年度报告"),
  or year first ("2023年下各镇政府信息公开工作年度报告");
- an agency line above a title line that names only the year ("柏宝县长城镇人民政府" /
  "2023 年政府信息公开工作年度报告"), and titles split across lines or spans
  ("利辛县望疃镇2023" / "政府信息公开工作年度报告");
- title fields in a metadata row ("中文名 | …年度报告 | 发布单位 | …");
- no title line, the report named in the opening sentence ("现公布清远市清新区人民政府办公室
  2022年政府信息公开工作年度报告", "现将富县人民政府2024年…予以公开");
- the agency only in the page's 发布机构/来源, the contact sentence ("请与岱山县卫生健康局联系",
  "受理机构为…"), the running page header, the signature block (落款: agency over a date), or the
  breadcrumb ("首页 > 乡镇 > 下各镇 > 政府信息公开年报").

The year comes from the title; without one, from the statistics period ("统计期限自2021年1月1日").
The agency is the title's, made as full as the documents make it: a name that ends with the
title's and starts with a place (the 来源 line, the contact sentence, the body) wins
("罗家乡" → "龙游县罗家乡人民政府"). A name that says no place is qualified by the site's
(agencies.agency_key); `qualified` says whether anything did.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import regions
from .agencies import agency_key, is_qualified, place_prefix, site_place
from .titles import (compact, is_report_category, normalize_title, recognize_title, repair_ocr_title,
                     report_body_markers, title_agency, title_year)
from ..model import Document

# Report markers in the body: the section headings every template has.
_BODY_MARKERS = re.compile(r"依申请公开|政府信息公开申请|主动公开|行政复议|信息公开工作")
_HEAD_LINES = 30
_SHEETS = ("xls", "xlsx", "et")
_CORE = re.compile(r"(?:(?:政府|政务)(?:信息)?|信息)公开(?:工作)?的?(?:年度)?(?:工作)?的?(?:年度)?(?:报告|年报)")
# Labels printed before a title in metadata rows and flipbook page titles.
_LABEL = re.compile(r"^(?:标\s*题|名\s*称|文章标题|信息名称|中文名|题\s*名|Page\s*\d+)\s*[:：]?\s*", re.I)
_SEGMENT = re.compile(r"\s*[|｜]\s*|\s+[-–—_]\s+")
_NAME = r"[\u4e00-\u9fff（）()·]"
_AGENCY_TEXT = re.compile(r"^[\u4e00-\u9fff0-9（）()·]{2,40}$")
_AGENCY_END = re.compile(r"(?:镇|乡|街道|办事处|政府|机关|局|委|委员会|管委会|厅|办|办公室|中心|院|所|站|区|县|市|省|州|旗|盟|"
                         r"署|部|总局|分局|队|馆|会|处|苏木|嘎查)$")
_NOT_NAMES = re.compile(r"^(?:本|我|该|贵单位|各级|各单位|全市|全县|全区|全省|全镇|全乡|上级|政府|人民政府|政务|年度|关于|首页|当前|位置|信息公开|政务公开|政府信息|"
                        r"乡镇|部门|街道办|区县|县区|市直|县直|区直)")
_GENERIC = {"政府信息公开", "政务公开", "信息公开", "乡镇街道", "乡镇", "部门", "政府信息公开年报", "年度报告",
            "乡镇信息公开", "部门信息公开", "镇街", "县直部门", "市直部门", "区直部门"}
# A contact or compiler sentence naming the agency.
_CONTACT = re.compile(r"(?:请与|请联系|可联系|可与|可直接与|联系单位|受理机构为|受理机构|由)[:：]?(?P<a>" + _NAME + r"{2,40}?)"
                      r"(?=联系|[，,。;；:：（(、]|地址|办公地址|编制|负责|$)")
# A compiler sentence: "宜城市财政局依据《条例》…编制了本报告", "大营镇党政办公室编制了《…》",
# "全面总结岳阳市南湖新区财政局(以下简称…)".
_COMPILER = re.compile(r"(?:^|[。，,；;：:）)》])(?:全面总结|总结)?(?P<a>" + _NAME + r"{2,40}?)"
                       r"(?:特向社会公布|向社会公布|现将|依据|根据|编制了?|[（(]以下简称)")
_OFFICE_TAIL = re.compile(r"(?:(?:政务公开|政府信息公开|信息公开)(?:工作)?领导小组(?:办公室)?|政府信息公开领导小组办公室|信息公开领导小组办公室|政务公开领导小组办公室|政务公开办公室|"
                          r"信息公开办公室|政府信息公开办公室|信息公开中心|政府信息公开受理机构|党政综合办公室|党政办公室|"
                          r"党政办|综合办公室|指挥中心.{0,4}组)$")
# The opening sentence naming the report: "现公布X2022年政府信息公开工作年度报告", "现将X…予以公开".
_SENTENCE_CUT = re.compile(r".*(?:现公布|现公开|公布|公开|现将|现发布|发布|特编制|编制了?(?!的)|由|向社会|面向社会|[，,。;；:：（(《“\"])")
_PERIOD_START = re.compile(r"(?:统计|数据|期限|期间|时限|区间|时间|截止|涵盖)[^。]{0,24}?((?:19|20)\d{2})年?\s*0?1月?\s*0?1日")
_PERIOD_END = re.compile(r"(?:统计|数据|期限|时限|区间|时间|截止|核定)[^。]{0,30}?((?:19|20)\d{2})年?\s*12月?\s*31日")
_LEAD = re.compile(r"^((?:19|20)\d{2})\s*年(?:年度|度)?[,，]?\s*(?P<run>" + _NAME + r"{2,30})")
_LEAD_STOP = re.compile(r"(?:以|在|严格|认真|坚持|全面|按照|紧紧|深入|结合|进一步|根据|围绕|立足|高度|积极|持续|不断|始终|"
                        r"加强|贯彻|落实|继续|紧扣|聚焦|对照|共|依托|把|将|按|从|通过|主动|扎实|着力|信息公开|政务公开|政府信息)")
_EXPLAINER = re.compile(r"解读|图解|一图|读懂|展示|平台")
_CITED = re.compile(r"[^》。]{0,12}?(?:通知|办法|格式|意见|要点|指南)")
# A report speaking of itself: a page whose title was lost is still recognisably the report.
_SELF = re.compile(r"本(?:年度)?报告|本年报|年报电子版|编制本报告|编制此报告|本年度报告")
_HEADING = re.compile(r"^[（(]?[一二三四五六七八九十]+[、)）][\u4e00-\u9fff]{0,12}?(?:情况|概述)?[。]?(?=(?:19|20)\d{2}\s*年)")
_DATE = re.compile(r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_CRUMB = re.compile(r"\s*(?:>>|>|»|›|＞|→)\s*")
_BOUNDARY = set("由与及的为向将据请在是从系址:：,，。;；、（(）)《》“”\"' |>")


@dataclass(frozen=True)
class ReportIdentity:
    agency: str
    agency_key: str
    year: int
    title: str
    qualified: bool = True  # the name, or the site's place, says which county/city the agency is in
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class TitleFound:
    title: str
    agency: str | None
    year: int | None


# -- lines -----------------------------------------------------------------------------------

def head_lines(document: Document, limit: int = _HEAD_LINES) -> list[str]:
    """The document's first lines of prose (tables left out), as printed, one per line."""
    out: list[str] = []
    if document.blocks:
        for b in document.blocks:
            if b.kind == "table":
                if not out and b.rows and document.format in _SHEETS:  # a spreadsheet's title is in its first cells
                    out += list(dict.fromkeys(c.text for row in b.rows[:3] for c in row if c.text))
                continue
            out += (b.text or "").split("\n")
            if len(out) >= limit:
                break
    else:
        out = (document.text or "").split("\n")[: limit * 2]
    lines = [normalize_title(line) for line in out]
    return [line for line in lines if line][:limit]


def _segments(line: str) -> list[str]:
    return [s for s in (_LABEL.sub("", p).strip() for p in _SEGMENT.split(line)) if s]


def _clean_name(name: str | None) -> str | None:
    """An agency name as a title or a label gives it, or None when it is not one."""
    if not name:
        return None
    s = compact(name)
    s = s.rsplit(":", 1)[-1].rsplit("：", 1)[-1]  # "信息来源:老虎机游戏:太平乡政府" (injected spam before the name)
    s = re.sub(r"(?:关于|编制的?|的)$", "", s)
    if s.count("(") > s.count(")"):
        s = s[:s.rfind("(")]  # "黔南州人民政府(州政府办公室" with its bracket cut off by the title
    if not _AGENCY_TEXT.match(s) or _NOT_NAMES.match(s) or s in _GENERIC or re.search(r"(?:19|20)\d{2}", s):
        return None
    if _CORE.search(s) or not _AGENCY_END.search(s):
        return None
    return s


def looks_like_agency(line: str | None) -> bool:
    return _clean_name(line) is not None


# -- the title -----------------------------------------------------------------------------

def find_title(lines: list[str]) -> TitleFound | None:
    """The report title among a document's first lines: on one line, after an agency line,
    split over two or three lines, or as one field of a metadata row. Titles that name the
    agency beat those that do not; earlier beats later."""
    best: tuple[int, int, TitleFound] | None = None
    for i, line in enumerate(lines):
        for seg in _segments(line):
            found = _title_at(lines, i, seg)
            if found:
                score = (2 if found.agency else 0) + (1 if found.year else 0)
                if best is None or score > best[0]:
                    best = (score, i, found)
        if best and best[0] == 3:
            break
    return best[2] if best else None


def _title_at(lines: list[str], i: int, seg: str) -> TitleFound | None:
    if len(seg) > 100:
        return None
    m = recognize_title(seg)
    if m:
        agency = _clean_name(m.agency)
        if agency is None and i > 0:
            # "甘谷县人民政府办公室" / "2024年政府信息公开工作年度报告": the agency has a line of its own.
            prev = _segments(lines[i - 1])
            if prev and looks_like_agency(prev[-1]):
                joined = prev[-1] + seg
                return TitleFound(joined, _clean_name(prev[-1]), m.year)
        return TitleFound(seg, agency, m.year)
    if not _CORE.search(compact(seg)) or i == 0:
        return None
    # A title broken over lines or spans: "利辛县望疃镇2023" / "政府信息公开工作年度报告".
    for back in (1, 2):
        if i - back < 0:
            break
        joined = "".join(lines[i - back:i]) + seg
        if len(joined) <= 100:
            m = recognize_title(joined)
            if m and (m.year or m.agency):
                return TitleFound(joined, _clean_name(m.agency), m.year)
    return None


def repaired_title_lines(lines: list[str]) -> tuple[list[str], list[str]]:
    """A scan's candidate title lines with OCR's misreads of a title's year and fixed words put
    right ("2O21", "工竹"; titles.repair_ocr_title), and the changes made. The agency's name is not
    touched."""
    out, changes = [], []
    for line in lines:
        fixed, made = repair_ocr_title(line)
        out.append(fixed)
        changes += made
    return out, changes  # duplicates kept: an agency line, then the title line again, is a layout


def repair_warning(found: TitleFound | None, changes: list[str]) -> list[str]:
    """The warning that the title found was read with OCR misreads put right, if it was."""
    title = compact(found.title or "") if found else ""
    used = [ch for ch in dict.fromkeys(changes) if ch.split("→")[1] in title]
    return ["scanned title read with OCR misreads put right: " + ", ".join(used)] if used else []


def sentence_title(text: str) -> TitleFound | None:
    """The report named in the opening sentences when no title line survives
    ("根据《条例》…，现公布清远市清新区人民政府办公室2022年政府信息公开工作年度报告。")."""
    head = re.sub(r"[（(]以下简称[^）)]{0,20}[）)]", "", compact(text[:1500]))
    for m in _CORE.finditer(head):
        sentence_start = max(head.rfind("。", 0, m.start()), 0)
        sentence_end = head.find("。", m.end())
        sentence = head[sentence_start:sentence_end if sentence_end > 0 else len(head)]
        if _EXPLAINER.search(sentence) or _CITED.match(head[m.end():m.end() + 16]):
            continue  # an explainer of the report, or a notice about the reports cited by name
        before = head[max(sentence_start, m.start() - 40):m.start()]
        cut = _SENTENCE_CUT.match(before)
        clause = (before[cut.end():] if cut else before) + m.group(0)
        clause = re.sub(r"编制的?(?=(?:19|20)\d{2})", "", clause)  # "由广州市公安局编制的2011年度…报告"
        found = recognize_title(clause)
        if found and (found.year or found.agency):
            return TitleFound(clause, _clean_name(found.agency), found.year)
    return None


# -- where else the agency is named -------------------------------------------------------------

def _contacts(text: str) -> list[str]:
    out = []
    head = compact(text[:3000])
    for m in (*_CONTACT.finditer(head), *_COMPILER.finditer(head)):
        # "…财政局办公室" is the bureau's office: the bureau reports; "…人民政府办公室" reports itself.
        name = re.sub(r"(?<=[局委厅署])办公室$", "", _OFFICE_TAIL.sub("", m.group("a")))
        name = _clean_name(name)
        if name:
            out.append(name)
    return out


def _signature(text: str) -> list[str]:
    """落款: the agency printed over (or beside) the date at the end of the report."""
    lines = [normalize_title(line) for line in (text or "").split("\n")]
    lines = [line for line in lines if line][-8:]
    out = []
    for k, line in enumerate(lines):
        neighbours = lines[max(0, k - 1):k] + lines[k + 1:k + 2]
        if any(_DATE.match(compact(n)) for n in neighbours):
            name = _clean_name(line)
            if name:
                out.append(name)
        else:  # "柏宝县长城镇人民政府 2024年1月20日" on one line
            m = re.match(r"^(\S+)\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$", line)
            if m and _clean_name(m.group(1)):
                out.append(_clean_name(m.group(1)))
    return out


def _running_header(document: Document) -> list[str]:
    """A short agency line printed on every page (a PDF's running header)."""
    counts: dict[str, int] = {}
    for b in document.blocks:
        if b.kind != "table":
            for line in (b.text or "").split("\n"):
                line = normalize_title(line)
                if 2 <= len(line) <= 30:
                    counts[line] = counts.get(line, 0) + 1
    return [n for line, c in counts.items() if c >= 2 and (n := _clean_name(line))]


def _sentences(lines: list[str]) -> list[str]:
    """The first lines' sentences, each without a section heading run into it ("一、总体情况2023年，…")."""
    return [_HEADING.sub("", s) for line in lines[:12] for s in compact(line).split("。")]


def _lead_name(lines: list[str]) -> list[str]:
    """"2020年，普宁市公安局以…": the agency as the first sentence's subject."""
    out = []
    for sentence in _sentences(lines):
        m = _LEAD.match(sentence)
        if not m:
            continue
        run = m.group("run")
        stop = _LEAD_STOP.search(run)
        run = run[:stop.start()] if stop else run
        for end in range(len(run), 1, -1):
            name = _clean_name(run[:end])
            if name and (place_prefix(name) or len(name) >= 4):
                out.append(name)
                break
    return out


def _lead_year(lines: list[str]) -> int | None:
    return next((int(m.group(1)) for sentence in _sentences(lines) if (m := _LEAD.match(sentence))), None)


def _breadcrumb(lines: list[str]) -> list[str]:
    """"首页 > 乡镇信息公开 > 中村乡 > 政务信息公开年报": the unit whose column this is."""
    out = []
    for line in lines[:8]:
        parts = [p for p in _CRUMB.split(line) if p]
        if len(parts) >= 3:
            names = [n for p in parts[1:] if (n := _clean_name(p))]
            if names:
                out.append(names[-1])
    return out


def _expanded(name: str) -> str:
    """Abbreviations spelled out for matching: 县政府办 → 县人民政府办公室, 市政府 → 市人民政府."""
    s = compact(name)
    s = re.sub(r"政府办$", "政府办公室", s)
    return re.sub(r"(?<![人民])政府(?=办公室$|$)", "人民政府", s)


def _core(name: str) -> str:
    s = _expanded(name)
    return re.sub(r"(人民政府|政府|办事处)$", "", s) or s


def extends(full: str, short: str) -> bool:
    """Whether `full` is `short` with its place written out (柏宝县长城镇人民政府 ⊃ 长城镇;
    杭州市交通运输局 ⊃ 市交通运输局)."""
    f, s = _core(full), _core(short)
    if len(f) <= len(s) or not f.endswith(s[1:] if s[:1] in _LEVEL_CHARS else s):
        return False
    if f.endswith(s):
        prefixes = [f[: -len(s)]] + ([f[: -len(s)] + s[0]] if s[0] in _LEVEL_CHARS else [])
    else:
        return False
    return any(p and _is_place(p) for p in prefixes)


_LEVEL_CHARS = "省市县区州旗"
_NOT_IN_PLACE = re.compile(r"报告|本|我|年|月|日|[由与和及的为对向将据请在是经于从至到了系址]")


def _is_place(prefix: str) -> bool:
    chain, covered = regions.leading_regions(prefix)
    if chain and covered == len(prefix):
        return True
    return place_prefix(prefix) == prefix and not _NOT_IN_PLACE.search(prefix)


def fuller_in_text(agency: str, text: str) -> str | None:
    """The agency's name with its place, as the body writes it somewhere ("罗家乡" →
    "龙游县罗家乡人民政府" in the contact sentence). Only a place written right before the
    name counts (after punctuation or a word like 由/请/与), and the longest one wins."""
    core = _core(agency)
    # "市交通运输局": the place must end in 市 ("杭州市"), so look for the unit after it.
    level, unit = (core[0], core[1:]) if core[:1] in _LEVEL_CHARS and len(core) > 3 else ("", core)
    if len(unit) < 2:
        return None
    body = compact(text[:200_000])
    best = ""
    for m in re.finditer(re.escape(unit), body):
        start = max(0, m.start() - 24)
        for j in range(start, m.start() - 1):
            prefix = body[j:m.start()]
            if len(prefix) <= len(best):
                break
            if level and not prefix.endswith(level):
                continue
            at_boundary = j == 0 or body[j - 1] in _BOUNDARY
            if at_boundary and _is_place(prefix):
                best = prefix
                break
    if not best:
        return None
    whole = best + unit
    after = body[body.find(whole) + len(whole):]
    gov = re.match(r"人民政府|政府|街道办事处|办事处", after) or re.search(r"(?:人民政府|政府|办事处)$", compact(agency))
    return whole + (gov.group(0) if gov else "")


def fullest_name(agency: str, names: list[str], text: str) -> str:
    """The fullest form of `agency` the documents give: a name that extends it, else the body's."""
    longer = [n for n in names if extends(n, agency)]
    if longer:
        return max(longer, key=lambda n: len(_core(n)))
    if not is_qualified(agency):
        return fuller_in_text(agency, text) or agency
    return agency


def statistics_year(text: str) -> int | None:
    """The year of the statistics period ("统计期限自2021年1月1日起至2021年12月31日止")."""
    head = compact(text[:4000])
    for pattern in (_PERIOD_START, _PERIOD_END):
        m = pattern.search(head)
        if m:
            return int(m.group(1))
    return None


# -- the identity -----------------------------------------------------------------------------

def identify(document: Document, *, link_text: str | None = None, site_name: str | None = None,
             year_hint: int | None = None, category: str | None = None,
             publisher: str | None = None, site_region: str | None = None) -> ReportIdentity | None:
    """The report this document belongs to, or None when it does not look like a report.

    `category` is the catalogue category the link was listed under (gkml): under the
    annual reports' category a title needs only a year ("市交通运输局2021年度报告").
    `publisher` is the page's 发布机构/来源: it names or completes the agency
    ("市交通运输局" → "杭州市交通运输局"). `site_name`/`site_region` (the sites file)
    place an agency whose name says no county or city."""
    lines = head_lines(document)
    # The page's title first and the link's text last; the lines keep their repeats (an agency
    # line between two copies of the title line is a layout, which removing repeats would break).
    candidates = [c for c in ([normalize_title(document.title or "")] + lines + [normalize_title(link_text or "")]) if c]
    repaired: list[str] = []
    if document.ocr:
        candidates, repaired = repaired_title_lines(candidates)
    listed_as_report = is_report_category(category)
    text = document.text or "\n".join(lines)

    found = find_title(candidates)
    if found is None:
        found = sentence_title(text)
    if found is None and listed_as_report:
        dated = next((c for c in candidates if title_year(c) and re.search(r"(?:19|20)\d{2}\s*年", c)), None)
        if dated:
            found = TitleFound(dated, _clean_name(title_agency(dated)), title_year(dated))
    leads = _lead_name(lines)
    speaks_of_itself = bool(_SELF.search(compact(text[:3000])))
    if found is None and not document.error and (report_body_markers(text) >= 1 or speaks_of_itself):
        # A report whose title line was lost (a CMS that prints it only in the page chrome).
        # A statistics period dates such a page, or the first sentence of a page that calls itself
        # the report ("编制本报告。…2023年，东四街道…"); a first line starting with a year is as
        # likely a decoy's title ("2022年某县国民经济和社会发展统计公报").
        year = statistics_year(text) or (_lead_year(lines[1:]) if speaks_of_itself else None)
        if year and (_contacts(text) or _clean_name(publisher) or leads):
            found = TitleFound(document.title or link_text or "", None, year)
    if found is None:
        return None
    if (not listed_as_report and not document.error and document.text
            and not _BODY_MARKERS.search(compact(document.text)) and not speaks_of_itself):
        return None  # a title that looks like a report over a body that is not one
    year = found.year or (sentence_title(text) or TitleFound("", None, None)).year or statistics_year(text) or year_hint
    year = year or _lead_year(lines)
    if year is None:
        return None

    names = [n for n in (_clean_name(publisher), *_contacts(text), *_signature(text), *_running_header(document))
             if n]
    agency = found.agency
    if agency is None:
        sentence = sentence_title(text) if found.title else None
        placed_leads = [n for n in leads if is_qualified(n)]
        agency = (sentence.agency if sentence else None) or next(
            iter(placed_leads + names + leads + _breadcrumb(lines)), None)
    warnings: list[str] = []
    warnings += repair_warning(found, repaired)
    if agency:
        agency = fullest_name(agency, names, text)
        if document.ocr:  # a scan's title with one character of its city misread (闽州市 for 赣州市)
            agency, note = regions.correct_misread_parent(agency)
            warnings += [note] if note else []
    else:
        agency = site_name or "未知机关"
        warnings.append("no agency named in the document; the site's name stands in")
    key = agency_key(agency, site_name, site_region)
    qualified = is_qualified(key)
    if not qualified:
        warnings.append(f"agency {agency} names no county or city, and the site gives no place"
                        if not site_place(site_name, site_region) else
                        f"agency {agency} names no county or city, and the site's place does not fit it")
    return ReportIdentity(agency=agency, agency_key=key, year=year, title=found.title or agency,
                          qualified=qualified, warnings=tuple(warnings))
