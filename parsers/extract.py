"""One entry point from raw bytes to a `Document`, whatever the format.

Extraction never raises for bad input: a corrupt or unsupported file becomes a
`Document` with `error` set, so the harvest records it and goes on.
"""
from __future__ import annotations

from .formats import sniff_format
from .model import Document


def extract(data: bytes, *, url: str = "", content_type: str | None = None,
            http_charset: str | None = None) -> Document:
    fmt = sniff_format(data, url, content_type)
    if not data:
        return Document(format=fmt, error="empty: zero bytes")
    try:
        if fmt == "html":
            from .extract_html import extract_html
            return extract_html(data, url=url, http_charset=http_charset)
        if fmt == "pdf":
            from .extract_pdf import extract_pdf
            return extract_pdf(data)
        if fmt == "docx":
            from .extract_docx import extract_docx
            return extract_docx(data)
    except Exception as exc:  # a library choking on a malformed file is the file's fault, not ours
        return Document(format=fmt, error=f"{fmt} extraction failed: {type(exc).__name__}: {exc}"[:500])
    return Document(format=fmt, error=f"unsupported format: {fmt}")
