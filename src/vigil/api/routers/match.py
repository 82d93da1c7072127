"""POST /match/{dataset}: screen up to 100 query entities at once (yente wire format)."""
from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Path, Query, Request

from vigil.api.auth import Caller, require_screen
from vigil.api.deps import JSONBytes, loaded_index
from vigil.api.models import ERRORS, EntityMatchQuery, EntityMatchResponse
from vigil.screening import (
    DEFAULT_LIMIT, DEFAULT_THRESHOLD, MAX_LIMIT, MAX_QUERIES, QueryError, ScreenOptions,
    check_options, query_entity, resolve_datasets, screen, top_ids,
)
from vigil.screening_log import ScreeningEntry

router = APIRouter(tags=["Matching"])


@router.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    responses=ERRORS,
    summary="Screen entities against a dataset (or `default` = all lists)",
)
async def match(
    request: Request,
    body: EntityMatchQuery = Body(...),
    dataset: str = Path(..., max_length=100, description="A dataset name, or `default` for all loaded lists"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Results per query"),
    threshold: float = Query(DEFAULT_THRESHOLD, ge=0.0, le=1.0, description="Score at which `match` is true"),
    cutoff: float = Query(0.0, ge=0.0, le=1.0, description="Drop results scoring below this"),
    algorithm: str = Query("best", max_length=64, description="See /algorithms; `best` = the default"),
    include_dataset: list[str] = Query([], description="Only these datasets (within `dataset`)"),
    exclude_dataset: list[str] = Query([], description="Never these datasets"),
    exclude_schema: list[str] = Query([], description="Never results of these schemata"),
    exclude_entity_ids: list[str] = Query([], description="Never these entity ids (e.g. whitelisted)"),
    changed_since: str | None = Query(None, max_length=40, description="Only entities changed since (ISO date)"),
    topics: list[str] = Query([], description="Only entities with one of these topics"),
    caller: Caller = Depends(require_screen),
):
    index = loaded_index(request)
    if len(body.queries) > MAX_QUERIES:
        raise QueryError(f"too many queries: {len(body.queries)} (at most {MAX_QUERIES} per request)")
    datasets = resolve_datasets(dataset, index.dataset_names, include_dataset, exclude_dataset)
    opts = check_options(
        ScreenOptions(
            limit=limit, threshold=threshold, algorithm=algorithm, weights=dict(body.weights),
            config=dict(body.config), datasets=datasets, exclude_schema=list(exclude_schema),
            exclude_ids=list(exclude_entity_ids), changed_since=changed_since, topics=list(topics) or None,
        )
    )
    # Build every query first so one bad query fails the request before any work is done.
    queries = {}
    for key, example in body.queries.items():
        try:
            queries[key] = query_entity(example.schema_, example.properties, example.id)
        except QueryError as exc:
            raise QueryError(f"query {key!r}: {exc}") from None
    responses = {}
    recorder = request.app.state.recorder
    for key, query in queries.items():
        resp = screen(index.matcher, query, opts)
        if cutoff > 0:
            resp["results"] = [r for r in resp["results"] if r["score"] >= cutoff]
        responses[key] = resp
        if recorder is not None:
            recorder.add(ScreeningEntry(
                endpoint=f"/match/{dataset}", key_name=caller.name,
                query=resp["query"], top_ids=top_ids(resp),
            ))
    return JSONBytes({"responses": responses, "limit": limit})


