"""Recognise a document's format from its bytes, name and Content-Type."""
from __future__ import annotations

import os
from urllib.parse import urlparse

FORMATS = ("html", "pdf", "docx", "doc", "wps", "xls", "xlsx", "et", "zip", "jpeg", "png", "tiff", "txt", "other")
# Page images (a 图片版 report's pages, an image attachment): archived as documents.format 'other',
# the sniffed kind kept in detected_format.
IMAGE_FORMATS = ("jpeg", "png", "tiff")
ATTACHMENT_EXTENSIONS = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "wps",
                         ".xls": "xls", ".xlsx": "xlsx", ".et": "et", ".zip": "zip",
                         ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".tif": "tiff", ".tiff": "tiff"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def extension_format(url_or_name: str) -> str | None:
    """The attachment format a link's name promises (not .txt: a text link is rarely a report)."""
    ext = os.path.splitext(urlparse(url_or_name).path)[1].lower()
    return ATTACHMENT_EXTENSIONS.get(ext)


def image_format(data: bytes) -> str | None:
    """jpeg, png or tiff from the magic bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    return None


def sniff_format(data: bytes, url: str = "", content_type: str | None = None) -> str:
    """The format the bytes really are; the name is only a tie-breaker.

    Sites serve HTML error pages under .pdf names and DOCX as octet-stream, so
    the magic bytes win over both the extension and the Content-Type.
    """
    head = data[:1024].lstrip()
    by_name = extension_format(url)
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if by_name in ("docx", "xlsx", "zip", "wps", "et"):
            return by_name
        if b"word/" in data[:65536]:
            return "docx"
        if b"xl/" in data[:65536]:
            return "xlsx"
        return "zip"
    image = image_format(data)
    if image:
        return image
    if data.startswith(_OLE_MAGIC):
        if by_name in ("doc", "wps", "xls", "et"):
            return by_name
        # The OLE directory names its streams (UTF-16LE): Word files hold "WordDocument", Excel "Workbook".
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data[:65536]:
            return "xls"
        return "doc"
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered or b"<body" in lowered:
        return "html"
    if content_type and "html" in content_type.lower():
        return "html"
    from .plain_text import looks_like_text

    if looks_like_text(data):
        return "txt"
    return "other"
