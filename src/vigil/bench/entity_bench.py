"""entity_bench: nomenklatura's 228 labelled checks (contrib/entity_bench/checks.yml).

Query and candidate are entities with the check's properties (names, or name parts joined
into a name as nomenklatura's benchmark does); each algorithm's full entity comparison
decides match at score >= 0.7. Reported: accuracy and P/R/F1 of those decisions.
"""
from __future__ import annotations

from .context import BenchContext
from .evalsets import load_entity_checks
from .metrics import DEFAULT_THRESHOLD, confusion
from .queries import props_entity
from .report import Row

SECTION = "entity_bench"


def run(ctx: BenchContext) -> None:
    checks = ctx.sample(load_entity_checks(ctx.mirror), quick_n=60)
    pairs = [(props_entity(c.schema, c.query), props_entity(c.schema, c.candidate)) for c in checks]
    labels = [c.is_match for c in checks]
    results, failures = {}, {}
    for column, compare in ctx.comparers().items():
        scores = [compare(q, c) for q, c in pairs]
        results[column] = confusion(scores, labels, DEFAULT_THRESHOLD)
        failures[column] = [
            {"schema": ch.schema, "query": ch.query, "candidate": ch.candidate, "is_match": ch.is_match,
             "score": round(s, 3)}
            for ch, s in zip(checks, scores) if (s >= DEFAULT_THRESHOLD) != ch.is_match
        ]
    missing = ctx.missing(results)
    note = f"{len(checks)} checks" + (" sampled" if ctx.quick else "")
    ctx.report.rows += [
        Row(SECTION, "accuracy @0.7", {**{k: v.accuracy for k, v in results.items()}, **missing}, note=note),
        Row(SECTION, "F1 @0.7", {**{k: v.f1 for k, v in results.items()}, **missing}),
        Row(SECTION, "precision / recall @0.7",
            {**{k: f"{v.precision:.3f} / {v.recall:.3f}" for k, v in results.items()}, **missing}),
    ]
    ctx.report.details[SECTION] = {"checks": len(checks), "results": {k: v.to_dict() for k, v in results.items()},
                                   "vigil_failures": failures.get("vigil", [])}
