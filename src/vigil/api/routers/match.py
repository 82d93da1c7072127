"""POST /match/{dataset}: screen up to 100 query entities at once (yente wire format)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.responses import Response

from vigil.api.auth import Caller, caller_for, require_screen
from vigil.api.deps import JSONBytes, loaded_index, state_of
from vigil.api.models import ERRORS, EntityMatchQuery, EntityMatchResponse
from vigil.service.screening import (
    DEFAULT_LIMIT, DEFAULT_THRESHOLD, MAX_LIMIT, MAX_QUERIES, QueryError, ScreenOptions, Screener,
    check_options, resolve_datasets,
)
from vigil.service.algorithms import describe

MAX_DATASET_NAME = 100


class MatchParams(BaseModel):
    """The /match query parameters.

    Validated by this one model instead of eleven FastAPI `Query()` parameters: FastAPI's
    per-parameter machinery cost ~0.15 ms of CPU per request, more than everything else around
    the matcher. The OpenAPI document lists them from this model (`_openapi_parameters`).
    """

    model_config = ConfigDict(extra="ignore")

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Results per query")
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0, description="Score at which `match` is true")
    cutoff: float = Field(0.0, ge=0.0, le=1.0, description="Drop results scoring below this")
    algorithm: str = Field("best", max_length=64, description="See /algorithms: `vigil`, `ofac`, or a yente name "
                           "(`best`, `logic-v2`, `logic-v1`, `name-based`, `name-qualified`, `regression-v1`), "
                           "answered by the vigil algorithm named in the response's `matcher` block")
    include_dataset: list[str] = Field([], description="Only these datasets (within `dataset`)")
    exclude_dataset: list[str] = Field([], description="Never these datasets")
    exclude_schema: list[str] = Field([], description="Never results of these schemata")
    exclude_entity_ids: list[str] = Field([], description="Never these entity ids (e.g. whitelisted)")
    changed_since: str | None = Field(None, max_length=40, description="Only entities changed since (ISO date)")
    topics: list[str] = Field([], description="Only entities with one of these topics")
    merge: bool = Field(True, description="One result per party (its best record in scope, with `party`, "
                        "`referents` and `datasets` of all its records); false: one result per list record")


_LIST_PARAMS = frozenset(n for n, f in MatchParams.model_fields.items() if f.annotation == list[str])
_DEFAULT_PARAMS = MatchParams()


def parse_params(request: Request) -> MatchParams:
    """Query string -> MatchParams, as FastAPI would: repeated keys for lists, the last value otherwise (422 if bad)."""
    query = request.query_params
    if not query:
        return _DEFAULT_PARAMS
    raw: dict[str, Any] = {}
    for name in query.keys():
        if name in _LIST_PARAMS:
            raw[name] = query.getlist(name)
        elif name in MatchParams.model_fields:
            raw[name] = query[name]
    if not raw:
        return _DEFAULT_PARAMS
    try:
        return MatchParams.model_validate(raw)
    except ValidationError as exc:  # FastAPI's 422 shape: loc ("query", name)
        raise _invalid(exc.errors(include_url=False), "query") from None


def _openapi_parameters() -> list[dict[str, Any]]:
    props = MatchParams.model_json_schema()["properties"]
    return [
        {"name": name, "in": "query", "required": False, "description": field.description, "schema": props[name]}
        for name, field in MatchParams.model_fields.items()
    ]


def _invalid(errors: list[dict[str, Any]], where: str) -> RequestValidationError:
    return RequestValidationError([{**e, "loc": (where, *e["loc"])} for e in errors])


async def parse_body(request: Request) -> EntityMatchQuery:
    """The JSON body -> EntityMatchQuery (parsed and validated in one pass by pydantic-core); 422 as FastAPI would."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    raw = await request.body()
    if not raw:
        raise _invalid([{"type": "missing", "loc": (), "msg": "Field required"}], "body")
    if not (content_type == "application/json" or (content_type.startswith("application/")
                                                    and content_type.endswith("+json"))):
        raise _invalid([{"type": "model_attributes_type", "loc": (),
                         "msg": "Input should be a JSON object sent as Content-Type: application/json"}], "body")
    try:
        return EntityMatchQuery.model_validate_json(raw)
    except ValidationError as exc:
        raise _invalid(exc.errors(include_url=False), "body") from None


