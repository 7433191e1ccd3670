"""Which report a document is: title line, page title, link text, and the catalogue category."""
from __future__ import annotations

from parsers.report.identity import identify
from parsers.model import Block, Document

BODY = "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况"


def _doc(title: str, first_line: str | None = None) -> Document:
    blocks = [Block(kind="paragraph", text=first_line)] if first_line else []
    return Document(format="html", title=title, text=(first_line or "") + "\n" + BODY, blocks=blocks)


def test_title_line_gives_agency_and_year():
    found = identify(_doc("首页", "清河县柳林镇人民政府2021年政府信息公开工作年度报告"), site_name="清河县人民政府")
    assert (found.agency, found.year) == ("清河县柳林镇人民政府", 2021)


def test_a_short_title_counts_only_under_the_annual_report_category():
    doc = _doc("市交通运输局2021年度报告")
    assert identify(doc, link_text="市交通运输局2021年度报告") is None  # a year and 年度报告 alone: too vague
    found = identify(doc, link_text="市交通运输局2021年度报告", category="政府信息公开年报")
    assert (found.agency, found.year) == ("市交通运输局", 2021)
    assert identify(doc, category="通知公告") is None


def test_a_report_title_over_a_body_that_is_not_a_report_is_refused():
    doc = Document(format="html", title="关于做好2021年政府信息公开工作年度报告编制工作的通知",
                   text="各单位：请于1月31日前报送。")
    assert identify(doc) is None


def test_under_the_annual_report_category_a_short_body_is_accepted():
    doc = Document(format="html", title="市交通运输局2021年度报告", text="本报告由杭州市交通运输局编制……")
    assert identify(doc) is None
    assert identify(doc, category="政府信息公开年报").year == 2021


def test_the_publisher_completes_a_shortened_agency():
    doc = Document(format="html", title="市交通运输局2021年度报告", text="本报告由杭州市交通运输局编制……")
    found = identify(doc, category="政府信息公开年报", publisher="杭州市交通运输局")
    assert found.agency == "杭州市交通运输局"
    other = identify(_doc("清河县2021年政府信息公开工作年度报告"), publisher="邢台市人民政府办公室")
    assert other.agency == "清河县"


# -- layouts of real reports (tests/fixtures/README, "report identity"); the names are fictional --

def _page(*lines: str, body: str = BODY, title: str | None = None, fmt: str = "html") -> Document:
    """A page as the HTML extractor gives it: one block per printed line, then the body."""
    blocks = [Block(kind="paragraph", text=line) for line in lines] + [Block(kind="paragraph", text=body)]
    return Document(format=fmt, title=title, text="\n".join(b.text for b in blocks), blocks=blocks)


def _who(doc: Document, **kw) -> tuple[str, int] | None:
    found = identify(doc, **kw)
    return (found.agency, found.year) if found else None


def test_agency_line_above_a_title_that_names_only_the_year():
    doc = _page("柏宝县长城镇人民政府", "2023 年政府信息公开工作年度报告")
    assert _who(doc) == ("柏宝县长城镇人民政府", 2023)


def test_title_split_across_lines():
    assert _who(_page("柏宝县长城镇2023", "政府信息公开工作年度报告")) == ("柏宝县长城镇", 2023)
    assert _who(_page("柏宝县人民政府长城街道办事处2024年", "政府信息公开工作年度报告")) == ("柏宝县人民政府长城街道办事处", 2024)


def test_year_first_title_and_title_among_page_chrome():
    doc = _page("当前位置: 首页 > 政务公开 > 乡镇街道 > 长城镇 > 政府信息公开年报", "索 引 号 001/2024-1 发布机构 长城镇",
                "2023年长城镇政府信息公开工作年度报告", "发布日期: 2024-01-16")
    assert _who(doc) == ("长城镇", 2023)


def test_title_in_a_metadata_row():
    doc = _page("中文名 | 柏宝县长城镇人民政府2019年政府信息公开工作年度报告 | 发布单位 | 柏宝县长城镇人民政府 |")
    assert _who(doc) == ("柏宝县长城镇人民政府", 2019)


def test_report_named_in_the_opening_sentence_when_no_title_line_survives():
    for sentence, agency in [
        ("根据《中华人民共和国政府信息公开条例》规定，现公布柏宝县财政局（以下简称县财政局）2022年政府信息公开工作年度报告。",
         "柏宝县财政局"),
        ("根据《条例》有关要求，现将柏宝县人民政府2022年政府信息公开工作年度报告予以公开。", "柏宝县人民政府"),
        ("本报告是根据《条例》要求，由柏宝县公安局编制的2022年度政府信息公开年度报告。", "柏宝县公安局"),
    ]:
        assert _who(_page(sentence)) == (agency, 2022)


