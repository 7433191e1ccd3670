"""Administrative divisions: names → 6-digit codes, from the vendored `regions.json`.

Coverage: every province, every prefecture-level unit and the county-level
units of the 2020 national code list (3,219 names; see regions_build.py).
Township-level units are not covered: a town's report gets its county's code.
A county-level name that exists in several provinces (朝阳区) is resolved by
the province or city written before it, or by the site's name; otherwise the
ambiguity is reported and no code is given.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_PATH = Path(__file__).with_name("regions.json")
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


@dataclass(frozen=True)
class Region:
    code: str
    name: str

    @property
    def level(self) -> str:
        if self.code[2:] == "0000":
            return "province"
        if self.code[4:] == "00":
            return "city"
        return "county"

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str | None:
        return None if self.level == "province" else self.code[:4] + "00"


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    return json.loads(_PATH.read_text(encoding="utf-8"))["codes"]


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[Region]]:
    out: dict[str, list[Region]] = {}
    for code, name in _codes().items():
        out.setdefault(name, []).append(Region(code, name))
        if code[2:] == "0000":
            short = short_province(name)
            if short != name:
                out.setdefault(short, []).append(Region(code, name))
    return out


def short_province(name: str) -> str:
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf) + 1:
            return name[: -len(suf)]
    return name


def by_code(code: str | None) -> Region | None:
    if not code:
        return None
    name = _codes().get(code)
    return Region(code, name) if name else None


def coverage() -> dict[str, int]:
    levels: dict[str, int] = {"province": 0, "city": 0, "county": 0}
    for code in _codes():
        levels[Region(code, "").level] += 1
    return levels


@lru_cache(maxsize=1)
def _name_pattern() -> re.Pattern[str]:
    names = sorted(_by_name(), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names if len(n) >= 2))


def find_regions(text: str) -> list[list[Region]]:
    """The chain of region names at the start of `text`, each as its candidate regions.

    山西省吕梁市汾阳市杨家庄镇 → [[山西省], [吕梁市], [汾阳市]]. Each name must lie
    inside the one before it; a name shared by several places keeps every candidate.
    """
    return leading_regions(text)[0]


def leading_regions(text: str) -> tuple[list[list[Region]], int]:
    """`find_regions` and how many characters (whitespace removed) the chain covers."""
    chain, spans = _chain(text)
    return chain, (spans[-1][1] if spans else 0)


def canonical_start(text: str) -> int:
    """Where the region part of a name can start without losing which place it is.

    河北省邢台市清河县柳林镇 → the offset of 清河县 (one county of that name in the country);
    北京市朝阳区… → 0 (朝阳区 alone could be Beijing's or Changchun's). Keys built from the
    canonical start agree however many parent regions a document happens to print."""
    chain, spans = _chain(text)
    for k in reversed(range(len(chain))):
        name = text_compact(text)[spans[k][0]:spans[k][1]]
        if len(_by_name().get(name, ())) == 1:
            return spans[k][0]
    return 0


def text_compact(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _chain(text: str | None) -> tuple[list[list[Region]], list[tuple[int, int]]]:
    chain: list[list[Region]] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    s = text_compact(text)
    pat = _name_pattern()
    while pos < len(s):
        m = pat.match(s, pos)
        if not m:
            break
        candidates = _by_name()[m.group(0)]
        if chain:
            parents = chain[-1]
            inside = [c for c in candidates for p in parents
                      if c.code != p.code and c.code.startswith(p.code[:2] if p.level == "province" else p.code[:4])]
            if not inside:
                break
            chain[-1] = [p for p in parents if any(
                c.code.startswith(p.code[:2] if p.level == "province" else p.code[:4]) for c in inside)]
            candidates = list(dict.fromkeys(inside))
        chain.append(candidates)
        spans.append((pos, m.end()))
        pos = m.end()
    return chain, spans


def resolve(name: str | None, *hints: str | None) -> tuple[Region | None, list[str]]:
    """The most specific region of an agency name, disambiguated by hints (site name, text)."""
    warnings: list[str] = []
    chain = find_regions(name or "")
    hint_regions = [opts[0] for h in hints for opts in find_regions(h or "") if len(opts) == 1]
    if not chain:
        # No region in the name itself: the site's region is the best we have.
        return (hint_regions[-1] if hint_regions else None), warnings
    options = chain[-1]
    if len(options) == 1:
        return options[0], warnings
    for hr in reversed(hint_regions):
        prefix = hr.code[:2] if hr.level == "province" else hr.code[:4]
        narrowed = [o for o in options if o.code.startswith(prefix)]
        if len(narrowed) == 1:
            return narrowed[0], warnings
    warnings.append(f"region name {options[0].name} is ambiguous ({', '.join(o.code for o in options)})")
    good = [opts[0] for opts in chain[:-1] if len(opts) == 1]
    return (good[-1] if good else None), warnings


def misread_parent(name: str | None) -> tuple[str, str, str] | None:
    """An OCR'd agency name whose first place name is one character off the gazetteer's name
    for the parent of the place that follows it: 闽州市章贡区人民政府 → ('闽州市', '赣州市',
    '章贡区'). Only a unique county- or city-level name vouches for its parent, and only a
    same-length prefix with one character different counts as its misreading; anything
    else is left as read. Returns (as read, the gazetteer's name, the place that vouches)."""
    s = text_compact(name)
    if not s or _chain(s)[0]:
        return None  # the name starts with a known place: nothing misread there
    pat = _name_pattern()
    for pos in range(2, min(len(s), 8)):
        m = pat.match(s, pos)
        if not m:
            continue
        options = _by_name()[m.group(0)]
        if len(options) != 1 or options[0].level == "province":
            return None
        child = options[0]
        prefix = s[:pos]
        parents = [by_code(child.province_code)]
        if child.level == "county":
            parents.insert(0, by_code(child.city_code))
            if parents[0] and parents[1]:
                parents.append(Region(parents[0].code, parents[1].name + parents[0].name))
        for parent in parents:
            if parent and len(parent.name) == len(prefix) and parent.name != prefix \
                    and sum(a != b for a, b in zip(parent.name, prefix)) == 1:
                return prefix, parent.name, child.name
        return None
    return None


_PLACE_END = "省市县区州旗盟"


def misread_place(name: str | None) -> tuple[int, str, str, str] | None:
    """An OCR'd agency name whose place name after a known one is not in the gazetteer but one
    character off exactly one name there, with the same ending, inside the place before it:
    北京市朝阴区… → (3, '朝阴区', '朝阳区', 'the only name in 北京市'). Two such names leave it as
    read, and so does a first place name with nothing before it (柏宝县 is no misread 柏乡县: the
    gazetteer lacks fictional and new names). Returns (where it starts, as read, the gazetteer's
    name, what makes it the one)."""
    s = text_compact(name)
    chain, spans = _chain(s)
    if not chain:
        return None  # nothing to place it in: a name the gazetteer lacks (柏宝县, a new district) stays
    start = spans[-1][1]
    parents = chain[-1]
    for end in range(start + 2, min(len(s), start + 8) + 1):
        read = s[start:end]
        if read[-1] not in _PLACE_END:
            continue
        if read in _by_name():
            return None  # a known place that did not fit inside the one before it: not a misreading
        candidates = [n for n in _by_name() if len(n) == len(read) and n[-1] == read[-1]
                      and sum(a != b for a, b in zip(n, read)) == 1]
        candidates = [n for n in candidates if any(
            r.code != p.code and r.code.startswith(p.code[:2] if p.level == "province" else p.code[:4])
            for r in _by_name()[n] for p in parents)]
        if len(candidates) == 1:
            return start, read, candidates[0], f"the only name in {parents[0].name}"
        return None
    return None


def correct_misread_parent(name: str) -> tuple[str, str | None]:
    """`name` with a misread place name replaced by the gazetteer's, and the warning that says
    so; for names read by OCR only. A first place name vouched for by the place after it
    (`misread_parent`) first, else one the gazetteer has a single close name for (`misread_place`)."""
    compact = text_compact(name)
    misread = misread_parent(name)
    if misread:
        read, known, child = misread
        return known + compact[len(read):], (f"agency read by OCR as {compact}: {read} taken as {known}, "
                                             f"where the gazetteer places {child}")
    place = misread_place(name)
    if place:
        at, read, known, why = place
        return compact[:at] + known + compact[at + len(read):], (
            f"agency read by OCR as {compact}: {read} taken as {known}, {why} one character from it")
    return name, None
