"""Plain-text documents: a report saved as .txt, a CMS's text export, a copy pasted from a page.

Real reports reach the team this way too (the seeds are such texts), and an agency sometimes
attaches a .txt. The bytes are decoded like an HTML page (BOM, UTF-8, then GB18030, never a
declared charset) and kept as text without blocks: the parser reads text-only documents line by
line, tables included, where they arrive flattened (tab- or space-separated rows, one cell per
line, `|`-delimited cells).
"""
from __future__ import annotations

import codecs
import re

from .encoding import decode_html
from ..model import Document

EXTRACTOR = "plain-text"
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Text has no control bytes but tab, line feed, form feed, carriage return and escape; a binary
# format has others in its first kilobytes.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def looks_like_text(data: bytes) -> bool:
    """Bytes that are text in a Chinese or Western encoding, not a binary format we do not know.

    UTF-16 is only recognised with its BOM; otherwise NUL bytes mean binary."""
    if data.startswith(_BOMS):
        return True
    head = data[:65536]
    if _BINARY.search(head):
        return False
    text, _encoding = decode_html(head)
    bad = text.count("\ufffd")
    # A cut at 64 KiB may split one character; more than a handful of undecodable bytes is not text.
    return bad <= 2


def extract_text(data: bytes, *, http_charset: str | None = None) -> Document:
    text, encoding = decode_html(data, http_charset)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    extractor = f"{EXTRACTOR} ({encoding})"
    if not text.strip():
        return Document(format="other", error="empty text document (only white space)", extractor=extractor)
    return Document(format="other", text=text, extractor=extractor)
