"""Screening as one Python call, shared by `vigil screen`, `vigil batch` and `POST /match`.

`screen(matcher, query, ...)` returns exactly one yente `/match` response entry
(`{status, results, total: {value, relation}, query}`), so the CLI's `--json`
output and the HTTP API can never drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping

from vigil.model import Entity, SchemaError, model

MAX_QUERIES = 100  # per /match request, as in yente
MAX_LIMIT = 500
DEFAULT_LIMIT = 5
DEFAULT_THRESHOLD = 0.7
DEFAULT_SCHEMA = "LegalEntity"  # matches people, organisations and companies alike


class QueryError(ValueError):
    """A query the caller got wrong (unknown schema, property, algorithm, config key ...). HTTP 400, exit 2."""


class UnknownDatasetError(LookupError):
    """A dataset name that is neither loaded nor `default`. HTTP 404."""


# -- queries ------------------------------------------------------------------

def query_entity(schema: str | None, properties: Mapping[str, Any] | None, id: str | None = None) -> Entity:
    """A query entity from a yente-style `{schema, properties}` example; strict about names."""
    schema = schema or DEFAULT_SCHEMA
    try:
        sch = model().get(schema)
    except SchemaError:
        raise QueryError(f"unknown schema {schema!r}") from None
    if not sch.matchable:
        matchable = sorted(s.name for s in model().schemata.values() if s.matchable)
        raise QueryError(f"schema {schema!r} cannot be screened; use one of: {', '.join(matchable)}")
    entity = Entity(schema, id=id or None)
    for prop, values in (properties or {}).items():
        if prop not in sch.properties:
            raise QueryError(f"schema {schema} has no property {prop!r}")
        if values is None:
            continue
        if not isinstance(values, (list, tuple)):
            values = [values]
        for value in values:
            if isinstance(value, (dict, list)):
                raise QueryError(f"property {prop!r}: values must be strings, got {type(value).__name__}")
        entity.add(prop, [v for v in values if not isinstance(v, bool)], strict=False)
    if not entity.names and not entity.get_type("identifier"):
        raise QueryError("a query needs at least one name (name, alias ...) or identifier")
    return entity


def query_from_fields(
    name: str,
    schema: str | None = None,
    dob: str | None = None,
    country: str | None = None,
    id_number: str | None = None,
    gender: str | None = None,
) -> Entity:
    """The query behind `vigil screen NAME --dob --country --id --gender` and one batch row."""
    if schema is None:
        schema = "Person" if (dob or gender) else DEFAULT_SCHEMA
    props: dict[str, list[str]] = {"name": [name]}
    if dob:
        props["birthDate"] = [dob]
    if country:
        props["country"] = [country]
    if id_number:
        props["idNumber"] = [id_number]
    if gender:
        props["gender"] = [gender]
    return query_entity(schema, props)


# -- options ------------------------------------------------------------------

@dataclass
class ScreenOptions:
    """Everything besides the query that shapes one screening (the /match query parameters)."""

    limit: int = DEFAULT_LIMIT
    threshold: float = DEFAULT_THRESHOLD
    algorithm: str | None = None
    weights: dict[str, float] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    datasets: list[str] | None = None  # None = everything loaded
    exclude_schema: list[str] = field(default_factory=list)
    exclude_ids: list[str] = field(default_factory=list)
    changed_since: str | None = None
    topics: list[str] | None = None
    requested_algorithm: str | None = None  # the name the caller used (a yente alias, say); set by check_options


def algorithms() -> dict[str, Any]:
    from vigil.matching import ALGORITHMS

    return ALGORITHMS


def default_algorithm() -> str:
    algos = algorithms()
    return "vigil" if "vigil" in algos else next(iter(algos))


def algorithm_config(name: str) -> dict[str, Any]:
    """The default config of one algorithm (whatever shape the matcher gives it)."""
    spec = algorithms()[name]
    if isinstance(spec, Mapping):
        cfg = spec.get("config") or spec.get("default_config") or {}
    else:
        cfg = getattr(spec, "config", None) or getattr(spec, "default_config", None) or {}
    return dict(cfg)


def algorithm_description(name: str) -> str:
    spec = algorithms()[name]
    if isinstance(spec, Mapping):
        return str(spec.get("description") or "")
    if isinstance(spec, str):
        return spec
    return str(getattr(spec, "description", "") or "")


def resolve_algorithm(name: str | None) -> str:
    """vigil's algorithm for `name`: its own names, or a yente name (`best`, `logic-v2` ...; see service.algorithms)."""
    from vigil.service.algorithms import known_names, resolve

    algorithm = resolve(name)
    if algorithm is None:
        raise QueryError(f"unknown algorithm {name!r}; choose one of: {', '.join(known_names())}")
    return algorithm


