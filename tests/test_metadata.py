"""Agency, level, region code, year, publication date and the aggregate flag."""
from __future__ import annotations

import pytest

from parsers.report import regions
from parsers.report.metadata import read_metadata
from parsers.model import Block, Cell, Document


def doc(title: str, body: str = "正文", published: str | None = None) -> Document:
    return Document("html", title=None, blocks=[Block("heading", title), Block("paragraph", body)],
                    text=f"{title}\n{body}", published=published)


@pytest.mark.parametrize("title,site,agency,short,level,code,prov,city,county", [
    ("清河县柳林镇人民政府2021年政府信息公开工作年度报告", None, "清河县柳林镇人民政府", "柳林镇", "town", "130534",
     "河北省", "邢台市", "清河县"),
    ("杨家庄镇 2020 年政府信息公开工作年度报告", "汾阳市人民政府", "杨家庄镇", "杨家庄镇", "town", "141182",
     "山西省", "吕梁市", "汾阳市"),
    ("吕梁市人民政府2021年政府信息公开工作年度报告", None, "吕梁市人民政府", "吕梁市", "city", "141100",
     "山西省", "吕梁市", None),
    ("山西省人民政府2021年政府信息公开工作年度报告", None, "山西省人民政府", "山西省", "province", "140000",
     "山西省", None, None),
    ("汾阳市人民政府2021年政府信息公开工作年度报告", None, "汾阳市人民政府", "汾阳市", "county", "141182",
     "山西省", "吕梁市", "汾阳市"),
    ("洛阳市生态环境局2022年政府信息公开工作年度报告", None, "洛阳市生态环境局", "生态环境局", "department",
     "410300", "河南省", "洛阳市", None),
    ("教育部2021年政府信息公开工作年度报告", None, "教育部", "教育部", "national", None, None, None, None),
])
def test_agency_level_and_region(title, site, agency, short, level, code, prov, city, county):
    m = read_metadata([doc(title)], site_name=site)
    assert (m.agency, m.agency_short, m.level, m.region_code) == (agency, short, level, code)
    assert (m.province, m.city, m.county) == (prov, city, county)


def test_ambiguous_county_name_is_resolved_by_the_site_or_reported():
    m = read_metadata([doc("朝阳区卫生健康委员会2021年政府信息公开工作年度报告")], site_name="北京市朝阳区人民政府")
    assert m.region_code == "110105"
    m = read_metadata([doc("朝阳区卫生健康委员会2021年政府信息公开工作年度报告")])
    assert m.region_code is None and any("ambiguous" in w for w in m.warnings)


def test_year_from_title_then_hint_and_agency_from_hint():
    m = read_metadata([Document("pdf", text="一、总体情况")], year_hint=2020, agency_hint="伊川县水寨镇人民政府")
    assert (m.year, m.agency, m.region_code) == (2020, "伊川县水寨镇人民政府", "410329")
    assert any("no report title" in w for w in m.warnings)


def test_published_date_from_document_or_signature():
    assert read_metadata([doc("X县2020年政府信息公开工作年度报告", published="2021-01-29T08:00")]).published == "2021-01-29"
    m = read_metadata([doc("X县2020年政府信息公开工作年度报告", "六、其他需要报告的事项\n无。\n2021年1月29日")])
    assert m.published == "2021-01-29"
    m = read_metadata([doc("X县2020年政府信息公开工作年度报告", "印发于2015年3月2日")])
    assert m.published is None


def test_aggregate_report_flag():
    body = "本报告由宿州市人民政府办公室综合各县、区政府和市政府各部门年度报告编制而成。"
    assert read_metadata([doc("宿州市人民政府2016年政府信息公开工作年度报告", body)]).is_aggregate
    assert not read_metadata([doc("宿州市人民政府2016年政府信息公开工作年度报告")]).is_aggregate


def test_region_table_coverage():
    cov = regions.coverage()
    assert cov["province"] == 34 and cov["city"] >= 330 and cov["county"] >= 2800
    assert regions.by_code("110105").name == "朝阳区"


