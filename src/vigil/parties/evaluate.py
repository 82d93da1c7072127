"""Measuring cross-list resolution against what the lists themselves say (used by `vigil bench`).

* UK "UN Ref": a UK group carrying a UN reference that resolves to a current UN record is that UN
  record's party (and no other UN record's). The set is split by a stable hash of the UK group id
  into a tuning half and a held-out half; thresholds were tuned on the tuning half only.
* OFAC<->UN: OFAC and UN records sharing a strong identifier value (passport, national ID, IMO ...)
  that no other OFAC or UN record carries. The matcher stage is scored on it with identifiers
  withheld from the queries, so the evidence it links on is independent of the ground truth.
* EU Official Journal<->UN: the same for the EU journal transcription (which prints no UN references):
  EU and UN records sharing a strong identifier value that exactly one UN record carries, and no two EU
  records of one act carry unless that act ties them (`referents`).
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from .records import EU_JOURNAL, Record

UK = "gb_hmt_sanctions"
UN = "un_sc_sanctions"
SPLITS = ("tuning", "held-out")


def split_of(record_id: str) -> str:
    """Stable: the lowest bit of a hash of the id (about half of the groups each)."""
    return SPLITS[hashlib.blake2b(record_id.encode(), digest_size=8).digest()[0] & 1]


@dataclass
class UnRefTruth:
    pairs: dict[str, set[str]]  # UK record -> the UN records its UN references name (current ones)
    unresolvable: dict[str, list[str]]  # UK record -> UN references that are not current UN records


def un_ref_truth(records: dict[str, Record]) -> UnRefTruth:
    pairs: dict[str, set[str]] = {}
    unresolvable: dict[str, list[str]] = {}
    for rec in records.values():
        if UK not in rec.datasets:
            continue
        for ref in rec.referents:
            if not ref.startswith("unsc-"):
                continue
            if ref in records:
                pairs.setdefault(rec.id, set()).add(ref)
            else:
                unresolvable.setdefault(rec.id, []).append(ref)
    return UnRefTruth(pairs, unresolvable)


@dataclass
class Score:
    groups: int = 0  # UK groups with a resolvable UN reference in the split
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_links: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def score_un_ref(clusters: Iterable[list[str]], truth: UnRefTruth, split: str | None = None) -> Score:
    """Pairs (UK group, UN record) put into one party, against the UN references (per split)."""
    party = {m: i for i, members in enumerate(clusters) for m in members}
    un_members: dict[int, list[str]] = defaultdict(list)
    for m, i in party.items():
        if m.startswith("unsc-"):
            un_members[i].append(m)
    score = Score()
    for uk, expected in sorted(truth.pairs.items()):
        if split is not None and split_of(uk) != split:
            continue
        score.groups += 1
        linked = set(un_members.get(party.get(uk, -1), ()))
        for un in sorted(linked):
            if un in expected:
                score.tp += 1
            else:
                score.fp += 1
                score.false_links.append((uk, un))
        for un in sorted(expected - linked):
            score.fn += 1
            score.missed.append((uk, un))
    return score


def linked_un_without_ref(clusters: Iterable[list[str]], truth: UnRefTruth, records: dict[str, Record]) -> list[tuple[str, str]]:
    """UK records carrying no UN reference that ended in a party with a UN record (not scored: the UN
    list is newer than the UK file, and relisted parties carry no reference in it)."""
    out = []
    for members in clusters:
        uks = [m for m in members if UK in records[m].datasets and m not in truth.pairs and m not in truth.unresolvable]
        uns = [m for m in members if m.startswith("unsc-")]
        out += [(uk, un) for uk in uks for un in uns]
    return out


def ofac_un_truth(records: dict[str, Record]) -> set[tuple[str, str]]:
    holders: dict[str, list[str]] = defaultdict(list)
    for rec in records.values():
        if rec.key in ("ofac", UN):
            for value in rec.ids:
                holders[value].append(rec.id)
    pairs = set()
    for ids in holders.values():
        ofac = [i for i in ids if records[i].key == "ofac"]
        un = [i for i in ids if records[i].key == UN]
        if len(ofac) == 1 and len(un) == 1:
            pairs.add((ofac[0], un[0]))
    return pairs


def found(clusters: Iterable[list[str]], pairs: set[tuple[str, str]]) -> tuple[int, list[tuple[str, str]]]:
    """How many pairs ended in one party, and the ones that did not."""
    party = {m: i for i, members in enumerate(clusters) for m in members}
    missed = sorted(p for p in pairs if party.get(p[0], -1) != party.get(p[1], -2))
    return len(pairs) - len(missed), missed


def eu_un_truth(records: dict[str, Record]) -> set[tuple[str, str]]:
    """(EU journal record, UN record) pairs sharing a strong identifier value (see the module doc)."""
    holders: dict[str, list[str]] = defaultdict(list)
    for rec in records.values():
        if rec.key == UN or EU_JOURNAL in rec.datasets:
            for value in rec.ids:
                holders[value].append(rec.id)
    pairs = set()
    for ids in holders.values():
        un = [i for i in ids if records[i].key == UN]
        eu = [i for i in ids if EU_JOURNAL in records[i].datasets]
        if len(un) != 1 or not eu:
            continue
        by_act: dict[str, list[str]] = defaultdict(list)
        for i in eu:
            by_act[records[i].key].append(i)
        if any(len(same) > 1 and any(set(same) - {i} - set(records[i].referents) for i in same)
               for same in by_act.values()):
            continue  # two records of one act the act does not tie: ambiguous
        pairs |= {(i, un[0]) for i in eu}
    return pairs
