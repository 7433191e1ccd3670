"""The document model every extractor produces and every parser reads.

A document is an ordered list of blocks (headings, paragraphs, tables). Each
block says where it came from in the source file, so a number parsed out of
a table can be traced back to a page and a position. The model is plain data
and round-trips through JSON, so the archive can store it and parsing can be
rerun without extracting again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "table"]


@dataclass
class Source:
    """Where a block sits in its file. Only the fields that apply are set."""

    page: int | None = None  # 1-based PDF page (first page for a joined table)
    bbox: tuple[float, float, float, float] | None = None  # PDF points x0,y0,x1,y1
    path: str | None = None  # HTML element path, e.g. "/html/body/div[2]/table[1]"
    index: int | None = None  # DOCX paragraph or table index


@dataclass
class Cell:
    """One cell of a table grid after spans are resolved.

    A merged cell appears in every grid position it covers; `row_span`/`col_span`
    and `origin` say which position holds the original.
    """

    text: str
    row_span: int = 1
    col_span: int = 1
    origin: tuple[int, int] | None = None  # (row, col) of the merged cell's top-left
    # Set by OCR only: how sure the reading is (0..1) and why not ("suspect", "ink_without_digits"…).
    confidence: float | None = None
    flags: list[str] = field(default_factory=list)


@dataclass
class Block:
    kind: BlockKind
    text: str = ""  # heading/paragraph text; for tables, the cells joined row by row
    rows: list[list[Cell]] | None = None  # tables only: rectangular grid
    source: Source = field(default_factory=Source)


@dataclass
class Document:
    format: str  # html, pdf, docx, doc, wps, xls, xlsx, et, zip, other
    title: str | None = None
    text: str = ""
    blocks: list[Block] = field(default_factory=list)
    published: str | None = None  # ISO date when the source states one
    extractor: str = ""  # "name version" of the library that produced it
    ocr: bool = False
    ocr_confidence: float | None = None
    error: str | None = None  # why extraction failed (document still recorded)
    pages: int | None = None

    @property
    def tables(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "table"]

    def to_json(self) -> str:
        # Built by hand rather than with dataclasses.asdict, whose deep copy of every cell was
        # a tenth of a harvest's CPU; the JSON is the same, key for key.
        data = {name: getattr(self, name) for name in _DOCUMENT_FIELDS}
        data["blocks"] = [_block_dict(b) for b in self.blocks]
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> "Document":
        data: dict[str, Any] = json.loads(raw)
        blocks = []
        for b in data.pop("blocks", []):
            rows = b.get("rows")
            if rows is not None:
                rows = [
                    [
                        Cell(
                            text=c["text"],
                            row_span=c.get("row_span", 1),
                            col_span=c.get("col_span", 1),
                            origin=tuple(c["origin"]) if c.get("origin") else None,
                            confidence=c.get("confidence"),
                            flags=list(c.get("flags") or []),
                        )
                        for c in row
                    ]
                    for row in rows
                ]
            src = b.get("source") or {}
            if src.get("bbox") is not None:
                src["bbox"] = tuple(src["bbox"])
            blocks.append(Block(kind=b["kind"], text=b.get("text", ""), rows=rows, source=Source(**src)))
        return cls(blocks=blocks, **data)


def table_text(rows: list[list[Cell]]) -> str:
    """Flat text of a table: cells tab-separated, rows on lines (merged cells once)."""
    lines = []
    for r, row in enumerate(rows):
        cells = []
        for c, cell in enumerate(row):
            if cell.origin is not None and cell.origin != (r, c):
                continue
            cells.append(cell.text)
        lines.append("\t".join(cells))
    return "\n".join(lines)


def _cell_dict(c: Cell) -> dict[str, Any]:
    d = {name: getattr(c, name) for name in _CELL_FIELDS}
    if d["confidence"] is None:  # OCR's per-cell fields only where set: born-digital JSON stays as it was
        del d["confidence"]
    if not d["flags"]:
        del d["flags"]
    return d


def _block_dict(b: Block) -> dict[str, Any]:
    d = {name: getattr(b, name) for name in _BLOCK_FIELDS}
    d["rows"] = None if b.rows is None else [[_cell_dict(c) for c in row] for row in b.rows]
    d["source"] = {name: getattr(b.source, name) for name in _SOURCE_FIELDS}
    return d


_DOCUMENT_FIELDS = [f.name for f in fields(Document)]
_BLOCK_FIELDS = [f.name for f in fields(Block)]
_CELL_FIELDS = [f.name for f in fields(Cell)]
_SOURCE_FIELDS = [f.name for f in fields(Source)]
