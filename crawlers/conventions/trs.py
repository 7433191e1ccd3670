"""TRS WCM list pages: the page count lives in a script, not in links.

TRS templates render pagination in the browser from a call such as
`createPageHTML(5, 0, "index", "html")` (page count, current page from 0,
file prefix, suffix), a six-argument variant with an element id first and a
record count last, or `var countPage = 5` plus prefix/suffix variables, or (older templates) `var countPage`
with a pager written by `document.write("<a href=\"index"+"_" + i + "."+"html\">")`. Page 0
is `index.html`, page n is `index_n.html` in the same folder. Every page is
generated from the first one; the dupefilter drops repeats.
"""
from __future__ import annotations

import re
from typing import Iterator

from . import Found, ListPage, ListRequest

_ARG = r"""\s*(?:["']([^"']*)["']|([\w.]+))\s*"""
_CALL = re.compile(r"createPage(?:HTML|Html)?\s*\(((?:" + _ARG + r",){3,5}" + _ARG + r")\)")
_VAR = r"""(?:var\s+)?{name}\s*=\s*["']?([\w.]+)["']?"""


def _args(argtext: str) -> list[str]:
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in re.finditer(_ARG, argtext)]


def _var(text: str, *names: str) -> str | None:
    for name in names:
        m = re.search(_VAR.format(name=name), text)
        if m:
            return m.group(1)
    return None


def page_spec(text: str) -> tuple[int, int, str, str] | None:
    """(page count, current page, prefix, suffix) from a TRS page's scripts, if it has them."""
    m = _CALL.search(text)
    if m:
        args = _args(m.group(1))
        if len(args) == 6:  # createPageHTML(elementId, count, current, prefix, suffix, records)
            args = args[1:5]
        elif len(args) == 5 and not args[0].isdigit():  # (elementId, count, current, prefix, suffix)
            args = args[1:5]
        args = args[:4]
        resolved = [_var(text, a) if a and not a.isdigit() and re.fullmatch(r"[A-Za-z_]\w*", a)
                    and a not in ("index", "html", "shtml", "htm", "list", "default") else a for a in args]
        count, current, prefix, suffix = resolved
        if count and str(count).isdigit():
            return int(count), int(current) if current and str(current).isdigit() else 0, prefix or "index", suffix or "html"
    count = _var(text, "countPage", "pageCount", "totalPage")
    if count and count.isdigit() and ("createPage" in text or "document.write" in text):
        # Older templates write the pager with document.write("<a href=\"index"+"_" + i + "."+"html\">").
        current = _var(text, "currentPage", "curPage")
        written = re.search(r"""(index|list|default)["']?\s*\+?\s*["']?_["']?.{0,40}?(shtml|html|htm)""", text)
        prefix = _var(text, "prefixName", "prefix") or (written.group(1) if written else "index")
        suffix = _var(text, "suffixName", "suffix") or (written.group(2) if written else "html")
        return int(count), int(current) if current and current.isdigit() else 0, prefix, suffix
    return None


def find(page: ListPage) -> Iterator[Found]:
    spec = page_spec(page.text)
    if spec is None:
        return
    count, _, prefix, suffix = spec
    for n in range(0, count):
        name = f"{prefix}.{suffix}" if n == 0 else f"{prefix}_{n}.{suffix}"
        url = page.urljoin(name)
        if page.allowed(url):
            yield ListRequest(url)
