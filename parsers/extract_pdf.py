"""Born-digital PDFs: pdfminer.six text."""
from __future__ import annotations

import io

import pdfminer
from pdfminer.high_level import extract_text
from pdfminer.pdfpage import PDFPage

from .model import Block, Document

EXTRACTOR = f"pdfminer.six {pdfminer.__version__}"


def extract_pdf(data: bytes) -> Document:
    pages = sum(1 for _ in PDFPage.get_pages(io.BytesIO(data)))
    text = extract_text(io.BytesIO(data))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = lines[0] if lines else None
    return Document(format="pdf", title=title, text=text, pages=pages,
                    blocks=[Block(kind="paragraph", text=line) for line in lines], extractor=EXTRACTOR)
