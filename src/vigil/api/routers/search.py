"""GET /search/{dataset}: find entities by name text, for look-ups and autocomplete."""
from __future__ import annotations

import re
from collections import Counter

from fastapi import APIRouter, Depends, Path, Query, Request

from vigil.api.auth import Caller, require_screen
from vigil.api.deps import JSONBytes, loaded_index, state_of
from vigil.api.models import ERRORS, SearchResponse
from vigil.service.fields import parse_country, parse_schema
from vigil.service.screening import QueryError, Screener, resolve_datasets

router = APIRouter(tags=["Search"])

FACETS = ("datasets", "schema", "countries", "topics")
ALL_HITS = 10_000  # above the matcher's candidate cap: search() returns every hit it ranked
# Labels of the FtM topics the lists carry (yente shows these; unknown topics keep their code).
TOPIC_LABELS = {
    "sanction": "Sanctioned entity", "sanction.linked": "Sanction-linked entity", "sanction.counter": "Counter-sanctioned entity",
    "debarment": "Debarred entity", "crime": "Crime", "crime.terror": "Terrorism", "crime.war": "War crimes",
    "crime.fin": "Financial crime", "role.pep": "Politician", "role.rca": "Close associate", "poi": "Person of interest",
    "export.control": "Export controlled", "gov.soe": "State-owned enterprise", "corp.disqual": "Disqualified",
}


def _schema_label(name: str) -> str:
    words = re.findall(r"[A-Z][a-z]*|[a-z]+", name)
    return " ".join([words[0]] + [w.lower() for w in words[1:]]) if words else name


def count_facets(entities: list, names: list[str], dataset_titles: dict[str, str]) -> dict[str, dict]:
    """yente's facets: {name: {label, values: [{name, label, count}]}}, values by count, then name."""
    from vigil.sources.countries import name_of

    counters: dict[str, Counter] = {name: Counter() for name in names}
    for entity in entities:
        if "datasets" in counters:
            counters["datasets"].update(set(entity.datasets))
        if "schema" in counters:
            counters["schema"][entity.schema.name] += 1
        if "countries" in counters:
            counters["countries"].update({c.lower() for c in entity.get_type("country") if c})
        if "topics" in counters:
            counters["topics"].update(set(entity.get("topics")))
    def country_label(code: str) -> str:
        try:
            return name_of(code)
        except (KeyError, LookupError):
            return code

    labels = {"datasets": ("Data sources", lambda v: dataset_titles.get(v, v)),
              "schema": ("Types", _schema_label), "countries": ("Countries", country_label),
              "topics": ("Topics", lambda v: TOPIC_LABELS.get(v, v))}
    out = {}
    for name, counter in counters.items():
        label, label_of = labels[name]
        values = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        out[name] = {"label": label, "values": [{"name": v, "label": label_of(v), "count": n} for v, n in values]}
    return out


@router.get("/search/{dataset}", response_model=SearchResponse, responses=ERRORS, summary="Text search")
async def search(
    request: Request,
    dataset: str = Path(..., max_length=100),
    q: str = Query("", max_length=1000, description="Name text to look for"),
    schema: str | None = Query(None, max_length=64, description="Only this schema (and its descendants)"),
    countries: list[str] = Query([], description="Only entities linked to these countries (ISO code, name or demonym)"),
    include_dataset: list[str] = Query([]),
    exclude_dataset: list[str] = Query([]),
    limit: int = Query(10, ge=1, le=500),
    offset: int = Query(0, ge=0, le=9500),
    facets: list[str] = Query(list(FACETS), description="Facets to count over all hits: "
                              "datasets, schema, countries, topics (repeat the parameter)"),
    merge: bool = Query(True, description="One result per party (its best hit, with `party`, `referents` "
                        "and `datasets` of its records in scope); false: one result per list record"),
    caller: Caller = Depends(require_screen),
):
    index = loaded_index(request)
    datasets = resolve_datasets(dataset, index.dataset_names, include_dataset, exclude_dataset)
    schema = parse_schema(schema, screenable=False)  # the same rules (and error texts) as the screen fields
    countries = [code for code in (parse_country(c) for c in countries) if code]
    unknown = [f for f in facets if f not in FACETS]
    if unknown:
        raise QueryError(f"unknown facet {unknown[0]!r}; choose from: {', '.join(FACETS)}")
    if datasets:
        try:  # every hit (the matcher ranks at most a few hundred): facets count them all, the page is a slice
            hits, total = index.matcher.search(
                q, schema=schema, countries=tuple(countries), datasets=datasets, limit=ALL_HITS, offset=0
            )
        except ValueError as exc:
            raise QueryError(str(exc)) from exc
    else:
        hits, total = [], 0
    counted = count_facets([e for e, _ in hits], facets, {d.name: d.title for d in index.datasets})
    if merge:
        from vigil.service.party_results import party_hits

        results, parties = party_hits(hits, state_of(request).parties(), index.matcher.get,
                                      None if set(datasets) >= set(index.dataset_names) else set(datasets),
                                      offset, limit)
        total = parties if len(hits) >= total else max(parties, total - (len(hits) - parties))
    else:
        results = []
        for entity, score in hits[offset:offset + limit]:
            data = entity.to_dict()
            data["score"] = score
            results.append(data)
    Screener(recorder=request.app.state.recorder).record_search(
        f"/search/{dataset}", {"q": q, "schema": schema, "countries": countries, "offset": offset},
        [r["id"] for r in results], key_name=caller.name)
    return JSONBytes({
        "results": results, "facets": counted, "total": {"value": int(total), "relation": "eq"},
        "limit": limit, "offset": offset,
    })
