"""GET /catalog and /algorithms: what is loaded and how it can be matched."""
from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request

from vigil.api.auth import Caller, require_screen
from vigil.api.deps import JSONBytes, loaded_index
from vigil.api.models import ERRORS, AlgorithmsResponse, CatalogResponse
from vigil.service.algorithms import catalogue
from vigil.sources import DATASETS

router = APIRouter(tags=["System information"])


def _iso(value: datetime | str | None) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return value or None


def _summary(name: str) -> str | None:
    """What a dataset is and its terms of use, where its source states them (e.g. the EU journal transcription)."""
    source = DATASETS.get(name)
    if source is None or not (source.summary or source.license):
        return None
    return " ".join(p for p in (source.summary, f"Licence: {source.license}." if source.license else None) if p)


def _relation_counts(request: Request) -> dict:
    import logging

    from vigil.api.deps import state_of

    try:
        return state_of(request).store.relation_counts()
    except Exception:  # counts are extra; the catalogue is still served
        logging.getLogger(__name__).exception("relation counts")
        return {}


@router.get("/catalog", response_model=CatalogResponse, responses=ERRORS, summary="Loaded datasets")
def catalog(request: Request, caller: Caller = Depends(require_screen)):
    index = loaded_index(request)
    relations = _relation_counts(request)
    datasets = []
    for d in index.datasets:
        updated = d.published or d.ingested_at
        rel = relations.get(d.name)
        datasets.append({
            "name": d.name, "title": d.title, "summary": _summary(d.name), "version": d.version,
            "updated_at": _iso(updated), "last_change": _iso(d.last_change), "entity_count": d.entity_count,
            "relation_count": rel.count if rel else 0, "relations_resolved": rel.resolved if rel else 0,
            "load": True, "index_current": True, "index_version": d.version, "children": [],
        })
    loaded_at = index.loaded_at
    datasets.append({
        "name": "default", "title": "All loaded sanctions lists", "summary": "Every dataset vigil has loaded",
        "version": index.fingerprint, "updated_at": _iso(max((d.ingested_at for d in index.datasets if d.ingested_at),
                                                              default=loaded_at.isoformat())),
        "last_change": None, "entity_count": index.entity_count,
        "relation_count": sum(r.count for r in relations.values()),
        "relations_resolved": sum(r.resolved for r in relations.values()), "load": True, "index_current": True,
        "index_version": index.fingerprint, "children": index.dataset_names,
    })
    return JSONBytes({
        "datasets": datasets, "current": [d["name"] for d in datasets], "outdated": [], "index_stale": False,
    })


@router.get("/algorithms", response_model=AlgorithmsResponse, summary="Matching algorithms")
def list_algorithms():
    """vigil's algorithms and the yente names it accepts as aliases (`alias_of` says which one runs), each with
    its features (weights as `coefficient`) and config, in yente's shape."""
    return JSONBytes(catalogue())


@router.get("/statements", status_code=404, responses={404: ERRORS[404]}, summary="Not served (as in yente)")
def statements():
    """yente does not serve statements either (only the hosted OpenSanctions API does). vigil keeps whole-entity
    snapshots, not per-value statements: see `GET /entities/{id}` and `vigil diff DATASET` for a value's history."""
    return JSONBytes({"detail": "vigil does not serve /statements (neither does yente): it keeps whole-entity "
                                "snapshots, not per-value statements; use GET /entities/{id} for an entity and "
                                "`vigil diff DATASET` for what changed between publications"}, status_code=404)
