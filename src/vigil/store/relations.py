"""The store's relation table: extraction per latest snapshot, and look-ups by entity id.

Relations are derived data: `extract` reads a dataset's current records with `vigil.sources.relations`
and writes one row per stated relation for the dataset's latest snapshot (older snapshots' rows go).
A snapshot whose rows were made by an older version of the rules is extracted again on first use, so
an upgraded vigil needs no re-ingest. The rows never enter `snapshot_entities`: no screening reads them.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Iterable

import orjson
from sqlalchemy import delete, insert, or_, select

from vigil.model import Entity
from vigil.sources.relations import EXTRACTOR_VERSION, extract as extract_relations

from . import tables as t

log = logging.getLogger(__name__)


@dataclass
class RelationCounts:
    dataset: str
    snapshot_id: int
    count: int  # relations stated
    resolved: int  # ... whose other end is a listed entity
    seconds: float
    by_schema: dict[str, list[int]]  # schema -> [stated, resolved]

    def to_dict(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "snapshot_id": self.snapshot_id, "count": self.count,
                "resolved": self.resolved, "seconds": round(self.seconds, 3), "by_schema": self.by_schema}


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # as the store's timestamps


def pending(store: Any, datasets: Iterable[str] | None = None) -> dict[int, str]:
    """Latest snapshots (id -> dataset) whose relations are missing or were made by older rules."""
    with store.engine.connect() as conn:
        latest = store._latest_ids(conn, datasets)
        if not latest:
            return {}
        done = set(conn.scalars(select(t.relation_runs.c.snapshot_id).where(
            t.relation_runs.c.snapshot_id.in_(list(latest)), t.relation_runs.c.extractor == EXTRACTOR_VERSION)))
    return {sid: ds for sid, ds in latest.items() if sid not in done}


def extract(store: Any, datasets: Iterable[str] | None = None, force: bool = False) -> list[RelationCounts]:
    """Extract the relations of each (selected) dataset's latest snapshot where due (all of them if `force`)."""
    if force:
        with store.engine.connect() as conn:
            todo = store._latest_ids(conn, datasets)
    else:
        todo = pending(store, datasets)
    out: list[RelationCounts] = []
    if not todo:
        return out
    with store.engine.connect() as conn:
        # other lists' ids: a UK text naming a UN reference may point at the UN record itself
        every_id = set(conn.scalars(select(t.snapshot_entities.c.entity_id).distinct().where(
            t.snapshot_entities.c.snapshot_id.in_(list(store._latest_ids(conn))))))
    for snapshot_id, dataset in sorted(todo.items()):
        started = time.perf_counter()
        entities = list(store.entities([dataset]))
        rels = extract_relations(dataset, entities, every_id)
        rows = []
        by_schema: dict[str, list[int]] = {}
        for rel in rels:
            data = rel.entity().to_dict()
            for key in ("first_seen", "last_seen", "last_change", "referents"):
                data.pop(key, None)
            rows.append({"snapshot_id": snapshot_id, "id": rel.id, "dataset": dataset, "schema": rel.schema,
                         "source": rel.source, "target": rel.target, "stated_by": rel.stated_by,
                         "resolved_by": rel.resolved_by, "data": orjson.dumps(data).decode()})
            counts = by_schema.setdefault(rel.schema, [0, 0])
            counts[0] += 1
            counts[1] += int(rel.resolved)
        seconds = time.perf_counter() - started
        resolved = sum(1 for r in rels if r.resolved)
        with store.engine.begin() as conn:
            older = select(t.snapshots.c.id).where(t.snapshots.c.dataset == dataset)
            conn.execute(delete(t.relations).where(t.relations.c.snapshot_id.in_(older)))
            conn.execute(delete(t.relation_runs).where(t.relation_runs.c.snapshot_id.in_(older)))
            if rows:
                conn.execute(insert(t.relations), rows)
            conn.execute(insert(t.relation_runs).values(
                snapshot_id=snapshot_id, dataset=dataset, extractor=EXTRACTOR_VERSION, extracted_at=_now(),
                count=len(rows), resolved=resolved, seconds=seconds))
        out.append(RelationCounts(dataset, snapshot_id, len(rows), resolved, seconds, by_schema))
    return out


