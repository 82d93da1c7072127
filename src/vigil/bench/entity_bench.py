"""entity_bench: nomenklatura's 228 labelled checks (contrib/entity_bench/checks.yml).

Query and candidate are entities with the check's properties (names, or name parts joined
into a name as nomenklatura's benchmark does); each algorithm's full entity comparison
decides match at score >= 0.7. The checks are split into a held-out and a tuning half
(`splits`); the held-out half counts (target: vigil at least logic-v2 on it). Reported per half:
accuracy and P/R/F1 of those decisions.
"""
from __future__ import annotations

from .context import BenchContext
from .evalsets import load_entity_checks
from .metrics import DEFAULT_THRESHOLD, confusion
from .queries import props_entity
from .report import Row
from .splits import HELD_OUT, TUNING, entity_check_key, split_of

SECTION = "entity_bench"


def run(ctx: BenchContext) -> None:
    checks = ctx.sample(load_entity_checks(ctx.mirror), quick_n=60)
    split = [split_of(entity_check_key(c.schema, c.query, c.candidate)) for c in checks]
    pairs = [(props_entity(c.schema, c.query), props_entity(c.schema, c.candidate)) for c in checks]
    scores = {column: [compare(q, c) for q, c in pairs] for column, compare in ctx.comparers().items()}
    sampled = " sampled" if ctx.quick else ""
    details: dict = {"checks": len(checks)}
    for half in (HELD_OUT, TUNING):
        keep = [k for k, s in enumerate(split) if s == half]
        labels = [checks[k].is_match for k in keep]
        results = {column: confusion([sc[k] for k in keep], labels, DEFAULT_THRESHOLD)
                   for column, sc in scores.items()}
        missing = ctx.missing(results)
        reference = results.get("logic-v2")
        counts = half == HELD_OUT and reference is not None
        ctx.report.rows += [
            Row(SECTION, f"{half}: accuracy @0.7", {**{k: v.accuracy for k, v in results.items()}, **missing},
                target=f"≥ logic-v2" if counts else "",
                check=(lambda v, ref=reference.accuracy: v >= ref) if counts else None,
                note=f"{len(keep)} checks{sampled}"),
            Row(SECTION, f"{half}: F1 @0.7", {**{k: v.f1 for k, v in results.items()}, **missing}),
            Row(SECTION, f"{half}: precision / recall @0.7",
                {**{k: f"{v.precision:.3f} / {v.recall:.3f}" for k, v in results.items()}, **missing}),
        ]
        details[half] = {"checks": len(keep), "results": {k: v.to_dict() for k, v in results.items()}}
        if half == TUNING and "vigil" in scores:
            details["vigil_tuning_failures"] = [
                {"schema": checks[k].schema, "query": checks[k].query, "candidate": checks[k].candidate,
                 "is_match": checks[k].is_match, "score": round(scores["vigil"][k], 3)}
                for k in keep if (scores["vigil"][k] >= DEFAULT_THRESHOLD) != checks[k].is_match
            ]
    ctx.report.details[SECTION] = details
