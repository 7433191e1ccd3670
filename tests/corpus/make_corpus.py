"""Build the labelled parse-accuracy corpus (tests/corpus/files/ + truth JSON beside each file).

Reports follow the official 2021 template, the 2019 template and pre-2019
prose, with the variations real reports show: label typos and glyph spacing,
blank and "—" cells, a requests table cut in two, the review table split into
three 5-column tables or with a 16th number, a subtotal column, decimals in
万元, negative changes, and deliberately inconsistent numbers (the truth says
which checks fail). Formats: HTML, DOCX, PDF, DOC and WPS (LibreOffice from
the DOCX; a .wps is a Word-compatible OLE file), XLSX and XLS (the tables alone,
as a spreadsheet attachment carries them: LibreOffice Calc from HTML), scanned PDF
(pages rendered at 150 dpi and rewrapped image-only) and flattened text
(tables pasted as lines of an HTML page).

    python tests/corpus/make_corpus.py            # needs soffice and pdftoppm; rewrites every file
    python tests/corpus/make_corpus.py --missing  # writes only the reports whose files are not there yet

Reports are numbered in the order they were added; new ones go at the end with
their own random stream, so adding reports leaves the earlier files unchanged.
Files 60–63 (`*_seedNNN.txt`) are not generated: they are the four real report
texts of shared/seeds (PDF and Word text dumps), with truth labelled by hand
from the text (format "seed"); this script leaves them alone.

The truth's checks are computed here by plain arithmetic, not by the parser.
"""
from __future__ import annotations

import html
import json
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "files"
SEED = 20260101
sys.path.insert(0, str(HERE.parents[1]))

from parsers.report.schema_keys import (APPLICANT_COLS, REQUEST_COLS, REVIEW_COLS, REVIEW_ROWS,  # noqa: E402
                                 col_keys, outcome_rows, row_keys)

AGENCIES = [
    ("清河县柳林镇人民政府", "河北省邢台市清河县", "town"), ("汾阳市杨家庄镇人民政府", "山西省吕梁市汾阳市", "town"),
    ("伊川县水寨镇人民政府", "河南省洛阳市伊川县", "town"), ("吕梁市人民政府", "山西省吕梁市", "city"),
    ("山西省人民政府", "山西省", "province"), ("洛阳市生态环境局", "河南省洛阳市", "department"),
    ("赣州市章贡区人民政府", "江西省赣州市章贡区", "county"), ("北京市朝阳区卫生健康委员会", "北京市朝阳区", "department"),
    ("昆明市人力资源和社会保障局", "云南省昆明市", "department"), ("宿州市人民政府", "安徽省宿州市", "city"),
]

