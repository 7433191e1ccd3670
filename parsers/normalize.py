"""Text normalisation shared by every extractor and parser.

Reports mix full-width and half-width digits, glyph-spaced labels
("结 果 维 持"), Word bookmark artefacts and a zoo of "not applicable"
markers. These helpers make text comparable without losing the raw form:
callers keep the raw cell text and store the normalised value beside it.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Callable, Literal, TypeVar

NumberStatus = Literal["number", "blank", "empty_marker", "unparsed"]

# Word/LibreOffice text dumps leave "[bookmark: _GoBack]" and friends behind.
_BOOKMARK = re.compile(r"\[bookmark:\s*[^\]]*\]", re.I)
# Zero-width characters and BOMs that survive copy-paste from Word.
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HSPACE = re.compile(r"[ \t\f\v\u00a0\u3000\u2002-\u200a\u202f\u205f]+")
_BLANK_LINES = re.compile(r"\n{3,}")

# CJK ideographs, CJK punctuation and full-width forms (after NFKC the latter are rare).
_CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")

# Markers reporters use for "not applicable / nothing" in a cell. They are not zeros.
EMPTY_MARKERS = frozenset({"-", "--", "—", "——", "–", "/", "\\", "无", "空", "－", "一", "×", "x", "X",
                           "/ ", "n/a", "N/A", "null", "NULL", "—/—", "-/-"})
# Letters OCR returns for digits (Tesseract's Chinese model in isolated cells, both engines in a
# title's year): the table that reads them back, used where a number is expected.
DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1", "了": "7",
                                  "S": "5", "Z": "2", "z": "2", "工": "1", "B": "8"})
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_NUMBER = re.compile(r"^([+\-]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$")


T = TypeVar("T")


def cached_when_short(fn: Callable[..., T]) -> Callable[..., T]:
    """Memoise a pure function of a string for short strings only: labels and cells repeat in
    every report, whole texts do not and would fill the cache. Results must be immutable."""
    cached = functools.lru_cache(maxsize=1 << 16)(fn)

    @functools.wraps(fn)
    def wrapper(s, *args, **kwargs):
        if isinstance(s, str) and len(s) <= 256:
            return cached(s, *args, **kwargs)
        return fn(s, *args, **kwargs)
    return wrapper


def normalize_text(s: str | None) -> str:
    """NFKC, bookmarks and invisible characters removed, whitespace tidied.

    Line breaks are kept (one per line, at most one blank line in a row);
    runs of spaces become one space; lines are stripped.
    """
    if not s:
        return ""
    return _normalize(s)


@cached_when_short
def _normalize(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = _BOOKMARK.sub("", s)
    s = _INVISIBLE.sub("", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _HSPACE.sub(" ", s)
    s = "\n".join(line.strip() for line in s.split("\n"))
    return _BLANK_LINES.sub("\n\n", s).strip()


def collapse_spaces_cjk(s: str | None) -> str:
    """Join glyph-spaced CJK text: drop every whitespace run between two CJK characters.

    "结 果 维 持" -> "结果维持"; "规    章" -> "规章"; "2021 年" keeps its space
    because the digit is not CJK.
    """
    if not s:
        return ""
    return _CJK_GAP.sub("", s)


@cached_when_short
def normalize_label(s: str | None) -> str:
    """A label for matching: NFKC, no bookmarks, no whitespace at all."""
    return re.sub(r"\s+", "", normalize_text(s))


def is_empty_marker(s: str | None) -> bool:
    t = normalize_label(s)
    return bool(t) and (t in EMPTY_MARKERS or all(ch in _DASHES for ch in t))


@cached_when_short
def parse_number(s: str | None) -> tuple[float | int | None, str]:
    """Read one cell as a number.

    Returns (value, status): status is 'number' (value set), 'blank' (nothing
    in the cell), 'empty_marker' ("—", "/", "无", "空": not applicable, value
    None, never 0) or 'unparsed' (text that is not a number; value None).
    Handles full-width digits, thousands separators ("3,746", "3，746"),
    Unicode minus signs and decimals; integers come back as int.
    """
    t = normalize_label(s)
    if not t:
        return None, "blank"
    if is_empty_marker(t):
        return None, "empty_marker"
    # NFKC already turned "，" into ","; unify the many dash code points into '-'.
    for d in _DASHES:
        if d in t:
            t = t.replace(d, "-")
    m = _NUMBER.match(t)
    if not m or (m.group(2) is None and m.group(3) is None):
        return None, "unparsed"
    sign, whole, frac = m.groups()
    whole = (whole or "0").replace(",", "")
    if frac is None:
        value: float | int = int(whole)
    else:
        value = float(f"{whole}.{frac}")
    if sign == "-":
        value = -value
    return value, "number"


def is_blank_or_marker(s: str | None) -> bool:
    """True when a cell holds no value (blank or an empty marker): NULL, not 0."""
    return parse_number(s)[1] in ("blank", "empty_marker")


_SECTION_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+[章节部分])")


def looks_like_heading(text: str) -> bool:
    """A report section title such as "三、收到和处理政府信息公开申请情况" (short, numbered)."""
    return bool(_SECTION_HEADING.match(text)) and len(text.strip()) <= 40


_CJK_DIGIT_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[0-9])|(?<=[0-9])[ \t]+(?=[{_CJK}])")


def tighten_cjk_digits(s: str) -> str:
    """Drop spaces between CJK and digits ("2022 年" -> "2022年"): PDF text layers insert them from
    glyph gaps, so the same title would otherwise read differently by extractor."""
    return _CJK_DIGIT_GAP.sub("", s)
