"""Links between records, and the deterministic stages that make them before any fuzzy matching.

* `reference`: a record names another list's record as itself (`referents`; the UK parser turns
  "UN Ref IRi.039" in Other Information into `unsc-IRi.039`, typos and spacing included). The list
  says so: these links are trusted, and a referent that is not a current record is counted.
* `identifier`: two lists carry the same strong identifier (passport, national ID, IMO, registration
  number ...) and the names are compatible (the matcher's name score for the pair >= ID_NAME_MIN).
  An identifier alone never links, and a value two records of one list share links nothing.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .candidates import Pair, pair_key
from .records import Record

STAGES = ("review", "reference", "identifier", "matcher")  # priority order when links conflict
ID_NAME_MIN = 0.7


@dataclass(slots=True)
class Link:
    a: str
    b: str
    stage: str  # one of STAGES
    score: float | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.a, self.b)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "stage": self.stage, "score": self.score, "evidence": self.evidence}


@dataclass
class References:
    links: list[Link]
    unresolved: dict[str, list[str]]  # record id -> referents that are not current records


def reference_links(records: dict[str, Record]) -> References:
    links: dict[tuple[str, str], Link] = {}
    unresolved: dict[str, list[str]] = {}
    for rec in records.values():
        for ref in rec.referents:
            if ref == rec.id:
                continue
            if ref not in records:
                unresolved.setdefault(rec.id, []).append(ref)
                continue
            a, b = pair_key(rec.id, ref)
            links.setdefault((a, b), Link(a, b, "reference", 1.0, {"stated_by": rec.id, "referent": ref}))
    return References(sorted(links.values(), key=lambda l: l.key), unresolved)


def identifier_links(records: dict[str, Record], pairs: dict[tuple[str, str], Pair]) -> list[Link]:
    holders: dict[str, list[Record]] = defaultdict(list)
    for rec in records.values():
        for value in rec.ids:
            holders[value].append(rec)
    links: dict[tuple[str, str], Link] = {}
    for value, recs in holders.items():
        by_list: dict[str, list[Record]] = defaultdict(list)
        for rec in recs:
            by_list[rec.key].append(rec)
        if len(by_list) < 2 or any(len(v) > 1 for v in by_list.values()):
            continue  # on one list only, or ambiguous within a list
        holders_ = [v[0] for v in by_list.values()]
        for i, x in enumerate(holders_):
            for y in holders_[i + 1:]:
                key = pair_key(x.id, y.id)
                pair = pairs.get(key)
                if pair is None or pair.name_score() < ID_NAME_MIN or key in links:
                    continue
                links[key] = Link(*key, stage="identifier", score=pair.score,
                                  evidence={"identifier": value, "name": pair.evidence.get("name")})
    return sorted(links.values(), key=lambda l: l.key)


def matcher_links(accepted: list[Pair]) -> list[Link]:
    return [Link(p.a, p.b, "matcher", p.strength, p.evidence) for p in accepted]
