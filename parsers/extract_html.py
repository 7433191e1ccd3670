"""HTML pages: trafilatura for the main text, title and date."""
from __future__ import annotations

import lxml.html
import trafilatura

from .encoding import decode_html
from .model import Block, Document

EXTRACTOR = f"trafilatura {trafilatura.__version__}"


def extract_html(data: bytes, *, url: str = "", http_charset: str | None = None) -> Document:
    html, _encoding = decode_html(data, http_charset)
    result = trafilatura.bare_extraction(html, url=url or None, with_metadata=True,
                                         include_tables=True, favor_recall=True)
    tree = lxml.html.fromstring(html) if html.strip() else None
    page_title = (tree.findtext(".//title") or "").strip() if tree is not None else ""
    text = (result.text if result is not None else "") or ""
    title = (result.title if result is not None else None) or page_title or None
    blocks = [Block(kind="paragraph", text=line) for line in text.splitlines() if line.strip()]
    return Document(format="html", title=title, text=text, blocks=blocks,
                    published=result.date if result is not None else None, extractor=EXTRACTOR)
