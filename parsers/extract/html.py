"""HTML pages: trafilatura for title, date and main text; tables from the page's own markup.

trafilatura finds the article but flattens tables (spans lost) and moves
them after the prose when they sit in layout tables, so blocks come from our
own walk of the DOM: the content root is the smallest element holding the
paragraphs trafilatura kept and the statistics tables; inside it headings,
paragraphs and data tables are emitted in document order, each with its
element path.
"""
from __future__ import annotations

import lxml.etree
import lxml.html
import trafilatura

from .encoding import decode_html
from .html_tables import element_text, is_layout_table, join_split_tables, table_grid
from ..model import Block, Document, Source, table_text
from ..normalize import looks_like_heading, normalize_label

EXTRACTOR = f"trafilatura {trafilatura.__version__}"
TABLE_WORDS = ("信息内容", "自然人", "予以公开", "行政复议", "本年制发", "申请人情况", "主动公开", "申请")
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "table",
               "blockquote", "center", "form", "dl", "dt", "dd", "pre", "header", "footer", "main", "tr", "td",
               "th", "tbody", "thead", "body", "br", "hr"}
_SKIP_TAGS = {"script", "style", "noscript", "iframe", "select", "button", "nav", "head", "title"}


def extract_html(data: bytes, *, url: str = "", http_charset: str | None = None) -> Document:
    html, encoding = decode_html(data, http_charset)
    extractor = f"{EXTRACTOR} ({encoding})"
    if not html.strip():
        return Document(format="html", error="empty HTML document", extractor=extractor)
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError) as exc:
        return Document(format="html", error=f"unparsable HTML: {exc}", extractor=extractor)
    meta = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_tables=True,
                                       favor_recall=True)
    main_text = (meta.text if meta is not None else "") or ""
    page_title = element_text(tree.find(".//title")) if tree.find(".//title") is not None else ""
    root = content_root(tree, main_text)
    blocks = walk_blocks(root)
    title = (meta.title if meta is not None else None) or _meta(tree, "ArticleTitle") or page_title or None
    published = (meta.date if meta is not None else None) or _meta(tree, "PubDate")
    text = "\n".join(b.text for b in blocks) or main_text
    return Document(format="html", title=title, text=text, blocks=blocks, published=(published or None) and
                    published[:10], extractor=extractor)


def _meta(tree, name: str) -> str | None:
    found = tree.xpath(f"//meta[@name='{name}']/@content")
    return str(found[0]).strip() or None if found else None


def content_root(tree, main_text: str):
    """Smallest element containing the paragraphs trafilatura kept and the statistics tables."""
    body = tree.find("body")
    if body is None:
        body = tree
    wanted = {normalize_label(line) for line in main_text.splitlines() if len(normalize_label(line)) >= 6}
    anchors = []
    for el in body.iter("p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "td", "li", "span"):
        own = normalize_label(element_text(el))
        if own in wanted:
            anchors.append(el)
    for table in body.iter("table"):
        if not is_layout_table(table) and any(w in normalize_label(element_text(table)) for w in TABLE_WORDS):
            anchors.append(table)
    if not anchors:
        return body
    common = list(anchors[0].iterancestors())[::-1] + [anchors[0]]
    for el in anchors[1:]:
        chain = set(el.iterancestors()) | {el}
        common = [a for a in common if a in chain]
    return common[-1] if common else body


def walk_blocks(root) -> list[Block]:
    blocks: list[Block] = []
    getpath = root.getroottree().getpath
    inline: list[str] = []
    inline_el = [root]

    def flush() -> None:
        text = element_text_fragments(inline)
        inline.clear()
        if text:
            for line in text.split("\n"):
                if line.strip():
                    kind = "heading" if (inline_el[0].tag in ("h1", "h2", "h3", "h4", "h5", "h6")
                                         or looks_like_heading(line)) else "paragraph"
                    blocks.append(Block(kind=kind, text=line, source=Source(path=getpath(inline_el[0]))))

    def visit(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP_TAGS:
            if el.tail and el is not root:
                inline.append(el.tail)
            return
        if tag == "table":
            flush()
            if is_layout_table(el):
                for cell in el.xpath("./tr/td | ./tr/th | ./tbody/tr/td | ./tbody/tr/th | ./thead/tr/th"):
                    visit_children(cell)
                    flush()
            else:
                rows = table_grid(el)
                if rows and any(c.text for row in rows for c in row):
                    blocks.append(Block(kind="table", rows=rows, text=table_text(rows),
                                        source=Source(path=getpath(el))))
        elif tag in _BLOCK_TAGS:
            flush()
            inline_el[0] = el
            if el.text:
                inline.append(el.text)
            visit_children(el)
            flush()
        else:
            if inline_el[0] is root or not inline:
                inline_el[0] = el.getparent() if el.getparent() is not None else el
            inline.append(element_text(el) if len(el) else (el.text or ""))
        if el.tail and el is not root:
            inline.append(el.tail)

    def visit_children(el) -> None:
        for child in el:
            visit(child)

    if root.text:
        inline.append(root.text)
    visit_children(root)
    flush()
    return join_split_tables(blocks)


def element_text_fragments(parts: list[str]) -> str:
    from ..normalize import collapse_spaces_cjk, normalize_text

    return collapse_spaces_cjk(normalize_text("".join(parts)))
