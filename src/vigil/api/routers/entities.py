"""GET /entities/{id}: one listed entity, as FtM JSON with the yente envelope, its relations nested;
GET /entities/{id}/adjacent: yente's adjacency map (a page of relations per property)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from vigil.api.auth import Caller, require_screen
from vigil.api.deps import JSONBytes, loaded_index, state_of
from vigil.api.models import ERRORS, AdjacentResponse, EntityResponse

router = APIRouter(tags=["Data access"])
NESTED_MAX = 500  # relations nested per property on /entities/{id} (as yente's MAX_RESULTS)
ID = Path(..., max_length=200, description="e.g. ofac-10481, unsc-IRi.039")


def _entity(request: Request, entity_id: str) -> dict[str, Any]:
    """The record (with its party) or the merged party, as yente JSON; 404 when unknown."""
    index = loaded_index(request)
    data = entity_with_party(index.matcher, state_of(request).parties(), entity_id)
    if data is None:
        raise HTTPException(404, f"no entity with id {entity_id!r} in the loaded lists")
    return data


def _graph(request: Request):
    from vigil.service.graph import graph_for

    try:
        return graph_for(state_of(request).store)
    except Exception as exc:  # the entity itself is still served
        raise HTTPException(503, f"the relation graph is not available: {exc}") from exc


@router.get("/entities/{entity_id}", response_model=EntityResponse, responses=ERRORS, summary="Fetch an entity")
async def fetch_entity(
    request: Request,
    entity_id: str = ID,
    nested: bool = Query(True, description="Nest the relations the lists state (yente's reverse properties, "
                                            "e.g. unknownLinkSubject, membershipMember), with the entity at "
                                            "their far end"),
    caller: Caller = Depends(require_screen),
):
    data = _entity(request, entity_id)
    if not nested:
        return JSONBytes(data)
    return JSONBytes(_graph(request).nested(data, loaded_index(request).matcher.get, limit=NESTED_MAX))


@router.get("/entities/{entity_id}/adjacent", response_model=AdjacentResponse, responses=ERRORS,
            summary="Relations of an entity (yente's adjacency map)")
async def entity_adjacent(
    request: Request,
    entity_id: str = ID,
    limit: int = Query(10, ge=0, le=500, description="Relations per property"),
    offset: int = Query(0, ge=0, le=10000),
    caller: Caller = Depends(require_screen),
):
    """Per reverse property (`unknownLinkObject`, `ownershipAsset`, `familyPerson` ...): a page of the
    relation entities the lists state, the entity at the far end nested, with `total`, `limit`, `offset`.
    A party (or a record of one) has the relations of all its records."""
    data = _entity(request, entity_id)
    return JSONBytes(_graph(request).adjacent(data, loaded_index(request).matcher.get, limit=limit, offset=offset))


def entity_with_party(matcher, parties, entity_id: str) -> dict | None:
    """A list record with its party (`party`, and `referents` = every record of the party), or for a party
    id (`vp-…`, a retired one leads to its successor) the merged party entity, yente-style."""
    entity = matcher.get(entity_id)
    pid = parties.current(entity_id) if parties is not None else None
    if entity is not None:
        data = entity.to_dict()
        members = parties.members(pid) if pid is not None else ()
        if members:
            data["party"] = pid
            data["referents"] = sorted(set(members) | set(data.get("referents") or ()))
        return data
    if pid is None:
        return None
    from vigil.parties.merge import merge

    entities = [e for m in parties.members(pid) if (e := matcher.get(m)) is not None]
    if not entities:
        return None
    merged, _ = merge(pid, entities)
    data = merged.to_dict()
    data["party"] = pid
    return data
