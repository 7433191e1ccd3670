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
