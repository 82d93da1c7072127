"""`/reconcile` and `/reconcile/{dataset}`: the W3C Reconciliation Service API 0.2 (what OpenRefine speaks).

GET without `queries` is the service manifest; POST (form field `queries=` as OpenRefine sends it, or a JSON
body) runs a batch of queries. Each query becomes the same query entity as a /match example and is screened by
the same `screen_all` as /match, so a spreadsheet column gets exactly the scores the API and the CLI give.
Entity suggest, type and property suggest, and an HTML preview complete the protocol.
"""
from __future__ import annotations

import html
from typing import Any, Optional

import orjson
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from vigil.api.auth import caller_for
from vigil.api.deps import JSONBytes, loaded_index
from vigil.api.routers.match import match_options, parse_params, screen_all
from vigil.model import SchemaError, model
from vigil.service.screening import DEFAULT_SCHEMA, MAX_LIMIT, MAX_QUERIES, QueryError, query_from_example, resolve_datasets

router = APIRouter(tags=["Reconciliation"])

DATASET = Path(..., max_length=100, description="A dataset name, or `default` for all loaded lists")
MAX_BODY = 2_000_000  # bytes of one batch: 100 queries with generous properties
# Friendly property ids OpenRefine users may type, besides FtM names (`birthDate`) and qualified ones (`Person:birthDate`).
PROPERTY_ALIASES = {"dob": "birthDate", "birth_date": "birthDate", "date_of_birth": "birthDate",
                    "id": "idNumber", "id_number": "idNumber", "passport": "passportNumber", "imo": "imoNumber"}
# The properties worth mapping a column to (suggest/property), with labels.
PROPERTIES = {
    "name": "Name", "alias": "Other name", "birthDate": "Date of birth", "birthPlace": "Place of birth",
    "nationality": "Nationality", "citizenship": "Citizenship", "country": "Country", "jurisdiction": "Jurisdiction",
    "gender": "Gender", "idNumber": "ID number", "passportNumber": "Passport number",
    "registrationNumber": "Registration number", "taxNumber": "Tax number", "imoNumber": "IMO number",
    "swiftBic": "SWIFT/BIC", "address": "Address",
}
TYPE_LABELS = {"Person": "People", "Organization": "Organizations", "Company": "Companies",
               "LegalEntity": "Legal entities (people and organizations)", "PublicBody": "Public bodies",
               "Vehicle": "Vehicles", "Vessel": "Vessels", "Airplane": "Airplanes"}
# The manifest and suggest/preview are read by OpenRefine's browser page (another origin): public data only,
# never credentials, so a wildcard is safe.
CORS = {"Access-Control-Allow-Origin": "*"}
# OpenRefine shows the preview in an iframe of its own page (http://127.0.0.1:3333 or wherever it runs), so this
# one page may be framed by any origin: it holds public list data, no script, no form and no action to trick a
# user into (docs/security.md). Every other page forbids framing (api/guard.py).
PREVIEW_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors *")


def _types() -> list[dict[str, str]]:
    names = [s.name for s in model().schemata.values() if s.matchable]
    return [{"id": n, "name": TYPE_LABELS.get(n, n)} for n in sorted(names, key=lambda n: (n != DEFAULT_SCHEMA, n))]


def _base(request: Request, dataset: str) -> str:
    return str(request.base_url).rstrip("/") + f"/reconcile/{dataset}"


def manifest(request: Request, dataset: str) -> dict[str, Any]:
    from vigil import __version__

    root = str(request.base_url).rstrip("/")
    base = _base(request, dataset)
    state = request.app.state.index.current
    titles = {d.name: d.title for d in state.datasets} if state is not None else {}
    title = "all loaded sanctions lists" if dataset == "default" else titles.get(dataset, dataset)
    out: dict[str, Any] = {
        "versions": ["0.2"],
        "name": f"vigil: {title}",
        "identifierSpace": f"{root}/entities/",
        "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
        "documentation": f"{root}/docs#/Reconciliation",
        "serviceVersion": __version__,
        "defaultTypes": _types(),
        "view": {"url": f"{root}/ui/entities/{{{{id}}}}"},
        "preview": {"url": f"{base}/preview?id={{{{id}}}}", "width": 430, "height": 300},
        "suggest": {
            "entity": {"service_url": base, "service_path": "/suggest/entity"},
            "type": {"service_url": base, "service_path": "/suggest/type"},
            "property": {"service_url": base, "service_path": "/suggest/property"},
        },
    }
    if request.app.state.require_auth:
        out["authentication"] = {"type": "apiKey", "name": "X-API-Key", "in": "header"}
    return out