def test_text_only_document_title_and_the_fuller_name_from_the_body():
    # A text dump (seed 000/001 shape): no blocks, the title is the first line and names the town alone;
    # the body names it in full once, which places it in its county.
    text = ("水寨镇人民政府2020年政府信息公开工作年度报告\n一、总体情况\n"
            "编制完成《伊川县水寨镇人民政府基层政务公开标准目录汇编》并按要求公开。")
    m = read_metadata([Document("other", text=text)])
    assert (m.year, m.agency, m.agency_short, m.level) == (2020, "伊川县水寨镇人民政府", "水寨镇", "town")
    assert (m.province, m.city, m.county, m.region_code) == ("河南省", "洛阳市", "伊川县", "410329")


def test_a_region_word_that_is_not_right_before_the_name_is_not_used():
    text = "凤岗镇2020年政府信息公开工作年度报告\n赣州经济技术开发区凤岗镇西巷4号。汾阳市的经验值得学习。"
    m = read_metadata([Document("other", text=text)])
    assert (m.agency, m.region_code) == ("凤岗镇", None)


def test_spreadsheet_title_in_the_first_cells():
    sheet = Block("table", rows=[[Cell("洛阳市生态环境局2021年政府信息公开工作年度报告")] * 3, [Cell("信息内容")] * 3])
    m = read_metadata([Document("xlsx", blocks=[sheet], text="")])
    assert (m.agency, m.year, m.region_code) == ("洛阳市生态环境局", 2021, "410300")


def test_a_title_whose_year_is_unreadable_takes_the_year_the_body_gives():
    doc = Document("pdf", text="宿州市人民政府2099年政府信息公开工作年度报告\n2020年，宿州市人民政府坚持全面推进政务公开。\n"
                               "三、收到和处理政府信息公开申请情况\n本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。",
                   blocks=[Block("paragraph", "宿州市人民政府2099年政府信息公开工作年度报告"),
                           Block("paragraph", "2020年，宿州市人民政府坚持全面推进政务公开。"),
                           Block("heading", "三、收到和处理政府信息公开申请情况"),
                           Block("paragraph", "本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。")])
    meta = read_metadata([doc])
    assert (meta.agency, meta.year) == ("宿州市人民政府", 2020)


@pytest.mark.parametrize("name,expected", [
    ("闽州市章贡区人民政府", ("闽州市", "赣州市", "章贡区")),  # one character of the city misread
    ("江酉省赣州市章贡区人民政府", ("江酉省", "江西省", "赣州市")),
    ("赣州市章贡区人民政府", None),      # read right
    ("北京市朝阳区人民政府", None),
    ("阿州市朝阳区人民政府", None),      # 朝阳区 is in two cities: it vouches for neither
    ("闽南市章贡区人民政府", None),      # two characters off: not a misreading we may assume
    ("国家税务总局章贡区税务局", None),  # not a place name before the county
    ("某某局", None),
])
def test_a_misread_parent_place_is_recognised_only_when_the_gazetteer_vouches(name, expected):
    assert regions.misread_parent(name) == expected


def test_a_scans_misread_city_is_taken_from_the_gazetteer_and_said_so():
    title = "闽州市章贡区人民政府2021年政府信息公开工作年度报告"
    scan = Document("pdf", blocks=[Block("heading", title), Block("paragraph", "正文")], text=f"{title}\n正文",
                    ocr=True)
    meta = read_metadata([scan])
    assert meta.agency == "赣州市章贡区人民政府" and meta.county == "章贡区" and meta.city == "赣州市"
    assert any("闽州市 taken as 赣州市" in w for w in meta.warnings)
    # born-digital, the name is as the office printed it: never corrected
    printed = Document("html", blocks=[Block("heading", title), Block("paragraph", "正文")], text=f"{title}\n正文")
    assert read_metadata([printed]).agency == "闽州市章贡区人民政府"
