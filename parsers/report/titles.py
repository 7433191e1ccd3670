"""Report titles: is this an annual OGI report? Which year, which agency?

Titles vary (政府信息公开工作年度报告, 政务公开年报, 政府信息公开年度报告,
信息公开工作报告, 关于2022年政府信息公开工作的年度报告, 年度报告（图片版）,
traditional-script mirrors …) and columns mix reports with decoys that share
the words: notices about compiling the reports, the format notice itself,
政府信息公开指南/制度, explainers (解读, 图解), meetings about the reports,
column names. 政府工作报告, 法治政府建设年度报告, 决算, 统计公报 and company
年度报告 never carry the "信息公开 … 报告/年报" core, so they fail on that.

A title counts when it has the core, no decoy word, and either a year or an
agency named before the core (a bare column name like "政府信息公开工作年度报告"
is a link to the column, not a report). Measured on tests/fixtures/titles.tsv
by benchmarks/title_recognition.py.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from ..normalize import DIGIT_LOOKALIKES
from .labels import to_simplified

_YEAR = r"(?P<year>(?:19|20)\d{2})"
# 政府信息公开工作年度报告 / 政务公开年报 / 政府信息公开年度报告 / 信息公开工作报告 /
# 政府信息公开工作的年度报告 / 政府信息公开年度工作报告
_CORE = r"(?:(?:政府|政务)(?:信息)?|信息)公开(?:工作)?的?(?:年度)?(?:工作)?的?(?:年度)?(?:报告|年报)"
_REPORT = re.compile(_CORE)
_DECOY = re.compile(
    r"指南|制度|要点|通知|编制|编发|编写|格式|模板|范文|说明|意见|办法|规定|方案|目录|"
    r"解读|图解|一图|读懂|展示|平台|部署|会议|召开|培训|考核|评估|评议|检查|督查|征求|"
    r"法治政府|政府工作报告|决算|预算|统计公报|汇编|分解|[。；;]"
)
_YEAR_ANY = re.compile(_YEAR + r"\s*年?")
_NOT_AGENCY = {"政府", "人民政府", "政务", "本级", "本机关", "本单位", "我局", "我委", "我县", "我市", "我区", "年度", "关于"}


@dataclass(frozen=True)
class TitleMatch:
    year: int | None
    agency: str | None


def normalize_title(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", " ", text).strip()


def compact(text: str) -> str:
    """Normalised, spaces removed, traditional characters of mirror sites made simplified."""
    return to_simplified(normalize_title(text).replace(" ", ""))


_compact = compact


# A PDF text layer can give the last characters of a title out of order ("…信息公开工作告年度报"):
# the title's glyphs were placed one by one and read back in another order.
_SHUFFLED_TAIL = re.compile(r"(?<=信息公开)[工作年度报告]{4,6}")
_TAILS = {"".join(sorted(t)): t for t in ("工作年度报告", "年度工作报告", "年度报告", "工作报告")}


def unshuffle(compact: str) -> str:
    """The title with a shuffled 工作年度报告 tail put back in order; anything else as it came."""
    m = _SHUFFLED_TAIL.search(compact)
    if m is None or _REPORT.search(compact):
        return compact
    tail = _TAILS.get("".join(sorted(m.group())))
    return compact[:m.start()] + tail + compact[m.end():] if tail else compact


# What OCR makes of a scanned title: a digit of the year read as a letter ("2O21", "202l"), and a
# character of the title's fixed words read as one that looks like it (工竹 for 工作, 倍息 for 信息).
_SPECKS = re.compile(r"^[\s‘’'\"“”.,·・:;、。，．`~_|—-]+|[\s‘’'\"“”.,·・:;、。，．`~_|—-]+$")
_OCR_YEAR = re.compile(r"(?<![\dA-Za-z])([12][\dOo〇DlI|ZzSB]{3})(?=\s*年)")
# The title's fixed words, and how many characters of each may be misread (a quarter at most).
_FIXED_WORDS = (("政府信息公开工作年度报告", 2), ("政府信息公开年度报告", 2), ("政务公开工作年度报告", 2),
                ("信息公开工作年度报告", 2), ("政府信息公开工作报告", 2))


def repair_ocr_title(text: str) -> tuple[str, list[str]]:
    """A scanned title line with OCR's misreads of its year and of its fixed words put right, and
    what was changed ("2O21→2021", "工竹→工作"); the agency's own name is never changed here."""
    # Specks at the line's ends read as marks ("‘:吕梁市…年度报告‘..·") are no part of a title.
    out = _SPECKS.sub("", normalize_title(text))
    changes: list[str] = []

    def year(m: re.Match) -> str:
        fixed = m.group(1).translate(DIGIT_LOOKALIKES)
        if fixed != m.group(1) and re.fullmatch(r"(?:19|20)\d{2}", fixed):
            changes.append(f"{m.group(1)}→{fixed}")
            return fixed
        return m.group(1)

    out = _OCR_YEAR.sub(year, out)
    squeezed = out.replace(" ", "")
    if _REPORT.search(to_simplified(squeezed)):
        return out, changes
    for word, most in _FIXED_WORDS:
        n = len(word)
        for i in range(len(squeezed) - n + 1):
            window = squeezed[i:i + n]
            wrong = sum(a != b for a, b in zip(window, word))
            # the window must keep the words' frame (信息公开 or its first and last characters)
            if 0 < wrong <= most and window[-1] == word[-1] and (window[:2] == word[:2] or "公开" in window):
                changes.append(f"{window}→{word}")
                return squeezed[:i] + word + squeezed[i + n:], changes
    return out, changes


