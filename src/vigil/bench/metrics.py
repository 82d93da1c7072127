"""Classification metrics for the benchmarks: confusion counts, P/R/F1, the best threshold, latency percentiles."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence

from vigil.settings import DEFAULT_THRESHOLD  # vigil's (and nomenklatura's) default match threshold


@dataclass(frozen=True)
class Confusion:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else 0.0

    def to_dict(self) -> dict[str, float]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1,
                "accuracy": self.accuracy}


def confusion(scores: Sequence[float], labels: Sequence[bool], threshold: float = DEFAULT_THRESHOLD) -> Confusion:
    """A pair is predicted a match when its score is >= threshold (nomenklatura's name_bench convention)."""
    if len(scores) != len(labels):
        raise ValueError(f"{len(scores)} scores but {len(labels)} labels")
    tp = fp = tn = fn = 0
    for score, label in zip(scores, labels):
        predicted = score >= threshold
        if predicted and label:
            tp += 1
        elif predicted:
            fp += 1
        elif label:
            fn += 1
        else:
            tn += 1
    return Confusion(tp, fp, tn, fn)


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, Confusion]:
    """The threshold that maximises F1 over all distinct scores (ties: the lowest such threshold).

    Only observed scores can change the decision, so trying each distinct score is exhaustive.
    """
    best: tuple[float, Confusion] | None = None
    for threshold in sorted(set(round(s, 6) for s in scores)):
        result = confusion(scores, labels, threshold)
        if best is None or result.f1 > best[1].f1:
            best = (threshold, result)
    if best is None:
        return DEFAULT_THRESHOLD, Confusion()
    return best


def percentile(values: Iterable[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100); what latency reports usually quote."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def share(hits: int, total: int) -> float:
    return hits / total if total else 0.0