REQ_LABELS = {
    "new": ["一、本年新收政府信息公开申请数量"], "carried_in": ["二、上年结转政府信息公开申请数量"],
    "granted": ["三、本年度办理结果", "（一）予以公开"],
    "partly_granted": ["三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    "denied_state_secret": ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"],
    "denied_law": ["三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"],
    "denied_security": ["三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”"],
    "denied_third_party": ["三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益"],
    "denied_internal": ["三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息"],
    "denied_process": ["三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息"],
    "denied_enforcement_file": ["三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷"],
    "denied_query": ["三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项"],
    "unable_not_held": ["三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息"],
    "unable_need_create": ["三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作"],
    "unable_unclear": ["三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确"],
    "rejected_petition": ["三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请"],
    "rejected_duplicate": ["三、本年度办理结果", "（五）不予处理", "2.重复申请"],
    "rejected_publication": ["三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物"],
    "rejected_excessive": ["三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请"],
    "rejected_confirm": ["三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"],
    "other_no_correction": ["三、本年度办理结果", "（六）其他处理",
                            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
    "other_no_fee": ["三、本年度办理结果", "（六）其他处理",
                     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
    "other_other": ["三、本年度办理结果", "（六）其他处理", "3.其他"],
    "other": ["三、本年度办理结果", "（六）其他处理"],
    "total_processed": ["三、本年度办理结果", "（七）总计"], "carried_over": ["四、结转下年度继续办理"],
}
TYPOS = {"1.信访举报投诉类申请": "1.住房举报投诉类申请", "一、本年新收政府信息公开申请数量": "一、本年度新收政府信息公开申请数量",
         "结果维持": "结果维护", "政府集中采购": "政府集中收购", "2.其他法律行政法规禁止公开": "2.其他法律法规禁止公开"}

# Printed labels that lost or changed characters (the way real reports are typed: a word dropped, a
# homophone), one report picks a few of them.
DAMAGED = {"2.其他法律行政法规禁止公开": "2.其他法律行政止公开",
           "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开（区分处理的，只计这一情形，不计其他情）",
           "4.保护第三方合法权益": "4.保护第三方合法权",
           "1.本机关不掌握相关政府信息": "1.本机关不掌相关政府信息",
           "3.要求提供公开出版物": "3.要求提供公开出物",
           "5.属于三类内部事务信息": "5.属于三类内部事物信息",
           "6.属于四类过程性信息": "6.属于四类过程信息",
           "2.没有现成信息需要另行制作": "2.没有现成信息需另行制作",
           "（一）予以公开": "（一）予已公开"}
# Labels wrapped inside their cell by the author with a space (or a typed line end turned into one).
WRAPPED_SPACE = {"（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开（区分处理的，只计这一情 形，不计其他情形）",
                 "商业企业": "商业 企业", "科研机构": "科研 机构", "社会公益组织": "社会公益 组织",
                 "法律服务机构": "法律服务 机构", "1.信访举报投诉类申请": "1.信访举报投诉类 申请",
                 "5.要求行政机关确认或重新出具已获取信息": "5.要求行政机关确认或重新 出具已获取信息",
                 "一、本年新收政府信息公开申请数量": "一、本年新收政府信息 公开申请数量",
                 "本年制发件数": "本年制发 件数", "本年新制作数量": "本年新 制作数量"}


@dataclass
class Grid:
    """A table: cell texts and merges (r0, c0, r1, c1) inclusive."""

    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    title: str | None = None  # paragraph printed right before the table
    widths: list[int] | None = None  # column widths in twips (None: equal)
    rotated: set[tuple[int, int]] = field(default_factory=set)  # cells printed with text rotated 90° (btLr)
    unruled: set[int] = field(default_factory=set)  # rows printed without the rule under them (label/number cols)
    header_rows: int = 0  # rows repeated at the top of every page the table runs onto


@dataclass
class Report:
    name: str
    template: str
    year: int
    agency: str
    region: str
    level: str
    fmt: str
    variations: list[str]
    values: dict[tuple[str, str, str], int | float | None] = field(default_factory=dict)
    raw: dict[tuple[str, str, str], str] = field(default_factory=dict)  # printed text where not the number
    prose: dict[str, int] = field(default_factory=dict)
    extra_review_cell: bool = False
    damaged: dict[str, str] = field(default_factory=dict)  # label -> printed with characters missing/substituted


# --- values ------------------------------------------------------------------------

def make_values(rng: random.Random, template: str, inconsistent: bool,
                big: bool = False) -> dict[tuple[str, str, str], int | float]:
    v: dict[tuple[str, str, str], int | float] = {}
    for row in row_keys(template, "active"):
        for col in col_keys(template, "active", row):
            if col == "amount_10k_yuan":
                v[("active", row, col)] = round(rng.uniform(0, 300), rng.choice([0, 2, 4]))
            elif col == "change":
                v[("active", row, col)] = rng.randint(-5, 8)
            else:
                v[("active", row, col)] = rng.choice([0, 0, rng.randint(1, 60)])
    outcomes = outcome_rows(template)
    busy = rng.random() < 0.8
    for c in APPLICANT_COLS:
        scale = (900 if big else 30) if c == "natural_person" else 4
        for r in outcomes:
            v[("requests", r, c)] = rng.randint(0, scale) if busy and rng.random() < 0.5 else 0
        tp = sum(v[("requests", r, c)] for r in outcomes)
        v[("requests", "total_processed", c)] = tp
        v[("requests", "carried_over", c)] = rng.randint(0, 2) if busy else 0
        cin = min(rng.randint(0, 2), tp + v[("requests", "carried_over", c)])
        v[("requests", "carried_in", c)] = cin
        v[("requests", "new", c)] = tp + v[("requests", "carried_over", c)] - cin
    for r in row_keys(template, "requests"):
        v[("requests", r, "total")] = sum(v[("requests", r, c)] for c in APPLICANT_COLS)
    for g in REVIEW_ROWS:
        parts = [rng.choice([0, 0, rng.randint(1, 9)]) for _ in range(4)]
        for k, p in zip(REVIEW_COLS[:4], parts):
            v[("review", g, k)] = p
        v[("review", g, "total")] = sum(parts)
    if inconsistent:
        key = rng.choice([("requests", "denied_third_party", "legal_services"), ("requests", "new", "total"),
                          ("review", "review", "total"), ("requests", "carried_over", "natural_person")])
        v[key] = v[key] + rng.randint(1, 3)
    return v


def truth_checks(values: dict, template: str, rows: list[str] | None = None) -> dict[str, bool | None]:
    """The checks by plain arithmetic on the true values (None when a cell is blank); `rows`: the request
    rows printed, when they are not the template's own (a hybrid report)."""
    def get(t, r, c):
        return values.get((t, r, c))

    def verdict(identities):
        results = []
        for left, right in identities:
            if any(x is None for x in left + right):
                results.append(None)
            else:
                results.append(abs(sum(left) - sum(right)) < 1e-6)
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True

    outcomes = outcome_rows(template)
    request_keys = row_keys(template, "requests")
    if rows is not None:
        request_keys = rows
        outcomes = rows[rows.index("granted"):rows.index("total_processed")]
    return {
        "requests_balance": verdict([([get("requests", "new", c), get("requests", "carried_in", c)],
                                      [get("requests", "total_processed", c), get("requests", "carried_over", c)])
                                     for c in REQUEST_COLS]),
        "requests_outcomes_sum": verdict([([get("requests", "total_processed", c)],
                                           [get("requests", r, c) for r in outcomes]) for c in REQUEST_COLS]),
        "requests_row_total": verdict([([get("requests", r, "total")], [get("requests", r, c) for c in APPLICANT_COLS])
                                       for r in request_keys]),
        "review_total": verdict([([get("review", g, "total")], [get("review", g, c) for c in REVIEW_COLS[:4]])
                                 for g in REVIEW_ROWS]),
    }


# --- tables ------------------------------------------------------------------------

def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return str(v)


def cell(rep: Report, key: tuple[str, str, str]) -> str:
    if key in rep.raw:
        return rep.raw[key]
    v = rep.values.get(key)
    if "thousands" in rep.variations and isinstance(v, int) and abs(v) >= 1000:
        return f"{v:,}"
    return _fmt(v)


def label(rep: Report, text: str) -> str:
    if "typos" in rep.variations:
        text = TYPOS.get(text, text)
    if "missing_chars" in rep.variations:
        text = rep.damaged.get(text, text)
    if "wrapped_space" in rep.variations:
        text = WRAPPED_SPACE.get(text, text)
    if "wrapped" in rep.variations and len(text) >= 8:
        cut = len(text) // 2
        text = text[:cut] + "\n" + text[cut:]  # a label wrapped inside its cell
    if "spaced" in rep.variations and len(text) <= 4:
        text = " ".join(text) if len(text) == 4 else text.replace("规章", "规    章")
    return text


def active_grid(rep: Report) -> Grid:
    rows: list[list[str]] = []
    merges = []
    t = rep.template
    groups = ([("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], [("规章", "regulations"), ("行政规范性文件", "normative_docs")]),
               ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "licensing")]),
               ("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", "penalty"), ("行政强制", "enforcement")]),
               ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "fees")])]
              if t == "2021" else
              [("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], [("规章", "regulations"), ("规范性文件", "normative_docs")]),
               ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"], [("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")]),
               ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"], [("行政处罚", "penalty"), ("行政强制", "enforcement")]),
               ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "fees")]),
               ("第二十条第（九）项", ["采购项目数量", "采购总金额（单位：万元）"], [("政府集中采购", "procurement")])])
    for head, cols, items in groups:
        r = len(rows)
        rows.append([head] * 4)
        merges.append((r, 0, r, 3))
        if len(cols) == 1:
            rows.append(["信息内容"] + cols * 3)
            merges.append((len(rows) - 1, 1, len(rows) - 1, 3))
        else:
            rows.append(["信息内容"] + cols + [""] * (3 - len(cols)))
        for text, key in items:
            keys = col_keys(t, "active", key)
            vals = [cell(rep, ("active", key, k)) for k in keys]
            if len(cols) == 1:
                rows.append([label(rep, text)] + vals * 3)
                merges.append((len(rows) - 1, 1, len(rows) - 1, 3))
            else:
                rows.append([label(rep, text)] + vals + [""] * (3 - len(vals)))
    return Grid(rows, merges)