def ensure(store: Any) -> None:
    """Extract where due, at most once per set of latest snapshots per Store object."""
    with store.engine.connect() as conn:
        key = tuple(sorted(store._latest_ids(conn)))
    if getattr(store, "_relations_checked", None) == key:
        return
    extract(store)
    store._relations_checked = key


def decode(raw: str) -> Entity:
    return Entity.from_dict(orjson.loads(raw))


def of(store: Any, entity_ids: Iterable[str], resolved_only: bool = True) -> list[Entity]:
    """The relations (FtM entities) with any of `entity_ids` at either end, from the latest snapshots."""
    ids = list(dict.fromkeys(entity_ids))
    if not ids:
        return []
    ensure(store)
    r = t.relations
    with store.engine.connect() as conn:
        latest = list(store._latest_ids(conn))
        if not latest:
            return []
        q = select(r.c.data).where(r.c.snapshot_id.in_(latest), or_(r.c.source.in_(ids), r.c.target.in_(ids)))
        if resolved_only:
            q = q.where(r.c.source.is_not(None), r.c.target.is_not(None))
        else:
            q = q.union_all(select(r.c.data).where(r.c.snapshot_id.in_(latest), r.c.stated_by.in_(ids),
                                                   or_(r.c.source.is_(None), r.c.target.is_(None))))
        rows = list(conn.scalars(q))
    seen: dict[str, Entity] = {}
    for raw in rows:
        e = decode(raw)
        seen.setdefault(e.id or "", e)
    return sorted(seen.values(), key=lambda e: (e.schema.name, e.id or ""))


def everything(store: Any) -> list[tuple[str, str, str, str, str, str]]:
    """(relation id, schema, source, target, data, stated_by) of every resolved current relation."""
    ensure(store)
    r = t.relations
    with store.engine.connect() as conn:
        latest = list(store._latest_ids(conn))
        if not latest:
            return []
        q = select(r.c.id, r.c.schema, r.c.source, r.c.target, r.c.data, r.c.stated_by).where(
            r.c.snapshot_id.in_(latest), r.c.source.is_not(None), r.c.target.is_not(None))
        return [tuple(row) for row in conn.execute(q)]


def counts(store: Any, by_schema: bool = False) -> dict[str, RelationCounts]:
    """dataset -> relation counts of its latest snapshot (extracting where due); `by_schema` adds the
    per-schema split (reads every row)."""
    ensure(store)
    r = t.relations
    out: dict[str, RelationCounts] = {}
    with store.engine.connect() as conn:
        latest = store._latest_ids(conn)
        if not latest:
            return out
        runs = conn.execute(select(t.relation_runs).where(t.relation_runs.c.snapshot_id.in_(list(latest))))
        for run in runs:
            out[run.dataset] = RelationCounts(run.dataset, run.snapshot_id, run.count, run.resolved, run.seconds, {})
        if not by_schema:
            return out
        q = select(r.c.dataset, r.c.schema, r.c.source.is_not(None) & r.c.target.is_not(None)).where(
            r.c.snapshot_id.in_(list(latest)))
        for dataset, schema, resolved in conn.execute(q):
            if dataset in out:
                c = out[dataset].by_schema.setdefault(schema, [0, 0])
                c[0] += 1
                c[1] += int(bool(resolved))
    return out


def entities_by_id(store: Any, ids: Iterable[str]) -> dict[str, Entity]:
    """Current entities by id, in one query per chunk (the ends of a graph walk)."""
    wanted = list(dict.fromkeys(ids))
    out: dict[str, Entity] = {}
    se, v = t.snapshot_entities, t.entity_versions
    with store.engine.connect() as conn:
        latest = list(store._latest_ids(conn))
        if not latest:
            return out
        for i in range(0, len(wanted), 5000):  # bound parameters per IN (...), as the store does
            chunk = wanted[i: i + 5000]
            q = (select(se.c.entity_id, se.c.first_seen, se.c.last_change, se.c.first_seen, v.c.data)
                 .join(v, v.c.hash == se.c.version)
                 .where(se.c.snapshot_id.in_(latest), se.c.entity_id.in_(list(chunk)))
                 .order_by(se.c.entity_id, se.c.snapshot_id))
            for entity in store._merged(list(conn.execute(q))):
                out[entity.id or ""] = entity
    return out
