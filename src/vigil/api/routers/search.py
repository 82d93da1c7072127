"""GET /search/{dataset}: find entities by name text, for look-ups and autocomplete."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request

from vigil.api.auth import Caller, require_screen
from vigil.api.deps import JSONBytes, loaded_index
from vigil.api.models import ERRORS, SearchResponse
from vigil.model import model
from vigil.service.screening import QueryError, resolve_datasets
from vigil.service.screening_log import ScreeningEntry

router = APIRouter(tags=["Search"])


@router.get("/search/{dataset}", response_model=SearchResponse, responses=ERRORS, summary="Text search")
async def search(
    request: Request,
    dataset: str = Path(..., max_length=100),
    q: str = Query("", max_length=1000, description="Name text to look for"),
    schema: str | None = Query(None, max_length=64, description="Only this schema (and its descendants)"),
    countries: list[str] = Query([], description="Only entities linked to these countries (ISO alpha-2)"),
    include_dataset: list[str] = Query([]),
    exclude_dataset: list[str] = Query([]),
    limit: int = Query(10, ge=1, le=500),
    offset: int = Query(0, ge=0, le=9500),
    caller: Caller = Depends(require_screen),
):
    index = loaded_index(request)
    datasets = resolve_datasets(dataset, index.dataset_names, include_dataset, exclude_dataset)
    if schema is not None and schema not in model().schemata:
        raise QueryError(f"unknown schema {schema!r}")
    countries = [c.strip().lower() for c in countries if c.strip()]
    if datasets:
        try:
            hits, total = index.matcher.search(
                q, schema=schema, countries=tuple(countries), datasets=datasets, limit=limit, offset=offset
            )
        except ValueError as exc:
            raise QueryError(str(exc)) from exc
    else:
        hits, total = [], 0
    results = []
    for entity, score in hits:
        data = entity.to_dict()
        data["score"] = score
        results.append(data)
    recorder = request.app.state.recorder
    if recorder is not None:
        recorder.add(ScreeningEntry(
            endpoint=f"/search/{dataset}", key_name=caller.name,
            query={"q": q, "schema": schema, "countries": countries, "offset": offset},
            top_ids=[r["id"] for r in results[:5]],
        ))
    return JSONBytes({
        "results": results, "facets": {}, "total": {"value": int(total), "relation": "eq"},
        "limit": limit, "offset": offset,
    })