def _check_dataset(request: Request, dataset: str) -> None:
    index = loaded_index(request)
    resolve_datasets(dataset, index.dataset_names)  # 404 for an unknown dataset


# -- the batch -------------------------------------------------------------------------------------

def _schema_of(qkey: str, type_: Any) -> str:
    if type_ is None or type_ == [] or type_ == "":
        return DEFAULT_SCHEMA
    names = [type_] if isinstance(type_, str) else type_
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise QueryError(f"query {qkey!r}: type must be a type id or a list of them")
    for name in names:
        try:
            if not model().get(name).matchable:
                raise QueryError(f"query {qkey!r}: type {name!r} cannot be reconciled; use one of: "
                                 f"{', '.join(t['id'] for t in _types())}")
        except SchemaError:
            raise QueryError(f"query {qkey!r}: unknown type {name!r}; use one of: "
                             f"{', '.join(t['id'] for t in _types())}") from None
    # Several types: the most general one that covers them all (Person + Company -> LegalEntity).
    schema = names[0]
    for name in names[1:]:
        schema = model().common_schema(schema, name) or DEFAULT_SCHEMA
    return schema


def _property(qkey: str, schema: str, pid: Any) -> str:
    if not isinstance(pid, str) or not pid.strip():
        raise QueryError(f"query {qkey!r}: a property needs a 'pid'")
    name = pid.strip()
    name = PROPERTY_ALIASES.get(name.lower().replace(" ", "_"), name)
    if ":" in name:  # qualified, as yente's suggest/property gives them: Person:birthDate
        name = name.split(":", 1)[1]
    if name not in model().get(schema).properties:
        raise QueryError(f"query {qkey!r}: type {schema} has no property {pid!r}; use one of: "
                         f"{', '.join(p for p in PROPERTIES if p in model().get(schema).properties)}")
    return name


def _values(qkey: str, pid: str, value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, dict):  # a previously reconciled entity: {id, name}
            item = item.get("name") or item.get("id")
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise QueryError(f"query {qkey!r}: property {pid!r} needs text values, got {type(item).__name__}")
        text = str(item).strip()
        if text:
            out.append(text)
    return out


def build_queries(batch: Any) -> tuple[dict[str, Any], dict[str, int]]:
    """Reconciliation queries -> (query entities as /match builds them, per-query limits)."""
    if not isinstance(batch, dict) or not batch:
        raise QueryError("queries must be a JSON object of query id -> {query, type, properties, limit}")
    if len(batch) > MAX_QUERIES:
        raise QueryError(f"too many queries: {len(batch)} (at most {MAX_QUERIES} per batch)")
    queries, limits = {}, {}
    for qkey, spec in batch.items():
        if not isinstance(spec, dict):
            raise QueryError(f"query {qkey!r}: must be an object with 'query' and/or 'properties'")
        extra = set(spec) - {"query", "type", "properties", "limit", "type_strict"}
        if extra:
            raise QueryError(f"query {qkey!r}: unknown field(s) {', '.join(sorted(extra))}")
        schema = _schema_of(qkey, spec.get("type"))
        props: dict[str, list[str]] = {}
        text = spec.get("query")
        if text is not None:
            if not isinstance(text, str):
                raise QueryError(f"query {qkey!r}: 'query' must be text")
            if text.strip():
                props["name"] = [text.strip()]
        pvs = spec.get("properties") or []
        if not isinstance(pvs, list):
            raise QueryError(f"query {qkey!r}: 'properties' must be a list of {{pid, v}}")
        for pv in pvs:
            if not isinstance(pv, dict) or "v" not in pv:
                raise QueryError(f"query {qkey!r}: each property is an object {{\"pid\": ..., \"v\": ...}}")
            prop = _property(qkey, schema, pv.get("pid"))
            props.setdefault(prop, []).extend(_values(qkey, prop, pv["v"]))
        limit = spec.get("limit", 5)
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"query {qkey!r}: limit must be a number between 1 and {MAX_LIMIT}")
        try:
            queries[qkey] = query_from_example(schema, props)  # the Screener's parsing, as /match
        except QueryError as exc:
            raise QueryError(f"query {qkey!r}: {exc}") from None
        limits[qkey] = int(limit)
    return queries, limits


