"""Born-digital and scanned PDFs.

Layout analysis is the expensive part, so pages are triaged first from
pypdfium2's text layer and object counts: pages whose text mentions the
statistics tables, that draw many rules or are dense with numbers get their
layout objects (characters with boxes, ruling lines: `pdf_layout`) and
their tables are rebuilt cell by cell from the rules (`pdf_grid`) or,
without rules, from text alignment (`pdf_align`); the other pages only take
pdfium's text runs; pages without a usable text layer (or with a garbage
one) go to OCR (`ocr`). Tables that run on over a page break are joined,
and page numbers and running headers/footers dropped.

Two layout backends give the same objects in the same page space: pdfium
(`pdf_layout`, the default: whole reports ≈ 3x faster; pdfium parsed the page for triage
already) and pdfminer.six (`pdf_layout_pdfminer`). pdfminer is used for a
file or page pdfium fails on (cannot open, no pages, an exception walking a
page's objects, a text layer it decodes to garbage), and for every table
page when the environment says NIANBAO_PDF_LAYOUT=pdfminer. The document's
`extractor` names the backend(s) that produced it.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..model import Block, Cell, Document, Source, table_text
from ..normalize import collapse_spaces_cjk, normalize_text, tighten_cjk_digits
from .pdf_align import find_aligned_tables
from .pdf_grid import (_ENUMERATED, JoinedTable, join_text, Segment, TablePart, find_tables, join_parts, peel_prose_rows,
                       same_columns)
from .pdf_layout import Transform, page_layout, page_transform
from .pdf_layout_pdfminer import VERSION as PDFMINER, MinerPage, read_layouts
from .pdf_unruled import missing_rules
from .pdf_text import (Glyph, Line, cell_text, drop_furniture, glyphs_to_lines, lines_to_blocks, paragraph_edges,
                       running_lines)

EXTRACTOR = f"pypdfium2 {pdfium.PYPDFIUM_INFO.version}"
LAYOUT_ENV = "NIANBAO_PDF_LAYOUT"
LAYOUT_BACKENDS = ("pdfium", "pdfminer")


def layout_backend() -> str:
    """The layout backend the environment asks for: NIANBAO_PDF_LAYOUT=pdfium (default) or pdfminer."""
    value = os.environ.get(LAYOUT_ENV, "").strip().lower() or "pdfium"
    if value not in LAYOUT_BACKENDS:
        raise ValueError(f"{LAYOUT_ENV}={value!r} is not a PDF layout backend: use pdfium or pdfminer")
    return value

# Words of the statistics tables' headers (2019/2021 templates, older 附表) that prose rarely uses.
# A page with them, with many rules, or dense with numbers gets full layout analysis.
# OCR costs ≈1.5 CPU s a page: a 500-page scanned annex must not stall a harvest worker for minutes.
MAX_OCR_PAGES = 60
_HEADING_START = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")
TABLE_WORDS = ("信息内容", "自然人", "申请人情况", "结果维持", "本年制发", "本年新制作", "商业企业", "法律服务机构",
               "尚未审结", "现行有效件数", "处理决定数量")
_NUMBER_TOKEN = re.compile(r"(?<![\d.,])\d[\d,]*(?:\.\d+)?(?![\d.,])")


@dataclass
class PageInfo:
    index: int  # 0-based
    width: float
    height: float
    text: str
    paths: int
    images: int
    kind: str = "text"  # text | table | scan
    lines: list[Line] = field(default_factory=list)
    tables: list[TablePart] = field(default_factory=list)
    aligned: list = field(default_factory=list)
    glyphs: list[Glyph] = field(default_factory=list)  # text outside ruled tables (table pages only)
    garbled: bool = False  # a text layer that decodes to garbage (not just an image without text)
    ocr: bool = False  # its glyphs came from OCR (estimated boxes)
    layout: tuple[list[Glyph], list[Segment]] | None = None  # layout objects of a table page, until built


def _printable_share(text: str) -> float:
    body = [ch for ch in text if not ch.isspace()]
    if not body:
        return 0.0
    good = sum(1 for ch in body if ("\u4e00" <= ch <= "\u9fff") or ch.isascii() or "\u3000" <= ch <= "\u303f"
               or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·")
    return good / len(body)


def triage(pdf: pdfium.PdfDocument, layout: bool = False) -> list[PageInfo]:
    """Cheap per-page facts from pypdfium2: text, number of path and image objects, and so each page's
    kind; with `layout`, the layout objects of the table pages too (the page is open already)."""
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        width, height = page.get_size()
        to_page = page_transform(page)
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        paths = images = 0
        for obj in page.get_objects(max_depth=2):
            if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
                paths += 1
            elif obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                images += 1
        info = PageInfo(i, width, height, text, paths, images)
        _classify(info)
        if info.kind == "table" and layout:
            info.layout = page_layout(page, textpage)
        elif info.kind == "text":
            info.lines = _pdfium_lines(textpage, to_page)
        textpage.close()
        page.close()
        pages.append(info)
    return pages


def _classify(info: PageInfo) -> None:
    """The page's kind from its text and object counts: scan, table (gets layout work) or text."""
    body = "".join(info.text.split())
    if (len(body) < 20 and info.images) or (len(body) >= 20 and _printable_share(body) < 0.6):
        info.kind = "scan"  # no text layer, or a garbage one (broken font encodings)
        info.garbled = len(body) >= 20
    elif any(w in body for w in TABLE_WORDS) or info.paths >= 12 or len(_NUMBER_TOKEN.findall(info.text)) >= 40:
        info.kind = "table"
    else:
        info.kind = "text"


