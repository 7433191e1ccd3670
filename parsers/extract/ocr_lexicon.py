"""Known table labels of the report templates, to repair OCR slips in label cells.

Tesseract misreads one character in a long label now and then ("结果纪正" for
结果纠正, "行政拆讼" for 行政诉讼), which then matches no row or column. A
label cell whose OCR text is within a small edit distance of exactly one
known label is replaced by it. Numbers are never touched, and short texts
(< 4 characters) are left alone: there one slip is too large a share.

The list holds the header and row labels of the 2019 and 2021 templates
(国办公开办函〔2019〕60号, 〔2021〕30号), taken from statistics-schema.json and
the official 2021 template, split where the template splits them into cells.
"""
from __future__ import annotations

import unicodedata

from ..normalize import normalize_label, parse_number

LABELS = (
    "信息内容", "其他结果", "商业企业", "尚未审结", "科研机构", "结果纠正", "结果维持", "行政处罚", "行政复议", "行政强制",
    "行政许可", "行政诉讼", "复议后起诉", "申请人情况", "规范性文件", "（七）总计", "处理决定数量", "政府集中采购",
    "本年制发件数", "本年废止件数", "法律服务机构", "现行有效件数", "社会公益组织", "采购项目数量", "上一年项目数量",
    "对外公开总数量", "本年新公开数量", "本年新制作数量", "法人或其他组织", "行政事业性收费", "行政规范性文件",
    "（一）予以公开", "（三）不予公开", "（五）不予处理", "（六）其他处理", "（四）无法提供", "1.属于国家秘密",
    "未经复议直接起诉", "本年处理决定数量", "三、本年度办理结果", "7.属于行政执法案卷", "8.属于行政查询事项",
    "其他对外管理服务事项", "1.信访举报投诉类申请", "3.要求提供公开出版物", "4.保护第三方合法权益",
    "6.属于四类过程性信息", "四、结转下年度继续办理", "3.危及“三安全一稳定”", "5.属于三类内部事务信息",
    "采购总金额（单位：万元）", "3.补正后申请内容仍不明确", "4.无正当理由大量反复申请", "本年收费金额（单位：万元）",
    "1.本机关不掌握相关政府信息", "2.其他法律行政法规禁止公开", "2.没有现成信息需要另行制作",
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
    "5.要求行政机关确认或重新出具已获取信息", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项",
)
_KEYED = {normalize_label(label): unicodedata.normalize("NFKC", label) for label in LABELS}


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def correct_label(text: str) -> str:
    """The known label `text` was most likely OCR'd from, or `text` unchanged."""
    key = normalize_label(text)
    if len(key) < 4 or key in _KEYED or parse_number(key)[1] != "unparsed":
        return text
    limit = 1 if len(key) <= 8 else 2 if len(key) <= 20 else 4
    best: list[tuple[int, str]] = []
    for known, label in _KEYED.items():
        d = _distance(key, known, limit)
        if d <= limit:
            best.append((d, label))
    best.sort()
    if best and (len(best) == 1 or best[0][0] < best[1][0]):
        return best[0][1]
    return text


def is_known_label(text: str) -> bool:
    """Is `text` (after `correct_label`) one of the template's labels?"""
    return normalize_label(text) in _KEYED
