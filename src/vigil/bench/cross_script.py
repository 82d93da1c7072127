"""Cross-script: watchman's 22 pairs (Arabic, Cyrillic, CJK, Hangul, Greek, Hebrew, Thai → Latin).

* found (the target): the expected Latin name is the query's best-scoring name among all the
  file's distinct expected names, and scores >= 0.7 (so a screening user would see it as a match).
* >= 0.7 / >= min_score: the pair's own score against the default threshold and against
  watchman's per-pair minimum.
* via the Matcher: for expected names that are names of a listed entity (same name_key),
  screening the non-Latin query against all lists returns one of those entities as a match
  among the first 50 results.
Queries and candidates are Person entities with one name.
"""
from __future__ import annotations

from collections import defaultdict

from .context import BenchContext
from .evalsets import load_cross_script
from .keys import name_key
from .metrics import DEFAULT_THRESHOLD
from .queries import name_entity
from .report import NOT_COMPARABLE, Row

SECTION = "cross-script"
# Generic names ('Abdullah') are aliases of many listed people: look past the first page of results.
MATCHER_LIMIT = 50


def run(ctx: BenchContext) -> None:
    pairs = load_cross_script(ctx.mirror)  # 22 pairs: never subsampled
    n = len(pairs)
    expected_names = list(dict.fromkeys(p.expected for p in pairs))
    candidates = {name: name_entity("Person", name) for name in expected_names}
    found, above, above_min, details = {}, {}, {}, {}
    for column, compare in ctx.comparers().items():
        f = a = m = 0
        rows = []
        for pair in pairs:
            query = name_entity("Person", pair.query)
            scores = {name: compare(query, cand) for name, cand in candidates.items()}
            own = scores[pair.expected]
            best = max(scores.values())
            is_found = own >= DEFAULT_THRESHOLD and own >= best
            f += is_found
            a += own >= DEFAULT_THRESHOLD
            m += own >= pair.min_score
            rows.append({"query": pair.query, "expected": pair.expected, "score": round(own, 3),
                         "min_score": pair.min_score, "best_other": max(((s, k) for k, s in scores.items()
                                                                         if k != pair.expected), default=None),
                         "found": is_found})
        found[column], above[column], above_min[column], details[column] = f, a, m, rows
    missing = ctx.missing(found)

    def count(v: float) -> str:
        return f"{int(v)}/{n}"

    ctx.report.rows += [
        Row(SECTION, "found (best of file's names, ≥0.7)", {**found, **missing}, fmt=count,
            target=f"{n}/{n}", check=lambda v: v >= n),
        Row(SECTION, "pair score ≥ 0.7", {**above, **missing}, fmt=count),
        Row(SECTION, "pair score ≥ watchman min_score", {**above_min, **missing}, fmt=count),
    ]
    listed = _via_matcher(ctx, pairs)
    if listed is not None:
        hits, total, rows = listed
        ctx.report.rows.append(Row(SECTION, "listed names found via Matcher",
                                   {"vigil": hits, "logic-v2": NOT_COMPARABLE, "logic-v1": NOT_COMPARABLE},
                                   fmt=lambda v: f"{int(v)}/{total}", target=f"{total}/{total}",
                                   check=lambda v: v >= total, note="expected names that are list names"))
        ctx.report.details[f"{SECTION} via Matcher"] = rows
    ctx.report.details[SECTION] = {k: v for k, v in details.items()}


def _via_matcher(ctx: BenchContext, pairs):
    by_key = defaultdict(set)
    for entity in ctx.lists().entities:
        for name in entity.names:
            by_key[name_key(name)].add(entity.id)
    matcher = ctx.matcher()
    hits = total = 0
    rows = []
    for pair in pairs:
        ids = by_key.get(name_key(pair.expected))
        if not ids:
            continue
        total += 1
        resp = matcher.match(name_entity("Person", pair.query), limit=MATCHER_LIMIT, threshold=DEFAULT_THRESHOLD)
        ok = any(r.match and r.entity.id in ids for r in resp.results)
        hits += ok
        rows.append({"query": pair.query, "expected": pair.expected, "entities": sorted(ids), "found": ok,
                     "results": [(r.entity.id, r.entity.caption, round(r.score, 3)) for r in resp.results[:3]]})
    return hits, total, rows
