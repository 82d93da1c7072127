"""name_bench: nomenklatura's 826 labelled name pairs (contrib/name_bench/cases.csv).

Each pair becomes two entities of the case's schema with only a `name`; each algorithm scores
the pair; a pair is predicted a match when score >= threshold. Reported: P/R/F1 at the default
threshold 0.7, and the best F1 over all thresholds (with that threshold).
"""
from __future__ import annotations

from collections import defaultdict

from .context import BenchContext
from .evalsets import load_name_bench
from .metrics import DEFAULT_THRESHOLD, best_threshold, confusion
from .queries import name_entity
from .report import Row

SECTION = "name_bench"


def run(ctx: BenchContext) -> None:
    cases = ctx.sample(load_name_bench(ctx.mirror), quick_n=150)
    pairs = [(name_entity(c.schema, c.name1), name_entity(c.schema, c.name2)) for c in cases]
    labels = [c.is_match for c in cases]
    at_default, best, details = {}, {}, {}
    for column, compare in ctx.comparers().items():
        scores = [compare(q, c) for q, c in pairs]
        at_default[column] = confusion(scores, labels, DEFAULT_THRESHOLD)
        best[column] = best_threshold(scores, labels)
        details[column] = _details(cases, scores)
    missing = ctx.missing(at_default)
    note = f"{len(cases)} pairs" + (" sampled" if ctx.quick else "")
    ctx.report.rows += [
        Row(SECTION, "F1 @0.7", {**{k: v.f1 for k, v in at_default.items()}, **missing},
            target="≥ 0.90", check=lambda v: v >= 0.90, note=note),
        Row(SECTION, "precision @0.7", {**{k: v.precision for k, v in at_default.items()}, **missing}),
        Row(SECTION, "recall @0.7", {**{k: v.recall for k, v in at_default.items()}, **missing}),
        Row(SECTION, "best F1 @threshold",
            {**{k: f"{c.f1:.3f} @{t:.2f}" for k, (t, c) in best.items()}, **missing}),
    ]
    ctx.report.details[SECTION] = {
        "pairs": len(cases),
        "at_default": {k: v.to_dict() for k, v in at_default.items()},
        "best": {k: {"threshold": t, **c.to_dict()} for k, (t, c) in best.items()},
        **{f"{k}_analysis": v for k, v in details.items()},
    }


def _details(cases, scores) -> dict:
    """Per-schema F1 and the worst errors, for whoever tunes the matcher next."""
    by_schema = defaultdict(list)
    for case, score in zip(cases, scores):
        by_schema[case.schema].append((score, case.is_match))
    errors = [
        {"schema": c.schema, "name1": c.name1, "name2": c.name2, "is_match": c.is_match, "score": round(s, 3),
         "quality": c.quality, "group": c.group}
        for c, s in zip(cases, scores) if (s >= DEFAULT_THRESHOLD) != c.is_match
    ]
    errors.sort(key=lambda e: -abs(e["score"] - DEFAULT_THRESHOLD))
    return {
        "f1_by_schema": {s: round(confusion([x for x, _ in v], [y for _, y in v]).f1, 3) for s, v in by_schema.items()},
        "false_positives": [e for e in errors if not e["is_match"]][:25],
        "false_negatives": [e for e in errors if e["is_match"]][:25],
    }
