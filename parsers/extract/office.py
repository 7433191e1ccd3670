"""DOC/WPS and spreadsheets (XLS/XLSX/ET) via LibreOffice, then our DOCX/HTML readers."""
from __future__ import annotations

from ..model import Document, Source
from .office_convert import ConversionError, convert

WORD_FORMATS = ("doc", "wps")
SHEET_FORMATS = ("xls", "xlsx", "et")


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ole_problem(data: bytes) -> str | None:
    """Why an OLE2 (DOC/XLS/WPS/ET) file cannot be real, checked before paying for LibreOffice."""
    if not data.startswith(_OLE_MAGIC):
        return None
    if len(data) < 1536:  # header sector plus at least a FAT and a directory sector
        return f"truncated OLE2 file ({len(data)} bytes)"
    if data[28:30] != b"\xfe\xff" or data[30] not in (9, 12):
        return "corrupt OLE2 header"
    return None


def extract_office(data: bytes, fmt: str, *, name: str = "") -> Document:
    problem = _ole_problem(data)
    if problem is not None:
        return Document(format=fmt, error=f"not a readable {fmt.upper()} file: {problem}")
    try:
        if fmt in WORD_FORMATS:
            from .docx import extract_docx

            doc = extract_docx(convert(data, fmt, "docx", name=name))
            doc.extractor = f"LibreOffice -> {doc.extractor}"
        elif fmt in SHEET_FORMATS:
            from .html import walk_blocks
            import lxml.html

            html = convert(data, fmt, "html", name=name)
            tree = lxml.html.document_fromstring(html.decode("utf-8", errors="replace"))
            body = tree.find("body")
            blocks = walk_blocks(body if body is not None else tree)
            for i, block in enumerate(b for b in blocks if b.kind == "table"):
                block.source = Source(index=i, path=block.source.path)  # sheet order
            text = "\n".join(b.text for b in blocks)
            title = next((b.text for b in blocks if b.kind != "table" and "报告" in b.text), None)
            doc = Document(format=fmt, title=title, text=text, blocks=blocks, extractor="LibreOffice -> HTML tables")
        else:
            return Document(format=fmt, error=f"not an office format: {fmt}")
    except ConversionError as exc:
        return Document(format=fmt, error=str(exc))
    doc.format = fmt
    return doc
