"""Section splitting: standard keys from the heading words, whatever the numbering."""
from __future__ import annotations

from parsers.report.sections import split_sections

SEED_002 = """太平庄乡2019年政府信息公开工作
年度报告
2019度以来，太平庄乡政府认真贯彻《条例》。
一、提高政治站位，推进全面公开
2019年，我乡坚持以习近平新时代中国特色社会主义思想为指导。
二、强化组织领导，完善制度建设
一是加强组织领导。
三、存在的主要问题及改进情况
存在的主要问题：
1、信息公开的内容有待进一步完善；
四、其他需要报告的事项
无。"""

STANDARD = """一、总体情况
（一）加强组织领导。镇党委政府高度重视。
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量
二、上年结转政府信息公开申请数量
四、结转下年度继续办理
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
一是主动公开面有待拓展。
六、其他需要报告的事项
无。"""

PRE2019 = """概述
本机关认真贯彻条例。
二、主动公开政府信息情况
共主动公开政府信息312条。
三、依申请公开和不予公开情况
四、收费及减免情况
五、因政府信息公开申请行政复议、提起行政诉讼的情况
六、政府信息公开工作存在的主要问题及改进措施
七、其他需要报告的事项
附表"""


def keys(text):
    return [s.key for s in split_sections(text.split("\n"))]


def test_renumbered_seed_002():
    assert keys(SEED_002) == ["preamble", "overview", "extra", "problems", "other"]
    secs = split_sections(SEED_002.split("\n"))
    assert secs[3].heading == "三、存在的主要问题及改进情况"
    assert "信息公开的内容有待进一步完善" in secs[3].text
    assert [s.order for s in secs] == list(range(len(secs)))


def test_standard_six_sections_and_table_rows_are_not_headings():
    assert keys(STANDARD) == ["overview", "active", "requests", "review", "problems", "other"]
    requests = split_sections(STANDARD.split("\n"))[2]
    assert "本年新收政府信息公开申请数量" in requests.text


def test_pre2019_sections():
    assert keys(PRE2019) == ["overview", "active", "requests", "fees", "review", "problems", "other", "appendix"]


def test_glyph_spaced_heading():
    assert keys("一、总 体 情 况\n正文") == ["overview"]


def test_empty_input():
    assert split_sections([]) == []
    assert split_sections(["", "  "]) == []
