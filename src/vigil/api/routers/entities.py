"""GET /entities/{id}: one listed entity, as FtM JSON with the yente envelope."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path, Request

from vigil.api.auth import Caller, require_screen
from vigil.api.deps import JSONBytes, loaded_index
from vigil.api.models import ERRORS, EntityResponse

router = APIRouter(tags=["Data access"])


@router.get("/entities/{entity_id}", response_model=EntityResponse, responses=ERRORS, summary="Fetch an entity")
async def fetch_entity(
    request: Request,
    entity_id: str = Path(..., max_length=200, description="e.g. ofac-10481, unsc-IRi.039"),
    caller: Caller = Depends(require_screen),
):
    index = loaded_index(request)
    entity = index.matcher.get(entity_id)
    if entity is None:
        raise HTTPException(404, f"no entity with id {entity_id!r} in the loaded lists")
    return JSONBytes(entity.to_dict())
