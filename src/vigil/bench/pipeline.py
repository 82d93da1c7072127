"""logic-v2 in a yente-like pipeline: candidate retrieval, then logic-v2 scoring of each candidate.

nomenklatura has no index of its own; yente puts one in front of it (Elasticsearch: fuzzy name
queries, candidates of a schema that can match the query's, then `logic-v2` on each). This is
that shape, built from what is installed:

1. retrieval: every name of every indexed entity, folded to lower-case ASCII (anyascii, as yente
   folds names for its text index), is compared with each folded query name by rapidfuzz `WRatio`;
   the entities of the best `NAMES` names, whose schema `can_match` the query's (followthemoney),
   are the candidates, at most `CANDIDATES` of them;
2. scoring: `logic-v2` (nomenklatura's default config) compares the query with each candidate;
   results are ranked by that score (ties: entity id).

Used by the list-built evaluations (`alias_holdout`, `cross_list`) beside vigil's own Matcher.
"""
from __future__ import annotations

from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz, process

from vigil.model import Entity

from . import anchors

NAMES = 60  # best-matching names looked at per query name
CANDIDATES = 20  # entities scored per query (yente asks its index for a few times the result limit)


def _fold(name: str) -> str:
    return " ".join(anyascii(name).lower().replace(",", " ").split())


class YenteLike:
    def __init__(self, entities: list[Entity], algorithm: str = "logic-v2"):
        self.algo, self.config = anchors.algorithm(algorithm)
        self.entities = entities
        self.choices: list[str] = []
        self.owner: list[int] = []
        for k, entity in enumerate(entities):
            for name in entity.names:
                folded = _fold(name)
                if folded:
                    self.choices.append(folded)
                    self.owner.append(k)
        self._proxies: dict[int, Any] = {}

    def _proxy(self, k: int) -> Any:
        proxy = self._proxies.get(k)
        if proxy is None:
            proxy = self._proxies[k] = anchors.proxy_from_entity(self.entities[k])
        return proxy

    def candidates(self, query: Entity) -> list[int]:
        qschema = anchors.proxy_from_entity(query).schema
        ranked: list[tuple[float, int]] = []
        for name in query.names:
            folded = _fold(name)
            if not folded:
                continue
            for _, score, idx in process.extract(folded, self.choices, scorer=fuzz.WRatio, limit=NAMES,
                                                 processor=None):
                ranked.append((score, self.owner[idx]))
        ranked.sort(key=lambda r: -r[0])
        out: list[int] = []
        for _, k in ranked:
            if k not in out and self._proxy(k).schema.can_match(qschema):
                out.append(k)
                if len(out) >= CANDIDATES:
                    break
        return out

    def rank(self, query: Entity) -> list[tuple[float, Entity]]:
        """(logic-v2 score, entity) for the retrieved candidates, best first."""
        qproxy = anchors.proxy_from_entity(query)
        scored = [(float(self.algo.compare(qproxy, self._proxy(k), self.config).score), self.entities[k])
                  for k in self.candidates(query)]
        scored.sort(key=lambda r: (-r[0], r[1].id or ""))
        return scored
