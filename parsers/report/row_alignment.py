"""Printed rows → the template's canonical rows, by order-preserving alignment.

A statistics table's rows come in a fixed order (the schema's row list). A
printed label may be garbled — characters of a vertical merged header cell
bled into it (``办理1.属于国家秘密``), characters dropped (``2.其他法律行政止公开``),
split by a wrap — but its *place* among the other rows still says which row it
is: a garbled row between 予以公开 and 属于国家秘密 is 部分公开. So each table is
decoded like a sequence alignment: printed rows on one side, canonical rows on
the other, label similarity the score, order the constraint. Printed rows that
fit nowhere (subtotals, repeated headers, notes) are left out; canonical rows
that no printed row takes are reported missing.

Label similarity is rapidfuzz's Indel ratio (2·LCS / total length): it counts
the characters two labels share *in order*, so interleaved or dropped
characters cost only what they are, which is how these labels get garbled.

API (also fed by OCR'd labels of scanned reports):

    canon = canonical_rows("2021", "requests")
    result = align(["一、本年新收…", "(一)予以公开", "???", "1.属于国家秘密"], canon,
                   hints=[...], data=[...])
    result.placements[2].key   -> 'partly_granted', .by_order True
    result.missing             -> canonical rows that no printed row took

`hints` carries a key that an exact keyword match already names (score 1.0);
`data` says which printed rows carry values (only those may be placed by
order alone); `confirm` lets the caller break a tie between candidate rows
with the arithmetic identities (it never supplies a value).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence

from rapidfuzz.distance import Indel

from ..normalize import normalize_label
from .labels import clean
from .schema_keys import TEMPLATES, row_keys, schema

# A label at least this similar to a canonical row is placed by its label.
SURE = 0.62
# Below this a label says nothing: the row is placed by order, or not at all.
MIN_LABEL = 0.34
# What a placement by order alone is worth in the alignment: less than any label match.
_ORDER_SCORE = 0.05
# A second candidate this close to the best one is a tie.
_TIE_MARGIN = 0.12

_NUMBER_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、．]?)+")
_GROUPS = re.compile(r"三、本年度办理结果|本年度办理结果|\(三\)不予公开|\(四\)无法提供|\(五\)不予处理|\(六\)其他处理"
                     r"|第二十条第\([一二三四五六七八九十]+\)项")
_PUNCT = re.compile(r"[\s()（）\[\]【】、,，.．:：;；\"“”'‘’/／—\-_|·•]+")
_SUBTOTAL = re.compile(r"小计|合\s*计$")


@dataclass(frozen=True)
class CanonRow:
    key: str
    label: str  # the schema's Chinese label, as a person reads it
    variants: tuple[str, ...]  # comparable forms (see `comparable`)
    number: str | None = None  # its number in the template ('2.', '(二)', '一、')
    optional: bool = False  # another template's row: taken if printed, never reported missing
    alternative_of: tuple[str, ...] = ()  # rows this one stands in for (2019 （六）其他处理 ≡ 2021's three)


@dataclass
class Placement:
    row: int  # index of the printed row
    key: str | None  # canonical key; None: left out
    score: float  # label similarity to `key` (0 when placed by order)
    by_order: bool = False  # the label did not decide: the row's place did
    candidates: tuple[str, ...] = ()  # when left out for a tie: the rows it could be
    confirmed: bool = False  # a tie broken by the arithmetic identities
    out_of_order: bool = False  # its label is sure, but it is printed out of the template's order


@dataclass
class Alignment:
    placements: list[Placement]
    missing: list[CanonRow] = field(default_factory=list)

    def key_of(self, row: int) -> str | None:
        return self.placements[row].key


def comparable(label: str | None) -> str:
    """A label reduced to what identifies it: no numbering, group headings, punctuation or spaces."""
    s = clean(label)
    s = _GROUPS.sub("", s)
    s = _NUMBER_PREFIX.sub("", s)
    return _PUNCT.sub("", s)


def is_subtotal(label: str | None) -> bool:
    """A subtotal row (小计, 合计 of a group): never a canonical row of its own."""
    return bool(_SUBTOTAL.search(normalize_label(label)))


def _variants(label: str) -> tuple[str, ...]:
    """The schema label whole and its last part ('（三）不予公开 1.属于国家秘密' → '属于国家秘密')."""
    out = [comparable(label)]
    tail = label.split(" ")[-1]
    out.append(comparable(tail))
    # the partly_granted note "（区分处理的，只计这一情形，不计其他情形）" is often left out
    out.append(comparable(re.sub(r"（[^）]*情形[^）]*）", "", tail)))
    return tuple(dict.fromkeys(v for v in out if v))


_EXTRA_VARIANTS = {  # wordings the schema label does not carry
    "total_processed": ("总计",),
    "other": ("其他处理",),
    "other_other": ("其他",),
    "normative_docs": ("行政规范性文件",),
}


@lru_cache(maxsize=16)
def canonical_rows(template: str, table: str) -> tuple[CanonRow, ...]:
    """The canonical row sequence of a table, with the other template's extra rows as optional.

    requests: 2021 carries the 2019 single （六）其他处理 row (optional) before its three 其他处理
    rows; 2019 carries 2021's three after its single row. active: 2019's other_services and
    procurement are optional in 2021.
    """
    mine = row_keys(template, table)
    labels = {}
    for t in TEMPLATES:
        for tb in schema()["templates"][t]["tables"]:
            if tb["table"] == table:
                for r in tb["rows"]:
                    labels.setdefault(r["key"], r["label"])
    if table == "requests":
        # 2021's rows with 2019's single （六）其他处理 row where 2021 prints it as a group heading
        seq = row_keys("2021", table)
        seq.insert(seq.index("other_no_correction"), "other")
    elif table == "active":
        seq = row_keys("2019", table)  # 2021's rows are a subsequence of 2019's
    else:
        seq = list(mine)
    three = tuple(k for k in ("other_no_correction", "other_no_fee", "other_other") if k in seq)
    out = []
    for k in seq:
        alt: tuple[str, ...] = ()
        if table == "requests" and k == "other":
            alt = three
        out.append(CanonRow(k, labels[k], _variants(labels[k]) + _EXTRA_VARIANTS.get(k, ()),
                            number=numbering(labels[k].split(" ")[-1]), optional=k not in mine, alternative_of=alt))
    return tuple(out)


def row_label(table: str, key: str) -> str:
    """The Chinese label of a canonical row, for messages a person reads."""
    for template in TEMPLATES:
        for row in canonical_rows(template, table):
            if row.key == key:
                return row.label
    return key


def table_label(template: str, table: str) -> str:
    """The Chinese heading of a table ('四、政府信息公开行政复议、行政诉讼情况')."""
    for tb in schema()["templates"][template if template in TEMPLATES else "2021"]["tables"]:
        if tb["table"] == table:
            return tb["label"]
    return table


def numbering(label: str | None) -> str | None:
    """The row's own number as printed ('2.', '(二)', '一、'), after any group heading."""
    m = _NUMBER_PREFIX.match(_GROUPS.sub("", clean(label)))
    if not m:
        return None
    last = re.findall(r"[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+", m.group(0))
    return last[-1] if last else None


