"""The statistics tables of a report as grids, in the official layouts.

Used to build the bundled sample sites: one grid is rendered to HTML (with
rowspan/colspan) and to DOCX (with merged cells), and the PDF is LibreOffice's
rendering of that DOCX, so every format carries the same known numbers.
A grid is a list of rows; each entry is (text, rowspan, colspan) or None for a
position covered by a span.
"""
from __future__ import annotations

import random
from typing import Optional

Cell = Optional[tuple[str, int, int]]

APPLICANT_COLS = ["natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org"]
OUTCOME_ROWS_2021 = [
    ("（一）予以公开", None, "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None, "partly_granted"),
    ("（三）不予公开", "1.属于国家秘密", "denied_state_secret"),
    ("（三）不予公开", "2.其他法律行政法规禁止公开", "denied_law"),
    ("（三）不予公开", "3.危及“三安全一稳定”", "denied_security"),
    ("（三）不予公开", "4.保护第三方合法权益", "denied_third_party"),
    ("（三）不予公开", "5.属于三类内部事务信息", "denied_internal"),
    ("（三）不予公开", "6.属于四类过程性信息", "denied_process"),
    ("（三）不予公开", "7.属于行政执法案卷", "denied_enforcement_file"),
    ("（三）不予公开", "8.属于行政查询事项", "denied_query"),
    ("（四）无法提供", "1.本机关不掌握相关政府信息", "unable_not_held"),
    ("（四）无法提供", "2.没有现成信息需要另行制作", "unable_need_create"),
    ("（四）无法提供", "3.补正后申请内容仍不明确", "unable_unclear"),
    ("（五）不予处理", "1.信访举报投诉类申请", "rejected_petition"),
    ("（五）不予处理", "2.重复申请", "rejected_duplicate"),
    ("（五）不予处理", "3.要求提供公开出版物", "rejected_publication"),
    ("（五）不予处理", "4.无正当理由大量反复申请", "rejected_excessive"),
    ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", "rejected_confirm"),
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_no_fee"),
    ("（六）其他处理", "3.其他", "other_other"),
]
OUTCOME_ROWS_2019 = OUTCOME_ROWS_2021[:18] + [("（六）其他处理", None, "other")]


def make_values(template: str, rng: random.Random, busy: int = 20) -> dict:
    """Statistics that add up: {table: {row: {col: value}}}."""
    outcome_rows = [k for _, _, k in (OUTCOME_ROWS_2021 if template == "2021" else OUTCOME_ROWS_2019)]
    req: dict[str, dict[str, int]] = {r: {} for r in ["new", "carried_in", *outcome_rows, "total_processed", "carried_over"]}
    for col in APPLICANT_COLS:
        n = rng.randint(0, busy) if col in ("natural_person", "commercial") else rng.randint(0, max(1, busy // 8))
        carried_in = rng.randint(0, 2)
        pool = n + carried_in
        carried_over = rng.randint(0, min(2, pool))
        processed = pool - carried_over
        req["new"][col], req["carried_in"][col] = n, carried_in
        req["total_processed"][col], req["carried_over"][col] = processed, carried_over
        weights = {"granted": 6, "partly_granted": 2, "unable_not_held": 3, "rejected_petition": 1, "denied_third_party": 1}
        counts = {r: 0 for r in outcome_rows}
        for _ in range(processed):
            r = rng.choices(list(weights), weights=list(weights.values()))[0]
            counts[r] += 1
        for r in outcome_rows:
            req[r][col] = counts[r]
    for r in req:
        req[r]["total"] = sum(req[r][c] for c in APPLICANT_COLS)
    review = {}
    for row in ("review", "litigation_direct", "litigation_after_review"):
        vals = {c: rng.randint(0, 2) for c in ("upheld", "corrected", "other", "pending")}
        vals["total"] = sum(vals.values())
        review[row] = vals
    if template == "2021":
        active = {
            "regulations": {"made": 0, "repealed": 0, "in_force": rng.randint(0, 3)},
            "normative_docs": {"made": rng.randint(0, 9), "repealed": rng.randint(0, 3), "in_force": rng.randint(10, 60)},
            "licensing": {"decisions": rng.randint(0, 900)},
            "penalty": {"decisions": rng.randint(0, 300)},
            "enforcement": {"decisions": rng.randint(0, 20)},
            "fees": {"amount_10k_yuan": round(rng.uniform(0, 120), 2)},
        }
    else:
        three = lambda: {"prev_items": rng.randint(0, 80), "change": rng.randint(-5, 5), "decisions": rng.randint(0, 800)}
        active = {
            "regulations": {"new_made": 0, "new_published": 0, "total_published": rng.randint(0, 3)},
            "normative_docs": {"new_made": rng.randint(0, 9), "new_published": rng.randint(0, 9), "total_published": rng.randint(10, 60)},
            "licensing": three(), "other_services": three(), "penalty": three(), "enforcement": three(),
            "fees": {"prev_items": rng.randint(0, 20), "change": rng.randint(-2, 2)},
            "procurement": {"items": rng.randint(0, 30), "amount_10k_yuan": round(rng.uniform(0, 500), 4)},
        }
    return {"active": active, "requests": req, "review": review}


def _num(v) -> str:
    return "" if v is None else str(v)


def active_grid(template: str, values: dict) -> list[list[Cell]]:
    a = values["active"]
    g: list[list[Cell]] = []

    def group(title: str, header: list[str], rows: list[tuple[str, str, list[str]]]) -> None:
        width = 4
        g.append([(title, 1, width), None, None, None])
        hdr: list[Cell] = [("信息内容", 1, 1)]
        if len(header) == 1:
            hdr += [(header[0], 1, 3), None, None]
        elif len(header) == 2:
            hdr += [(header[0], 1, 1), (header[1], 1, 2), None]
        else:
            hdr += [(h, 1, 1) for h in header]
        g.append(hdr)
        for label, key, cols in rows:
            vals = [_num(a[key].get(c)) for c in cols]
            if len(vals) == 1:
                g.append([(label, 1, 1), (vals[0], 1, 3), None, None])
            elif len(vals) == 2:
                g.append([(label, 1, 1), (vals[0], 1, 1), (vals[1], 1, 2), None])
            else:
                g.append([(label, 1, 1)] + [(v, 1, 1) for v in vals])

    if template == "2021":
        group("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
              [("规章", "regulations", ["made", "repealed", "in_force"]),
               ("行政规范性文件", "normative_docs", ["made", "repealed", "in_force"])])
        group("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "licensing", ["decisions"])])
        group("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", "penalty", ["decisions"]), ("行政强制", "enforcement", ["decisions"])])
        group("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "fees", ["amount_10k_yuan"])])
    else:
        three = ["prev_items", "change", "decisions"]
        group("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
              [("规章", "regulations", ["new_made", "new_published", "total_published"]),
               ("规范性文件", "normative_docs", ["new_made", "new_published", "total_published"])])
        group("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
              [("行政许可", "licensing", three), ("其他对外管理服务事项", "other_services", three)])
        group("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
              [("行政处罚", "penalty", three), ("行政强制", "enforcement", three)])
        group("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "fees", ["prev_items", "change"])])
        group("第二十条第（九）项", ["采购项目数量", "采购总金额"], [("政府集中采购", "procurement", ["items", "amount_10k_yuan"])])
    return g


def requests_grid(template: str, values: dict) -> list[list[Cell]]:
    r = values["requests"]
    cols = APPLICANT_COLS + ["total"]
    outcome_rows = OUTCOME_ROWS_2021 if template == "2021" else OUTCOME_ROWS_2019
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    g: list[list[Cell]] = [
        [(note, 3, 3), None, None, ("申请人情况", 1, 7)] + [None] * 6,
        [None, None, None, ("自然人", 2, 1), ("法人或其他组织", 1, 5), None, None, None, None, ("总计", 2, 1)],
        [None, None, None, None, ("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1), ("其他", 1, 1), None],
    ]

    def vals(key: str) -> list[Cell]:
        return [(_num(r[key][c]), 1, 1) for c in cols]

    g.append([("一、本年新收政府信息公开申请数量", 1, 3), None, None] + vals("new"))
    g.append([("二、上年结转政府信息公开申请数量", 1, 3), None, None] + vals("carried_in"))
    n_outcome = len(outcome_rows) + 1  # + （七）总计
    groups: dict[str, int] = {}
    for grp, _, _ in outcome_rows:
        groups[grp] = groups.get(grp, 0) + 1
    seen: set[str] = set()
    for i, (grp, sub, key) in enumerate(outcome_rows):
        row: list[Cell] = [("三、本年度办理结果", n_outcome, 1) if i == 0 else None]
        if sub is None:
            row += [(grp, 1, 2), None]
        else:
            row += [(grp, groups[grp], 1) if grp not in seen else None, (sub, 1, 1)]
        seen.add(grp)
        g.append(row + vals(key))
    g.append([None, ("（七）总计", 1, 2), None] + vals("total_processed"))
    g.append([("四、结转下年度继续办理", 1, 3), None, None] + vals("carried_over"))
    return g


def review_grid(values: dict) -> list[list[Cell]]:
    rv = values["review"]
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    keys = ["upheld", "corrected", "other", "pending", "total"]
    g: list[list[Cell]] = [
        [("行政复议", 1, 5), None, None, None, None, ("行政诉讼", 1, 10)] + [None] * 9,
        [(h, 2, 1) for h in heads] + [("未经复议直接起诉", 1, 5), None, None, None, None, ("复议后起诉", 1, 5), None, None, None, None],
        [None] * 5 + [(h, 1, 1) for h in heads] * 2,
        [(_num(rv[row][k]), 1, 1) for row in ("review", "litigation_direct", "litigation_after_review") for k in keys],
    ]
    return g


def grid_to_html(grid: list[list[Cell]]) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse">']
    for row in grid:
        tds = []
        for cell in row:
            if cell is None:
                continue
            text, rs, cs = cell
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            tds.append(f"<td{attrs}><p>{text or '&nbsp;'}</p></td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def grid_to_docx(document, grid: list[list[Cell]], font_pt: float = 7.5) -> None:
    from docx.shared import Pt

    ncols = len(grid[0])
    table = document.add_table(rows=len(grid), cols=ncols)
    table.style = "Table Grid"
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            text, rs, cs = cell
            target = table.cell(r, c)
            if rs > 1 or cs > 1:
                target = target.merge(table.cell(r + rs - 1, c + cs - 1))
            target.text = text
            for p in target.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(font_pt)