def _pdfium_lines(textpage: pdfium.PdfTextPage, to_page: Transform) -> list[Line]:
    """Text runs with their boxes (pdfium groups characters into rectangles per run)."""
    out = []
    for k in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(k)
        text = textpage.get_text_bounded(left, bottom, right, top)
        text = tighten_cjk_digits(collapse_spaces_cjk(normalize_text(text)))
        if text:
            xa, ya = to_page(left, bottom)
            xb, yb = to_page(right, top)
            x0, y0, x1, y1 = min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)
            out.append(Line(x0, y0, x1, y1, text, max(y1 - y0, 1.0)))
    return out


def build_page(info: PageInfo, glyphs: list[Glyph], segments: list[Segment],
               cleanup: Callable[[str], str] | None = None) -> None:
    """Tables from the rules, each glyph into its cell, the rest into text lines."""
    info.tables = find_tables(segments, page=info.index + 1)
    rest, buckets = _bucket(glyphs, info.tables)
    forgotten = [s for table in info.tables for s in missing_rules(table, buckets)]
    if forgotten:  # rows printed without the rule between them: draw it and place the glyphs again
        info.tables = find_tables(segments + forgotten, page=info.index + 1)
        rest, buckets = _bucket(glyphs, info.tables)
    kept = []
    for table in info.tables:
        if not _is_data_table(table):
            # A frame around text (a box, a 1x1 "table"): its glyphs are ordinary text.
            rest.extend(g for region in table.regions for g in buckets.get(id(region), []))
            continue
        if cleanup is not None:
            from .ocr import split_unruled_cells

            split_unruled_cells(table, buckets)
        for region in table.regions:
            bucket = buckets.get(id(region), [])
            region.text = cell_text(bucket, apart=cleanup is None)
            if cleanup is not None:
                from .ocr import cell_doubt

                region.text = cleanup(region.text)
                region.confidence, region.flags = cell_doubt([g.conf for g in bucket if g.conf is not None])
        if cleanup is not None:
            from .ocr import stacked_number_doubt

            stacked_number_doubt(table, buckets)
        table, prose = peel_prose_rows(table)
        rest.extend(g for region in prose for g in buckets.get(id(region), []))
        if table is not None and _is_data_table(table):
            kept.append(table)
        elif table is not None:
            rest.extend(g for region in table.regions for g in buckets.get(id(region), []))
    info.tables = [t for t in kept if any(r.text for r in t.regions)]
    info.lines = glyphs_to_lines(rest, apart=cleanup is None)
    info.glyphs = rest
    info.ocr = cleanup is not None


def _bucket(glyphs: list[Glyph], tables: list[TablePart]) -> tuple[list[Glyph], dict[int, list[Glyph]]]:
    """(glyphs outside every table, region id -> the glyphs whose centre it holds)."""
    rest: list[Glyph] = []
    buckets: dict[int, list[Glyph]] = {}
    for g in glyphs:
        x, y = (g.x0 + g.x1) / 2, (g.y0 + g.y1) / 2
        for table in tables:
            region = table.locate(x, y)
            if region is not None:
                start = table.locate(g.x0 + 1.0, y) if g.x0 + 1.0 < table.col_edges[table.column(x)] else region
                if start is not None and start is not region and table.locate(g.x1 - 1.0, y) is region:
                    # A character wider than its narrow cell (a vertical header) spills over the rule on
                    # its right: it belongs to the cell it starts in, not to the label beside it.
                    region = start
                buckets.setdefault(id(region), []).append(g)
                break
        else:
            rest.append(g)
    return rest, buckets


