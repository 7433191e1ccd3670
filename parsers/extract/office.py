"""DOC/WPS and spreadsheets (XLS/XLSX/ET) via LibreOffice, then our DOCX/HTML readers."""
from __future__ import annotations

from typing import Sequence

from ..model import Document, Source
from .office_convert import ConversionError, ConversionJob, convert, convert_many

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


def _target(fmt: str) -> str | None:
    return "docx" if fmt in WORD_FORMATS else "html" if fmt in SHEET_FORMATS else None


Converted = bytes | ConversionError


def convert_batch(items: Sequence[tuple[bytes, str, str]]) -> list[Converted | None]:
    """LibreOffice conversions of (data, fmt, name) items, one soffice start per target format for
    the batch; None for an item LibreOffice is not asked about (not an office format, or an OLE2
    file that cannot be real). Give each result to `extract_office` as `converted`."""
    wanted = [i for i, (data, fmt, _name) in enumerate(items) if _target(fmt) and _ole_problem(data) is None]
    jobs = [ConversionJob(items[i][0], items[i][1], _target(items[i][1]), items[i][2]) for i in wanted]
    out: list[Converted | None] = [None] * len(items)
    for i, result in zip(wanted, convert_many(jobs)):
        out[i] = result
    return out


def extract_office(data: bytes, fmt: str, *, name: str = "", converted: Converted | None = None) -> Document:
    """`converted`: this file's conversion, already made by `convert_batch`; else it is converted here."""
    problem = _ole_problem(data)
    if problem is not None:
        return Document(format=fmt, error=f"not a readable {fmt.upper()} file: {problem}")

    def converted_to(target: str) -> bytes:
        result = converted if converted is not None else convert(data, fmt, target, name=name)
        if isinstance(result, ConversionError):
            raise result
        return result

    try:
        if fmt in WORD_FORMATS:
            from .docx import extract_docx

            doc = extract_docx(converted_to("docx"))
            doc.extractor = f"LibreOffice -> {doc.extractor}"
        elif fmt in SHEET_FORMATS:
            from .html import walk_blocks
            import lxml.html

            html = converted_to("html")
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
