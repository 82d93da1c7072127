"""Matcher-backed candidates: screen each record against the other lists and classify the pairs.

Each record is screened with its names, birth date, nationality and identifiers (`records.query_of`)
through the public `Matcher.match`. A pair's strength is the matcher's evidence before clamping to
[0, 1] (the sum of weight x score over its explanations, so an exact name plus a shared passport
ranks above an exact name alone) plus a small bonus for the share of names both lists carry (an
organisation known by ten aliases on two lists is more surely one party than two sharing one alias).

A pair is accepted when it is strong (>= ACCEPT) and, for both records, clearly the best candidate
of the other's list (no rival within MARGIN); a person whose matching name is one word on either
side needs a birth date or identifier in common as well. Two records carrying different lifelong identifiers
(IMO numbers: `LIFELONG_IDS`) are never paired. Pairs that are strong enough to matter but not
accepted — near the threshold, or one record matching two records of one list — go to review.
The thresholds were tuned on the tuning half of the UK "UN Ref" groups only (docs/parties.md).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from vigil.matching import QueryError, normalize
from vigil.matching.display import format_score

from .records import Record, id_key, name_share

ACCEPT = 1.0  # an exact name with nothing against it, or a close one with a matching birth date or id
MARGIN = 0.02  # a rival of the same list within this of the best: ambiguous, an analyst decides
REVIEW = 0.8  # weaker pairs are not worth an analyst's time
REVIEW_MARGIN = 0.05  # queued only when it is (near) the best candidate for both records
SHARE_WEIGHT = 0.2  # bonus for the share of names both records carry
# Identifiers one party carries for life and never shares: two records that both carry one and disagree are two
# parties whatever their names say (a ship keeps its IMO number through renames; lists keep former names as
# aliases, and another ship may sail under that name later).
LIFELONG_IDS = ("imoNumber",)
FLOOR = 0.6  # pairs kept for later classification (incremental runs re-classify stored pairs)
LIMIT = 15  # results per screening query: ties at the top (shared aliases) must not push the pair out


@dataclass(slots=True)
class Pair:
    """Two records of different lists, as the matcher scored them (one direction: `query` was screened)."""
    a: str
    b: str
    query: str
    score: float  # the matcher's score, 0..1
    raw: float  # the evidence before clamping
    share: float  # name_share of the two records
    evidence: dict[str, Any] = field(default_factory=dict)  # feature -> Explanation.to_dict()

    @property
    def strength(self) -> float:
        return round(self.raw + SHARE_WEIGHT * self.share, 4)

    @property
    def key(self) -> tuple[str, str]:
        return (self.a, self.b)

    def corroborated(self) -> bool:
        """Something besides the name agrees (birth date or identifier)."""
        return "dob_match" in self.evidence or "id_match" in self.evidence

    def one_word_name(self) -> bool:
        name = self.evidence.get("name") or {}
        return any(len(normalize(str(name.get(side) or "")).split()) < 2 for side in ("query", "candidate"))

    def name_score(self) -> float:
        return float((self.evidence.get("name") or {}).get("score", 0.0))

    def to_row(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "query": self.query, "score": self.score, "raw": self.raw,
                "share": self.share, "evidence": self.evidence}


def pair_key(x: str, y: str) -> tuple[str, str]:
    return (x, y) if x < y else (y, x)


def list_ranks(records: dict[str, Record]) -> dict[str, int]:
    """Lists ordered by size: a record is screened against the larger lists only, so each pair of
    lists is screened once, from the smaller side (a full run then costs ~ the smaller lists' queries)."""
    sizes: dict[str, int] = defaultdict(int)
    for rec in records.values():
        sizes[rec.key] += 1
    return {key: i for i, key in enumerate(sorted(sizes, key=lambda k: (sizes[k], k)))}


def screen(records: dict[str, Record], matcher: Any, queries: Iterable[str], *, both_ways: bool = False,
           lists: set[str] | None = None, progress: Callable[[int], None] | None = None) -> tuple[dict, int, list[str]]:
    """Screen the given records; returns ({pair key: Pair}, queries run, records that could not be screened).

    `both_ways` screens each against every other list (a changed record: its pairs with smaller
    lists must be found again too); otherwise only against larger lists. `lists` restricts the
    candidate lists (list keys), e.g. the bench's OFAC<->UN run.
    """
    ranks = list_ranks(records)
    datasets_of: dict[str, set[str]] = defaultdict(set)
    for rec in records.values():
        datasets_of[rec.key].update(rec.datasets)
    pairs: dict[tuple[str, str], Pair] = {}
    failed: list[str] = []
    n = 0
    for record_id in queries:
        rec = records[record_id]
        if lists is not None and rec.key not in lists:
            continue
        own = ranks[rec.key]
        targets = {k for k, r in ranks.items() if k != rec.key and (both_ways or r > own)
                   and (lists is None or k in lists)}
        if not targets:
            continue
        datasets = set().union(*(datasets_of[k] for k in targets))
        acronyms = rec.acronym_query
        asked = [rec.query] if acronyms is None else [rec.query, acronyms]
        try:
            responses = [matcher.match(q, limit=LIMIT, threshold=FLOOR, datasets=datasets, exclude_ids=[rec.id])
                         for q in asked]
        except QueryError:
            failed.append(rec.id)
            continue
        n += 1
        if progress is not None:
            progress(n)
        for result in (r for resp in responses for r in resp.results):
            other = records.get(result.entity.id or "")
            if other is None or other.key not in targets:
                continue
            evidence = {k: v.to_dict() for k, v in result.explanations.items()}
            raw = round(sum(v.weight * v.score for v in result.explanations.values()), 4)
            pair = Pair(*pair_key(rec.id, other.id), query=rec.id, score=round(result.score, 4), raw=raw,
                        share=round(name_share(rec, other), 4), evidence=evidence)
            if pair.strength >= FLOOR:
                known = pairs.get(pair.key)
                if known is None or pair.strength > known.strength:
                    pairs[pair.key] = pair
    return pairs, n, failed


def conflicting_ids(a: Record, b: Record) -> str | None:
    """The first lifelong identifier scheme both records carry with no value in common, or None."""
    for prop in LIFELONG_IDS:
        x = {k for v in a.entity.get(prop) if (k := id_key(v))}
        y = {k for v in b.entity.get(prop) if (k := id_key(v))}
        if x and y and not x & y:
            return prop
    return None


@dataclass
class Classified:
    accepted: list[Pair]  # strongest first
    review: list[tuple[Pair, str]]  # (pair, why it needs an analyst)


def classify(pairs: Iterable[Pair], records: dict[str, Record]) -> Classified:
    """Accept the clear pairs; queue the strong but ambiguous or borderline ones (see module doc)."""
    # Two ships (or parties) by their own lifelong numbers: neither a link, nor a rival, nor worth a review.
    pairs = [p for p in pairs if p.a in records and p.b in records and not conflicting_ids(records[p.a], records[p.b])]
    # record -> other list -> [(strength, other record)]
    rivals: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
    for p in pairs:
        rivals[(p.a, records[p.b].key)].append((p.strength, p.b))
        rivals[(p.b, records[p.a].key)].append((p.strength, p.a))

    def best_other(x: str, other: str, lst: str) -> tuple[float, str]:
        """x's strongest candidate in list `lst` besides `other`."""
        return max(((s, y) for s, y in rivals[(x, lst)] if y != other), default=(float("-inf"), ""))

    accepted: list[Pair] = []
    review: list[tuple[Pair, str]] = []
    for p in sorted(pairs, key=lambda p: (-p.strength, p.a, p.b)):
        s = p.strength
        if s < REVIEW:
            continue
        rival_a = best_other(p.a, p.b, records[p.b].key)  # a's next best in b's list
        rival_b = best_other(p.b, p.a, records[p.a].key)
        rival, rival_id = max(rival_a, rival_b)
        who = p.a if rival_a >= rival_b else p.b
        # A person named by one word on either side ("FAIZ") needs a birth date or identifier too.
        weak_name = records[p.a].schema == "Person" and p.one_word_name() and not p.corroborated()
        if s >= ACCEPT and rival <= s - MARGIN and not weak_name:
            accepted.append(p)
        elif rival <= s + REVIEW_MARGIN:  # (near) the best for both records: worth a look
            if rival > s - MARGIN:
                why = f"{who} also matches {rival_id} of the same list ({format_score(rival)})"
            elif s < ACCEPT:
                why = f"below the acceptance threshold ({format_score(s)} < {ACCEPT:.2f})"
            else:
                why = "a one-word person name with no birth date or identifier in common"
            review.append((p, why))
    return Classified(accepted, review)
