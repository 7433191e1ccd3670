"""What a link on a list page is: a report, an attachment, the next list page, or nothing."""
from __future__ import annotations

import re
from urllib.parse import urlparse

from parsers.formats import extension_format

_NEXT_TEXT = re.compile(r"^(下一?页|下页|后一?页|next|›|»|>|>>)$", re.I)
# index_3.html, list_2.shtml, ?page=4, /page/5, index_1.htm — the shapes CMS list pages take
_PAGE_URL = re.compile(r"(?:(?:index|list|default)_\d+\.s?html?$)|(?:[?&](?:page|pageNo|pageIndex|p|curpage)=\d+)|(?:/page/\d+/?$)", re.I)


def is_next_page(text: str, href: str) -> bool:
    """A pagination link: "下一页"-style text, or a page number linking to a list URL."""
    text = re.sub(r"\s+", "", text or "")
    if _NEXT_TEXT.match(text):
        return True
    return bool(re.fullmatch(r"\[?\d{1,4}\]?", text) and _PAGE_URL.search(href))


def attachment_format(href: str) -> str | None:
    return extension_format(href)


def same_site(href: str, allowed_domains: tuple[str, ...] | list[str]) -> bool:
    host = (urlparse(href).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in allowed_domains)