def recognize_title(text: str) -> TitleMatch | None:
    """A TitleMatch when `text` names an annual OGI report, else None."""
    compact = unshuffle(_compact(text))
    core = _REPORT.search(compact)
    if not core or _DECOY.search(compact):
        return None
    year = title_year(compact)
    agency = title_agency(compact)
    if year is None and not (agency and compact.startswith(agency)):
        return None  # a column name, not a report
    return TitleMatch(year=year, agency=agency)


# A 政府信息公开目录 category cell naming the annual reports (possibly after its label).
_REPORT_CATEGORY = re.compile(r"^(?:(?:主题|体裁|信息)?分类[:：])?(?:(?:政府|政务)?信息公开(?:工作)?)?年(?:度报告|报)$")


def is_report_category(text: str | None) -> bool:
    """Whether a catalogue's category ("政府信息公开年报", "分类：年度报告") is the annual reports'."""
    return bool(text) and bool(_REPORT_CATEGORY.match(text.replace(" ", "")))


def title_year(text: str) -> int | None:
    years = [int(m.group("year")) for m in _YEAR_ANY.finditer(_compact(text))]
    # No report covers a year that has not begun (an OCR'd "2029" is a misread 2020).
    plausible = [y for y in years if 2007 <= y <= datetime.date.today().year]
    return plausible[0] if plausible else None


_AGENCY_BEFORE_YEAR = re.compile(r"^(?P<agency>.+?)(?:关于)?" + _YEAR + r"\s*年?度?")
_AGENCY_AFTER_YEAR = re.compile(r"^(?:关于)?" + _YEAR + r"\s*年?度?(?P<agency>.+?)(?:(?:政府|政务)(?:信息)?|信息)公开")
_AGENCY_NO_YEAR = re.compile(r"^(?P<agency>.+?)(?:(?:政府|政务)(?:信息)?|信息)公开")
_TRIM = re.compile(r"^[\s《“\"'【\[（(·・、.，,:：;；|_—-]+|[\s》”\"'】\]）)·・、]+$")  # OCR's specks and stray marks too
# A note on the page's edition before the title ("（文字版）2017年芜湖市…"), not a name.
_EDITION = re.compile(r"^[(\[【](?:文字|图文|图片|全文|正文|简|修订|更正|最新|PDF|WORD)[^)\]】]{0,4}[)\]】]", re.I)
_LEADING_YEAR = re.compile("^" + _YEAR + r"年?度?(?=[\u4e00-\u9fff])")  # "2025湖口县大垅乡2025年度…"
# An agency is a name in Chinese characters (maybe with digits or brackets), not a breadcrumb or markup.
_AGENCY_TEXT = re.compile(r"^[\u4e00-\u9fff0-9（）()·、]{2,40}$")
# Without a year, only a title that starts with an agency's name counts.
_AGENCY_SUFFIX = re.compile(r"(?:镇|乡|街道|办事处|政府|机关|局|委|委员会|管委会|厅|办|办公室|中心|院|所|站|区|县|市|省|州|旗|盟|署|部|总局|队|馆|会)$")


def _trim(name: str) -> str:
    """Stray marks off both ends, but a closing bracket of the name's own stays ("高新区(新市区)")."""
    trimmed = _TRIM.sub("", name)
    unclosed = trimmed.count("(") + trimmed.count("（") - trimmed.count(")") - trimmed.count("）")
    if unclosed > 0 and trimmed:
        closing = re.match(r"[)）]+", name[name.find(trimmed) + len(trimmed):])
        if closing:
            trimmed += closing.group()[:unclosed]
    return trimmed


def title_agency(text: str) -> str | None:
    """The agency named in a report title, if any ("清河县柳林镇人民政府2021年…")."""
    compact = _EDITION.sub("", _compact(text))
    patterns = (_AGENCY_BEFORE_YEAR, _AGENCY_AFTER_YEAR) if _YEAR_ANY.search(compact) else (_AGENCY_NO_YEAR,)
    for pattern in patterns:
        m = pattern.search(compact)
        if m:
            # "由广州市公安局编制的2011年度…", "…关于2021年度…": the words around the name are not it.
            agency = m.group("agency")
            # the year after the core ("洪山区人民政府信息公开工作年度报告（2023年度）"): the name is what
            # comes before the core
            if cut := _AGENCY_NO_YEAR.search(agency):
                agency = cut.group("agency")
            elif core := _REPORT.search(agency):
                agency = agency[:core.start()]
            if agency.endswith("人民"):
                agency += "政府"  # "…区人民政府信息公开…": the core's 政府 belongs to the name
            agency = re.sub(r"(?:关于|编制的?|的)$", "", _trim(_LEADING_YEAR.sub("", agency)))
            if (_AGENCY_TEXT.match(agency) and agency not in _NOT_AGENCY and not re.fullmatch(r"[\d年度]+", agency)
                    and (pattern is not _AGENCY_NO_YEAR or _AGENCY_SUFFIX.search(agency))):
                return agency
    return None


# Section headings every template since 2008 carries (2019/2021 formats: 收到和处理政府信息公开申请情况;
# older: 依申请公开 … 不予公开); a page with none of them is unlikely to be the report itself.
_BODY_MARKERS = (
    re.compile(r"收到和处理政府信息公开申请"), re.compile(r"主动公开政府信息(?:的)?情况"),
    re.compile(r"政府信息公开(?:行政复议|.{0,6}行政诉讼)"), re.compile(r"依申请公开(?:政府信息)?(?:情况|的数量)"),
    re.compile(r"(?:政府信息公开)?工作存在的主要问题"),
)


def report_body_markers(text: str) -> int:
    """How many of the annual report's standard section headings `text` contains (0–5)."""
    compact = _compact(text[:200_000])
    return sum(1 for marker in _BODY_MARKERS if marker.search(compact))
