"""Stable party ids.

Scheme: a party id is `vp-` + 10 base32 characters of a hash of the smallest member record id at
the time the party first appears (so two installations resolving the same lists get the same ids).
After that the id is *persisted*, not recomputed: on each resolve, every new cluster takes over
the previous id with which it shares the most members (ties: the older party, then the smaller
id), each previous id going to at most one cluster. So an id survives list updates as long as its
party keeps members: a party that gains or loses a record keeps its id; of a party that splits,
the largest part keeps it; of two parties that merge, the one sharing more members (or the older)
keeps its id and the other is retired with the survivor as its successor. Retired ids are never
given out again, so an id once seen always means the same party or points to its successor.
"""
from __future__ import annotations

import base64
import hashlib
from collections import Counter
from dataclasses import dataclass, field

PREFIX = "vp-"


def new_id(seed: str, taken: set[str]) -> str:
    salt = 0
    while True:
        digest = hashlib.blake2b(f"{seed}#{salt}".encode() if salt else seed.encode(), digest_size=8).digest()
        pid = PREFIX + base64.b32encode(digest).decode().lower()[:10]
        if pid not in taken:
            return pid
        salt += 1


@dataclass
class Assignment:
    ids: list[str]  # one per cluster, aligned with the clusters given
    kept: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)
    retired: dict[str, str | None] = field(default_factory=dict)  # retired id -> successor


def assign(clusters: list[list[str]], previous: dict[str, str], age: dict[str, int], taken: set[str]) -> Assignment:
    """`previous`: record -> party id of the last resolve; `age`: party id -> creation order (smaller
    is older); `taken`: every id ever given out (live and retired)."""
    triples = []
    for i, members in enumerate(clusters):
        for pid, n in Counter(previous[m] for m in members if m in previous).items():
            triples.append((-n, age.get(pid, 1 << 62), pid, i))
    triples.sort()
    ids: list[str | None] = [None] * len(clusters)
    used: set[str] = set()
    for _, _, pid, i in triples:
        if ids[i] is None and pid not in used:
            ids[i] = pid
            used.add(pid)
    taken = set(taken) | used
    out = Assignment([], kept=set(used))
    for i, members in enumerate(clusters):
        pid = ids[i]
        if pid is None:
            pid = new_id(members[0], taken)
            taken.add(pid)
            out.created.add(pid)
        out.ids.append(pid)
    now = {m: pid for pid, members in zip(out.ids, clusters) for m in members}
    old_members: dict[str, list[str]] = {}
    for m, p in previous.items():
        old_members.setdefault(p, []).append(m)
    for pid in set(old_members) - used:
        heirs = Counter(now[m] for m in old_members[pid] if m in now)
        out.retired[pid] = heirs.most_common(1)[0][0] if heirs else None
    return out