def test_agency_from_the_source_line_when_the_title_names_none():
    doc = _page("2023年政府信息公开工作年度报告")
    assert _who(doc, publisher="柏宝县长城镇人民政府") == ("柏宝县长城镇人民政府", 2023)
    assert _who(doc, publisher="本网") == ("未知机关", 2023)  # a source that is not an agency is not used


def test_agency_from_the_contact_sentence_and_year_from_the_statistics_period():
    doc = _page("本报告所列数据统计期限自2022年1月1日起至2022年12月31日止。如对本报告有任何疑问，"
                "请与柏宝县卫生健康局办公室联系（地址：柏宝县城关路1号）。")
    assert _who(doc) == ("柏宝县卫生健康局", 2022)
    doc = _page("本年度报告根据《条例》编制。本报告所列统计数据期限自2022年1月1日起至12月31日止。受理机构为柏宝县长城街道办事处。")
    assert _who(doc) == ("柏宝县长城街道办事处", 2022)


def test_agency_from_the_signature_block():
    doc = _page("2023年政府信息公开工作年度报告", body=BODY + "\n柏宝县长城镇人民政府\n2024年1月20日")
    assert _who(doc) == ("柏宝县长城镇人民政府", 2023)


def test_agency_from_the_running_page_header_of_a_pdf():
    pages = [Block(kind="paragraph", text="柏宝县长城镇人民政府"), Block(kind="paragraph", text="2023年政府信息公开工作年度报告"),
             Block(kind="paragraph", text=BODY), Block(kind="paragraph", text="柏宝县长城镇人民政府"),
             Block(kind="paragraph", text="五、存在的主要问题及改进情况")]
    doc = Document(format="pdf", text="\n".join(b.text for b in pages), blocks=pages)
    assert _who(doc) == ("柏宝县长城镇人民政府", 2023)


def test_agency_from_the_breadcrumb():
    doc = _page("首页 > 乡镇信息公开 > 长城镇 > 政府信息公开年报", "2023年政府信息公开工作年度报告")
    assert _who(doc) == ("长城镇", 2023)


def test_the_year_is_the_titles_even_when_the_period_and_signature_say_otherwise():
    doc = _page("柏宝县长城镇2022年度政府信息公开工作年度报告",
                body="本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。" + BODY + "\n2023年1月20日")
    assert _who(doc) == ("柏宝县长城镇", 2022)


def test_a_short_title_name_is_made_full_by_the_body_or_the_source_line():
    doc = _page("长城镇2023年信息公开年报", body="如对本报告有任何疑问，请联系：柏宝县长城镇人民政府信息公开领导小组办公室。" + BODY)
    assert _who(doc) == ("柏宝县长城镇人民政府", 2023)
    doc = _page("长城镇2023年政府信息公开工作年度报告")
    assert _who(doc, publisher="柏宝县长城镇人民政府") == ("柏宝县长城镇人民政府", 2023)
    # a place that is not right before the name (another sentence's word) does not count
    doc = _page("长城镇2023年政府信息公开工作年度报告", body="地址在榆宝县。长城镇位于北部。" + BODY)
    assert _who(doc) == ("长城镇", 2023)


def test_traditional_script_mirror():
    doc = _page("柏寶縣衛生健康局2021年政府信息公開工作年度報告", body="一、總體情況\n二、主動公開政府信息情況")
    assert _who(doc) == ("柏宝县卫生健康局", 2021)


def test_explainers_and_notices_that_name_the_report_are_refused():
    explainer = _page("《柏宝县长城镇人民政府2023年政府信息公开工作年度报告》已经编制完成并向社会公开，现就年报内容进行如下解读。")
    assert identify(explainer) is None
    notice = _page("关于做好2023年政府信息公开工作年度报告编制工作的通知", body="各乡镇：请于1月31日前报送。")
    assert identify(notice) is None