# The template numbers its rows: a printed number that agrees is a small piece of evidence
# (it breaks ties between rows whose words overlap, e.g. the two 其他处理 rows ending alike).
_NUMBER_BONUS = 0.06


def similarity(printed: str, row: CanonRow) -> float:
    """0..1: how much of the printed label is this canonical row's label (best variant)."""
    return _similarity(comparable(printed), numbering(printed), row)


def _similarity(p: str, n: str | None, row: CanonRow) -> float:
    if not p:
        return 0.0
    s = max(Indel.normalized_similarity(p, v) for v in row.variants)
    if n is not None and n == row.number:
        s = min(1.0, s + _NUMBER_BONUS)
    return s


def align(printed: Sequence[str], canon: Sequence[CanonRow], *,
          hints: Sequence[str | None] | None = None, data: Sequence[bool] | None = None,
          confirm: Callable[[int, str], bool | None] | None = None) -> Alignment:
    """Place each printed row on at most one canonical row, keeping both orders.

    - `hints[i]`: a key the caller's keyword match names for row i (scores 1.0 there);
    - `data[i]`: row i carries values; only such a row may be placed by order alone (a
      heading or note without values is left out unless its label is close);
    - `confirm(i, key)`: True/False when the arithmetic identities (with row i's values at
      `key`) hold/fail, None when they cannot tell; used only to break ties.
    A row placed by order between two sure neighbours gets `by_order`; where several free
    canonical rows fit and neither label nor arithmetic decides, it is left out with its
    `candidates` named. Nothing is ever placed out of order.
    """
    n, m = len(printed), len(canon)
    hints = list(hints) if hints is not None else [None] * n
    data = list(data) if data is not None else [True] * n
    # A key named by one row's keywords binds that row: it goes there or nowhere (a table printed
    # out of order keeps its labels). A key named by two rows binds neither: the order decides.
    named = [h for h in hints if h]
    binding = [h if h and named.count(h) == 1 else None for h in hints]
    sim = [[0.0] * m for _ in range(n)]
    for i, text in enumerate(printed):
        sub = is_subtotal(text)
        p, num = comparable(text), numbering(text)
        for j, row in enumerate(canon):
            if sub:
                sim[i][j] = -1.0
            elif hints[i] == row.key:
                sim[i][j] = 1.0
            elif binding[i]:
                sim[i][j] = -1.0
            elif hints[i]:
                sim[i][j] = 0.0  # its words name a row another row names too: elsewhere only its place counts
            else:
                sim[i][j] = _similarity(p, num, row)

    def weight(i: int, j: int) -> float:
        s = sim[i][j]
        if s < 0:
            return float("-inf")
        if s >= MIN_LABEL:
            return s
        # by its place alone: only a row with values, and never onto the other template's rows
        return _ORDER_SCORE if data[i] and not canon[j].optional else float("-inf")

    # score[i][j]: best total aligning printed[:i] with canon[:j]
    neg = float("-inf")
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]  # 0 diag (match), 1 skip printed, 2 skip canon
    for i in range(1, n + 1):
        score[i][0], back[i][0] = 0.0, 1
    for j in range(1, m + 1):
        score[0][j], back[0][j] = 0.0, 2
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            w = weight(i - 1, j - 1)
            best, how = (score[i - 1][j - 1] + w, 0) if w != neg else (neg, 0)
            # on equal totals leave the later printed row out: a table printed twice keeps its first copy
            if score[i - 1][j] >= best or best == neg:
                best, how = score[i - 1][j], 1
            if score[i][j - 1] > best:
                best, how = score[i][j - 1], 2
            score[i][j], back[i][j] = best, how
    placed: dict[int, int] = {}
    i, j = n, m
    while i > 0 and j > 0:
        how = back[i][j]
        if how == 0:
            placed[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif how == 1:
            i -= 1
        else:
            j -= 1

    placements = [Placement(i, None, 0.0) for i in range(n)]
    for i, j in placed.items():
        placements[i] = Placement(i, canon[j].key, max(sim[i][j], 0.0))
    _settle_doubts(placements, placed, sim, canon, confirm)
    taken = {p.key for p in placements if p.key}
    for i, key in enumerate(binding):
        if key and placements[i].key is None and key in {r.key for r in canon} and key not in taken:
            placements[i] = Placement(i, key, 1.0, out_of_order=True)
            taken.add(key)
    standing_in = {p.key for p in placements if p.key and data[p.row]}
    missing = []
    for row in canon:
        if row.key in taken or row.optional:
            continue
        if any(r.key in standing_in and row.key in r.alternative_of for r in canon):
            continue  # the other template's single row stands for it
        missing.append(row)
    return Alignment(placements, missing)


def _settle_doubts(placements: list[Placement], placed: dict[int, int], sim: list[list[float]],
                   canon: Sequence[CanonRow], confirm: Callable[[int, str], bool | None] | None) -> None:
    """Rows whose label did not decide keep their place only when nothing else fits there.

    Between two sure neighbours lie some free canonical rows and some unsure printed rows.
    As many rows as free places: order alone decides, row by row. Fewer rows than places:
    a row keeps its place when its label prefers it clearly, or when the arithmetic
    identities accept exactly one of the tied places; otherwise it is left out, its
    candidates named.
    """
    def is_sure(i: int, j: int) -> bool:
        if sim[i][j] >= 1.0:
            return True  # named by its keywords
        rival = max((sim[i][c] for c in range(len(canon)) if c != j), default=0.0)
        return sim[i][j] >= SURE and sim[i][j] - rival >= _TIE_MARGIN

    sure = sorted((i, j) for i, j in placed.items() if is_sure(i, j))
    unsure = sorted(i for i, j in placed.items() if not is_sure(i, j))
    for i in unsure:
        j = placed[i]
        lo = max((sj for si, sj in sure if si < i), default=-1)
        hi = min((sj for si, sj in sure if si > i), default=len(canon))
        siblings = [k for k in unsure if lo < placed.get(k, -1) < hi]
        free = [c for c in range(lo + 1, hi) if not canon[c].optional or sim[i][c] >= MIN_LABEL]
        if len(free) <= len(siblings):
            placements[i] = Placement(i, canon[j].key, max(sim[i][j], 0.0), by_order=sim[i][j] < MIN_LABEL)
            continue
        others = [c for c in free if c != j and c not in {placed.get(k) for k in siblings}]
        best_other = max((sim[i][c] for c in others), default=0.0)
        if sim[i][j] >= MIN_LABEL and sim[i][j] - best_other >= _TIE_MARGIN:
            placements[i] = Placement(i, canon[j].key, sim[i][j])
            continue
        tied = [j] + [c for c in others if sim[i][j] - sim[i][c] < _TIE_MARGIN]
        if confirm is not None:
            passing = [c for c in tied if confirm(i, canon[c].key)]
            if len(passing) == 1 and (passing[0] == j or len(siblings) == 1):
                c = passing[0]
                placements[i] = Placement(i, canon[c].key, max(sim[i][c], 0.0),
                                          by_order=sim[i][c] < MIN_LABEL, confirmed=True)
                continue
        placements[i] = Placement(i, None, 0.0, candidates=tuple(canon[c].key for c in sorted(tied)))