def _is_data_table(table: TablePart) -> bool:
    """A table has at least two cells; a single box is a frame around text."""
    return len(table.regions) >= 2


def extract_pdf(data: bytes, *, ocr: bool = True, layout: str | None = None) -> Document:
    """A PDF's blocks and tables. `layout` picks the layout backend ("pdfium" or "pdfminer"); None: the
    environment's choice (`layout_backend`)."""
    backend = layout or layout_backend()
    if backend not in LAYOUT_BACKENDS:
        raise ValueError(f"unknown PDF layout backend {backend!r}: use pdfium or pdfminer")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():  # pdfminer cannot read it without the password either
            return Document(format="pdf", error=f"encrypted PDF: {reason}", extractor=EXTRACTOR)
        if b"%%EOF" not in data[-2048:]:
            reason = f"truncated or corrupt (no %%EOF at the end; {len(data)} bytes): {reason}"
        return _pdfminer_document(data, ocr=ocr, why=f"unreadable PDF: {reason}", partial=b"%%EOF" not in data[-2048:])
    if len(pdf) == 0:
        pdf.close()  # e.g. a catalog whose /Pages is broken: pdfminer looks for the page objects themselves
        return _pdfminer_document(data, ocr=ocr, why="PDF has no pages")
    error = None
    extractor = EXTRACTOR
    try:
        try:
            pages = triage(pdf, layout=backend == "pdfium")
            failed = False
        except Exception as exc:  # a page whose objects pdfium cannot walk: pdfminer lays the table pages out
            error = f"pdfium layout analysis failed: {type(exc).__name__}: {exc}"[:300]
            pages = triage(pdf)
            failed = True
        tables = [p for p in pages if p.kind == "table"]
        garbled = [p for p in pages if p.garbled]
        wanted = garbled + (tables if backend == "pdfminer" or failed else [])
        adopted: list[int] = []  # 1-based pages laid out by pdfminer
        if wanted:
            try:
                miner = {m.index: m for m in read_layouts(data, {p.index for p in wanted})}
            except Exception as exc:  # pdfminer rejects some files pdfium repaired
                miner = {}
                if failed:
                    note = f"pdfminer.six layout analysis failed: {type(exc).__name__}: {exc}"[:300]
                    error = f"{error}; {note}" if error else note
            for p in wanted:
                m = miner.get(p.index)
                if p.garbled and m is not None:
                    _adopt(p, m)  # pdfminer's own CMaps may decode what pdfium could not
                    if p.kind != "scan":
                        adopted.append(p.index + 1)
                elif p.kind == "table" and m is not None:
                    p.layout = (m.glyphs, m.segments)
                    adopted.append(p.index + 1)
                elif p.kind == "table" and not failed:
                    page = pdf[p.index]  # NIANBAO_PDF_LAYOUT=pdfminer, but pdfminer failed: pdfium's objects
                    textpage = page.get_textpage()
                    p.layout = page_layout(page, textpage)
                    textpage.close()
                    page.close()
                elif p.kind == "table":
                    p.kind = "text"  # neither backend could lay it out: keep pdfium's text, lose the tables
        if adopted:
            how = "layout" if backend == "pdfminer" and not failed else "fallback"
            extractor = f"{EXTRACTOR} + {PDFMINER} ({how}, pages {_page_list(sorted(adopted))})"
        _fill_text_pages(pdf, wanted)  # table pages neither backend could lay out
    finally:
        pdf.close()
    doc = Document(format="pdf", pages=len(pages), extractor=extractor, error=error)
    return _finish(doc, pages, data, ocr=ocr)


def _adopt(info: PageInfo, miner: MinerPage) -> None:
    """A page taken from pdfminer's layout objects, its kind decided afresh from pdfminer's text."""
    info.text = miner.text
    info.garbled = False
    _classify(info)
    if info.kind == "table":
        info.layout = (miner.glyphs, miner.segments)
    elif info.kind == "text":
        info.lines = glyphs_to_lines(miner.glyphs)


