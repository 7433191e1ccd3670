"""One entry point from raw bytes to a `Document`, whatever the format.

Extraction never raises for bad input: a corrupt or unsupported file becomes a
`Document` with `error` set (naming the file), so the harvest records it and
goes on.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping, Sequence

from .formats import IMAGE_FORMATS, extension_format, sniff_format
from ..model import Document

MAX_INPUT_BYTES = 200 * 1024 * 1024
OFFICE_FORMATS = ("doc", "wps", "xls", "xlsx", "et")  # converted by LibreOffice first


def extract(data: bytes, *, url: str = "", content_type: str | None = None,
            http_charset: str | None = None) -> Document:
    return _extract(data, url=url, content_type=content_type, http_charset=http_charset)


def input_format(data: bytes, url: str = "", content_type: str | None = None) -> str:
    """The format `extract` will treat the bytes as."""
    return sniff_format(data, url, content_type) if data else (extension_format(url) or "other")


def extract_many(items: Sequence[Mapping[str, Any]]) -> list[Document]:
    """`extract(**item)` for every item (keys: data, url, content_type, http_charset), the same
    Documents, but the batch's DOC/WPS/XLS/XLSX/ET files share one LibreOffice start per target
    format instead of paying one each."""
    fmts = [input_format(item["data"], item.get("url", ""), item.get("content_type")) for item in items]
    office = [i for i, item in enumerate(items)
              if fmts[i] in OFFICE_FORMATS and 0 < len(item["data"]) <= MAX_INPUT_BYTES]
    converted: dict[int, Any] = {}
    if len(office) > 1:
        from .office import convert_batch

        batch = [(items[i]["data"], fmts[i], items[i].get("url", "")) for i in office]
        try:
            converted = dict(zip(office, convert_batch(batch)))
        except Exception as exc:  # never lose a batch to a batching fault: each file converts alone below
            logging.getLogger("nianbao.extract.office").warning("LibreOffice batch failed (%s); converting alone", exc)
    return [_extract(item["data"], url=item.get("url", ""), content_type=item.get("content_type"),
                     http_charset=item.get("http_charset"), converted=converted.get(i))
            for i, item in enumerate(items)]


def _extract(data: bytes, *, url: str, content_type: str | None, http_charset: str | None,
             converted: Any = None) -> Document:
    fmt = input_format(data, url, content_type)
    label = url or "document"
    if not data:
        return Document(format=fmt, error=f"{label}: empty (zero bytes)")
    if len(data) > MAX_INPUT_BYTES:
        return Document(format=fmt, error=f"{label}: {len(data)} bytes is too large to extract")
    try:
        doc = _dispatch(data, fmt, url=url, http_charset=http_charset, converted=converted)
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


def _dispatch(data: bytes, fmt: str, *, url: str, http_charset: str | None, converted: Any = None) -> Document:
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
    if fmt in OFFICE_FORMATS:
        from .office import extract_office
        return extract_office(data, fmt, name=url, converted=converted)
    if fmt == "zip":
        return _extract_zip(data, url)
    if fmt in IMAGE_FORMATS:
        from .image import extract_image
        return extract_image(data, fmt, name=url)
    named = extension_format(url)
    if fmt == "txt" and not named:
        from .plain_text import extract_text
        return extract_text(data, http_charset=http_charset)
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
