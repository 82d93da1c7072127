"""google/transliteration ar2en TEST split (1,590 Arabic → Latin name pairs; never used for tuning).

vigil: a Matcher over Person entities, one per distinct Latin name of the test split; each Arabic
name is screened (threshold 0, limit 5). top-1 / top-5: the correct Latin name is the first / among
the first five results (compared by name, so duplicate Latin names are not penalised).
nomenklatura has no index, so its algorithms score a fixed sample of Arabic queries (50; 10 with --quick) against every
Latin name (all pairs) and rank the same way; the sample size is in the note.
"""
from __future__ import annotations

from .anchors import NOT_INSTALLED
from .context import BenchContext
from .evalsets import load_ar2en_test
from .keys import name_key
from .metrics import share
from .queries import name_entity
from .report import Row

SECTION = "ar2en test"
ANCHOR_SAMPLE = (50, 10)  # full, --quick; each query x 1,590 candidates, ~80k nomenklatura comparisons


def run(ctx: BenchContext) -> None:
    from . import anchors, engine

    pairs = load_ar2en_test(ctx.mirror)
    latin = list(dict.fromkeys(p.latin for p in pairs))
    candidates = [name_entity("Person", name) for name in latin]
    for i, cand in enumerate(candidates):
        cand.id = f"ar2en-{i}"
    matcher = engine.build_matcher(candidates)
    queries = ctx.sample(pairs, quick_n=300)
    top1 = top5 = 0
    misses = []
    for pair in queries:
        resp = matcher.match(name_entity("Person", pair.arabic), limit=5, threshold=0.0)
        keys = [name_key(r.entity.caption) for r in resp.results]
        want = name_key(pair.latin)
        top1 += bool(keys) and keys[0] == want
        top5 += want in keys
        if not keys or keys[0] != want:
            misses.append({"arabic": pair.arabic, "latin": pair.latin,
                           "got": [(r.entity.caption, round(r.score, 3)) for r in resp.results[:3]]})
    values1 = {"vigil": share(top1, len(queries))}
    values5 = {"vigil": share(top5, len(queries))}
    n_anchor = ANCHOR_SAMPLE[1] if ctx.quick else ANCHOR_SAMPLE[0]
    if ctx.anchors_ok:
        sample = ctx.sample(pairs, quick_n=n_anchor, full_n=n_anchor)
        proxies = [anchors.proxy_from_entity(c) for c in candidates]  # built once, not per comparison
        for name in anchors.ANCHORS:
            algorithm, config = anchors.algorithm(name)
            a1 = a5 = 0
            for pair in sample:
                query = anchors.proxy_from_entity(name_entity("Person", pair.arabic))
                scored = ((algorithm.compare(query, c, config).score, i) for i, c in enumerate(proxies))
                ranked = sorted(scored, key=lambda x: -x[0])[:5]
                keys = [name_key(latin[i]) for score, i in ranked if score > 0]
                a1 += bool(keys) and keys[0] == name_key(pair.latin)
                a5 += name_key(pair.latin) in keys
            values1[name] = share(a1, len(sample))
            values5[name] = share(a5, len(sample))
    else:
        values1.update({a: NOT_INSTALLED for a in anchors.ANCHORS})
        values5.update({a: NOT_INSTALLED for a in anchors.ANCHORS})
    note = f"{len(queries)} queries" + (f"; nomenklatura {n_anchor}" if ctx.anchors_ok else "")
    ctx.report.rows += [
        Row(SECTION, "top-1 accuracy", values1, note=note + f", {len(latin)} Latin names"),
        Row(SECTION, "top-5 accuracy", values5),
    ]
    ctx.report.details[SECTION] = {"queries": len(queries), "latin_names": len(latin), "top1": top1,
                                   "top5": top5, "misses": misses[:50]}
