"""UN perturbed positives: yente's 683 pairs (positives_un_treated.csv row i is a perturbed
variant — typos, reordering — of the UN-listed person in positives_un_untreated.csv row i).

Ground truth: the UN-list entities (dataset un_sc_sanctions) having a name (name, alias,
weakAlias or previousName) whose `name_key` equals the untreated full name's. Rows with no
such entity (delisted since, or spelled differently) are excluded and counted as unresolved.

* list recall: the treated row (name, birth date, nationality, gender, birth place) screened
  with the Matcher against ALL loaded lists, limit 10, threshold 0.7: found when a result
  flagged `match` is a ground-truth entity or refers to one (`referents`, e.g. a UK entry
  carrying the UN reference).
* top-1 party: the first result is a match and its party (the store's cross-list resolution, as every
  front end groups results) holds a ground-truth entity. Reported only when the lists come from a store
  whose parties were resolved; without parties the UK, OFAC or EU copy of a UN listing ranks first as
  often as the UN record does, so a record-level top-1 measures tie order, not matching.
* pair recall (comparable across algorithms): score(treated query, ground-truth entity) >= 0.7.
"""
from __future__ import annotations

from collections import defaultdict

from .context import BenchContext
from .evalsets import load_un_pairs
from .keys import name_key
from .metrics import DEFAULT_THRESHOLD, share
from .queries import person_entity
from .report import NOT_COMPARABLE, Row, fmt_pct

SECTION = "UN perturbed"
UN_DATASET = "un_sc_sanctions"
LIMIT = 10


def run(ctx: BenchContext) -> None:
    pairs = ctx.sample(load_un_pairs(ctx.mirror), quick_n=150)
    lists = ctx.lists()
    by_key: dict[str, list] = defaultdict(list)
    for entity in lists.entities:
        if UN_DATASET in entity.datasets:
            for name in entity.names:
                by_key[name_key(name)].append(entity)
    if not by_key:
        raise RuntimeError("the UN list is not loaded (ingest it: vigil ingest un …)")
    resolved = [(treated, by_key[name_key(untreated.full_name)]) for treated, untreated in pairs
                if by_key.get(name_key(untreated.full_name))]
    unresolved = [untreated.full_name for _, untreated in pairs if not by_key.get(name_key(untreated.full_name))]

    matcher = ctx.matcher()
    parties = ctx.party_map()
    found = top1 = 0
    misses = []
    queries = [(person_entity(treated), expected) for treated, expected in resolved]
    for query, expected in queries:
        ids = {e.id for e in expected}
        resp = matcher.match(query, limit=LIMIT, threshold=DEFAULT_THRESHOLD)
        hits = [r for r in resp.results if r.match and (r.entity.id in ids or ids & set(r.entity.referents))]
        if hits:
            found += 1
            first = resp.results[0]
            if parties is not None:
                party = parties.party_of(first.entity.id or "")
                members = set(parties.members(party)) if party else {first.entity.id}
                top1 += first.match and bool(ids & members)
        else:
            best = resp.results[0] if resp.results else None
            misses.append({"query": query.first("name"), "expected": sorted(ids),
                           "expected_name": expected[0].caption,
                           "best": best.entity.id if best else None,
                           "best_name": best.entity.caption if best else None,
                           "best_score": round(best.score, 3) if best else None})

    pair_recall = {}
    for column, compare in ctx.comparers().items():
        hit = sum(max(compare(q, e) for e in exp) >= DEFAULT_THRESHOLD for q, exp in queries)
        pair_recall[column] = share(hit, len(queries))
    missing = ctx.missing(pair_recall)
    n = len(queries)
    note = f"{n} resolved of {len(pairs)}" + (" sampled" if ctx.quick else "")
    no_index = {"logic-v2": NOT_COMPARABLE, "logic-v1": NOT_COMPARABLE}
    ctx.report.rows += [
        Row(SECTION, "list recall (match in top 10, all lists)", {"vigil": share(found, n), **no_index},
            fmt=fmt_pct, target="≥ 99%", check=lambda v: v >= 0.99, note=note),
    ]
    if parties is not None:
        ctx.report.rows.append(Row(SECTION, "top-1 is the listed person's party (store's parties)",
                                   {"vigil": share(top1, n), **no_index}, fmt=fmt_pct))
    ctx.report.rows += [
        Row(SECTION, "pair recall (query vs its entry) @0.7", {**pair_recall, **missing}, fmt=fmt_pct),
    ]
    ctx.report.details[SECTION] = {"pairs": len(pairs), "resolved": n, "unresolved": unresolved[:50],
                                   "found": found, "top1": top1 if parties is not None else None, "misses": misses[:50]}