def requests_grids(rep: Report) -> list[Grid]:
    sub = "subtotal" in rep.variations
    orgs = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"] + (["小计"] if sub else [])
    if "wrapped_space" in rep.variations:
        orgs = [label(rep, o) for o in orgs]
    width = 3 + 1 + len(orgs) + 1
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    rows = [[note] * 3 + ["申请人情况"] * (width - 3),
            [note] * 3 + ["自然人"] + ["法人或其他组织"] * len(orgs) + ["总计"],
            [note] * 3 + ["自然人"] + orgs + ["总计"]]
    merges = [(0, 0, 2, 2), (0, 3, 0, width - 1), (1, 3, 2, 3), (1, 4, 1, width - 2), (1, width - 1, 2, width - 1)]
    for key in request_rows(rep):
        labs = [label(rep, x) for x in REQ_LABELS[key]]
        r = len(rows)
        if len(labs) == 1:
            rows.append(labs * 3)
            merges.append((r, 0, r, 2))
        elif len(labs) == 2:
            rows.append([labs[0], labs[1], labs[1]])
            merges.append((r, 1, r, 2))
        else:
            rows.append(labs)
        vals = [cell(rep, ("requests", key, c)) for c in APPLICANT_COLS]
        if sub:
            sv = [rep.values.get(("requests", key, c)) for c in APPLICANT_COLS[1:]]
            vals.append(_fmt(sum(sv)) if None not in sv else "")
        rows[-1] += vals + [cell(rep, ("requests", key, "total"))]
        if key == "denied_query" and "subtotal_row" in rep.variations:
            # an extra 小计 row for the (三) group: not a schema cell, must not disturb the others
            denied = [k for k in row_keys(rep.template, "requests") if k.startswith("denied_")]
            sums = []
            for c in REQUEST_COLS + (("subtotal",) if sub else ()):
                if c == "subtotal":
                    sums.insert(-1, "")
                    continue
                parts = [rep.values.get(("requests", d, c)) or 0 for d in denied]
                sums.append(_fmt(sum(parts)))
            rows.append(["三、本年度办理结果", "（三）不予公开", "小计"] + sums)
    # vertical merges of the group labels
    def vmerge(col: int) -> None:
        start = None
        for r in range(3, len(rows) + 1):
            same = r < len(rows) and start is not None and rows[r][col] == rows[start][col] and (
                col == 0 or rows[r][0] == rows[start][0])
            if same:
                continue
            if start is not None and r - 1 > start and not any(m[0] <= start <= m[2] and m[1] <= col <= m[3] and m[3] > col for m in merges):
                merges.append((start, col, r - 1, col))
            start = r if r < len(rows) else None
    vmerge(0)
    vmerge(1)
    grid = Grid(rows, merges)
    producer_layout(rep, grid)
    if "repeated_header" in rep.variations and rep.fmt in ("html", "wordhtml"):
        # A paginated table pasted into a CMS: two <table>s, the second opening with the header rows again.
        cut = 3 + 12
        head = [(a, b, c, d) for a, b, c, d in merges if c < 3]
        first = Grid(rows[:cut], [m for m in merges if m[2] < cut])
        second = Grid(rows[:3] + rows[cut:], head + [(a - cut + 3, b, c - cut + 3, d) for a, b, c, d in merges
                                                     if a >= cut])
        for a, b, c, d in merges:
            if 3 <= a < cut <= c:
                first.merges.append((a, b, cut - 1, d))
                if c - cut > 0:
                    second.merges.append((3, b, c - cut + 3, d))
        return [first, second]
    if "page_break" in rep.variations:
        cut = 3 + 9
        first = Grid(rows[:cut], [m for m in merges if m[2] < cut])
        second = Grid(rows[cut:], [(a - cut, b, c - cut, d) for a, b, c, d in merges if a >= cut])
        # merges crossing the cut are dropped (the label is repeated, as printed pages do)
        for a, b, c, d in merges:
            if a < cut <= c:
                first.merges.append((a, b, cut - 1, d))
                if c - cut > 0:
                    second.merges.append((0, b, c - cut, d))
        return [first, second]
    return [grid]


def request_rows(rep: Report) -> list[str]:
    """The request rows as printed: a hybrid 2021 report prints the 2019 single （六）其他处理 row."""
    keys = row_keys(rep.template, "requests")
    if "hybrid_other" in rep.variations:
        at = keys.index("other_no_correction")
        keys = keys[:at] + ["other"] + [k for k in keys[at:] if not k.startswith("other_")]
    return keys


def producer_layout(rep: Report, grid: Grid) -> None:
    """How WPS and Word users lay the requests table out: the official template's column widths, with
    三、本年度办理结果 in a column so narrow it prints one character per line (or rotated), rules left
    out between some rows, the header rows repeated on every page."""
    n = len(grid.rows[0])
    if any(v in rep.variations for v in ("vertical_header", "rotated_header", "missing_rules", "repeated_header",
                                         "prose_above", "shaded_prose")):
        grid.widths = [754, 921, 3271] + [685] * (n - 3)  # the official 2021 template's grid
    if "vertical_header" in rep.variations:
        grid.widths[0] = 380  # narrower than two characters plus padding: one character per line
    if "rotated_header" in rep.variations:
        grid.widths[0] = 420
        grid.rotated = {(r, 0) for r, row in enumerate(grid.rows) if row[0] == "三、本年度办理结果"}
    if "missing_rules" in rep.variations:
        # No rule under (一) and under 1.属于国家秘密 and 2.没有现成信息…: each pair prints as one tall row
        firsts = [r for r, row in enumerate(grid.rows) if row[2] in (label(rep, "（一）予以公开"), label(rep, "1.属于国家秘密"),
                                                                   label(rep, "2.没有现成信息需要另行制作"))]
        grid.unruled = set(firsts)
    if "repeated_header" in rep.variations:
        grid.header_rows = 3


