"""`/ui/entities/{id}`: everything about one listed entity, its history and its other listings."""
from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse

from vigil.model import Entity
from vigil.service.party_results import list_rank
from vigil.web import text as webtext
from vigil.web.auth import UIUser, need
from vigil.web.render import page
from vigil.web.routes.common import PageError, loaded

router = APIRouter(include_in_schema=False)

SHOWN_ELSEWHERE = {"name", "alias", "weakAlias", "previousName", "birthDate", "birthPlace", "nationality",
                   "citizenship", "country", "address", "program", "notes", "topics", "createdAt", "modifiedAt"}
SAME_PARTY = 0.9  # score from which a record on another list is shown as probably the same party

MATCH_PROPS = ("name", "alias", "previousName", "weakAlias", "birthDate", "nationality", "citizenship", "country",
               "gender", "passportNumber", "idNumber", "registrationNumber", "imoNumber", "taxNumber")

_referrers: dict[int, tuple[Any, dict[str, list[str]]]] = {}
_ref_lock = threading.Lock()


def referrers(matcher: Any) -> dict[str, list[str]]:
    """Entity id -> ids of entities naming it in `referents` (e.g. the UK entry citing a UN reference).

    Built once per loaded index (a reload brings a new Matcher object)."""
    with _ref_lock:
        hit = _referrers.get(id(matcher))
        if hit is not None and hit[0] is matcher:
            return hit[1]
        out: dict[str, list[str]] = {}
        for rec in matcher.index.entities:
            for ref in rec.entity.referents:
                out.setdefault(ref, []).append(rec.entity.id)
        _referrers.clear()
        _referrers[id(matcher)] = (matcher, out)
        return out


def _ref(matcher: Any, entity_id: str) -> dict[str, Any]:
    other = matcher.get(entity_id)
    if other is None:
        return {"id": entity_id, "caption": None, "datasets": [], "loaded": False}
    return {"id": entity_id, "caption": other.caption, "datasets": other.datasets, "loaded": True}


CORROBORATING = ("dob_match", "id_match")  # evidence beyond the name that makes "same party" likely


def same_party(index: Any, entity) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records on *other* lists found by screening the entity itself, for lists without cross-references
    (OFAC SDN <-> UN): (probably the same party: name plus birth date or identifier, same name only)."""
    from vigil.service.screening import QueryError, ScreenOptions, screen

    others = [d for d in index.dataset_names if d not in entity.datasets]
    if not others or not entity.names:
        return [], []
    query = Entity(entity.schema.name, properties={k: v for k, v in entity.properties.items()
                                                    if k in MATCH_PROPS})
    try:
        response = screen(index.matcher, query, ScreenOptions(limit=5, threshold=SAME_PARTY, datasets=others))
    except QueryError:  # e.g. a listed name longer than a query may be: the page still shows the entity
        return [], []
    probable, names_only = [], []
    for r in response["results"]:
        if not r["match"] or r["schema"] != entity.schema.name:
            continue
        expl = r.get("explanations") or {}
        contradicted = any(k.endswith("_mismatch") and float(e.get("score") or 0) for k, e in expl.items())
        corroborated = any(float((expl.get(k) or {}).get("score") or 0) > 0 for k in CORROBORATING)
        (probable if corroborated and not contradicted else names_only).append(r)
    return probable, names_only


def _other_properties(entity) -> list[tuple[str, str, list[str]]]:
    """(label, type, values) for identifiers and everything not shown in its own section."""
    rows = []
    for prop, values in entity.properties.items():
        if prop in SHOWN_ELSEWHERE:
            continue
        rows.append((webtext.prop_label(prop), entity.schema.prop_type(prop) or "", values))
    rows.sort(key=lambda r: (r[1] != "identifier", r[0]))
    return rows


@router.get("/ui/entities/{entity_id}")
def entity_page(request: Request, entity_id: str = Path(..., max_length=200),
                user: UIUser = Depends(need("screen"))):
    if "\x00" in entity_id:  # no id holds one, and PostgreSQL refuses it in a query
        raise PageError(404, f"No entity with id {entity_id!r} in the loaded lists.", title="Not found")
    index = loaded(request)
    matcher = index.matcher
    if entity_id.startswith("vp-"):  # a party (API results' `party`): its representative record's page
        return _party_redirect(request, matcher, entity_id)
    entity = matcher.get(entity_id)
    store = request.app.state.index.store
    history = store.history(entity_id)
    if entity is None:
        if not history:
            raise PageError(404, f"No entity with id {entity_id!r} in the loaded lists.", title="Not found")
        # Delisted: show what the store remembers, so an analyst can see when and why it went.
        entity = store.entity(entity_id)
    parties = request.app.state.index.parties()
    party_id = parties.party_of(entity_id) if parties is not None else None
    party = [_ref(matcher, r) for r in (parties.members(party_id) if party_id else ()) if r != entity_id]
    outgoing = [_ref(matcher, r) for r in (entity.referents if entity else []) if r not in {p["id"] for p in party}]
    incoming = [_ref(matcher, r) for r in referrers(matcher).get(entity_id, []) if r != entity_id]
    linked = {r["id"] for r in outgoing + incoming + party}
    probable, names_only = same_party(index, entity) if entity else ([], [])
    return page(
        request, "entity.html", similar=[r for r in probable if r["id"] not in linked],
        same_name=[r for r in names_only if r["id"] not in linked], title=f"{entity.caption if entity else entity_id} — vigil",
        entity=entity, entity_id=entity_id, current=matcher.get(entity_id) is not None,
        names=webtext.group_names(entity) if entity else [], others=_other_properties(entity) if entity else [],
        history=list(reversed(history)), outgoing=outgoing, incoming=incoming, party_id=party_id, party=party,
        graph=_graph_view(store, entity, matcher),
    )


def _party_redirect(request: Request, matcher: Any, party_id: str) -> RedirectResponse:
    """303 to the page of the party's representative current record (official lists first, as screening
    results choose it), whose "same party" section lists the others. A retired party id follows its successor
(`PartyMap.members`); an unknown one gives 404."""
    parties = request.app.state.index.parties()
    members = [matcher.get(r) for r in (parties.members(party_id) if parties is not None else ())]
    members = [m for m in members if m is not None]
    if not members:
        raise PageError(404, f"No party with id {party_id!r} in the current resolution.", title="Not found")
    best = min(members, key=lambda m: (list_rank(m.datasets), m.id or ""))
    return RedirectResponse(f"/ui/entities/{quote(best.id or '', safe='')}#party", status_code=303)


def _graph_view(store: Any, entity: Any, matcher: Any):
    """The relations picture (None when the lists state none, or the graph cannot be read)."""
    import logging

    from vigil.service.graph import graph_for
    from vigil.web.graphview import layout

    if entity is None:
        return None
    try:
        return layout(entity, graph_for(store), matcher.get)
    except Exception:  # the page still shows the entity
        logging.getLogger(__name__).exception("relation graph for %s", entity.id)
        return None

