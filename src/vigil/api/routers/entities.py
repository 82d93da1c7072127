"""GET /entities/{id}: one listed entity, as FtM JSON with the yente envelope."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path, Request

from vigil.api.auth import Caller, require_screen
from vigil.api.deps import JSONBytes, loaded_index, state_of
from vigil.api.models import ERRORS, EntityResponse

router = APIRouter(tags=["Data access"])


@router.get("/entities/{entity_id}", response_model=EntityResponse, responses=ERRORS, summary="Fetch an entity")
async def fetch_entity(
    request: Request,
    entity_id: str = Path(..., max_length=200, description="e.g. ofac-10481, unsc-IRi.039"),
    caller: Caller = Depends(require_screen),
):
    index = loaded_index(request)
    data = entity_with_party(index.matcher, state_of(request).parties(), entity_id)
    if data is None:
        raise HTTPException(404, f"no entity with id {entity_id!r} in the loaded lists")
    return JSONBytes(data)


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