class MatchRoute(APIRoute):
    """Serves POST /match without FastAPI's generic request handler.

    The route is declared as usual (the OpenAPI document comes from `match` below), but requests
    go to a handler that checks the key, path, query and body directly and calls the same `run_match`.
    FastAPI's handler (content-type parsing, stdlib JSON, dependency solving) cost more CPU per
    request than everything else around the matcher; this is the hot path of the service.
    The order of checks is FastAPI's: key (401/403), then path, query and body (422).
    """

    def get_route_handler(self):
        async def handle(request: Request) -> Response:
            caller = caller_for(request, "screen")
            dataset = request.path_params["dataset"]
            if len(dataset) > MAX_DATASET_NAME:
                raise _invalid([{"type": "string_too_long", "loc": ("dataset",),
                                 "msg": f"String should have at most {MAX_DATASET_NAME} characters"}], "path")
            params = parse_params(request)
            body = await parse_body(request)
            return run_match(request, dataset, body, params, caller)

        return handle


router = APIRouter(tags=["Matching"], route_class=MatchRoute)


@router.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    responses=ERRORS,
    summary="Screen entities against a dataset (or `default` = all lists)",
    openapi_extra={"parameters": _openapi_parameters()},
)
async def match(
    request: Request,
    body: EntityMatchQuery = Body(...),
    dataset: str = Path(..., max_length=MAX_DATASET_NAME,
                        description="A dataset name, or `default` for all loaded lists"),
    caller: Caller = Depends(require_screen),
):
    # The declaration FastAPI documents; requests are served by `MatchRoute` (same checks, same `run_match`).
    return run_match(request, dataset, body, parse_params(request), caller)


def run_match(request: Request, dataset: str, body: EntityMatchQuery, params: MatchParams,
              caller: Caller) -> Response:
    index = loaded_index(request)
    if len(body.queries) > MAX_QUERIES:
        raise QueryError(f"too many queries: {len(body.queries)} (at most {MAX_QUERIES} per request)")
    opts = match_options(index, dataset, params, dict(body.weights), dict(body.config))
    # Build every query first so one bad query fails the request before any work is done.
    queries = {}
    for key, example in body.queries.items():
        try:
            queries[key] = Screener.query_from_example(example.schema_, example.properties, example.id)
        except QueryError as exc:
            raise QueryError(f"query {key!r}: {exc}") from None
    responses = screen_all(request, index, queries, opts, params.cutoff, caller, f"/match/{dataset}")
    return JSONBytes({"responses": responses, "matcher": matcher_block(opts), "limit": params.limit})


def match_options(index: Any, dataset: str, params: MatchParams, weights: dict[str, float] | None = None,
                  config: dict[str, Any] | None = None) -> ScreenOptions:
    """The checked ScreenOptions of a /match (or /reconcile) request: datasets, algorithm (yente names
    resolved), weights and config."""
    datasets = resolve_datasets(dataset, index.dataset_names, params.include_dataset, params.exclude_dataset)
    return check_options(
        ScreenOptions(
            limit=params.limit, threshold=params.threshold, algorithm=params.algorithm, weights=dict(weights or {}),
            config=dict(config or {}), datasets=datasets, exclude_schema=list(params.exclude_schema),
            exclude_ids=list(params.exclude_entity_ids), changed_since=params.changed_since,
            topics=list(params.topics) or None, merge=params.merge,
        )
    )


def screen_all(request: Request, index: Any, queries: dict[str, Any], opts: ScreenOptions, cutoff: float,
               caller: Caller, endpoint: str) -> dict[str, dict[str, Any]]:
    """Screen built query entities through the Screener and record them: the one code path of /match and
    /reconcile (and the same record as `vigil screen` and the UI)."""
    from vigil.service.graph import graph_or_none

    # a query's `associatedParty` is checked against the relations the lists state (service/associates.py)
    screener = Screener(index.matcher, recorder=request.app.state.recorder, parties=state_of(request).parties,
                        graph=lambda: graph_or_none(state_of(request).store))
    screenings = {}
    for key, query in queries.items():
        screening = screener.screen(query, opts)
        if cutoff > 0:
            screening.entry["results"] = [r for r in screening.results if r["score"] >= cutoff]
        screenings[key] = screening
    # Recorded all or none before the answer leaves (RecorderFull: 503).
    screener.record(endpoint, screenings.values(), key_name=caller.name, opts=opts)
    return {key: s.entry for key, s in screenings.items()}


def matcher_block(opts: ScreenOptions) -> dict[str, Any]:
    """yente's top-level `matcher`: the algorithm that ran (and the name asked for), its version, and the
    effective config and feature weights."""
    if not opts.weights and not opts.config:
        return _default_block(opts.algorithm or "", opts.requested_algorithm or "best")
    return describe(opts.algorithm or "", opts.requested_algorithm, opts.weights, opts.config)


@lru_cache(maxsize=64)
def _default_block(algorithm: str, requested: str) -> dict[str, Any]:
    return describe(algorithm, requested)  # shared: orjson only reads it
