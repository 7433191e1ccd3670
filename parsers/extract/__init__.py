"""One entry point from raw bytes to a `Document`, whatever the format.

Extraction never raises for bad input: a corrupt or unsupported file becomes a
`Document` with `error` set (naming the file), so the harvest records it and
goes on.
"""
from __future__ import annotations

from .formats import IMAGE_FORMATS, extension_format, sniff_format
from ..model import Document

MAX_INPUT_BYTES = 200 * 1024 * 1024


def extract(data: bytes, *, url: str = "", content_type: str | None = None,
            http_charset: str | None = None) -> Document:
    fmt = sniff_format(data, url, content_type) if data else (extension_format(url) or "other")
    label = url or "document"
    if not data:
        return Document(format=fmt, error=f"{label}: empty (zero bytes)")
    if len(data) > MAX_INPUT_BYTES:
        return Document(format=fmt, error=f"{label}: {len(data)} bytes is too large to extract")
    try:
        doc = _dispatch(data, fmt, url=url, http_charset=http_charset)
    except Exception as exc:  # a library choking on a malformed file is the file's fault, not ours
        doc = Document(format="other" if fmt in IMAGE_FORMATS else fmt,
                       error=f"{fmt} extraction failed: {type(exc).__name__}: {exc}"[:500])
    named = extension_format(url)
    if fmt == "html" and named is not None and doc.error is None:
        # An attachment link answered with a web page: an error, login or "file moved" page.
        doc.error = f"named .{named} but the server sent an HTML page (error or login page?)"
    if doc.error and url and url not in doc.error:
        doc.error = f"{url}: {doc.error}"
    return doc


def _dispatch(data: bytes, fmt: str, *, url: str, http_charset: str | None) -> Document:
    if fmt == "html":
        from .html import extract_html
        return extract_html(data, url=url, http_charset=http_charset)
    if fmt == "pdf":
        from .pdf import extract_pdf
        if not data.lstrip()[:5].startswith(b"%PDF"):
            # An HTML wrapper or junk before the header: pdfium wants the header first.
            data = data[data.find(b"%PDF"):]
        return extract_pdf(data)
    if fmt == "docx":
        from .docx import extract_docx
        return extract_docx(data)
    if fmt in ("doc", "wps", "xls", "xlsx", "et"):
        from .office import extract_office
        return extract_office(data, fmt, name=url)
    if fmt == "zip":
        return _extract_zip(data, url)
    if fmt in IMAGE_FORMATS:
        from .image import extract_image
        return extract_image(data, fmt, name=url)
    named = extension_format(url)
    if named:
        return Document(format="other" if named in IMAGE_FORMATS else named,
                        error=f"named .{named} but the bytes are not a {named.upper()} file "
                                            f"(starts with {data[:8]!r})")
    return Document(format=fmt, error=f"unsupported format (starts with {data[:8]!r})")


def _extract_zip(data: bytes, url: str) -> Document:
    """A ZIP attachment: every member extracted, blocks concatenated with the member named in the source path."""
    from .zip_members import ZipRejected, unpack_zip

    try:
        members = unpack_zip(data, url)
    except ZipRejected as exc:
        return Document(format="zip", error=str(exc))
    out = Document(format="zip", extractor="zipfile")
    errors = []
    for member, body in members:
        doc = extract(body, url=member)
        if doc.error:
            errors.append(doc.error)
        for block in doc.blocks:
            block.source.path = f"{member}!{block.source.path}" if block.source.path else member
            out.blocks.append(block)
        out.title = out.title or doc.title
        out.ocr = out.ocr or doc.ocr
        out.pages = (out.pages or 0) + (doc.pages or 0) or None
    out.text = "\n".join(b.text for b in out.blocks)
    if errors:
        out.error = "; ".join(errors)[:500]
    if not members:
        out.error = "empty zip archive"
    return out
