"""What a link on a list page is: a report, an attachment, the next list page, or nothing."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlparse

from parsers.extract.formats import extension_format

_NEXT_TEXT = re.compile(r"^(下一?页|下页|后一?页|next|›|»|>|>>)$", re.I)
# index_3.html, list_2.shtml, ?page=4, /page/5, index_1.htm — the shapes CMS list pages take
_PAGE_URL = re.compile(r"(?:(?:index|list|default)_\d+\.s?html?$)|(?:[?&](?:page|pageNo|pageIndex|p|curpage)=\d+)|(?:/page/\d+/?$)", re.I)
# Download endpoints that hide the file type: /module/download/downfile.jsp?filename=…,
# /attachment/…, getfile.aspx?fileid=…, /download?id=…
_DOWNLOAD_URL = re.compile(r"downfile|download|getfile|fileid=|attachid=|/attachment/|/attach/|/uploadfile/|/upload/", re.I)
# Server scripts that may stream a file; any other extension names what the URL is.
_SCRIPT_EXT = {"jsp", "jspx", "asp", "aspx", "php", "do", "action", "cgi", "ashx"}
_FILE_IN_TEXT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et|zip)\s*[)）]?$", re.I)


def is_next_page(text: str, href: str) -> bool:
    """A pagination link: "下一页"-style text, or a page number linking to a list URL."""
    text = re.sub(r"\s+", "", text or "")
    if _NEXT_TEXT.match(text):
        return True
    return bool(re.fullmatch(r"\[?\d{1,4}\]?", text) and _PAGE_URL.search(href))


def attachment_format(href: str, text: str = "") -> str | None:
    """The file format a link downloads, or None for a web page.

    By the path's extension first; then by a file name in the query
    (`downfile.jsp?filename=x.pdf`); then, for download endpoints, by the link
    text ("附件：2021年报.pdf"), else "other" — the bytes tell later.
    """
    fmt = extension_format(href)
    if fmt:
        return fmt
    parts = urlparse(href)
    for _, value in parse_qsl(parts.query):
        fmt = extension_format("/" + value)
        if fmt:
            return fmt
    ext = re.search(r"\.(\w{1,6})$", parts.path)
    if ext and ext.group(1).lower() not in _SCRIPT_EXT:
        return None  # a page, an image, a stylesheet: not a document download
    m = _FILE_IN_TEXT.search((text or "").strip())
    if m:
        return extension_format("x." + m.group(1))
    if _DOWNLOAD_URL.search(parts.path + "?" + parts.query) and not parts.path.endswith("/"):
        return "other"
    return None


def same_site(href: str, allowed_domains: tuple[str, ...] | list[str]) -> bool:
    host = (urlparse(href).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in allowed_domains)