def review_grids(rep: Report) -> list[Grid]:
    heads = [label(rep, x) for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
    if "split_review" in rep.variations or "review_by_order" in rep.variations:
        out = []
        titled = "split_review" in rep.variations
        for g, title in zip(REVIEW_ROWS, ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")):
            out.append(Grid([heads, [cell(rep, ("review", g, c)) for c in REVIEW_COLS]], [],
                            title=title if titled else None))
        return out
    extra = 1 if rep.extra_review_cell else 0
    rows = [["行政复议"] * 5 + ["行政诉讼"] * 10 + [""] * extra,
            heads + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5 + [""] * extra,
            heads + heads + heads + [""] * extra,
            [cell(rep, ("review", g, c)) for g in REVIEW_ROWS for c in REVIEW_COLS] + (["0"] * extra)]
    merges = [(0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14)] + [(1, c, 2, c) for c in range(5)]
    return [Grid(rows, merges)]


# --- prose ------------------------------------------------------------------------

def sections(rep: Report) -> list[tuple[str, list[str]]]:
    y = rep.year
    if rep.template == "unknown":
        # a decoy from the same column: the notice about compiling the reports
        return [("一、工作要求", [f"各单位要按照要求，于{y + 1}年1月31日前完成本单位年度报告的编制和发布工作。"]),
                ("二、有关事项", ["请各单位高度重视，确保按时完成。"])]
    if rep.template == "pre2019":
        p = rep.prose
        return [
            ("一、概述", [f"{y}年，{rep.agency}认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。"]),
            ("二、主动公开政府信息情况", [f"{y}年，共主动公开政府信息{p['active_published']}条，其中通过政府网站公开{p['active_published'] - 3}条。"]),
            ("三、依申请公开政府信息和不予公开政府信息情况",
             [f"全年共收到政府信息公开申请{p['applications_received']}件，其中同意公开{p['granted']}件，"
              f"部分公开{p['partly_granted']}件，不予公开{p['refused']}件。" if p["applications_received"]
              else f"{y}年，未收到政府信息公开申请。"]),
            ("四、政府信息公开的收费及减免情况", ["本年度未收取任何费用。"]),
            ("五、因政府信息公开申请行政复议、提起行政诉讼的情况",
             [f"全年发生行政复议{p['reviews']}件，行政诉讼{p['lawsuits']}件。"]),
            ("六、政府信息公开工作存在的主要问题及改进情况", ["信息公开的及时性有待提高，下一步将加强培训。"]),
            ("七、其他需要报告的事项", ["无。"]),
        ]
    running = []
    if {"prose_above", "shaded_prose", "repeated_header"} & set(rep.variations):
        # Running prose on the table's page (made-up sentences in the reports' register).
        running = [f"{y}年，本机关共收到政府信息公开申请{rep.values.get(('requests', 'new', 'total')) or 0}件，"
                   "均在法定期限内答复，答复内容规范、依据充分，未发生因答复不当引发的行政争议。具体办理情况如下表所示，"
                   "表中数据的统计期限为本年度一月一日至十二月三十一日。",
                   "（一）严格依法办理。对每一件申请逐项登记、逐件审查，确需补正的一次性告知申请人补正内容，"
                   "对涉及第三方权益的依法征求第三方意见，确保答复合法合规、及时准确。",
                   "（二）加强沟通协调。办理过程中主动与申请人沟通，准确了解申请人的实际需求，"
                   "对不属于政府信息公开范围的申请，告知申请人通过其他渠道办理。"]
        if "repeated_header" in rep.variations:
            running = running * 3  # push the table down so it runs onto the next page
    return [
        ("一、总体情况", [f"{y}年，{rep.agency}坚持以习近平新时代中国特色社会主义思想为指导，全面推进政务公开。",
                     "（一）主动公开。围绕中心工作及时公开各类政府信息。"]
         + (running[:2] if {"prose_above", "shaded_prose"} & set(rep.variations) else [])),
        ("二、主动公开政府信息情况", []),
        ("三、收到和处理政府信息公开申请情况", running),
        ("四、政府信息公开行政复议、行政诉讼情况", []),
        ("五、存在的主要问题及改进情况", ["一是公开内容不够丰富；二是解读形式较单一。下一步将加强培训。"]),
        ("六、其他需要报告的事项", ["本年度未收取信息处理费。" if rep.template == "2021" else "无。"]),
    ]


def tables_for(rep: Report, heading: str) -> list[Grid]:
    if rep.template in ("pre2019", "unknown"):
        return []
    if heading.startswith("二、"):
        return [active_grid(rep)]
    if heading.startswith("三、"):
        return requests_grids(rep)
    if heading.startswith("四、"):
        return review_grids(rep)
    return []


def title(rep: Report) -> str:
    if rep.template == "unknown":
        return f"关于做好{rep.year}年度政务公开工作的通知"
    return f"{rep.agency}{rep.year}年政府信息公开工作年度报告"


# --- renderers -----------------------------------------------------------------------

def render_html(rep: Report, flat: bool = False, one_cell_per_line: bool = False) -> bytes:
    parts = [f"<html><head><meta charset='utf-8'><title>{html.escape(title(rep))}</title></head><body>",
             f"<h1>{html.escape(title(rep))}</h1>"]
    for heading, paras in sections(rep):
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        parts += [f"<p>{html.escape(p)}</p>" for p in paras]
        for g in tables_for(rep, heading):
            if g.title:
                parts.append(f"<p>{html.escape(g.title)}</p>")
            if rep.fmt == "colmajor" and heading.startswith("三、"):
                parts.append(column_major_html(rep, g))
            else:
                parts.append(cells_html(g) if one_cell_per_line else flat_html(g) if flat else table_html(g))
    parts.append(f"<p>{rep.agency}</p><p>{rep.year + 1}年1月{15 + len(rep.name) % 10}日</p></body></html>")
    return "\n".join(parts).encode("utf-8")


def _spans(g: Grid) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    covered = {}
    for r0, c0, r1, c1 in g.merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                covered[(r, c)] = (r0, c0, r1, c1)
    return covered


def table_html(g: Grid) -> str:
    covered = _spans(g)
    out = ["<table border='1'>"]
    for r, row in enumerate(g.rows):
        out.append("<tr>")
        for c, text in enumerate(row):
            m = covered.get((r, c))
            if m and (m[0], m[1]) != (r, c):
                continue
            span = f" rowspan='{m[2] - m[0] + 1}' colspan='{m[3] - m[1] + 1}'" if m else ""
            out.append(f"<td{span}>{html.escape(text)}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def cells_html(g: Grid) -> str:
    """A table dumped one cell per line (Word text export, CMS paste of a table)."""
    covered = set()
    for r0, c0, r1, c1 in g.merges:
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    return "\n".join("<p>" + html.escape(t) + "</p>" for r, row in enumerate(g.rows)
                     for c, t in enumerate(row) if (r, c) not in covered and t)


def column_major_html(rep: Report, g: Grid) -> str:
    """The requests table as a PDF text layer gives it: the labels, then all numbers column by column."""
    head = [r for r in g.rows if not any(_is_number(t) for t in r)]
    body = [r for r in g.rows if any(_is_number(t) for t in r)]
    lines = [flat_html(Grid(head, []))]
    lines += ["<p>" + html.escape(r[2] if r[2] != r[1] else r[1]) + "</p>" for r in body]
    ncols = len(body[0]) - 3
    numbers = [r[3 + c] for c in range(ncols) for r in body]
    lines.append("<p>" + " ".join(numbers) + "</p>")
    return "\n".join(lines)


def _is_number(t: str) -> bool:
    return bool(t) and (t.replace(",", "").replace(".", "").lstrip("-").isdigit() or t in ("—", "/", "无", "-"))


def flat_html(g: Grid) -> str:
    """A table pasted as text: one line per row, merged cells once, cells separated by spaces."""
    covered = set()
    for r0, c0, r1, c1 in g.merges:
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    lines = []
    for r, row in enumerate(g.rows):
        texts = [t for c, t in enumerate(row) if (r, c) not in covered and t]
        lines.append("<p>" + html.escape("  ".join(texts)) + "</p>")
    return "\n".join(lines)


_WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15"><title>{title}</title>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View><w:Zoom>100</w:Zoom></w:WordDocument></xml><![endif]-->
<style><!-- p.MsoNormal, li.MsoNormal {{mso-style-unhide:no;mso-style-parent:"";margin:0cm;text-align:justify;
font-size:10.5pt;font-family:等线;mso-font-kerning:1.0pt;}} @page WordSection1 {{size:595.3pt 841.9pt;}}
div.WordSection1 {{page:WordSection1;}} --></style></head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'><div class=WordSection1>
"""


def _word_runs(text: str) -> str:
    """Text as Word saves it: CJK and Latin/digits in separate spans, a line wrap typed in as <br>."""
    out = []
    for line_no, line in enumerate(text.split("\n")):
        if line_no:
            out.append("<br>")
        chunk, latin = "", None
        for ch in line + "\0":
            is_latin = ch.isascii() and ch != "\0"
            if ch == "\0" or (latin is not None and is_latin != latin):
                if chunk:
                    out.append(f"<span lang=EN-US style='font-size:9.0pt'>{html.escape(chunk)}</span>" if latin
                               else f"<span style='font-size:9.0pt;font-family:宋体;mso-bidi-font-family:宋体'>"
                                    f"{html.escape(chunk)}</span>")
                chunk = ""
            chunk += ch if ch != "\0" else ""
            latin = is_latin
    return "".join(out)


def word_table_html(g: Grid) -> str:
    """A table as Word's "Save as Web Page" writes it: mso- styles, a <p class=MsoNormal> inside every
    cell, &nbsp; in empty cells, widths on cells, rotated cells with layout-flow, and the zero-height
    spacer row Word adds after the last row."""
    covered = {}
    for r0, c0, r1, c1 in g.merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                covered[(r, c)] = (r0, c0, r1, c1)
    widths = g.widths or [9000 // len(g.rows[0])] * len(g.rows[0])
    out = ["<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;"
           "border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>"]
    for r, row in enumerate(g.rows):
        out.append(f"<tr style='mso-yfti-irow:{r}" + (";mso-yfti-firstrow:yes" if r == 0 else "")
                   + (";page-break-inside:avoid" if r >= 3 else "") + "'>")
        for c, text in enumerate(row):
            m = covered.get((r, c))
            if m and (m[0], m[1]) != (r, c):
                continue
            span = ""
            c1 = c
            if m:
                if m[2] > m[0]:
                    span += f" rowspan={m[2] - m[0] + 1}"
                if m[3] > m[1]:
                    span += f" colspan={m[3] - m[1] + 1}"
                c1 = m[3]
            pt = sum(widths[c:c1 + 1]) / 20
            flow = ";layout-flow:vertical;mso-layout-flow-alt:bottom-to-top" if (r, c) in g.rotated else ""
            bottom = ";border-bottom:none;mso-border-bottom-alt:none" if r in g.unruled and c >= 1 else ""
            body = _word_runs(text) + "<span lang=EN-US><o:p></o:p></span>" if text else \
                "<span lang=EN-US style='font-size:9.0pt'><o:p>&nbsp;</o:p></span>"
            out.append(f"<td width={round(pt * 4 / 3)}{span} valign=top style='width:{pt:.1f}pt;border:solid "
                       f"windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt{flow}{bottom}'>"
                       f"<p class=MsoNormal align=center style='text-align:center;line-height:12.0pt'>{body}</p></td>")
        out.append("</tr>")
    out.append("<![if !supportMisc]><tr height=0>" + "".join(
        f"<td width={round(w / 15)} style='border:none'></td>" for w in widths) + "</tr><![endif]>")
    out.append("</table>")
    return "\n".join(out)


def render_word_html(rep: Report) -> bytes:
    """The report saved as a web page from Word (filtered or not), as many portals publish it."""
    def para(text: str, style: str = "text-indent:21.0pt") -> str:
        return f"<p class=MsoNormal style='{style}'>{_word_runs(text)}<span lang=EN-US><o:p></o:p></span></p>"

    parts = [_WORD_HEAD.format(title=html.escape(title(rep)))]
    if "agency_line" in rep.variations:
        parts.append(para(rep.agency, "text-align:center"))
        parts.append(para(f"{rep.year}年政府信息公开工作年度报告", "text-align:center"))
    else:
        parts.append(para(title(rep), "text-align:center"))
    for heading, paras in sections(rep):
        parts.append(para(heading))
        parts += [para(x) for x in paras]
        for g in tables_for(rep, heading):
            if g.title:
                parts.append(para(g.title))
            parts.append(word_table_html(g))
            parts.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
    parts.append(para(rep.agency, "text-align:right"))
    parts.append(para(f"{rep.year + 1}年1月{15 + len(rep.name) % 10}日", "text-align:right"))
    parts.append("</div></body></html>")
    return "\n".join(parts).encode("utf-8")


def render_docx(rep: Report, path: Path) -> None:
    import docx
    from docx.oxml.ns import qn

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    # Text pasted from a web page keeps its white background; some authors shade the body light grey.
    pasted = "FFFFFF" if "prose_above" in rep.variations else "EDEDED" if "shaded_prose" in rep.variations else None
    if "agency_line" in rep.variations:
        d.add_paragraph(rep.agency)
        d.add_heading(f"{rep.year}年政府信息公开工作年度报告", level=1)
    else:
        d.add_heading(title(rep), level=1)
    for heading, paras in sections(rep):
        h = d.add_heading(heading, level=2)
        if pasted:
            _shade(h, pasted)
        for p in paras:
            para = d.add_paragraph(p)
            if pasted:
                _shade(para, pasted)
        for g in tables_for(rep, heading):
            if g.title:
                d.add_paragraph(g.title)
            t = d.add_table(rows=len(g.rows), cols=len(g.rows[0]))
            t.style = "Table Grid"
            for r, row in enumerate(g.rows):
                for c, text in enumerate(row):
                    t.cell(r, c).text = text
            for r0, c0, r1, c1 in g.merges:
                keep = g.rows[r0][c0]
                merged = t.cell(r0, c0).merge(t.cell(r1, c1))
                merged.text = keep
            _producer_table(t, g)
            if "page_break" in rep.variations and heading.startswith("三、") and g is not tables_for(rep, heading)[-1]:
                d.add_page_break()
    d.add_paragraph(rep.agency)
    d.add_paragraph(f"{rep.year + 1}年1月{15 + len(rep.name) % 10}日")
    d.save(str(path))


def _shade(paragraph, fill: str) -> None:
    """White paragraph and run shading with no spacing: what a web page pasted into WPS keeps. Office
    prints it as filled boxes edge to edge with the table below, which a rule finder takes for rules."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    paragraph._p.get_or_add_pPr().append(shd)
    for run in paragraph.runs:
        rshd = OxmlElement("w:shd")
        rshd.set(qn("w:val"), "clear")
        rshd.set(qn("w:color"), "auto")
        rshd.set(qn("w:fill"), fill)
        run._r.get_or_add_rPr().append(rshd)


def _producer_table(t, g: Grid) -> None:
    """Column widths, rotated cells, rows without their rule and repeated header rows, in the XML."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl = t._tbl
    if g.widths:
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl.tblPr.append(layout)
        for col, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), g.widths):
            col.set(qn("w:w"), str(w))
        for tr in tbl.findall(qn("w:tr")):
            c = 0
            for tc in tr.findall(qn("w:tc")):
                span = tc.tcPr.find(qn("w:gridSpan")) if tc.tcPr is not None else None
                n = int(span.get(qn("w:val"))) if span is not None else 1
                tcw = tc.get_or_add_tcPr().get_or_add_tcW()
                tcw.set(qn("w:w"), str(sum(g.widths[c:c + n])))
                tcw.set(qn("w:type"), "dxa")
                c += n
    trs = tbl.findall(qn("w:tr"))
    for r, tr in enumerate(trs):
        c = 0
        for tc in tr.findall(qn("w:tc")):
            tcPr = tc.get_or_add_tcPr()
            span = tcPr.find(qn("w:gridSpan"))
            n = int(span.get(qn("w:val"))) if span is not None else 1
            if (r, c) in g.rotated:
                td = OxmlElement("w:textDirection")
                td.set(qn("w:val"), "btLr")
                tcPr.append(td)
            edges = (["bottom"] if r in g.unruled else []) + (["top"] if r - 1 in g.unruled else [])
            if edges and c >= 1 and not (r, c) in g.rotated:
                borders = OxmlElement("w:tcBorders")
                for edge in edges:
                    b = OxmlElement(f"w:{edge}")
                    b.set(qn("w:val"), "nil")
                    borders.append(b)
                tcPr.append(borders)
            c += n
        if r < g.header_rows:
            head = OxmlElement("w:tblHeader")
            tr.get_or_add_trPr().append(head)


def soffice(src: list[Path], fmt: str, outdir: Path, infilter: str | None = None) -> None:
    if not src:
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless"]
                       + ([f"--infilter={infilter}"] if infilter else []) + ["--convert-to", fmt,
                       "--outdir", str(outdir), *map(str, src)], check=True, capture_output=True, timeout=600)


def scan(pdf: Path, out: Path) -> None:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), f"{tmp}/p"], check=True)
        pages = [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("p*.png"))]
        pages[0].save(out, "PDF", resolution=150, save_all=True, append_images=pages[1:])


# --- the corpus --------------------------------------------------------------------

FORMATS = ["html", "docx", "pdf", "doc", "flat", "cells", "colmajor"]
VARIATIONS = [[], ["typos"], ["spaced"], ["blank"], ["dash"], ["page_break"], ["split_review"], ["subtotal"],
              ["extra_review_cell"], ["typos", "spaced", "blank"], ["inconsistent"], ["inconsistent", "page_break"],
              ["wrapped"], ["thousands"], ["subtotal_row"], ["review_by_order"], ["wrapped", "typos", "dash"],
              ["subtotal", "subtotal_row", "inconsistent"]]
# Text formats cannot show an empty cell or a column without its header: leave those variations out.
_NOT_IN_TEXT = ("blank", "subtotal", "subtotal_row", "page_break")


def build_reports() -> list[Report]:
    rng = random.Random(SEED)
    reports: list[Report] = []
    n = 0
    for template, count in (("2021", 20), ("2019", 16), ("pre2019", 8), ("unknown", 2)):
        for i in range(count):
            agency, region, level = AGENCIES[(n * 3) % len(AGENCIES)]
            year = (rng.choice([2021, 2022, 2023]) if template in ("2021", "unknown") else rng.choice([2019, 2020])
                    if template == "2019" else rng.randint(2009, 2018))
            if template == "2019" and i == 0:
                year = 2021  # a late adopter: 2019 layout in a 2021 report
            shift = {"2021": 0, "2019": 3}.get(template, 0)
            fmt = FORMATS[(i + shift) % len(FORMATS)]
            variations = list(VARIATIONS[(i + 2 * shift) % len(VARIATIONS)])
            if template in ("pre2019", "unknown"):
                fmt = ["html", "docx", "pdf", "doc"][i % 4]
                variations = []
            if fmt in ("flat", "cells", "colmajor"):
                variations = [v for v in variations if v not in _NOT_IN_TEXT]
            rep = Report(f"{n:02d}_{template}_{fmt}", template, year, agency, region, level, fmt, variations)
            if template == "pre2019":
                apps = rng.choice([0, rng.randint(3, 40)])
                g = rng.randint(0, apps)
                pg = rng.randint(0, apps - g)
                rep.prose = {"active_published": rng.randint(20, 900), "applications_received": apps, "granted": g,
                             "partly_granted": pg, "refused": apps - g - pg, "reviews": rng.randint(0, 3),
                             "lawsuits": rng.randint(0, 2)}
            elif template != "unknown":
                rep.values = make_values(rng, template, "inconsistent" in variations, "thousands" in variations)
                _apply_variations(rng, rep)
            reports.append(rep)
            n += 1
    # Scanned copies of a few born-digital reports (OCR is slow: keep them few).
    for src in (reports[1], reports[8], reports[22], reports[37]):
        scanned = Report("", src.template, src.year, src.agency, src.region, src.level, "scan",
                         [v for v in src.variations if v != "page_break"], dict(src.values), dict(src.raw),
                         dict(src.prose), src.extra_review_cell)
        scanned.name = f"{n:02d}_{src.template}_scan"
        reports.append(scanned)
        n += 1
    # Added later (own random stream): spreadsheet and WPS attachments.
    rng = random.Random(SEED + 1)
    for template, fmt, variations in (("2021", "xlsx", ["typos", "blank"]), ("2019", "xlsx", ["subtotal", "dash"]),
                                      ("2021", "wps", ["page_break", "inconsistent"]), ("pre2019", "wps", []),
                                      ("2019", "wps", ["spaced", "split_review"]),
                                      ("2021", "xlsx", ["subtotal_row", "thousands", "inconsistent"]),
                                      ("2019", "xls", ["wrapped", "typos"])):
        agency, region, level = AGENCIES[(n * 7) % len(AGENCIES)]
        year = rng.choice([2021, 2022, 2023]) if template == "2021" else rng.choice([2019, 2020]) \
            if template == "2019" else rng.randint(2009, 2018)
        rep = Report(f"{n:02d}_{template}_{fmt}", template, year, agency, region, level, fmt, list(variations))
        if template == "pre2019":
            apps = rng.randint(3, 40)
            g = rng.randint(0, apps)
            pg = rng.randint(0, apps - g)
            rep.prose = {"active_published": rng.randint(20, 900), "applications_received": apps, "granted": g,
                         "partly_granted": pg, "refused": apps - g - pg, "reviews": rng.randint(0, 3),
                         "lawsuits": rng.randint(0, 2)}
        else:
            rep.values = make_values(rng, template, "inconsistent" in variations, "thousands" in variations)
            _apply_variations(rng, rep)
        reports.append(rep)
        n += 1
    reports += producer_reports()
    reports += text_reports()
    return reports


# Added for real producers' layouts (own random stream, numbered from 64 after the seeds): each class as a
# PDF printed by an office layout engine (LibreOffice from the DOCX), as the DOCX, and as Word-exported HTML.
PRODUCER_CLASSES = [("2021", ["vertical_header"]), ("2021", ["rotated_header"]), ("2021", ["wrapped_space"]),
                    ("2021", ["missing_chars"]), ("2021", ["hybrid_other"]), ("2021", ["prose_above"]),
                    ("2021", ["repeated_header"]), ("2021", ["missing_rules"]), ("2021", ["blank_review"]),
                    ("2019", ["vertical_header", "wrapped_space"]),
                    ("2021", ["vertical_header", "missing_chars", "prose_above"]),  # the WPS district report
                    ("2021", ["agency_line", "vertical_header", "repeated_header"]),
                    ("2021", ["shaded_prose"]), ("2021", ["missing_rules", "vertical_header"])]
PRODUCER_FORMATS = ("pdf", "docx", "wordhtml")


def producer_reports() -> list[Report]:
    return class_reports(random.Random(SEED + 2), 64, PRODUCER_CLASSES, PRODUCER_FORMATS, lambda n: (n * 3 + 1))


def class_reports(rng: random.Random, n: int, classes: list, formats: tuple, agency_at) -> list[Report]:
    """Every class in every format, numbered from n; `agency_at(n)` picks the agency."""
    out = []
    for template, variations in classes:
        for fmt in formats:
            agency, region, level = AGENCIES[agency_at(n) % len(AGENCIES)]
            year = rng.choice([2021, 2022, 2023, 2024]) if template == "2021" else rng.choice([2019, 2020])
            rep = Report(f"{n:02d}_{template}_{fmt}", template, year, agency, region, level, fmt, list(variations))
            rep.values = make_values(rng, template, False)
            _apply_variations(rng, rep)
            out.append(rep)
            n += 1
    return out


def _apply_variations(rng: random.Random, rep: Report) -> None:
    if "hybrid_other" in rep.variations:
        for c in REQUEST_COLS:
            parts = [rep.values.pop(("requests", k, c)) for k in ("other_no_correction", "other_no_fee", "other_other")]
            rep.values[("requests", "other", c)] = sum(parts)
    if "missing_chars" in rep.variations:
        rep.damaged = {k: DAMAGED[k] for k in rng.sample(sorted(DAMAGED), 4)}
        rep.damaged["2.其他法律行政法规禁止公开"] = DAMAGED["2.其他法律行政法规禁止公开"]  # the case seen in the wild
    if "blank_review" in rep.variations:
        for k in [k for k in rep.values if k[0] == "review"]:
            rep.values[k] = None  # the review table printed with every cell empty
    keys = [k for k in rep.values if k[0] == "requests" and k[2] != "total" and rep.values[k] == 0]
    if "blank" in rep.variations:
        for k in rng.sample(keys, min(6, len(keys))):
            rep.values[k] = None  # printed as an empty cell: NULL in the truth
    if "dash" in rep.variations:
        for k in rng.sample(keys, min(5, len(keys))):
            rep.values[k] = None
            rep.raw[k] = rng.choice(["—", "/", "无", "-"])
    if "extra_review_cell" in rep.variations:
        rep.extra_review_cell = True
        rep.values[("review", "review", "total")] = sum(rep.values[("review", "review", c)] for c in REVIEW_COLS[:4])
        if not any(rep.values[("review", g, "total")] for g in REVIEW_ROWS):
            rep.values[("review", "review", "upheld")] = 2
            rep.values[("review", "review", "total")] = 2
    if "subtotal" in rep.variations or "dash" in rep.variations:
        for k in [k for k in rep.values if k[0] == "requests" and k[2] == "total"]:
            parts = [rep.values.get(("requests", k[1], c)) for c in APPLICANT_COLS]
            rep.values[k] = sum(p or 0 for p in parts)


def truth(rep: Report) -> dict:
    if rep.template == "unknown":
        cells, checks = {}, {}
    elif rep.template == "pre2019":
        stated = rep.prose if rep.prose["applications_received"] else {
            k: v for k, v in rep.prose.items() if k not in ("granted", "partly_granted", "refused")}
        cells = {f"prose.{k}.value": v for k, v in stated.items()}
        cells["prose.fees_yuan.value"] = 0
        checks: dict = {}
    else:
        # A hybrid report's 2019 row keeps the 2019 key (the number is printed; nothing splits it into the
        # 2021 rows), and its checks add up the rows it prints.
        cells = {f"{t}.{r}.{c}": v for (t, r, c), v in rep.values.items()}
        checks = truth_checks(rep.values, rep.template, request_rows(rep))
    return {"file": rep.name + EXT[rep.fmt], "format": rep.fmt, "template": rep.template, "year": rep.year,
            "agency": rep.agency, "region": rep.region, "level": rep.level, "variations": rep.variations,
            "cells": cells, "checks": checks}


EXT = {"html": ".html", "wordhtml": ".html", "flat": ".html", "cells": ".html", "colmajor": ".html", "docx": ".docx", "pdf": ".pdf",
       "doc": ".doc", "scan": ".pdf", "wps": ".wps", "xlsx": ".xlsx", "xls": ".xls",
       "txt_rows": ".txt", "txt_close": ".txt", "txt_open": ".txt", "txt_cells": ".txt", "txt_between": ".txt",
       "txt_paras": ".txt"}


def render_sheet_html(rep: Report) -> bytes:
    """What a spreadsheet attachment holds: the title, then each table under its section heading."""
    parts = [f"<html><head><meta charset='utf-8'></head><body><p>{html.escape(title(rep))}</p>"]
    for heading, _paras in sections(rep):
        grids = tables_for(rep, heading)
        if grids:
            parts.append(f"<p>{html.escape(heading)}</p>")
        for g in grids:
            if g.title:
                parts.append(f"<p>{html.escape(g.title)}</p>")
            parts.append(table_html(g))
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


# --- text exports (reports 106+) -------------------------------------------------------
# A report page saved as text, the way copies of real report pages read: by an HTML-to-text tool
# (html2text, trafilatura old and new, a reading view) or pasted from Word. Each keeps a table's
# cells apart its own way; the truth is the same as for the HTML.
TEXT_FORMATS = ("txt_rows", "txt_close", "txt_open", "txt_cells", "txt_between", "txt_paras")
TEXT_CLASSES = [("2021", ["blank"]), ("2021", ["wrapped_space", "agency_line"]), ("2019", ["blank", "dash"]),
                ("2021", ["hybrid_other", "typos", "page_meta"])]


def _text_cell(t: str) -> str:
    return t.replace("\n", " ")


def text_table(g: Grid, fmt: str) -> list[str]:
    """One table as `fmt` writes it (see TEXT_FORMATS)."""
    covered = _spans(g)
    width = max(len(r) for r in g.rows)
    lines: list[str] = []
    for r, row in enumerate(g.rows):
        places = []  # (text, columns it spans) for the cells this row prints
        for c, t in enumerate(row):
            m = covered.get((r, c))
            if m and (m[0], m[1]) != (r, c):
                if fmt == "txt_rows":
                    places.append(("", 1))  # new trafilatura: spans materialised as empty places
                continue
            places.append((_text_cell(t), (m[3] - m[1] + 1) if m and fmt != "txt_rows" else 1))
        if fmt == "txt_rows":
            lines.append("| " + " | ".join(t for t, _ in places) + " |")
            if r == 0:
                lines.append("| " + " | ".join("---" for _ in places) + " |")
        elif fmt == "txt_close":
            # old trafilatura with <p> in cells: each cell closed on its own line, the row padded with
            # pipes to the widest row
            lines.append("|")
            pad = width - sum(k for _, k in places)
            for i, (t, k) in enumerate(places):
                k += pad if i == len(places) - 1 else 0
                lines.append((t + " " if t else "") + "|" + ("" if k == 1 else " " + "|" * (k - 1)))
        elif fmt == "txt_open":
            # each cell opened by a pipe on its own line, the row closed by a bare pipe
            first, *rest = places
            lines.append(first[0])
            lines += [("| " + t) if t else "|" for t, _ in rest]
            lines.append("|")
        elif fmt == "txt_between":
            # a reader that writes each cell's paragraphs, then a bare pipe: a cell's own line breaks
            # stay, an empty cell is a bare pipe alone, a spanned cell has one pipe, no row ends
            for c, t in enumerate(row):
                m = covered.get((r, c))
                if m and (m[0], m[1]) != (r, c):
                    continue
                lines += ([t] if t else []) + ["|"]
        elif fmt == "txt_paras":
            # a reader that ends each cell's paragraph with a blank line and gives an empty cell a
            # line break of its own: an empty cell is one blank line more
            for t, _ in places:
                lines += [t, ""] if t else [""]
        else:  # txt_cells: one cell per line, blank lines between, empty cells left out
            for t, _ in places:
                if t:
                    lines += [t, ""]
    return lines


def render_text(rep: Report) -> bytes:
    lines = []
    if "page_meta" in rep.variations:
        # the page's furniture as copies keep it: breadcrumbs, and the metadata line with its pipes
        lines += [f"当前位置：首页 > 政务公开 > 政府信息公开年报", "字号： 大 | 中 | 小",
                  f"发布时间：{rep.year + 1}-01-2{len(rep.name) % 9} | 来源：{rep.agency} | 浏览次数：{len(rep.name) * 37}", ""]
    if "agency_line" in rep.variations:
        lines += [rep.agency, f"{rep.year}年政府信息公开工作年度报告", ""]
    else:
        lines += [title(rep), ""]
    for heading, paras in sections(rep):
        lines += [heading, ""]
        for para in paras:
            lines += [para, ""]
        for g in tables_for(rep, heading):
            if g.title:
                lines += [g.title, ""]
            lines += text_table(g, rep.fmt) + [""]
    lines += [rep.agency, f"{rep.year + 1}年1月{15 + len(rep.name) % 10}日", ""]
    return "\n".join(lines).encode("utf-8")


def text_reports() -> list[Report]:
    first = class_reports(random.Random(SEED + 3), 106, TEXT_CLASSES, TEXT_FORMATS[:4], lambda n: (n * 7 + 2))
    # Added later (own random stream, numbered from 122): cells with a bare pipe between them.
    between = class_reports(random.Random(SEED + 4), 122, TEXT_CLASSES, TEXT_FORMATS[4:5], lambda n: (n * 5 + 3))
    # Added later (own random stream, numbered from 126): a paragraph per cell, empty cells as blank lines.
    return first + between + class_reports(random.Random(SEED + 5), 126, TEXT_CLASSES, TEXT_FORMATS[5:],
                                           lambda n: (n * 11 + 4))


def main() -> None:
    missing_only = "--missing" in sys.argv[1:]
    OUT.mkdir(parents=True, exist_ok=True)
    if not missing_only:
        for old in OUT.iterdir():
            if "_seed" not in old.name:  # the seeds are real texts labelled by hand, not generated here
                old.unlink()
    reports = build_reports()
    if missing_only:
        reports = [r for r in reports if not (OUT / (r.name + EXT[r.fmt])).exists()]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        to_pdf, to_doc, to_xlsx, to_xls = [], [], [], []
        for rep in reports:
            target = OUT / (rep.name + EXT[rep.fmt])
            if rep.fmt == "wordhtml":
                target.write_bytes(render_word_html(rep))
            elif rep.fmt in ("html", "flat", "cells", "colmajor"):
                target.write_bytes(render_html(rep, flat=rep.fmt in ("flat", "colmajor"),
                                               one_cell_per_line=rep.fmt == "cells"))
            elif rep.fmt in TEXT_FORMATS:
                target.write_bytes(render_text(rep))
            elif rep.fmt == "docx":
                render_docx(rep, target)
            elif rep.fmt in ("xlsx", "xls"):
                (work / (rep.name + ".html")).write_bytes(render_sheet_html(rep))
                (to_xlsx if rep.fmt == "xlsx" else to_xls).append(work / (rep.name + ".html"))
            else:
                src = work / (rep.name + ".docx")
                render_docx(rep, src)
                (to_doc if rep.fmt in ("doc", "wps") else to_pdf).append(src)
        soffice(to_pdf, "pdf", work)
        soffice(to_doc, "doc", work)
        soffice(to_xlsx, "xlsx", work, infilter="HTML (StarCalc)")
        soffice(to_xls, "xls", work, infilter="HTML (StarCalc)")
        for rep in reports:
            if rep.fmt in ("pdf", "doc", "xlsx", "xls"):
                shutil.copy(work / (rep.name + EXT[rep.fmt]), OUT / (rep.name + EXT[rep.fmt]))
            elif rep.fmt == "wps":
                shutil.copy(work / (rep.name + ".doc"), OUT / (rep.name + ".wps"))
            elif rep.fmt == "scan":
                scan(work / (rep.name + ".pdf"), OUT / (rep.name + ".pdf"))
        for rep in reports:
            (OUT / (rep.name + ".json")).write_text(json.dumps(truth(rep), ensure_ascii=False, indent=1),
                                                    encoding="utf-8")
    print(f"{len(reports)} reports written to {OUT}")


if __name__ == "__main__":
    main()
