"""Shared scoring of the list-built evaluations (`alias_holdout`, `cross_list`): one query with
known target entities, ranked by vigil's Matcher and by logic-v2 in a yente-like pipeline.

Outcome of one query, from the ranked results (limit `LIMIT`, any score):
* ``top1``: the first result is a target and scores >= 0.7;
* ``top3``: a target is among the first three results and scores >= 0.7;
* a miss of top-1 is put down to one cause: ``retrieval`` (no target among the first `LIMIT`
  results at any score), ``threshold`` (a target is first but scores < 0.7) or ``wrong entity``
  (another entity ranks above every target).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from vigil.model import Entity

from .metrics import DEFAULT_THRESHOLD, share
from .report import NOT_COMPARABLE, Row

LIMIT = 50
CAUSES = ("retrieval", "threshold", "wrong entity")


@dataclass
class Case:
    query: Entity
    targets: frozenset[str]
    label: str  # what the report shows for a miss (the query name and the target)


@dataclass
class Tally:
    n: int = 0
    top1: int = 0
    top3: int = 0
    causes: Counter = field(default_factory=Counter)
    misses: list[dict] = field(default_factory=list)

    def add(self, case: Case, ranked: list[tuple[float, Entity]]) -> None:
        self.n += 1
        hit_rank = next((r for r, (_, e) in enumerate(ranked) if e.id in case.targets), None)
        hit_score = ranked[hit_rank][0] if hit_rank is not None else 0.0
        if hit_rank == 0 and hit_score >= DEFAULT_THRESHOLD:
            self.top1 += 1
            self.top3 += 1
            return
        if hit_rank is not None and hit_rank < 3 and hit_score >= DEFAULT_THRESHOLD:
            self.top3 += 1
        cause = "retrieval" if hit_rank is None else ("threshold" if hit_rank == 0 else "wrong entity")
        self.causes[cause] += 1
        if len(self.misses) < 60:
            best = ranked[0] if ranked else None
            self.misses.append({"case": case.label, "cause": cause,
                                "target_rank": None if hit_rank is None else hit_rank + 1,
                                "target_score": round(hit_score, 3),
                                "best": best[1].id if best else None,
                                "best_name": best[1].caption if best else None,
                                "best_score": round(best[0], 3) if best else None})

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "top1": self.top1, "top3": self.top3, "causes": dict(self.causes),
                "misses": self.misses}


def run_vigil(matcher: Any, cases: Iterable[Case], schema_known: bool = True) -> Tally:
    tally = Tally()
    for case in cases:
        resp = matcher.match(case.query, limit=LIMIT, threshold=DEFAULT_THRESHOLD)
        tally.add(case, [(r.score, r.entity) for r in resp.results])
    return tally


def run_pipeline(pipeline: Any, cases: Iterable[Case]) -> Tally:
    tally = Tally()
    for case in cases:
        tally.add(case, pipeline.rank(case.query))
    return tally


def rows(section: str, half: str, tallies: dict[str, Tally], note: str, target: float | None) -> list[Row]:
    """top-1 (with the target when `target`), top-3 and the vigil misses by cause, for one half."""
    def values(attr: str) -> dict[str, Any]:
        out: dict[str, Any] = {"logic-v1": NOT_COMPARABLE}
        for column in ("vigil", "logic-v2"):
            t = tallies.get(column)
            out[column] = share(getattr(t, attr), t.n) if t else NOT_COMPARABLE
        return out

    def causes(column: str) -> str:
        t = tallies.get(column)
        return " / ".join(str(t.causes.get(c, 0)) for c in CAUSES) if t else NOT_COMPARABLE

    counts = target is not None
    return [
        Row(section, f"{half}: top-1", values("top1"), target=f"≥ {target:.2f}" if counts else "",
            check=(lambda v, t=target: v >= t) if counts else None, note=note),
        Row(section, f"{half}: top-3", values("top3")),
        Row(section, f"{half}: misses by cause ({' / '.join(CAUSES)})",
            {"vigil": causes("vigil"), "logic-v2": causes("logic-v2"), "logic-v1": NOT_COMPARABLE}),
    ]
