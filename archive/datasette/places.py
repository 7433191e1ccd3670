"""A place (province, city or county) named by a person: 河北, 河北省, 邢台市, 河北省邢台市清河县, 130534.

Reports carry the 6-digit division code of their agency's region (`reports.region_code`,
set by parsers/report/metadata.py); a place's reports are a range of those codes
(河北省 130000 → '13' ≤ code < '14'), read from the (region_code, year) index.
"""
from __future__ import annotations

from dataclasses import dataclass

from parsers.report import regions

LEVEL_LABELS = {"province": "省级", "city": "市级", "county": "县级"}


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: str  # province | city | county

    @property
    def prefix(self) -> str:
        return {"province": self.code[:2], "city": self.code[:4]}.get(self.level, self.code)

    @property
    def code_range(self) -> tuple[str, str]:
        """[low, high) of the region codes inside this place."""
        p = self.prefix
        return p, str(int(p) + 1).zfill(len(p))

    @property
    def chain(self) -> list["Place"]:
        """The place and the ones it lies in, outermost first: [河北省, 邢台市, 清河县]."""
        out = []
        for code in dict.fromkeys([self.code[:2] + "0000", self.code[:4] + "00", self.code]):
            r = regions.by_code(code)
            if r:
                out.append(Place(r.code, r.name, r.level))
        return out

    @property
    def full_name(self) -> str:
        return "".join(p.name for p in self.chain)


class PlaceNotFound(LookupError):
    """No such place; `candidates` lists the places a shared name could mean."""

    def __init__(self, message: str, candidates: list[Place] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []


def place_for_code(code: str | None) -> Place | None:
    r = regions.by_code(code)
    return Place(r.code, r.name, r.level) if r else None


def resolve_place(text: str) -> Place:
    """The place a name or code means; PlaceNotFound when none or several do."""
    text = (text or "").strip()
    if text.isdigit():
        place = place_for_code(text)
        if place is None:
            raise PlaceNotFound(f"{text}: not a division code of a province, city or county")
        return place
    chain, covered = regions.leading_regions(text)
    if not chain or covered < len("".join(text.split())):
        raise PlaceNotFound(f"{text}: not the name of a province, city or county")
    candidates = [Place(r.code, r.name, r.level) for r in chain[-1]]
    if len(candidates) > 1:
        raise PlaceNotFound(f"{text} is the name of {len(candidates)} places: choose one", candidates)
    return candidates[0]
