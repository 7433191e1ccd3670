"""Text normalisation shared by every extractor and the parser."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parsers.normalize import (collapse_spaces_cjk, is_blank_or_marker, looks_like_heading, normalize_label,
                               normalize_text, parse_number)


def test_normalize_text_nfkc_bookmarks_and_whitespace():
    raw = "[bookmark: _GoBack]本年新\u3000制作数量\u00a0（单位：万元）\r\n\r\n\r\n１２３\u200b"
    assert normalize_text(raw) == "本年新 制作数量 (单位:万元)\n\n123"


def test_collapse_spaces_cjk_joins_glyph_spaced_labels_only():
    assert collapse_spaces_cjk("结 果 维 持") == "结果维持"
    assert collapse_spaces_cjk("规    章") == "规章"
    assert collapse_spaces_cjk("本年新\n制作数量") == "本年新制作数量"
    assert collapse_spaces_cjk("2021 年 共 3 件") == "2021 年共 3 件"  # digits keep their spaces
    assert collapse_spaces_cjk("Open Government") == "Open Government"


def test_normalize_label_drops_all_whitespace():
    assert normalize_label(" 1. 属于 国家 秘密\n") == "1.属于国家秘密"


def test_parse_number_values():
    assert parse_number("3,746") == (3746, "number")
    assert parse_number("３，７４６") == (3746, "number")
    assert parse_number("498742.4") == (498742.4, "number")
    assert parse_number("−3") == (-3, "number")
    assert parse_number("-12.50") == (-12.5, "number")
    assert parse_number(" 0 ") == (0, "number")
    assert isinstance(parse_number("7")[0], int)


def test_parse_number_blank_markers_and_text_are_not_zero():
    assert parse_number("") == (None, "blank")
    assert parse_number(" \u3000 ") == (None, "blank")
    assert parse_number(None) == (None, "blank")
    for marker in ("—", "-", "/", "无", "空", "——", "－"):
        assert parse_number(marker) == (None, "empty_marker"), marker
        assert is_blank_or_marker(marker)
    assert parse_number("12件") == (None, "unparsed")
    assert parse_number("1,23,4") == (None, "unparsed")
    assert not is_blank_or_marker("0")


def test_looks_like_heading():
    assert looks_like_heading("三、收到和处理政府信息公开申请情况")
    assert not looks_like_heading("（一）主动公开。全年通过政府门户网站主动公开政府信息562条")
    assert not looks_like_heading("三、" + "很长的一句话" * 10)


@given(st.integers(min_value=-10**9, max_value=10**9), st.booleans(), st.booleans())
def test_parse_number_reads_back_formatted_integers(value, separators, full_width):
    text = f"{value:,}" if separators else str(value)
    if full_width:
        text = text.translate(str.maketrans("0123456789,-", "０１２３４５６７８９，－"))
    assert parse_number(text) == (value, "number")


@given(st.text(alphabet="结果维持规章 \u3000\t\n", max_size=30))
def test_collapse_is_idempotent_and_keeps_characters(text):
    once = collapse_spaces_cjk(text)
    assert collapse_spaces_cjk(once) == once
    assert once.replace(" ", "").replace("\u3000", "").replace("\t", "").replace("\n", "") == \
        text.replace(" ", "").replace("\u3000", "").replace("\t", "").replace("\n", "")