def test_namesakes_of_two_counties_get_two_keys_and_a_bare_name_is_flagged():
    a = identify(_page("长城镇2023年政府信息公开工作年度报告"), publisher="柏宝县长城镇人民政府")
    b = identify(_page("长城镇2023年政府信息公开工作年度报告"), publisher="榆宝县长城镇人民政府")
    assert a.agency_key != b.agency_key and a.qualified and b.qualified
    placed = identify(_page("长城镇2023年政府信息公开工作年度报告"), site_name="柏宝县人民政府")
    assert placed.agency_key == a.agency_key and placed.qualified
    by_region = identify(_page("长城镇2023年政府信息公开工作年度报告"), site_region="某某省某某市柏宝县")
    assert by_region.agency_key == a.agency_key
    bare = identify(_page("长城镇2023年政府信息公开工作年度报告"))
    assert not bare.qualified and any("names no county" in w for w in bare.warnings)


def test_a_decoy_title_that_starts_with_a_year_is_not_read_as_a_titleless_report():
    for title in ("2022年柏宝县国民经济和社会发展统计公报", "2021年柏宝县人民政府行政服务中心部门决算",
                  "柏宝县人民政府办公室2019年度政府信息公开年报（图解）"):
        assert identify(_page(title)) is None, title


def test_a_scans_misread_city_does_not_make_a_report_of_its_own():
    title = "闽州市章贡区人民政府2021年政府信息公开工作年度报告"
    scan = _doc("", title)
    scan.ocr = True
    found = identify(scan)
    assert found.agency == "赣州市章贡区人民政府"  # the same report as the born-digital copy's
    assert any("闽州市 taken as 赣州市" in w for w in found.warnings)
    assert identify(_doc("", title)).agency == "闽州市章贡区人民政府"  # printed so: kept


def test_a_scanned_titles_misread_year_and_words_are_put_right():
    for title in ("柏宝县财政局2O21年政府信息公开工作年度报告", "柏宝县财政局202l年政府信息公开工作年度报告",
                  "柏宝县财政局2021年政府信息公开工竹年度报告", "柏宝县财政局2021年政府倍息公开工作年度报告"):
        scan = _doc("", title)
        scan.ocr = True
        found = identify(scan)
        assert found is not None and (found.agency, found.year) == ("柏宝县财政局", 2021), title
        assert any("OCR misreads put right" in w for w in found.warnings), title
        assert identify(_doc("", title)) is None or "OCR" not in " ".join(identify(_doc("", title)).warnings)


def test_a_scanned_decoy_is_not_repaired_into_a_report():
    for title in ("柏宝县2021年政府工作报告", "柏宝县2O21年政府信息公开工作年度计划"):
        scan = _doc("", title)
        scan.ocr = True
        scan.text = title + "\n二〇二一年，本县经济平稳增长。"
        assert identify(scan) is None, title


def test_a_scans_misread_place_inside_a_known_one_is_taken_from_the_gazetteer_when_only_one_fits():
    title = "北京市朝阴区卫生健康委员会2022年政府信息公开工作年度报告"  # 阳 read 阴
    scan = _doc("", title)
    scan.ocr = True
    found = identify(scan)
    assert found.agency == "北京市朝阳区卫生健康委员会"
    assert any("朝阴区 taken as 朝阳区" in w for w in found.warnings)
    assert identify(_doc("", title)).agency == "北京市朝阴区卫生健康委员会"  # born digital: printed so
    # with nothing before it, a name the gazetteer lacks stays as read (柏宝县 is no misread 柏乡县)
    for title, agency in (("柏宝县财政局2021年政府信息公开工作年度报告", "柏宝县财政局"),
                          ("山酉省人民政府2021年政府信息公开工作年度报告", "山酉省人民政府")):
        scan = _doc("", title)
        scan.ocr = True
        assert identify(scan).agency == agency


def test_a_scans_title_lines_keep_their_layout_and_lose_their_specks():
    """The parse reads a scan's title as the harvest does: specks at the line's ends dropped, and an
    agency line between two copies of the title line still names the agency."""
    from parsers.report.metadata import read_metadata

    for lines in (["‘:吕梁市人民政府2024年政府信息公开工作年度报告‘..·"],
                  ["2024年政府信息公开工作年度报告", "吕梁市人民政府", "2024年政府信息公开工作年度报告"]):
        scan = Document(format="pdf", text="\n".join(lines) + "\n" + BODY, ocr=True,
                        blocks=[Block(kind="paragraph", text=line) for line in lines])
        meta = read_metadata([scan])
        assert (meta.agency, meta.year) == ("吕梁市人民政府", 2024), lines
        assert identify(scan).agency == "吕梁市人民政府", lines
