"""Decode HTML bytes to text without mojibake.

Government sites declare charsets wrongly or not at all, and GBK/GB2312 pages
survive next to UTF-8 ones. Order of trust: a byte-order mark, then bytes that
are valid UTF-8, then the declared charset (HTTP header, then <meta>), then
GB18030, which is a superset of GBK and GB2312 and decodes any byte string.
"""
from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character.
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030"}


def declared_charset(data: bytes, http_charset: str | None = None) -> str | None:
    if http_charset:
        return http_charset.strip().lower()
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def decode_html(data: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data, http_charset)
    enc = _WIDEN.get(declared or "", declared or "gb18030")
    try:
        codecs.lookup(enc)
    except LookupError:
        enc = "gb18030"
    if enc in ("utf-8", "utf8"):
        # The declaration lies: the bytes are not UTF-8. GB18030 is the usual truth.
        enc = "gb18030"
    return data.decode(enc, errors="replace"), enc
