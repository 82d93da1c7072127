"""From records, screened pairs and analyst decisions to parties: the pure part of a resolve.

No database here: `Parties.resolve` (api.py) feeds it stored state, the bench feeds it lists it
loaded itself and switches stages off to score one alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .candidates import Pair, classify, pair_key
from .cluster import Clustering, cluster
from .links import Link, identifier_links, matcher_links, reference_links
from .records import Record

ALL_STAGES = frozenset({"reference", "identifier", "matcher"})


@dataclass
class Decision:
    a: str
    b: str
    status: str  # accepted | rejected
    actor: str
    reason: str
    at: str


@dataclass
class Resolution:
    clustering: Clustering
    review: list[tuple[Pair, str]]  # pending: (pair, why), strongest first
    unresolved_refs: dict[str, list[str]] = field(default_factory=dict)
    links_by_stage: dict[str, int] = field(default_factory=dict)

    @property
    def clusters(self) -> list[list[str]]:
        return self.clustering.clusters


def resolve_records(records: dict[str, Record], pairs: dict[tuple[str, str], Pair],
                    decisions: Iterable[Decision] = (), stages: Iterable[str] = ALL_STAGES) -> Resolution:
    stages = set(stages)
    unknown = stages - ALL_STAGES
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(ALL_STAGES))}")
    decisions = list(decisions)
    accepted = [Link(*pair_key(d.a, d.b), stage="review", score=None,
                     evidence={"actor": d.actor, "reason": d.reason, "at": d.at})
                for d in sorted(decisions, key=lambda d: d.at) if d.status == "accepted"]
    rejected = {pair_key(d.a, d.b) for d in decisions if d.status == "rejected"}
    decided = {pair_key(d.a, d.b) for d in decisions}

    links: list[Link] = list(accepted)
    unresolved: dict[str, list[str]] = {}
    if "reference" in stages:
        refs = reference_links(records)
        links += refs.links
        unresolved = refs.unresolved
    if "identifier" in stages:
        links += identifier_links(records, pairs)
    review: list[tuple[Pair, str]] = []
    if "matcher" in stages:
        classified = classify(pairs.values(), records)
        links += matcher_links(classified.accepted)
        review = classified.review
    clustering = cluster(records, links, rejected)

    party = {m: i for i, members in enumerate(clustering.clusters) for m in members}
    # An analyst who linked a record to one record of a list has answered for the others of that list.
    answered: set[tuple[str, str]] = set()
    for d in decisions:
        if d.status == "accepted" and d.a in records and d.b in records:
            answered.add((d.a, records[d.b].key))
            answered.add((d.b, records[d.a].key))
    queue: dict[tuple[str, str], tuple[Pair, str]] = {}
    for pair, why in review:
        queue.setdefault(pair.key, (pair, why))
    for link, why in clustering.conflicts:
        pair = pairs.get(link.key)
        if link.stage == "matcher" and pair is not None:
            queue.setdefault(link.key, (pair, f"conflict: {why}"))
    pending = [(p, why) for key, (p, why) in queue.items()
               if key not in decided and party[p.a] != party[p.b]
               and (p.a, records[p.b].key) not in answered and (p.b, records[p.a].key) not in answered]
    pending.sort(key=lambda item: (-item[0].strength, item[0].a, item[0].b))
    # One link per pair: the strongest stage's, noting the stages that agree (UN Ref and matcher, say).
    first: dict[tuple[str, str], Link] = {}
    for link in clustering.applied:
        if link.key not in first:
            first[link.key] = Link(link.a, link.b, link.stage, link.score, dict(link.evidence))
        else:
            first[link.key].evidence.setdefault("agreeing", []).append({"stage": link.stage, "score": link.score})
    clustering.applied = list(first.values())
    by_stage: dict[str, int] = {}
    for link in clustering.applied:
        by_stage[link.stage] = by_stage.get(link.stage, 0) + 1
    return Resolution(clustering, pending, unresolved, by_stage)
