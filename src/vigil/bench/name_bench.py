"""name_bench: nomenklatura's 826 labelled name pairs (contrib/name_bench/cases.csv).

Each pair becomes two entities of the case's schema with only a `name`; each algorithm scores
the pair; a pair is predicted a match when score >= threshold. The cases are split into a
held-out and a tuning half (`splits`); the held-out half is the figure that counts. Reported per
half: P/R/F1 at the default threshold 0.7, and the best F1 over all thresholds (with that threshold).
"""
from __future__ import annotations

from collections import defaultdict

from .context import BenchContext
from .evalsets import load_name_bench
from .metrics import DEFAULT_THRESHOLD, best_threshold, confusion
from .queries import name_entity
from .report import Row
from .splits import HELD_OUT, TUNING, name_case_key, split_of

SECTION = "name_bench"


def run(ctx: BenchContext) -> None:
    cases = ctx.sample(load_name_bench(ctx.mirror), quick_n=150)
    split = [split_of(name_case_key(c.schema, c.name1, c.name2)) for c in cases]
    pairs = [(name_entity(c.schema, c.name1), name_entity(c.schema, c.name2)) for c in cases]
    scores = {column: [compare(q, c) for q, c in pairs] for column, compare in ctx.comparers().items()}
    sampled = " sampled" if ctx.quick else ""
    details: dict = {"pairs": len(cases)}
    for half in (HELD_OUT, TUNING):
        keep = [k for k, s in enumerate(split) if s == half]
        labels = [cases[k].is_match for k in keep]
        at_default, best = {}, {}
        for column, all_scores in scores.items():
            sc = [all_scores[k] for k in keep]
            at_default[column] = confusion(sc, labels, DEFAULT_THRESHOLD)
            best[column] = best_threshold(sc, labels)
        missing = ctx.missing(at_default)
        counts = half == HELD_OUT
        ctx.report.rows += [
            Row(SECTION, f"{half}: F1 @0.7", {**{k: v.f1 for k, v in at_default.items()}, **missing},
                target="≥ 0.93" if counts else "", check=(lambda v: v >= 0.93) if counts else None,
                note=f"{len(keep)} pairs{sampled}"),
            Row(SECTION, f"{half}: precision / recall @0.7",
                {**{k: f"{v.precision:.3f} / {v.recall:.3f}" for k, v in at_default.items()}, **missing}),
            Row(SECTION, f"{half}: best F1 @threshold",
                {**{k: f"{c.f1:.3f} @{t:.2f}" for k, (t, c) in best.items()}, **missing}),
        ]
        details[half] = {
            "pairs": len(keep),
            "at_default": {k: v.to_dict() for k, v in at_default.items()},
            "best": {k: {"threshold": t, **c.to_dict()} for k, (t, c) in best.items()},
        }
    if "vigil" in scores:
        # Error analysis of the tuning half only: the held-out cases are not for reading while tuning.
        keep = [k for k, s in enumerate(split) if s == TUNING]
        details["vigil_tuning_analysis"] = _details([cases[k] for k in keep], [scores["vigil"][k] for k in keep])
    ctx.report.details[SECTION] = details


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