def _description(result: dict[str, Any]) -> str:
    """What tells namesakes apart at a glance: type, birth date, nationality, lists."""
    props = result.get("properties") or {}
    parts = [TYPE_LABELS.get(result.get("schema", ""), result.get("schema", ""))]
    if props.get("birthDate"):
        parts.append("born " + ", ".join(props["birthDate"][:2]))
    countries = list(dict.fromkeys(props.get("nationality", []) + props.get("country", [])))
    if countries:
        parts.append(", ".join(countries[:3]))
    parts.append(", ".join(result.get("datasets") or []))
    return " · ".join(p for p in parts if p)


def result_entry(result: dict[str, Any]) -> dict[str, Any]:
    schema = result.get("schema", "")
    return {
        "id": result["id"], "name": result.get("caption") or result["id"], "score": result["score"],
        "match": bool(result.get("match")), "description": _description(result),
        "type": [{"id": schema, "name": TYPE_LABELS.get(schema, schema)}],
        "features": [{"id": k, "value": float(v.get("score") or 0)} for k, v in (result.get("explanations") or {}).items()],
    }


async def _batch_from(request: Request) -> Any:
    """The `queries` of a request: form field (OpenRefine), query-string parameter (GET), or a JSON body
    (either the batch itself or {"queries": batch})."""
    raw: Any = request.query_params.get("queries")
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        body = await request.body()
        if len(body) > MAX_BODY:
            raise HTTPException(413, f"request body larger than {MAX_BODY} bytes; send at most {MAX_QUERIES} queries")
        if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form: FormData = await request.form()
            field = form.get("queries")
            if field is None:
                raise QueryError("send the queries as the form field 'queries' (JSON)")
            raw = field if isinstance(field, str) else (await field.read()).decode("utf-8", "replace")
        elif ctype == "application/json" or ctype.endswith("+json"):
            try:
                data = orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                raise QueryError(f"the body is not valid JSON: {exc}") from None
            if isinstance(data, dict) and set(data) == {"queries"}:
                data = data["queries"]
            if not isinstance(data, str):
                return data
            raw = data  # {"queries": "<JSON text>"}: decoded below
        elif raw is None:
            raise QueryError("send queries as a form field 'queries' (application/x-www-form-urlencoded) or a JSON body")
    if raw is None:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise QueryError(f"'queries' is not valid JSON: {exc}") from None


async def _reconcile(request: Request, dataset: str):
    batch = await _batch_from(request)
    if batch is None and request.method == "POST":
        raise QueryError("the request has no queries: send the form field 'queries' (JSON) or a JSON body")
    if batch is None:  # GET without queries: the manifest (public: OpenRefine reads it before asking for a key)
        _check_dataset(request, dataset)
        return JSONBytes(manifest(request, dataset), headers=CORS)
    caller = caller_for(request, "screen")
    index = loaded_index(request)
    queries, limits = build_queries(batch)
    params = parse_params(request)  # algorithm, threshold, include/exclude_dataset ... as for /match
    params = params.model_copy(update={"limit": max(limits.values())})
    opts = match_options(index, dataset, params)
    responses = screen_all(request, index, queries, opts, params.cutoff, caller, f"/reconcile/{dataset}")
    out = {key: {"result": [result_entry(r) for r in resp["results"][:limits[key]]]} for key, resp in responses.items()}
    return JSONBytes(out, headers={"x-batch-size": str(len(out))})


@router.get("/reconcile", summary="Reconciliation manifest (all lists), or `?queries=` results")
async def reconcile_default_get(request: Request,
                                queries: Optional[str] = Query(None, description="A JSON batch of queries")):
    return await _reconcile(request, "default")


@router.post("/reconcile", summary="Reconcile a batch of queries against all lists")
async def reconcile_default_post(request: Request):
    """Form field `queries` (JSON), as OpenRefine sends it, or a JSON body: `{"q0": {"query": "Qasem Soleimani",
    "type": "Person", "properties": [{"pid": "birthDate", "v": "1957"}], "limit": 3}}`. Query-string parameters
    `algorithm`, `threshold`, `include_dataset` ... work as for /match."""
    return await _reconcile(request, "default")


