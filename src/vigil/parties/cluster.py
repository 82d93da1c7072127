"""Clusters: the union of accepted links, with three guards against chains that go wrong.

Links are applied strongest stage first (analyst accepts, then the lists' own references, shared
identifiers, matcher pairs by strength). A link is refused — and reported as a conflict — when it
would put into one party:
* two records of one list (one numbering, `records.list_key`), unless that list itself says they
  are one (a reference between them);
* two records an analyst rejected as one party (even through other records);
* records of incompatible schemata (a Person and a Vessel).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from vigil.model import model

from .links import Link
from .records import Record


@dataclass
class Clustering:
    clusters: list[list[str]]  # each sorted; every record is in exactly one (singletons included)
    applied: list[Link]
    conflicts: list[tuple[Link, str]]  # (refused link, why)


class _Sets:
    def __init__(self, records: dict[str, Record]):
        self.parent = {rid: rid for rid in records}
        self.members = {rid: [rid] for rid in records}
        self.keys = {rid: {rec.key} for rid, rec in records.items()}
        self.schema = {rid: rec.schema for rid, rec in records.items()}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, x: str, y: str, schema: str) -> None:
        if len(self.members[x]) < len(self.members[y]):
            x, y = y, x
        self.parent[y] = x
        self.members[x] += self.members.pop(y)
        self.keys[x] |= self.keys.pop(y)
        self.schema[x] = schema
        self.schema.pop(y, None)


def cluster(records: dict[str, Record], links: Iterable[Link], rejected: Iterable[tuple[str, str]] = ()) -> Clustering:
    sets = _Sets(records)
    apart: dict[str, set[str]] = defaultdict(set)
    for a, b in rejected:
        apart[a].add(b)
        apart[b].add(a)
    applied: list[Link] = []
    conflicts: list[tuple[Link, str]] = []
    links = [l for l in links if l.a in records and l.b in records]
    # The lists' own word that two of their records are one comes first and is exempt from the list guard.
    own = [l for l in links if l.stage == "reference" and records[l.a].key == records[l.b].key]
    others = [l for l in links if not (l.stage == "reference" and records[l.a].key == records[l.b].key)]
    for link, exempt in [(l, True) for l in own] + [(l, False) for l in others]:
        x, y = sets.find(link.a), sets.find(link.b)
        if x == y:
            applied.append(link)
            continue
        why = _refusal(sets, x, y, apart, same_list_ok=exempt)
        if why is None:
            common = model().common_schema(sets.schema[x], sets.schema[y])
            if common is None:
                why = f"incompatible schemata ({sets.schema[x]} and {sets.schema[y]})"
            else:
                sets.union(x, y, common)
                applied.append(link)
                continue
        conflicts.append((link, why))
    clusters = sorted(sorted(m) for m in sets.members.values())
    return Clustering(clusters, applied, conflicts)


def _refusal(sets: _Sets, x: str, y: str, apart: dict[str, set[str]], same_list_ok: bool) -> str | None:
    if not same_list_ok:
        shared = sets.keys[x] & sets.keys[y]
        if shared:
            return f"would put two records of one list ({', '.join(sorted(shared))}) into one party"
    small, big = (x, y) if len(sets.members[x]) <= len(sets.members[y]) else (y, x)
    for member in sets.members[small]:
        for other in apart.get(member, ()):
            if sets.find(other) == big:
                return f"an analyst rejected {member} and {other} as one party"
    return None
