"""DOCX with python-docx: paragraphs and tables in body order."""
from __future__ import annotations

import io
from importlib.metadata import version

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from .model import Block, Cell, Document, Source, table_text

EXTRACTOR = f"python-docx {version('python-docx')}"


def extract_docx(data: bytes) -> Document:
    doc = docx.Document(io.BytesIO(data))
    blocks: list[Block] = []
    for i, item in enumerate(doc.iter_inner_content()):
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if text:
                kind = "heading" if item.style is not None and item.style.name.lower().startswith(("heading", "title")) else "paragraph"
                blocks.append(Block(kind=kind, text=text, source=Source(index=i)))
        elif isinstance(item, Table):
            rows = [[Cell(text=c.text.strip()) for c in row.cells] for row in item.rows]
            blocks.append(Block(kind="table", rows=rows, text=table_text(rows), source=Source(index=i)))
    text = "\n".join(b.text for b in blocks)
    title = next((b.text for b in blocks if b.kind != "table"), None)
    return Document(format="docx", title=title, text=text, blocks=blocks, extractor=EXTRACTOR)
