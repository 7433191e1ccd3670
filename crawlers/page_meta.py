"""What a report page says about itself, and what a download says its name is.

Article pages of gkml platforms carry a metadata table (索引号, 分类, 发布机构,
发布日期…) and TRS pages `<meta name="ArticleTitle">`; those name the agency
and confirm the category better than any title. Download links without an
extension (`downfile.jsp?fileid=…`) only reveal the file name in the
Content-Disposition header.
"""
from __future__ import annotations

import re
from email.message import Message
from urllib.parse import unquote

from parsel import Selector

from parsers.report.titles import normalize_title

# label as printed on the page → item field
_LABELS = {
    "索引号": "meta_index_no",
    "分类": "meta_category", "主题分类": "meta_category", "信息分类": "meta_category", "体裁分类": "meta_category",
    "发布机构": "meta_agency", "发文机关": "meta_agency", "公开主体": "meta_agency", "信息来源": "meta_agency",
    "来源": "meta_agency", "文章来源": "meta_agency", "来源单位": "meta_agency", "发布单位": "meta_agency",
    "发文单位": "meta_agency", "发布部门": "meta_agency",
    "发布日期": "meta_published", "发文日期": "meta_published", "成文日期": "meta_written", "公开日期": "meta_published",
    "文号": "meta_doc_no", "发文字号": "meta_doc_no",
}
_HTML_META = {"ArticleTitle": "meta_title", "PubDate": "meta_published", "ContentSource": "meta_agency",
              "ColumnName": "meta_column"}
# Labels are printed with spaces inside ("来 源", "索 引 号") as often as without.
_LABEL_ALT = "|".join(r"\s*".join(map(re.escape, label)) for label in sorted(_LABELS, key=len, reverse=True))
_LABEL_RE = re.compile(r"^\s*(" + _LABEL_ALT + r")\s*[:：]?\s*(.*)$")
# One field of a line that holds several ("发布时间:2024-01-19 11:04 来源:利辛县望疃镇人民政府 字体:[ ]").
_FIELD_RE = re.compile(r"(?:^|\s|\|)(" + _LABEL_ALT + r")\s*[:：]\s*([^\s|]+)")


def _clean_label(text: str) -> str:
    return re.sub(r"[\s\u3000:：]", "", text)


def page_metadata(sel: Selector) -> dict[str, str]:
    """meta_* fields found on an article page (empty values left out)."""
    out: dict[str, str] = {}
    for name, field in _HTML_META.items():
        value = normalize_title(sel.xpath(f"//meta[@name='{name}']/@content").get() or "")
        if value:
            out.setdefault(field, value)
    # Tables: a label cell followed by its value cell.
    for row in sel.css("tr"):
        cells = [normalize_title(" ".join(c.css("::text").getall())) for c in row.css("td, th")]
        for i, cell in enumerate(cells):
            label = _clean_label(cell)
            if label in _LABELS and i + 1 < len(cells) and cells[i + 1] and _clean_label(cells[i + 1]) not in _LABELS:
                out[_LABELS[label]] = cells[i + 1]
            else:
                m = _LABEL_RE.match(cell.replace("\u3000", ""))
                if m and m.group(2) and _clean_label(m.group(1)) in _LABELS:
                    out.setdefault(_LABELS[_clean_label(m.group(1))], m.group(2).strip())
    # Lists: <li><span>发布机构：</span>市统计局</li>; a label's element followed by its value's.
    texts = [normalize_title(" ".join(el.css("::text").getall())) for el in sel.css("li, p, div, span, dd")]
    for k, text in enumerate(texts):
        text = text.replace("\u3000", " ")
        if len(text) >= 80:
            continue
        if _clean_label(text) in _LABELS and k + 1 < len(texts) and texts[k + 1] and len(texts[k + 1]) < 40 \
                and _clean_label(texts[k + 1]) not in _LABELS:
            out.setdefault(_LABELS[_clean_label(text)], texts[k + 1])
            continue
        m = _LABEL_RE.match(text)
        if m and m.group(2):
            value = re.split(r"\s{2,}|\s(?=\S{2,6}[:：])", m.group(2).strip())[0]
            out.setdefault(_LABELS[_clean_label(m.group(1))], value)
        for f in _FIELD_RE.finditer(text):
            out.setdefault(_LABELS[_clean_label(f.group(1))], f.group(2))
    return {k: v for k, v in out.items() if v}


def content_disposition_filename(value: str | None) -> str | None:
    """The file name a Content-Disposition header gives, decoded: RFC 5987 `filename*=UTF-8''…`,
    percent-encoded names, and raw GBK or UTF-8 bytes (which arrive here as latin-1)."""
    if not value:
        return None
    msg = Message()
    msg["content-disposition"] = value
    name = msg.get_filename()
    if not name:
        m = re.search(r"""filename\s*=\s*["']?([^"';]+)""", value, re.I)
        name = m.group(1) if m else None
    if not name:
        return None
    if "%" in name:
        name = unquote(name, encoding="utf-8", errors="replace")
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name.strip()
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec).strip()
        except UnicodeDecodeError:
            continue
    return name.strip()
