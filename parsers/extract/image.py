"""Report pages that arrive as images: JPEG, PNG or TIFF (图片版 reports, image attachments).

Each image frame is one page, read exactly like a scanned PDF page: prepared (`scan_prep`), its
rules found and its cells read (`ocr`), the tables and text built by the PDF page builder
(`pdf._finish`), so an image report comes out as the same kind of `Document`.

Decoding is bounded, so a hostile or broken file costs little and is recorded with a reason:
- the pixel count is read from the header before any decoding: more than `MAX_PIXELS` is refused
  (a 300-dpi A3 page is 17 MP; a 100-MP image is no page scan, and decoding it would take GBs);
- a truncated file is an error naming the page, not a half-grey page OCR'd as if it were whole;
- a multi-page TIFF is read up to `pdf.MAX_OCR_PAGES` pages, one frame in memory at a time;
- an image too small to be a page (a logo, an icon, a button) and a page that is not text
  (a photo, a QR code: `scan_prep.looks_like_text_page`) are skipped with the reason.
"""
from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageFile, ImageOps
import PIL

from ..model import Document
from .ocr import PageImage, ocr_images
from .pdf import MAX_OCR_PAGES, PageInfo, _finish
from .scan_prep import looks_like_text_page

MAX_PIXELS = 60_000_000
MIN_SIDE = 400  # px: an image narrower or lower than this is not a report page
PAGE_LONG_SIDE_IN = 11.3  # inches: A4 is 11.69, letter 11; for images that do not say their dpi
ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated file must fail, not decode as grey


class ImageRejected(Exception):
    """An image that cannot be a page of a report, with the reason."""


def page_dpi(im: Image.Image) -> float:
    """The resolution the image says it has, if plausible for a scan; else one estimated from the size,
    taking the long side as a page's (phone photos and screenshots say 72 dpi or nothing)."""
    dpi = im.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    if 100 <= value <= 700:
        return value
    return max(im.size) / PAGE_LONG_SIDE_IN


def _check_size(im: Image.Image, label: str) -> None:
    w, h = im.size
    if w * h > MAX_PIXELS:
        raise ImageRejected(f"{label}: {w}x{h} pixels ({w * h / 1e6:.0f} megapixels) is too large for a page scan "
                            f"(limit {MAX_PIXELS / 1e6:.0f})")
    if min(w, h) < MIN_SIDE:
        raise ImageRejected(f"{label}: {w}x{h} pixels is too small for a report page (a logo or an icon?)")


