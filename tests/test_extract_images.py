"""Report pages as images (图片版 reports): bad input recorded with a reason, memory bounded; the
crawler's filter of a page's images (report pages kept, logos and icons not)."""
from __future__ import annotations

import io
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
from PIL import Image
from scrapy import Selector

from benchmarks.memory import PeakRss
from crawlers.images import SiteImages, report_images
from parsers.extract import extract
from parsers.extract.formats import sniff_format

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds (almost) no pixel data: what a decompression bomb looks like."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _encode(array: np.ndarray, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, fmt, **kw)
    return buf.getvalue()


def test_image_formats_are_sniffed_and_archived_as_other():
    page = np.full((500, 400), 255, np.uint8)
    assert sniff_format(_encode(page, "JPEG"), "x") == "jpeg"
    assert sniff_format(_encode(page, "PNG"), "x") == "png"
    assert sniff_format(_encode(page, "TIFF"), "x") == "tiff"
    doc = extract(_png_header(300, 200), url="http://example.gov.cn/a.png")
    assert doc.format == "other"


def test_a_100_megapixel_image_is_refused_before_decoding():
    with PeakRss() as rss:
        doc = extract(_png_header(12_000, 9_000), url="http://example.gov.cn/huge.png")
    assert "108 megapixels" in doc.error and "huge.png" in doc.error
    assert rss.peak < 600 * 1024 * 1024  # decoding it would take > 100 MB more than the interpreter


