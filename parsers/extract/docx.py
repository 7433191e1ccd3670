"""DOCX with python-docx: paragraphs and tables in body order, merged cells resolved.

Word stores a horizontal merge as one <w:tc> with gridSpan and a vertical one
as a chain of cells marked vMerge="continue" under a vMerge="restart" cell. We
walk the XML grid ourselves so every grid position gets one `Cell`, with
`origin` pointing at the merged cell's top-left. Nested tables inside a cell
become tables of their own, after the table that holds them.
"""
from __future__ import annotations

import io
import zipfile
from importlib.metadata import version

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from .html_tables import join_split_tables
from ..model import Block, Cell, Document, Source, table_text
from ..normalize import collapse_spaces_cjk, looks_like_heading, normalize_text

EXTRACTOR = f"python-docx {version('python-docx')}"
MAX_XML_BYTES = 200 * 1024 * 1024  # document.xml larger than this is a zip bomb, not a report


def clean(text: str) -> str:
    """Cell/paragraph text: NFKC, bookmarks dropped, whitespace between CJK characters (spaced glyphs,
    line breaks inside a label) dropped, as PDF line wraps are."""
    return collapse_spaces_cjk(normalize_text(text))


def _tc_text(tc) -> str:
    """Text of a cell's own paragraphs (not of tables nested in it), one line per paragraph."""
    lines = []
    t_tag, tab_tag, br_tag = qn("w:t"), qn("w:tab"), qn("w:br")
    for p in tc.iterchildren(qn("w:p")):
        parts = []
        for el in p.iter(t_tag, tab_tag, br_tag):
            parts.append(el.text or "" if el.tag == t_tag else ("\t" if el.tag == tab_tag else "\n"))
        lines.append("".join(parts))
    return clean("\n".join(lines))


def table_grid(tbl) -> tuple[list[list[Cell]], list]:
    """(rectangular grid of Cells, nested <w:tbl> elements) for one <w:tbl>."""
    raw_rows: list[list[tuple[int, int, str, str | None]]] = []  # (col, span, text, vmerge) per <w:tc>
    nested = []
    width = 0
    for tr in tbl.iterchildren(qn("w:tr")):
        col = 0
        trPr = tr.find(qn("w:trPr"))
        if trPr is not None:
            before = trPr.find(qn("w:gridBefore"))
            if before is not None:
                col = int(before.get(qn("w:val"), "0"))
        cells = []
        for tc in tr.iterchildren(qn("w:tc")):
            tcPr = tc.find(qn("w:tcPr"))
            span, vmerge = 1, None
            if tcPr is not None:
                gs = tcPr.find(qn("w:gridSpan"))
                if gs is not None:
                    span = max(int(gs.get(qn("w:val"), "1")), 1)
                vm = tcPr.find(qn("w:vMerge"))
                if vm is not None:
                    vmerge = vm.get(qn("w:val"), "continue")
            nested.extend(tc.iterchildren(qn("w:tbl")))
            cells.append((col, span, _tc_text(tc), vmerge))
            col += span
        width = max(width, col)
        raw_rows.append(cells)
    grid_cols = tbl.find(qn("w:tblGrid"))
    if grid_cols is not None:
        width = max(width, len(grid_cols.findall(qn("w:gridCol"))))
    origins: list[list[tuple[int, int] | None]] = [[None] * width for _ in raw_rows]
    texts: dict[tuple[int, int], str] = {}
    spans: dict[tuple[int, int], list[int]] = {}  # origin -> [row_span, col_span]
    for r, cells in enumerate(raw_rows):
        for col, span, text, vmerge in cells:
            above = origins[r - 1][col] if r > 0 and col < width else None
            if vmerge == "continue" and above is not None:
                origin = above
                spans[origin][0] = r - origin[0] + 1
            else:
                origin = (r, col)
                texts[origin] = text
                spans[origin] = [1, span]
            for c in range(col, min(col + span, width)):
                origins[r][c] = origin
    rows: list[list[Cell]] = []
    for r in range(len(raw_rows)):
        row = []
        for c in range(width):
            origin = origins[r][c]
            if origin is None:  # ragged row: Word allows rows shorter than the grid
                row.append(Cell(text=""))
                continue
            rs, cs = spans[origin]
            merged = rs > 1 or cs > 1
            row.append(Cell(text=texts[origin], row_span=rs, col_span=cs, origin=origin if merged else None))
        rows.append(row)
    return rows, nested


def extract_docx(data: bytes) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_XML_BYTES:
                return Document(format="docx", error=f"DOCX body too large ({info.file_size} bytes unpacked)",
                                extractor=EXTRACTOR)
    except zipfile.BadZipFile as exc:
        return Document(format="docx", error=f"not a DOCX (bad zip): {exc}", extractor=EXTRACTOR)
    except KeyError:
        return Document(format="docx", error="not a DOCX: no word/document.xml in the zip", extractor=EXTRACTOR)
    doc = docx.Document(io.BytesIO(data))
    blocks: list[Block] = []
    p_index = t_index = 0
    for item in doc.iter_inner_content():
        if isinstance(item, Paragraph):
            text = clean(item.text)
            if text:
                style = (item.style.name if item.style is not None else "").lower()
                heading = style.startswith(("heading", "title")) or "标题" in style or looks_like_heading(text)
                kind = "heading" if heading else "paragraph"
                blocks.append(Block(kind=kind, text=text, source=Source(index=p_index, path=f"p[{p_index}]")))
            p_index += 1
        elif isinstance(item, Table):
            pending = [(item._tbl, f"tbl[{t_index}]")]
            while pending:
                tbl, path = pending.pop(0)
                rows, nested = table_grid(tbl)
                if rows and any(c.text for row in rows for c in row):
                    blocks.append(Block(kind="table", rows=rows, text=table_text(rows),
                                        source=Source(index=t_index, path=path)))
                pending.extend((n, f"{path}/tbl[{k}]") for k, n in enumerate(nested))
            t_index += 1
    blocks = join_split_tables(blocks, _top_level)
    text = "\n".join(b.text for b in blocks)
    title = next((b.text for b in blocks[:6] if b.kind != "table" and "报告" in b.text), None) or next(
        (b.text for b in blocks if b.kind != "table"), None)
    return Document(format="docx", title=title, text=text, blocks=blocks, extractor=EXTRACTOR)


def _top_level(prev: Block, block: Block) -> bool:
    # only body tables: a table nested in a cell has a "/" in its path
    return "/" not in (block.source.path or "") and "/" not in (prev.source.path or "")