@router.get("/reconcile/{dataset}", summary="Reconciliation manifest of one dataset, or `?queries=` results")
async def reconcile_get(request: Request, dataset: str = DATASET,
                        queries: Optional[str] = Query(None, description="A JSON batch of queries")):
    return await _reconcile(request, dataset)


@router.post("/reconcile/{dataset}", summary="Reconcile a batch of queries against one dataset")
async def reconcile_post(request: Request, dataset: str = DATASET):
    return await _reconcile(request, dataset)


# -- suggest and preview ---------------------------------------------------------------------------

def _prefix_match(prefix: str, *texts: str) -> bool:
    p = prefix.strip().lower()
    return not p or any(p in t.lower() for t in texts)


@router.get("/reconcile/{dataset}/suggest/entity", summary="Suggest entities by name (autocomplete)")
async def suggest_entity(request: Request, dataset: str = DATASET,
                         prefix: str = Query(..., min_length=1, max_length=200),
                         limit: int = Query(10, ge=1, le=50)):
    caller_for(request, "screen")
    index = loaded_index(request)
    datasets = resolve_datasets(dataset, index.dataset_names)
    try:
        hits, _ = index.matcher.search(prefix, datasets=datasets, limit=limit)
    except ValueError as exc:
        raise QueryError(str(exc)) from exc
    result = []
    for entity, _score in hits:
        data = entity.to_dict()
        schema = entity.schema.name
        result.append({"id": entity.id, "name": entity.caption, "description": _description(data),
                       "notable": [{"id": schema, "name": TYPE_LABELS.get(schema, schema)}]})
    return JSONBytes({"prefix": prefix, "result": result}, headers=CORS)


@router.get("/reconcile/{dataset}/suggest/type", summary="Suggest types (FtM schemata that can be reconciled)")
async def suggest_type(request: Request, dataset: str = DATASET, prefix: str = Query("", max_length=200)):
    _check_dataset(request, dataset)
    result = [t for t in _types() if _prefix_match(prefix, t["id"], t["name"])]
    return JSONBytes({"prefix": prefix, "result": result}, headers=CORS)


@router.get("/reconcile/{dataset}/suggest/property", summary="Suggest properties to map columns to")
async def suggest_property(request: Request, dataset: str = DATASET, prefix: str = Query("", max_length=200)):
    _check_dataset(request, dataset)
    result = [{"id": pid, "name": label} for pid, label in PROPERTIES.items() if _prefix_match(prefix, pid, label)]
    return JSONBytes({"prefix": prefix, "result": result}, headers=CORS)


@router.get("/reconcile/{dataset}/preview", summary="A small HTML card of one entity (for OpenRefine's preview)",
            response_class=HTMLResponse)
async def preview(request: Request, dataset: str = DATASET, id: str = Query(..., min_length=1, max_length=200)):
    caller_for(request, "screen")
    index = loaded_index(request)
    entity = index.matcher.get(id)
    if entity is None:
        raise HTTPException(404, f"no entity with id {id!r} in the loaded lists")
    e = html.escape
    rows = []
    for prop in ("alias", "birthDate", "birthPlace", "nationality", "country", "idNumber", "passportNumber",
                 "program"):
        values = entity.get(prop)
        if values:
            rows.append(f"<tr><th>{e(PROPERTIES.get(prop, prop))}</th><td>{e('; '.join(values[:6]))}</td></tr>")
    body = (f"<!doctype html><html><head><meta charset='utf-8'><title>{e(entity.caption)}</title>"
            f"<link rel='stylesheet' href='/ui/static/vigil.css'></head><body class='preview'>"
            f"<h1 dir='auto'>{e(entity.caption)}</h1><p>{e(TYPE_LABELS.get(entity.schema.name, entity.schema.name))}"
            f" · <code>{e(entity.id)}</code> · {e(', '.join(entity.datasets))}</p>"
            f"<table>{''.join(rows)}</table>"
            f"<p><a href='/ui/entities/{e(entity.id)}' target='_blank' rel='noopener'>full record</a></p></body></html>")
    return HTMLResponse(body, headers={**CORS, "Cache-Control": "no-store", "Content-Security-Policy": PREVIEW_CSP})
