"""vigil's side of the comparison: the Matcher over all lists, and pairwise scoring of two entities.

Pairwise scores (name_bench, entity checks, cross-script and UN pairs) go through the same
scorer the Matcher uses: `vigil.matching.compare(query, candidate, ...)` when the matching
package exposes it, otherwise a one-entity `Matcher([candidate])` with threshold 0, which is
exactly what a user screening against that single entity would see.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

from vigil.model import Entity



class EngineMissing(Exception):
    """vigil.matching is not importable yet (or lacks the Matcher)."""


def _matching() -> Any:
    try:
        module = importlib.import_module("vigil.matching")
    except ImportError as exc:
        raise EngineMissing(f"vigil.matching is not available: {exc}") from exc
    if not hasattr(module, "Matcher"):
        raise EngineMissing("vigil.matching has no Matcher")
    return module


def available() -> bool:
    try:
        _matching()
        return True
    except EngineMissing:
        return False


def build_matcher(entities: list[Entity]) -> Any:
    return _matching().Matcher(entities)


def _score_of(result: Any) -> float:
    if isinstance(result, (int, float)):
        return float(result)
    return float(result.score)


def comparer(algorithm: str = "vigil") -> Callable[[Entity, Entity], float]:
    """A `(query, candidate) -> score in [0, 1]` function using vigil's scorer."""
    matching = _matching()
    direct = getattr(matching, "compare", None)
    if callable(direct):
        def compare(query: Entity, candidate: Entity) -> float:
            return _score_of(direct(query, candidate, algorithm=algorithm))
    else:
        Matcher = matching.Matcher

        def compare(query: Entity, candidate: Entity) -> float:
            resp = Matcher([candidate]).match(query, limit=1, threshold=0.0, algorithm=algorithm)
            return max((float(r.score) for r in resp.results), default=0.0)
    compare.__name__ = algorithm
    return compare


def pairwise_mode() -> str:
    """How `comparer` scores a pair (shown in the report, since it affects pairs/s)."""
    return "vigil.matching.compare" if callable(getattr(_matching(), "compare", None)) else "one-entity Matcher"