def check_options(opts: ScreenOptions) -> ScreenOptions:
    """Validate and normalise options; raises QueryError with a clear message."""
    if not 1 <= opts.limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
    if not 0.0 <= opts.threshold <= 1.0:
        raise QueryError("threshold must be between 0 and 1")
    if opts.requested_algorithm is None:
        opts.requested_algorithm = opts.algorithm or "best"
    opts.algorithm = resolve_algorithm(opts.algorithm)
    known = algorithm_config(opts.algorithm)
    unknown = sorted(set(opts.config) - set(known))
    if unknown:
        hint = f"; known keys: {', '.join(sorted(known))}" if known else " (it takes no config)"
        raise QueryError(f"unknown config key(s) for algorithm {opts.algorithm!r}: {', '.join(unknown)}{hint}")
    for key, value in opts.weights.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise QueryError(f"weight {key!r} must be a number")
    if opts.changed_since:
        try:
            datetime.fromisoformat(opts.changed_since.replace("Z", "+00:00"))
        except ValueError:
            raise QueryError(f"changed_since must be an ISO date or date-time, got {opts.changed_since!r}") from None
    for schema in opts.exclude_schema:
        if schema not in model().schemata:
            raise QueryError(f"unknown schema {schema!r} in exclude_schema")
    return opts


def resolve_datasets(
    scope: str,
    loaded: Iterable[str],
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> list[str]:
    """Datasets a request searches: `scope` (a dataset or `default` = all), narrowed by include/exclude."""
    loaded = list(loaded)
    if scope == "default":
        chosen = list(loaded)
    elif scope in loaded:
        chosen = [scope]
    else:
        raise UnknownDatasetError(
            f"dataset {scope!r} not found; loaded datasets: {', '.join(loaded) or 'none'} (or 'default' for all)"
        )
    include = [d for d in include if d]
    if include:
        missing = [d for d in include if d not in loaded]
        if missing:
            raise UnknownDatasetError(f"include_dataset {', '.join(missing)} not loaded")
        chosen = [d for d in chosen if d in include]
    exclude = set(exclude)
    return [d for d in chosen if d not in exclude]


# -- screening ----------------------------------------------------------------

def screen(matcher: Any, query: Entity, opts: ScreenOptions) -> dict[str, Any]:
    """Screen one query entity; returns one yente `/match` response entry."""
    if opts.datasets is not None and not opts.datasets:
        # every dataset was excluded: nothing can match, and that is not an error
        results: list[dict[str, Any]] = []
        total = 0
    else:
        try:
            resp = matcher.match(
                query,
                limit=opts.limit,
                threshold=opts.threshold,
                algorithm=opts.algorithm or default_algorithm(),
                weights=opts.weights or None,
                config=opts.config or None,
                datasets=opts.datasets,
                exclude_schema=tuple(opts.exclude_schema),
                exclude_ids=tuple(opts.exclude_ids),
                changed_since=opts.changed_since,
                topics=opts.topics,
            )
        except (ValueError, KeyError, SchemaError) as exc:
            raise QueryError(str(exc).strip("'\"")) from exc
        results = [r.to_dict() for r in resp.results]
        total = resp.total if isinstance(resp.total, int) else int(getattr(resp.total, "value", len(results)))
    return {
        "status": 200,
        "results": results,
        "total": {"value": max(total, len(results)), "relation": "eq"},
        "query": query.to_dict(),
    }


def top_ids(response: Mapping[str, Any], n: int = 5) -> list[str]:
    return [r["id"] for r in response.get("results", [])[:n]]


# -- explanations in words ------------------------------------------------------

def _label(feature: str) -> str:
    for suffix in ("_match", "_similarity", "_score"):
        if feature.endswith(suffix):
            feature = feature[: -len(suffix)]
    return feature.replace("_", " ")


def explain(result: Mapping[str, Any], max_parts: int = 3) -> str:
    """The key reasons for one result, in words an analyst reads at a glance:
    "name 0.97 (قاسم سلیمانی ~ SOLEIMANI, Qasem); DOB year matches"."""
    expl = result.get("explanations") or {}
    items = []
    for feature, e in expl.items():
        if not isinstance(e, Mapping):
            continue
        score = float(e.get("score") or 0.0)
        weight = e.get("weight")
        weight = 1.0 if weight is None else float(weight)
        if score == 0.0 or weight == 0.0:
            continue
        items.append((abs(score * weight), feature, e, score))
    items.sort(key=lambda t: -t[0])
    parts = []
    for _, feature, e, score in items[:max_parts]:
        q, c, detail = e.get("query"), e.get("candidate"), e.get("detail")
        if q and c and "name" in feature:
            parts.append(f"{_label(feature)} {score:.2f} ({q} ~ {c})")
        elif detail:
            parts.append(str(detail))
        elif q and c:
            parts.append(f"{_label(feature)} {score:.2f} ({q} ~ {c})")
        else:
            parts.append(f"{_label(feature)} {score:.2f}")
    return "; ".join(parts)