def test_a_truncated_jpeg_is_an_error_not_a_grey_page():
    rng = np.random.default_rng(1)
    page = (rng.random((1400, 1000)) * 255).astype(np.uint8)
    data = _encode(page, "JPEG", quality=70)
    doc = extract(data[: len(data) * 2 // 3], url="http://example.gov.cn/cut.jpg")
    assert doc.error and "truncated" in doc.error and "cut.jpg" in doc.error
    assert not doc.tables


def test_a_300_page_tiff_is_read_up_to_the_page_limit():
    blank = Image.fromarray(np.full((700, 500), 255, np.uint8))
    buf = io.BytesIO()
    blank.save(buf, "TIFF", save_all=True, append_images=[blank] * 299, dpi=(200, 200), compression="tiff_deflate")
    doc = extract(buf.getvalue(), url="http://example.gov.cn/annex.tif")
    assert doc.pages == 60
    assert "first 60 of 300 pages" in doc.error and "blank page" in doc.error


def test_a_photo_and_a_qr_code_are_not_report_pages():
    rng = np.random.default_rng(2)
    # A photo: smooth colour areas, mostly mid-tones and shadows.
    small = (rng.random((12, 9, 3)) * 140).astype(np.uint8)
    photo = np.asarray(Image.fromarray(small).resize((1200, 1600), Image.BICUBIC))
    doc = extract(_encode(photo, "JPEG", quality=80), url="http://example.gov.cn/photo.jpg")
    assert doc.error and "not a report page" in doc.error and not doc.tables
    # A QR code: a grid of black modules with the three finder squares, on a page-sized image.
    modules = rng.random((29, 29)) < 0.5
    for r, c in ((0, 0), (0, 22), (22, 0)):
        modules[r:r + 7, c:c + 7] = True
        modules[r + 1:r + 6, c + 1:c + 6] = False
        modules[r + 2:r + 5, c + 2:c + 5] = True
    qr = np.full((1000, 1000), 255, np.uint8)
    qr[210:790, 210:790] = np.where(np.kron(modules, np.ones((20, 20), bool)), 0, 255)
    doc = extract(_encode(qr, "PNG", dpi=(200, 200)), url="http://example.gov.cn/qr.png")
    assert doc.error and "not a report page" in doc.error and not doc.tables


def test_a_logo_is_too_small_to_be_a_page():
    logo = np.full((60, 240), 255, np.uint8)
    logo[20:40, 20:220] = 0
    doc = extract(_encode(logo, "PNG"), url="http://example.gov.cn/logo.png")
    assert "too small" in doc.error


PAGE = """<html><body>
<div class="header"><img src="/images/logo.png" alt="某县人民政府"><img src="/images/banner.jpg"></div>
<nav><img src="/images/home.png" width="16" height="16"></nav>
<div class="main"><h1>某县2022年政府信息公开工作年度报告</h1>
  <div id="zoom" class="TRS_Editor">
    <p><img src="/uploads/2023/p1.jpg" alt="第1页"></p>
    <p><img src="/uploads/2023/p2.jpg" width="1240"></p>
    <p><img src="/images/dot.png" width="8"></p>
    <p><img src="/uploads/2023/p3.png" style="width: 900px"></p>
    <p><img src="/images/divider.jpg"><img src="/images/divider.jpg"></p>
    <p><img src="/images/anim.gif"><img src="data:image/png;base64,AAAA"></p>
  </div>
  <div class="share"><img src="/images/weixin.png"></div>
</div>
<footer><img src="/images/qrcode.jpg"><img src="/images/jiucuo.png"></footer>
</body></html>"""


def test_report_images_are_the_content_pages_in_order():
    found = report_images(Selector(text=PAGE), "http://example.gov.cn/art/2023/1.html")
    assert [(f.order, f.url) for f in found] == [
        (1, "http://example.gov.cn/uploads/2023/p1.jpg"), (2, "http://example.gov.cn/uploads/2023/p2.jpg"),
        (3, "http://example.gov.cn/uploads/2023/p3.png")]
    assert found[0].alt == "第1页"


def test_without_a_content_area_furniture_is_still_left_out():
    page = ('<html><body><div id="top_logo"><img src="/l.png"></div><table><tr><td>'
            '<img src="/a/p1.jpg"><img src="/a/p2.jpg"></td></tr></table>'
            '<div class="footer"><img src="/ewm.jpg"></div></body></html>')
    found = report_images(Selector(text=page), "http://example.gov.cn/x.html")
    assert [f.url for f in found] == ["http://example.gov.cn/a/p1.jpg", "http://example.gov.cn/a/p2.jpg"]


def test_an_image_on_many_report_pages_is_the_sites():
    site = SiteImages(repeats=3)
    stamp = '<div class="content"><img src="/common/stamp.jpg"><img src="/r/{n}.jpg"></div>'
    kept = [[f.url.rsplit("/", 1)[1] for f in site.select(Selector(text=stamp.format(n=n)), "http://e.gov.cn/")]
            for n in range(4)]
    assert kept == [["stamp.jpg", "0.jpg"], ["stamp.jpg", "1.jpg"], ["2.jpg"], ["3.jpg"]]


def test_harvest_keeps_a_picture_reports_pages_not_its_logo(prefect_harness, tmp_path):
    """A 图片版 report on a loopback site: its content images are fetched into the WARC store and
    archived as documents of the report (format 'other', detected jpeg, OCR'd); the logo is not."""
    import sqlite_utils

    from crawlers.sample_server import SampleSite
    from flows.harvest import harvest
    from make_scans import make_scan

    scan = make_scan("seal_b")  # five JPEG pages of a 2019-template report, seals on them
    root = tmp_path / "site"
    (root / "gknb" / "img").mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    logo = np.full((80, 300, 3), 200, np.uint8)
    (root / "gknb" / "img" / "logo.png").write_bytes(_encode(logo, "PNG"))
    pages = scan.files[1:3]  # the two pages with the statistics tables
    for name, data in pages:
        (root / "gknb" / "img" / name).write_bytes(data)
    imgs = "".join(f'<p><img src="img/{name}"></p>' for name, _d in pages)
    title = f"{scan.truth['agency']}{scan.truth['year']}年政府信息公开工作年度报告"
    (root / "gknb" / "r1.html").write_text(
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><div class="logo">'
        f'<img src="img/logo.png"></div><h1>{title}</h1><div class="TRS_Editor">{imgs}</div></body></html>',
        encoding="utf-8")
    (root / "gknb" / "index.html").write_text(
        f'<html><head><meta charset="utf-8"></head><body><ul><li><a href="r1.html">{title}</a></li></ul></body></html>',
        encoding="utf-8")
    db_path, warc = str(tmp_path / "p.db"), str(tmp_path / "p.warc")
    with SampleSite(root) as site:
        sites = tmp_path / "sites.yaml"
        sites.write_text(f"sites:\n  - id: pics\n    start_urls: ['{site.url}/gknb/index.html']\n", encoding="utf-8")
        harvest(str(sites), db_path, warc, delay=0.0)
    db = sqlite_utils.Database(db_path)
    docs = {d["url"].rsplit("/", 1)[1]: d for d in db.query("select * from documents")}
    assert set(docs) == {"r1.html"} | {name for name, _d in pages}
    for name, _d in pages:
        d = docs[name]
        assert (d["format"], d["detected_format"], d["ocr"]) == ("other", "jpeg", 1)
        assert d["warc_record_id"] and d["report_id"] == docs["r1.html"]["report_id"]
    assert not list(db.query("select url from fetch_log where url like '%logo.png'"))
    values = list(db.query("select value from statistics where report_id = ?", [docs["r1.html"]["report_id"]]))
    assert len(values) >= 50


def test_page_images_join_into_one_document_like_a_scanned_pdf():
    from parsers.extract.image import join_image_pages
    from parsers.model import Block, Cell, Document, Source

    def page(rows_top, rows_bottom):
        blocks = [Block(kind="paragraph", text="正文", source=Source(page=1))] if rows_top is None else []
        blocks.append(Block(kind="table", rows=[[Cell(t) for t in r] for r in (rows_top or rows_bottom)],
                            source=Source(page=1)))
        return Document(format="other", extractor="pillow 12 jpeg + labels: …", ocr=True, pages=1, blocks=blocks,
                        ocr_confidence=0.9)

    html = Document(format="html", text="某县2022年政府信息公开工作年度报告")
    p1 = page(None, [["信息内容", "本年新制作数量"], ["规章", "0"]])
    p2 = page([["行政规范性文件", "3"]], None)
    docs, where = join_image_pages([html, p1, p2])
    assert where == [0, 1] and docs[0] is html
    joined = docs[1]
    assert joined.pages == 2 and [b.kind for b in joined.blocks] == ["paragraph", "table"]
    assert [[c.text for c in r] for r in joined.blocks[1].rows] == [["信息内容", "本年新制作数量"], ["规章", "0"],
                                                                   ["行政规范性文件", "3"]]


def test_a_row_cut_by_the_page_break_is_glued():
    from parsers.extract.image import join_image_pages
    from parsers.model import Block, Cell, Document

    def page(rows):
        return Document(format="other", extractor="pillow 12 jpeg", ocr=True, pages=1,
                        blocks=[Block(kind="table", rows=[[Cell(t) for t in r] for r in rows])])

    docs, _where = join_image_pages([page([["一、本年新收", "3", "4"], ["3.要求提供公开出版物", "", ""]]),
                                     page([["", "4", "0"], ["4.无正当理由", "1", "2"]])])
    assert [[c.text for c in r] for r in docs[0].blocks[0].rows] == [
        ["一、本年新收", "3", "4"], ["3.要求提供公开出版物", "4", "0"], ["4.无正当理由", "1", "2"]]


def _image_page(blocks):
    from parsers.model import Document

    return Document(format="other", extractor="pillow 12 png", ocr=True, pages=1, blocks=blocks)


def _table(rows):
    from parsers.model import Block, Cell

    return Block(kind="table", rows=[[Cell(t) for t in r] for r in rows])


def test_a_label_wrapped_over_the_page_break_is_glued_to_its_row():
    from parsers.extract.image import join_image_pages

    docs, _where = join_image_pages([
        _image_page([_table([["", "(五)不予处理", "4.无正当理由大量反复申请", "23", "0"],
                             ["", "(五)不予处理", "5.要求行政机关确认", "28", "4"]])]),
        _image_page([_table([["", "", "或重新出具已获取信息", "", ""],
                             ["", "(六)其他处理", "1.申请人无正当理由逾期不补正", "19", "0"]])])])
    rows = [[c.text for c in r] for r in docs[0].blocks[0].rows]
    assert rows == [["", "(五)不予处理", "4.无正当理由大量反复申请", "23", "0"],
                    ["", "(五)不予处理", "5.要求行政机关确认或重新出具已获取信息", "28", "4"],
                    ["", "(六)其他处理", "1.申请人无正当理由逾期不补正", "19", "0"]]


def test_a_real_row_at_the_head_of_a_page_is_not_glued():
    """An enumerated label, or numbers, start a row of their own."""
    from parsers.extract.image import join_image_pages

    docs, _where = join_image_pages([
        _image_page([_table([["", "(五)不予处理", "5.要求行政机关确认", "28", "4"]])]),
        _image_page([_table([["", "", "(六)其他处理", "", ""], ["", "", "1.申请人逾期", "19", "0"]])])])
    assert len(docs[0].blocks[0].rows) == 3


def test_specks_read_as_punctuation_do_not_keep_a_table_from_its_continuation():
    from parsers.extract.image import join_image_pages
    from parsers.model import Block

    docs, _where = join_image_pages([
        _image_page([_table([["规章", "5", "0"]]), Block(kind="paragraph", text=",,,,·.")]),
        _image_page([Block(kind="paragraph", text="·.:,,,"), _table([["行政规范性文件", "3", "0"]]),
                     Block(kind="paragraph", text="五、存在的主要问题")])])
    assert [b.kind for b in docs[0].blocks] == ["table", "paragraph"]
    assert [[c.text for c in r] for r in docs[0].blocks[0].rows] == [["规章", "5", "0"], ["行政规范性文件", "3", "0"]]
