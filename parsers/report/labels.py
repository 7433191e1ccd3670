"""Table labels → schema keys, tolerant of the ways reports write them.

Reports glyph-space labels (结 果 维 持), wrap them over lines, misspell them
(结果维护, 政府集中收购, 住房举报投诉类申请, 本年度新收), truncate headers
(法律服) and rename rows between templates (规范性文件 ≡ 行政规范性文件). A label
is first cleaned (NFKC, no whitespace, aliases applied), then matched by the
keywords that identify each row or column; a close-enough spelling of a
canonical label is accepted as a fallback and reported as fuzzy.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from opencc import OpenCC  # well-kept conversion tables, instead of a hand-kept character list

from ..normalize import cached_when_short, normalize_label

# Misspellings and variants seen in real reports, mapped to the canonical words.
ALIASES: tuple[tuple[str, str], ...] = (
    ("结果维护", "结果维持"),
    ("集中收购", "集中采购"),
    ("住房举报", "信访举报"),
    ("本年度新收", "本年新收"),
    ("本年度新增", "本年新收"),
    ("本年新增", "本年新收"),
    ("上年度结转", "上年结转"),
    ("结转下一年度", "结转下年度"),
    ("行政规范性文件", "规范性文件"),
    ("其它", "其他"),
    ("合计", "总计"),
    ("〔", "("), ("〕", ")"), ("【", "("), ("】", ")"),
    ("“", "\""), ("”", "\""),
    ("、", "、"),
)
# Notes in brackets that some reports add to headers: "行政复议(因政府信息公开被行政复议)".
_NOTE = re.compile(r"\((?:因政府信息公开|单位|注)[^)]*\)")


_T2S = OpenCC("t2s")


def to_simplified(s: str) -> str:
    """Traditional characters → simplified (pages served through a site's 繁體 switch or a mirror)."""
    if s.isascii():
        return s
    return _t2s(s)


@cached_when_short
def _t2s(s: str) -> str:
    return _T2S.convert(s)


@cached_when_short  # pure, and every report repeats the same labels: a third of the parse's CPU uncached
def clean(label: str | None) -> str:
    """A label ready for matching: normalised, simplified, whitespace-free, aliases applied."""
    s = to_simplified(normalize_label(label))
    for wrong, right in ALIASES:
        if wrong in s:
            s = s.replace(wrong, right)
    return s


@dataclass(frozen=True)
class Match:
    key: str
    fuzzy: bool = False


def _first(patterns: tuple[tuple[str, str], ...], s: str) -> str | None:
    for key, pat in patterns:
        if re.search(pat, s):
            return key
    return None


# --- requests table (三) -------------------------------------------------------

# Order matters: the most specific wording first, because a row's joined label
# carries its group headings ("三、本年度办理结果(三)不予公开1.属于国家秘密").
_REQUEST_ROWS: tuple[tuple[str, str], ...] = (
    ("carried_over", r"结转下年|下年度继续办理|结转下一?年"),
    ("carried_in", r"上年结转|上一?年度?结转"),
    ("new", r"本年新收|新收.*申请|收到.*申请数量"),
    ("denied_state_secret", r"国家秘密"),
    ("denied_law", r"法律.{0,6}禁止公开|禁止公开"),
    ("denied_security", r"三安全|一稳定"),
    ("denied_third_party", r"第三方"),
    ("denied_internal", r"内部事务"),
    ("denied_process", r"过程性"),
    ("denied_enforcement_file", r"执法案卷"),
    ("denied_query", r"行政查询|查询事项"),
    ("unable_not_held", r"不掌握"),
    ("unable_need_create", r"另行制作|没有现成"),
    ("unable_unclear", r"仍不明确|补正后"),
    ("rejected_petition", r"信访|举报投诉"),
    ("rejected_duplicate", r"重复申请"),
    ("rejected_publication", r"出版物"),
    ("rejected_excessive", r"大量反复|反复申请"),
    ("rejected_confirm", r"重新出具|确认或"),
    ("other_no_correction", r"逾期不补正|不补正"),
    ("other_no_fee", r"缴纳费用|收费通知|未按.*缴纳"),
    ("partly_granted", r"部分公开"),
    ("granted", r"予以公开"),
    ("total_processed", r"\(七\)|总计"),
)
_OTHER_SUB = re.compile(r"(?:^|\(六\)其他处理|\D)3[.、．]?其他$|^其他$")
_OTHER_GROUP = re.compile(r"\(六\)其他|其他处理")


@cached_when_short
def request_row(label: str, *, group: str | None = None) -> Match | None:
    """The requests-table row a label names. `group` is the (三)…(六) group a sub-row sits in."""
    s = clean(label)
    if not s or "第二十条" in s:
        return None
    key = _first(_REQUEST_ROWS, s)
    if key == "total_processed" and ("其他处理" in s and "总计" not in s):
        key = None
    if key:
        return Match(key)
    if _OTHER_SUB.search(s) and (group == "other" or "其他处理" in s or s.startswith("3")):
        return Match("other_other")
    if _OTHER_GROUP.search(s):
        return Match("other")
    return _fuzzy(s, _REQUEST_CANON)


@cached_when_short
def request_group(label: str) -> str | None:
    """Which outcome group a heading cell opens: denied/unable/rejected/other."""
    s = clean(label)
    if "不予公开" in s:
        return "denied"
    if "无法提供" in s:
        return "unable"
    if "不予处理" in s:
        return "rejected"
    if "其他处理" in s:
        return "other"
    return None


_REQUEST_COLS: tuple[tuple[str, str], ...] = (
    ("natural_person", r"^自然人$|^个人$"),
    ("commercial", r"^商业(企业)?$|^企业$"),
    ("research", r"^科研(机构)?$"),
    ("nonprofit", r"^社会公?益?(组织)?$|公益组织"),
    ("legal_services", r"^法律服"),
    ("other_org", r"^其他(组织)?$"),
    ("subtotal", r"^小计$"),
    ("total", r"^总计$"),
)


@cached_when_short
def request_col(label: str) -> str | None:
    """An applicant column header: natural_person … other_org, total, or 'subtotal' (not a schema key)."""
    s = clean(label)
    if not s:
        return None
    return _first(_REQUEST_COLS, s) or _fuzzy_col(s, _REQUEST_COL_CANON)


# --- active table (二) -----------------------------------------------------------

_ACTIVE_ROWS: tuple[tuple[str, str], ...] = (
    ("normative_docs", r"规范性文件"),
    ("regulations", r"^(第二十条第\(一\)项)?规章$|^规章"),
    ("other_services", r"对外管理服务|其他对外"),
    ("licensing", r"行政许可"),
    ("penalty", r"行政处罚"),
    ("enforcement", r"行政强制"),
    ("fees", r"事业性收费|行政收费"),
    ("procurement", r"集中采购|政府采购"),
)


@cached_when_short
def active_row(label: str) -> Match | None:
    s = clean(label)
    if not s or len(s) > 30:
        return None
    key = _first(_ACTIVE_ROWS, s)
    if key:
        return Match(key)
    return _fuzzy(s, _ACTIVE_CANON)


_ACTIVE_COLS: tuple[tuple[str, str], ...] = (
    ("made", r"制发"),
    ("repealed", r"废止"),
    ("in_force", r"现行有效"),
    ("new_made", r"新制作"),
    ("new_published", r"新公开"),
    ("total_published", r"公开总数"),
    ("prev_items", r"上一?年.*项目数"),
    ("change", r"增.?减|增加.?减少"),
    ("decisions", r"处理决定"),
    ("items", r"采购项目|项目数量"),
    ("amount_10k_yuan", r"金额"),
)


@cached_when_short
def active_col(label: str) -> str | None:
    s = clean(label)
    if not s:
        return None
    return _first(_ACTIVE_COLS, s) or _fuzzy_col(s, _ACTIVE_COL_CANON)


# --- review table (四) -----------------------------------------------------------

@cached_when_short
def review_group(label: str) -> str | None:
    s = _NOTE.sub("", clean(label))
    if "未经复议" in s or "直接起诉" in s:
        return "litigation_direct"
    if "复议后起诉" in s:
        return "litigation_after_review"
    if "行政复议" in s:
        return "review"
    return None


_REVIEW_COLS: tuple[tuple[str, str], ...] = (
    ("upheld", r"维持"),
    ("corrected", r"纠正"),
    ("other", r"其他结果|^其他$"),
    ("pending", r"尚未审结|未审结"),
    ("total", r"^总计$|^总数$"),
)


@cached_when_short
def review_col(label: str) -> str | None:
    s = _NOTE.sub("", clean(label))
    if not s:
        return None
    return _first(_REVIEW_COLS, s) or _fuzzy_col(s, _REVIEW_COL_CANON)


_REVIEW_COL_CANON = {"结果维持": "upheld", "结果纠正": "corrected", "其他结果": "other", "尚未审结": "pending"}
_REQUEST_COL_CANON = {"自然人": "natural_person", "商业企业": "commercial", "科研机构": "research",
                      "社会公益组织": "nonprofit", "法律服务机构": "legal_services"}
_ACTIVE_COL_CANON = {"本年制发件数": "made", "本年废止件数": "repealed", "现行有效件数": "in_force",
                     "本年新制作数量": "new_made", "本年新公开数量": "new_published", "对外公开总数量": "total_published",
                     "上一年项目数量": "prev_items", "本年处理决定数量": "decisions", "采购项目数量": "items"}


def _fuzzy_col(s: str, canon: dict[str, str]) -> str | None:
    """One misread character (OCR: 纠→纪) in a column heading of four or more characters."""
    if len(s) < 4:
        return None
    best = difflib.get_close_matches(s, list(canon), n=1, cutoff=0.74)
    return canon[best[0]] if best else None


# --- which table a heading or title names ------------------------------------------

@cached_when_short
def table_of_heading(text: str) -> str | None:
    """'active'/'requests'/'review' when a heading or title introduces that table."""
    s = clean(text)
    if len(s) > 60:
        return None
    if "主动公开政府信息" in s or "主动公开情况" in s:
        return "active"
    if "收到和处理" in s or "依申请公开情况" in s and "表" in s:
        return "requests"
    if "行政复议" in s and "行政诉讼" in s:
        return "review"
    return None


# --- fuzzy fallback --------------------------------------------------------------

_REQUEST_CANON = {
    "本年新收政府信息公开申请数量": "new", "上年结转政府信息公开申请数量": "carried_in",
    "予以公开": "granted", "部分公开": "partly_granted", "属于国家秘密": "denied_state_secret",
    "其他法律行政法规禁止公开": "denied_law", "危及三安全一稳定": "denied_security",
    "保护第三方合法权益": "denied_third_party", "属于三类内部事务信息": "denied_internal",
    "属于四类过程性信息": "denied_process", "属于行政执法案卷": "denied_enforcement_file",
    "属于行政查询事项": "denied_query", "本机关不掌握相关政府信息": "unable_not_held",
    "没有现成信息需要另行制作": "unable_need_create", "补正后申请内容仍不明确": "unable_unclear",
    "信访举报投诉类申请": "rejected_petition", "重复申请": "rejected_duplicate",
    "要求提供公开出版物": "rejected_publication", "无正当理由大量反复申请": "rejected_excessive",
    "要求行政机关确认或重新出具已获取信息": "rejected_confirm", "结转下年度继续办理": "carried_over",
}
_ACTIVE_CANON = {"规章": "regulations", "规范性文件": "normative_docs", "行政许可": "licensing",
                 "其他对外管理服务事项": "other_services", "行政处罚": "penalty", "行政强制": "enforcement",
                 "行政事业性收费": "fees", "政府集中采购": "procurement"}
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、．])+")


def _fuzzy(s: str, canon: dict[str, str]) -> Match | None:
    core = _NUMBERING.sub("", s)
    if len(core) < 4:
        return None
    best = difflib.get_close_matches(core, list(canon), n=1, cutoff=0.8)
    return Match(canon[best[0]], fuzzy=True) if best else None
