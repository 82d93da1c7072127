"""Joined parts in names of equal length (Nikolai Patr ushev / Nikolai Platonovich Patrushev):
`matcher.name_alignment` tries them, and the bounds cover them through `bounds.alternatives` (same
results with and without pruning)."""
from __future__ import annotations

import json

from vigil.matching import bounds
from vigil.matching.bounds import even_joins
from vigil.matching.matcher import name_alignment
from vigil.matching.names import name_tokens
from vigil.matching.scoring import DEFAULT_CONFIG

# Split words against names with one part more, both ways round, and near misses.
SPLIT = [
    ("Nikolai Patr ushev", "Nikolai Platonovich Patrushev"), ("Mohammad Bagh eri", "Mohammad Hossein Bagheri"),  # (Abubakr is abu + bakr: a kunya)
    ("Hassan Nasr Allah", "Hassan Nasrallah Ali"), ("Vladimir Pu tin", "Vladimir Vladimirovich Putin"),
    ("Sergei Shoi gu", "Sergei Kuzhugetovich Shoigu"), ("Kim Jong Un", "Kim Jongun Chol"),
    ("Ali Khamen ei", "Ali Hosseini Khamenei"), ("Nikolai Petr Ushakov", "Nikolai Platonovich Patrushev"),
]


def test_even_joins_found_and_bounded(matcher):
    index = matcher.index
    joined = 0
    for a, b in SPLIT + [(b, a) for a, b in SPLIT]:
        q, c = name_tokens(a, "person"), name_tokens(b, "person")
        assert len(q) == len(c), (a, b)
        alts = even_joins(q, c)
        joined += bool(alts)
        for org in (False, True):
            s = name_alignment(q, c, DEFAULT_CONFIG, index.weigh, org)[1]
            listed = bounds.alternatives(q, c, org)
            assert [(qt, ct) for qt, ct, _ in listed] == alts and not any(acr for *_, acr in listed)
            ub = max([bounds.align_bound(q, c, index.part_weights(q), index.part_weights(c), DEFAULT_CONFIG)]
                     + [bounds.align_bound(qt, ct, index.part_weights(qt), index.part_weights(ct), DEFAULT_CONFIG)
                        for qt, ct in alts])
            assert ub >= s - 1e-12, (a, b, org, ub, s)
    assert joined >= 10


def test_prune_gives_the_same_results_for_split_names(matcher):
    queries = [{"schema": "Person", "properties": {"name": [a]}} for a, _ in SPLIT]
    queries += [{"schema": "Person", "properties": {"name": [a], "birthDate": ["1952"], "nationality": ["ru"]}}
                for a, _ in SPLIT]
    previous = matcher.prune
    try:
        runs = []
        for prune in (False, True):
            matcher.prune = prune
            runs.append([(r.total, [(x.entity.id, round(x.score, 9), x.match,
                                     json.dumps(x.to_dict()["explanations"], sort_keys=True)) for x in r.results])
                         for r in (matcher.match(q, limit=20) for q in queries)])
    finally:
        matcher.prune = previous
    assert runs[0] == runs[1]
    # The UK entry has no two-part alias: found only through the join.
    resp = matcher.match(queries[0])
    assert "gb-hmt-13036" in {r.entity.id for r in resp.results if r.match}