def _pixels(im: Image.Image) -> np.ndarray:
    """Grey or BGR array of one frame (what `scan_prep` takes)."""
    if im.mode in ("1", "L", "I;16", "I", "F"):
        return np.asarray(im.convert("L"))
    rgb = np.asarray(im.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def image_pages(data: bytes, *, max_pages: int = MAX_OCR_PAGES) -> tuple[int, Iterator[PageImage]]:
    """(number of frames, the frames as pages) of an image file; frames are decoded one at a time.
    Raises ImageRejected for a file that cannot be read or is too large."""
    try:
        with warnings.catch_warnings():  # the size is checked below, with a reason of our own
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageRejected(f"unreadable image: {exc}") from None
    n = int(getattr(im, "n_frames", 1) or 1)
    _check_size(im, "page 1")

    def frames() -> Iterator[PageImage]:
        for k in range(min(n, max_pages)):
            try:
                im.seek(k)
                _check_size(im, f"page {k + 1}")
                im.load()
                frame = ImageOps.exif_transpose(im) if k == 0 and im.format == "JPEG" else im
                yield PageImage(k, _pixels(frame), page_dpi(im))
            except ImageRejected:
                raise
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
                raise ImageRejected(f"page {k + 1}: {exc}") from None

    return n, frames()


def _not_a_report_page(index: int, bilevel: np.ndarray) -> str | None:
    return looks_like_text_page(bilevel)


def extract_image(data: bytes, fmt: str, *, name: str = "") -> Document:
    """OCR of an image file's pages, in order, as one document (documents.format 'other')."""
    doc = Document(format="other", extractor=f"pillow {PIL.__version__} {fmt}")
    try:
        n, frames = image_pages(data)
    except ImageRejected as exc:
        doc.error = str(exc)
        return doc
    count = min(n, MAX_OCR_PAGES)
    notes: list[str] = []
    if n > MAX_OCR_PAGES:
        notes.append(f"OCR limited to the first {MAX_OCR_PAGES} of {n} pages")
    failure: list[str] = []

    def guarded() -> Iterator[PageImage]:
        try:
            yield from frames
        except ImageRejected as exc:  # a broken frame ends the file; the pages before it are kept
            failure.append(str(exc))

    result = ocr_images(guarded(), reject=_not_a_report_page)
    read = sorted(result.pages)
    # Page boxes in points of the prepared (TARGET_DPI) image, the space the OCR glyphs are in.
    pages = []
    for i in read:
        width, height = result.prep[i]["size"]
        pages.append(PageInfo(index=i, width=width, height=height, text="", paths=0, images=1, kind="scan"))
    doc.pages = count
    notes += [f"page {i + 1}: {why}" for i, why in sorted(result.rejected.items())]
    notes += failure
    if pages:
        doc = _finish(doc, pages, b"", ocr=True, ocr_run=lambda _indexes: result)
        doc.format = "other"
        doc.extractor = f"pillow {PIL.__version__} {fmt} + {result.extractor}"
    else:
        doc.ocr = False
    if result.error:
        notes.append(result.error)
    if not pages and not notes:
        notes.append("no pages")
    if notes:
        why = "; ".join(notes)
        if not pages:
            why = f"not a report page: {why}" if result.rejected else why
        doc.error = f"{doc.error}; {why}" if doc.error and doc.error != "PDF has no text layer" else why
    if doc.error == "PDF has no text layer":
        doc.error = "no text found in the image"
    return doc


def join_image_pages(documents: list[Document]) -> tuple[list[Document], list[int]]:
    """A report's image documents (one page each, in the order given) joined into one document, like the
    pages of a scanned PDF: a table that ends one page and one that starts the next with as many columns
    are one table. Other documents are returned as they are, the joined one where its first page was;
    with each returned document's index in `documents` (the joined one's: its first page's)."""
    from ..model import table_text

    out: list[Document] = []
    where: list[int] = []
    joined: Document | None = None
    for i, doc in enumerate(documents):
        if not (doc.ocr and doc.extractor.startswith("pillow") and doc.blocks):
            out.append(doc)
            where.append(i)
            continue
        if joined is None:
            joined = Document(format="other", extractor=doc.extractor, ocr=True, title=doc.title, pages=0)
            out.append(joined)
            where.append(i)
        offset = joined.pages or 0
        # Specks read as punctuation (",,,,", "·.:") are no text: left in, they would stand between
        # a table at one page's foot and its continuation at the next one's head.
        blocks = [b for b in doc.blocks if b.kind == "table" or not _specks_only(b.text)]
        for b in blocks:
            b.source.page = (b.source.page or 1) + offset
        last = joined.blocks[-1] if joined.blocks else None
        if (last is not None and blocks and last.kind == "table" and blocks[0].kind == "table" and last.rows and blocks[0].rows
                and len(last.rows[0]) == len(blocks[0].rows[0])):
            more = blocks.pop(0).rows or []
            _glue_split_row(last.rows, more)
            shift = len(last.rows)  # the table runs on over the page break
            for row in more:
                for cell in row:
                    if cell.origin is not None:
                        cell.origin = (cell.origin[0] + shift, cell.origin[1])
                last.rows.append(row)
            last.text = table_text(last.rows)
        joined.blocks += blocks
        joined.pages = offset + (doc.pages or 1)
        confs = [c for c in (joined.ocr_confidence, doc.ocr_confidence) if c is not None]
        joined.ocr_confidence = min(confs) if confs else None
        if doc.error:
            joined.error = f"{joined.error}; {doc.error}" if joined.error else doc.error
    if joined is not None:
        joined.text = "\n".join(b.text for b in joined.blocks)
    return out, where


def _specks_only(text: str) -> bool:
    """No letter, digit or CJK character: what OCR makes of specks and dust."""
    return not any(ch.isalnum() for ch in text)


def _glue_split_row(above: list, below: list) -> None:
    """A row the page break cut in two, glued back as the PDF path glues split cells
    (`pdf_grid._glue_page_break`), and the row below dropped:

    - its label above (values blank), its values below (label blank): the values go up;
    - its label and values above, the rest of its label below (a label wrapped over the break: every
      filled cell below is a fragment, not a number and not an enumerated label, under a label):
      the fragments are joined to the labels above.
    """
    from .pdf_grid import _is_number, continues, join_text

    if not above or not below:
        return
    last, first = above[-1], below[0]
    label_only = bool(last[0].text) and not any(c.text for c in last[1:])
    values_only = not first[0].text and any(c.text for c in first[1:])
    if label_only and values_only:
        for k, cell in enumerate(first[1:], 1):
            last[k].text = cell.text
            last[k].confidence, last[k].flags = cell.confidence, cell.flags
        below.pop(0)
        return
    filled = [(k, cell) for k, cell in enumerate(first) if cell.text]
    if filled and not any(_is_number(cell.text) for cell in first) and all(
            continues(last[k].text, cell.text) for k, cell in filled):
        for k, cell in filled:
            if cell.text != last[k].text:  # a merged label repeats its text in every row it covers
                last[k].text = join_text(last[k].text, cell.text)
                last[k].flags = sorted(set(last[k].flags) | set(cell.flags))
        below.pop(0)
