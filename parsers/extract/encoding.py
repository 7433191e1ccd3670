"""Decode HTML bytes to text without mojibake.

Government sites declare charsets wrongly or not at all, and GBK/GB2312 pages
survive next to UTF-8 ones. Order of trust: a byte-order mark, then bytes that
are valid UTF-8 (or UTF-8 with a handful of broken sequences, e.g. a page cut
mid-character), then the declared charset (HTTP header, then <meta>), then
GB18030, which is a superset of GBK and GB2312 and decodes any byte string.
Declarations are trusted last because they are the part most often wrong:
a Chinese page that decodes cleanly as UTF-8 is UTF-8 whatever it says.
"""
from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character.
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
          "gb_2312": "gb18030", "csgb2312": "gb18030", "euc-cn": "gb18030", "hz-gb-2312": "gb18030",
          "iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8"}
_UTF8 = {"utf-8", "utf8", "utf_8"}


def declared_charset(data: bytes, http_charset: str | None = None) -> str | None:
    if http_charset:
        return http_charset.strip().strip("\"'").lower()
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with rare damage: few replacement characters and plenty of valid multibyte text."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return bad <= max(2, cjk // 200) and cjk >= 10 * max(bad, 1)


def decode_html(data: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace"), "utf-8"
    declared = declared_charset(data, http_charset)
    if declared and http_charset is not None and declared in _UTF8:
        # The server says UTF-8 but the bytes are not: maybe the page itself says better.
        declared = declared_charset(data, None)
    enc = _WIDEN.get(declared or "", declared or "gb18030")
    try:
        enc = codecs.lookup(enc).name
    except LookupError:
        enc = "gb18030"
    if enc in ("utf-8", "cp1252"):
        # The declaration lies (non-UTF-8 bytes; Latin-1 is what servers default to, not what
        # Chinese pages are). GB18030 is the usual truth.
        enc = "gb18030"
    return data.decode(enc, errors="replace"), enc