def _page_list(numbers: list[int]) -> str:
    """1,2,3,5 -> "1-3,5": short enough for the extractor string of a long report."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ",".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _pdfminer_document(data: bytes, *, ocr: bool, why: str, partial: bool = False) -> Document:
    """The whole file through pdfminer.six, for a file pdfium cannot open or finds no pages in: every page is
    interpreted (no cheap triage without pdfium), then triaged from its own characters and rules."""
    try:
        miner = read_layouts(data)
    except Exception as exc:
        return Document(format="pdf", error=f"{why} (pdfminer.six: {type(exc).__name__}: {exc})"[:500],
                        extractor=EXTRACTOR)
    if not miner:
        return Document(format="pdf", error=why, extractor=EXTRACTOR)
    pages = []
    for m in miner:
        info = PageInfo(m.index, m.width, m.height, m.text, len(m.segments), m.images)
        _adopt(info, m)
        pages.append(info)
    # A truncated file may have lost pages: say so even though some were read.
    error = f"{why}; read by pdfminer.six instead" if partial else None
    scans = sum(1 for p in pages if p.kind == "scan")
    if scans:
        note = f"{scans} page(s) without a text layer not OCR'd: pdfium cannot open the file to render them"
        error = f"{error}; {note}" if error else note
    doc = Document(format="pdf", pages=len(pages), extractor=f"{PDFMINER} (fallback: {why})"[:200], error=error)
    return _finish(doc, pages, data, ocr=False)


def _finish(doc: Document, pages: list[PageInfo], data: bytes, *, ocr: bool, ocr_run=None) -> Document:
    """Tables and lines of the laid-out pages, OCR of the scanned ones, then blocks in reading order."""
    if not pages:
        doc.error = "PDF has no pages"
        return doc
    for p in pages:
        if p.layout is not None:
            build_page(p, *p.layout)
            p.layout = None
    scans = [p for p in pages if p.kind == "scan"]
    skipped = scans[MAX_OCR_PAGES:]
    scans = scans[:MAX_OCR_PAGES]
    if skipped and ocr:
        note = f"OCR limited to the first {MAX_OCR_PAGES} of {len(scans) + len(skipped)} scanned pages"
        doc.error = f"{doc.error}; {note}" if doc.error else note
    if scans and ocr:
        from .ocr import clean_ocr_cell, ocr_pages

        # `ocr_run` reads pages that are not a PDF's (the images of a 图片版 report, `image`).
        result = (ocr_run or (lambda indexes: ocr_pages(data, indexes)))([p.index for p in scans])
        for p in scans:
            glyphs, segments = result.pages.get(p.index, ([], []))
            p.kind = "table"  # OCR output goes through the same table builder as born-digital pages
            build_page(p, glyphs, segments, cleanup=clean_ocr_cell)
        doc.ocr = True
        doc.ocr_confidence = result.confidence
        if result.error:
            doc.error = f"{doc.error}; {result.error}" if doc.error else result.error
        if len(scans) == len(pages):
            doc.extractor = result.extractor
    for p in pages:
        if p.kind == "table" and p.glyphs:
            # Borderless tables (text outside ruled ones): cut text at narrower gaps (cell padding), then
            # align columns.
            p.aligned = find_aligned_tables(glyphs_to_lines(p.glyphs, gap=0.6, apart=not p.ocr))
            if p.aligned:
                boxes = [t.bbox for t in p.aligned]
                p.lines = glyphs_to_lines([g for g in p.glyphs if not any(
                    b[0] - 1 <= (g.x0 + g.x1) / 2 <= b[2] + 1 and b[1] - 1 <= (g.y0 + g.y1) / 2 <= b[3] + 1
                    for b in boxes)])
    running = running_lines([p.lines for p in pages], [p.height for p in pages])
    for p in pages:
        p.lines = drop_furniture(p.lines, p.height, running)
    doc.blocks = _assemble(pages)
    if scans and ocr:
        _clean_joined_ocr_cells(doc.blocks, {p.index + 1 for p in scans})
    doc.text = "\n".join(b.text for b in doc.blocks)
    doc.title = _title(doc.blocks)
    if not doc.text.strip() and doc.error is None:
        doc.error = "PDF has no text layer" + ("" if ocr else " (OCR disabled)")
    return doc


def _clean_joined_ocr_cells(blocks: list[Block], scanned: set[int]) -> None:
    """OCR clean-up once more on tables from scanned pages: a label cut by a page break was cleaned in
    two pieces, which match no known label; joined, the lexicon can repair it."""
    from .ocr import clean_ocr_cell

    for block in blocks:
        if block.kind != "table" or block.source.page not in scanned or not block.rows:
            continue
        for row in block.rows:
            for cell in row:
                cell.text = clean_ocr_cell(cell.text)
        block.text = table_text(block.rows)


def _fill_text_pages(pdf: pdfium.PdfDocument, pages: list[PageInfo]) -> None:
    for p in pages:
        if not p.lines and p.kind == "text":
            page = pdf[p.index]
            textpage = page.get_textpage()
            p.lines = _pdfium_lines(textpage, page_transform(page))
            textpage.close()
            page.close()


def _assemble(pages: list[PageInfo]) -> list[Block]:
    """Page blocks in reading order; a table ending a page and one starting the next are one table."""
    blocks: list[Block] = []
    open_parts: list[TablePart] | None = None  # the table running off the previous page
    open_index = -1
    open_aligned: int | None = None  # index of a borderless table running off the previous page
    open_paragraph: Block | None = None  # a paragraph that may continue on the next page
    for p in pages:
        items: list[tuple[float, str, object]] = [(t.bbox[3], "grid", t) for t in p.tables]
        items += [(t.bbox[3], "aligned", t) for t in p.aligned]
        items.sort(key=lambda it: -it[0])
        tops = [it[0] for it in items]
        bottoms = [it[2].bbox[1] for it in items]
        # Text between tables: bucket lines by how many tables start above them.
        buckets: list[list[Line]] = [[] for _ in range(len(items) + 1)]
        for line in p.lines:
            k = sum(1 for top in tops if top > line.yc)
            buckets[k].append(line)
        for k in range(len(items) + 1):
            text_blocks = lines_to_blocks(buckets[k], page=p.index + 1)
            if k == 0 and open_paragraph is not None and text_blocks and text_blocks[0].kind == "paragraph" \
                    and paragraph_edges(buckets[0])[0] and not _HEADING_START.match(text_blocks[0].text):
                # The page break cut a paragraph: glue its tail back on.
                open_paragraph.text = join_text(open_paragraph.text, text_blocks.pop(0).text)
            if text_blocks:
                open_parts = open_aligned = None
            blocks.extend(text_blocks)
            if k == len(items):
                break
            _top, kind, table = items[k]
            below = [l for l in p.lines if l.yc < bottoms[k]]
            at_bottom = k == len(items) - 1 and not below
            if kind == "grid":
                part: TablePart = table  # type: ignore[assignment]
                if open_parts is not None and k == 0 and not buckets[0] and same_columns(open_parts[-1], part):
                    open_parts.append(part)
                    joined = join_parts(open_parts)
                    blocks[open_index] = _table_block(joined)
                else:
                    open_parts = [part]
                    blocks.append(_table_block(join_parts([part])))
                    open_index = len(blocks) - 1
                if not at_bottom:
                    open_parts = None
                open_aligned = None
            else:
                rows = table.rows  # type: ignore[attr-defined]
                prev = blocks[open_aligned] if open_aligned is not None else None
                if (prev is not None and k == 0 and not buckets[0] and prev.rows
                        and len(prev.rows[0]) == len(rows[0])):
                    first = rows[0]
                    if (first[0].text and not any(c.text for c in first[1:]) and prev.rows[-1][0].text
                            and not _ENUMERATED.match(first[0].text)):
                        # The page break split a wrapped label: its tail belongs to the row above.
                        prev.rows[-1][0].text = join_text(prev.rows[-1][0].text, first[0].text)
                        rows = rows[1:]
                    prev.rows = prev.rows + rows  # the borderless table runs on from the previous page
                    prev.text = table_text(prev.rows)
                else:
                    src = Source(page=p.index + 1, bbox=tuple(round(v, 1) for v in table.bbox))  # type: ignore[attr-defined]
                    blocks.append(Block(kind="table", rows=rows, text=table_text(rows), source=src))
                    open_aligned = len(blocks) - 1
                if not at_bottom:
                    open_aligned = None
                open_parts = None
        if not p.tables and not p.aligned and p.lines:
            open_parts = open_aligned = None
        # Text last on the page and running to the margin may go on over the page.
        last_is_text = bool(buckets[-1]) and bool(blocks) and blocks[-1].kind == "paragraph"
        open_paragraph = blocks[-1] if last_is_text and paragraph_edges(buckets[-1])[1] else None
    return blocks


def _table_block(table: JoinedTable) -> Block:
    rows: list[list[Cell]] = table.cells()
    return Block(kind="table", rows=rows, text=table_text(rows),
                 source=Source(page=table.page, bbox=tuple(round(v, 1) for v in table.bbox)))


def _title(blocks: list[Block]) -> str | None:
    for b in blocks[:8]:
        if b.kind != "table" and "报告" in b.text and len(b.text) <= 80:
            return b.text
    return next((b.text for b in blocks if b.kind != "table" and b.text), None)
