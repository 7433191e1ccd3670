"""Decode a government HTML page without trusting its declaration blindly.

Scrapy trusts the HTTP charset first and the <meta> second; government CMSs
get both wrong (a GBK page served as "charset=UTF-8" after a migration, a UTF-8
page still declaring gb2312), and a wrong guess turns every link text into
mojibake, so no report title is ever recognised. GBK text is almost never valid
UTF-8, so a strict UTF-8 decode that succeeds is trusted over any declaration;
otherwise the declared charset is tried strictly, then GB18030 (a superset of
GBK and GB2312, which covers what Chinese sites call either).
"""
from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
# Names sites use for what is in practice GB18030-compatible text.
_GB_FAMILY = {"gbk", "gb2312", "gb_2312-80", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(body: bytes, http_charset: str | None = None) -> str | None:
    """The charset the page claims: the HTTP header's, else the first <meta> one."""
    if http_charset:
        return http_charset
    m = _META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii") if m else None


def decode_html(body: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """(text, codec used). Never raises; undecodable bytes become U+FFFD only as a last resort."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace"), "utf-8"
    candidates = ["utf-8", _codec(declared_charset(body, http_charset)), _codec(declared_charset(body)), "gb18030"]
    for name in dict.fromkeys(c for c in candidates if c):
        try:
            return body.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("gb18030", errors="replace"), "gb18030"


def charset_from_content_type(content_type: str | None) -> str | None:
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=")[-1].split(";")[0].strip() or None
    return None
