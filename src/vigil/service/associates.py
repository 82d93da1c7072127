"""An associated party in a screening query as evidence, through the relations the lists state.

A query may name a party its subject is associated with (`associatedParty`, e.g. the employer or the
organisation a customer is said to belong to). Each such name is screened on its own; a result the lists
relate to one of those hits (Alavi "Linked To" MOIS, a commander "member of" his force ...) gets a
`related_party` explanation saying so: "related on the lists to IRANIAN MINISTRY OF INTELLIGENCE AND
SECURITY (Linked To), the associated party named in the query". Scores are not changed: the analyst sees
the corroboration next to the score, as the scan shows a role or a relation.
"""
from __future__ import annotations

from typing import Any

from vigil.model import Entity
from vigil.settings import DEFAULT_THRESHOLD

PROP = "associatedParty"
# An associated party's name must itself reach the default match threshold against a listed entity; the
# relation the lists state between that entity and a result is what makes it evidence.
ASSOCIATE_THRESHOLD = DEFAULT_THRESHOLD
ASSOCIATE_LIMIT = 5


def associated_hits(matcher: Any, names: list[str]) -> dict[str, tuple[str, str]]:
    """Listed entity id -> (its caption, the associated name it matched), for every name."""
    out: dict[str, tuple[str, str]] = {}
    for name in names:
        query = Entity("LegalEntity", properties={"name": [name]})
        try:
            resp = matcher.match(query, limit=ASSOCIATE_LIMIT, threshold=ASSOCIATE_THRESHOLD)
        except (ValueError, KeyError):
            continue
        for r in resp.results:
            if r.score < ASSOCIATE_THRESHOLD:
                continue
            for entity_id in [r.entity.id, *r.entity.referents]:
                if entity_id:
                    out.setdefault(entity_id, (r.entity.caption, name))
    return out


def annotate(entry: dict[str, Any], query: Entity, matcher: Any, graph: Any) -> None:
    """Add `related_party` explanations to the results of one /match response entry (in place)."""
    names = query.get(PROP)
    if not names or graph is None or not entry.get("results"):
        return
    hits = associated_hits(matcher, names)
    if not hits:
        return
    for result in entry["results"]:
        ids = [result.get("id"), *(result.get("referents") or [])]
        found: list[str] = []
        asked = ""
        for entity_id in ids:
            if not entity_id:
                continue
            for edge in graph.of(entity_id):
                other = edge.other(entity_id)
                if other in hits:
                    caption, asked = hits[other]
                    found.append(f"{caption} ({edge.label(entity_id)})")
        if found:
            found = list(dict.fromkeys(found))
            result.setdefault("explanations", {})["related_party"] = {
                "score": 1.0, "weight": 0.0, "query": asked, "candidate": found[0],
                "detail": f"related on the lists to {', '.join(found)}, the associated party named in the query",
            }
