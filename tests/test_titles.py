"""Report titles: reports recognised with year and agency; decoys refused."""
from __future__ import annotations

import pytest

from parsers.titles import recognize_title


@pytest.mark.parametrize("title, year, agency", [
    ("杨家庄镇 2020 年政府信息公开工作年度报告", 2020, "杨家庄镇"),
    ("2021年清河县柳林镇人民政府政务公开年报", 2021, "清河县柳林镇人民政府"),
    ("清河县财政局2020年度政府信息公开工作年度报告（图片版）", 2020, "清河县财政局"),
    ("太平庄乡2019年政府信息公开工作\n年度报告", 2019, "太平庄乡"),
    ("2022年政府信息公开工作年度报告", 2022, None),
])
def test_reports(title, year, agency):
    m = recognize_title(title)
    assert m is not None and m.year == year and m.agency == agency


@pytest.mark.parametrize("title", [
    "关于做好2021年政府信息公开工作年度报告编制工作的通知", "清河县政府信息公开指南", "2022年政府工作报告",
    "2019年度住房公积金年度报告", "清河县2021年法治政府建设年度报告", "清河县2021年部门决算公开",
    "政府信息公开制度",
])
def test_decoys(title):
    assert recognize_title(title) is None
