"""Template detection from labels and headings, with the year only as a tie-breaker."""
from __future__ import annotations

from parsers.report.template import detect_template

T2021_ACTIVE = "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件"
T2019_ACTIVE = "信息内容\t本年新\n制作数量\t本年新公开数量\t对外公开总数量\n规章\n规范性文件\n其他对外管理服务事项\n政府集中收购"
REQUESTS = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\n3.危及“三安全一稳定”"
PRE2019 = "一、概述\n二、主动公开政府信息情况\n三、依申请公开和不予公开情况\n四、收费及减免情况\n附表"


def test_2021_layout():
    assert detect_template(T2021_ACTIVE + REQUESTS, 2021)[0] == "2021"


def test_2021_layout_in_a_2020_report_is_2021():
    assert detect_template(T2021_ACTIVE + REQUESTS, 2020)[0] == "2021"


def test_late_adopter_2019_layout_in_2022():
    template, evidence = detect_template(T2019_ACTIVE + REQUESTS, 2022)
    assert template == "2019" and "本年新制作数量" in evidence


def test_glyph_spaced_labels_still_count():
    assert detect_template("本 年 制 发 件 数\n本 年 废 止 件 数", None)[0] == "2021"


def test_only_new_style_headings_fall_back_on_the_year():
    assert detect_template(REQUESTS, 2020)[0] == "2019"
    assert detect_template(REQUESTS, 2023)[0] == "2021"
    assert detect_template(REQUESTS, None)[0] == "unknown"


def test_pre2019_prose():
    assert detect_template(PRE2019, 2015)[0] == "pre2019"
    assert detect_template("本机关共受理依申请公开3件。", 2012)[0] == "pre2019"


def test_nothing_recognisable_is_unknown():
    assert detect_template("关于做好春耕生产的通知", 2020) == ("unknown", [])


def test_seed_003_cites_the_2019_notice():
    text = "（国办公开办函〔2019〕60号）要求\n二、主动公开政府信息情况\n信息内容\n本年新制作数量"
    assert detect_template(text, 2020)[0] == "2019"


def test_labels_decide_when_ocr_garbled_every_marker():
    from parsers.report.template import template_from_labels

    garbled = ["本:数吴十年新公开数里对外公元以", "信忌内谷", "规草", "0", ""]  # 本年新公开数量, read by OCR
    assert template_from_labels(garbled, 2020)[0] == "2019"  # one 2019 label, and the year agrees
    assert template_from_labels(garbled, None)[0] == "unknown"  # one label alone is not enough
    assert template_from_labels(["本年制发件数", "本年废止什数", "现行有效件数"], None)[0] == "2021"
    # labels of both forms: no decision from labels
    assert template_from_labels(["本年制发件数", "本年废止件数", "本年新制作数量"], 2022)[0] == "unknown"
