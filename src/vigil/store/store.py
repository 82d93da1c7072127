"""`Store`: publications in, snapshots, current entities, history and diffs out."""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import orjson
from sqlalchemy import Engine, and_, create_engine, event, func, insert, make_url, select
from sqlalchemy.exc import SQLAlchemyError

from vigil.settings import Settings
from vigil.model import Entity, SchemaError
from vigil.sources.base import DATASET_NAME, IngestError, Publication, checksum_files  # one name rule for both

from . import tables as t
from .results import (
    ChangedEntity, DatasetInfo, Diff, EntityChange, EntityRef, IngestResult, SnapshotInfo,
)
from .versions import decode_entity, encode, property_changes, stored_dict, version_hash

log = logging.getLogger(__name__)
CHUNK = 5000  # bound parameters per IN (...) query; below SQLite's and PostgreSQL's limits


class StoreError(Exception):
    """The store could not do what was asked (database error, unknown dataset or snapshot)."""


class NotFound(StoreError):
    """An unknown dataset or snapshot."""


# A schema takes part in the schema-mix check only from this many entities in the previous snapshot: a
# list's dozen Airplanes losing two is an ordinary update, its 7,000 Persons losing 1,000 is not.
SCHEMA_GUARD_MIN = 50


class ShrinkRefused(IngestError):
    """The publication would remove more than the allowed share of the list (or of one schema's entities):
    refused, nothing stored, unless confirmed (`allow_shrink`). CLI exit 2, HTTP 409."""

    def __init__(self, dataset: str, snapshot_id: int, before: int, after: int, removed: int, limit: float,
                 schema: tuple[str, int, int] | None = None):
        self.dataset, self.snapshot_id, self.before, self.after = dataset, snapshot_id, before, after
        self.removed, self.limit, self.schema = removed, limit, schema
        if schema is None or removed / max(before, 1) > limit:
            what = (f"would remove {removed:,} of the {before:,} entities of snapshot {snapshot_id} "
                    f"({removed / max(before, 1):.1%}; limit {limit:.0%}), leaving {after:,}")
        else:
            name, had, lost = schema
            what = (f"would remove or re-type {lost:,} of the {had:,} {name} entities of snapshot {snapshot_id} "
                    f"({lost / had:.1%}; limit {limit:.0%}); {removed:,} of {before:,} entities removed in all")
        super().__init__(f"{dataset}: refused: this publication {what}. Nothing was changed; if the list really "
                         f"shrank, confirm with --allow-shrink (allow_shrink=true over HTTP, admin keys only)")

    def to_dict(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "snapshot": self.snapshot_id, "before": self.before, "after": self.after,
                "removed": self.removed, "limit": self.limit,
                "schema": dict(zip(("schema", "before", "removed_or_retyped"), self.schema)) if self.schema else None}


def now_iso() -> str:
    # Microseconds keep two ingests in the same second ordered.
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat()


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _create_engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            # WAL lets the API server read while an ingest writes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    return engine


class Store:
    """The versioned entity store. `Store()` opens (and creates) the configured database."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None, settings: Settings | None = None,
                 shrink_limit: float | None = None):
        """`url` wins; else `settings.database_url` (the front end's Settings; read from the environment
        when none is given, for library use). `shrink_limit`: the share of a list an ingest may remove
        without `allow_shrink` (default: settings.shrink_limit, VIGIL_SHRINK_LIMIT)."""
        self._settings = settings
        self._shrink_limit = shrink_limit
        if url is None:
            settings = settings or Settings.from_env()
            if settings.database_url == settings.default_database_url:
                settings.ensure_home()  # the default SQLite file lives there
            url = settings.database_url
        self.url = url
        # Called with every IngestResult (created, unchanged and failed), after the transaction.
        self.on_ingest: list[Callable[[IngestResult], None]] = []
        try:
            self.engine: Engine = engine or _create_engine(self.url)
            t.metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            reason = " ".join(str(getattr(exc, "orig", None) or exc).split())  # one line
            raise StoreError(f"cannot open the database {_safe_url(self.url)}: {reason}") from exc

    @property
    def shrink_limit(self) -> float:
        if self._shrink_limit is not None:
            return self._shrink_limit
        return (self._settings or Settings.from_env()).shrink_limit

    # -- ingest -----------------------------------------------------------
    def ingest_file(self, source: str, path: str | Path, force: bool = False, recheck: bool = False,
                    allow_shrink: bool = False, **options: Any) -> IngestResult:
        """Parse a published file/folder with the named source's parser and ingest it.

        When the input is byte-identical to the files of the dataset's latest snapshot, nothing is
        parsed. A parse error is logged in `ingests`, reported to the hooks, and re-raised as IngestError.
        `recheck` (or `force`) re-parses and re-validates identical input; a snapshot is stored only
        when the parsed content differs from the latest snapshot (e.g. after a parser upgrade).
        A publication removing more than `shrink_limit` of the list raises ShrinkRefused unless
        `allow_shrink`. `options` go to the parser (FtM: `dataset`).
        """
        from vigil.sources import SOURCES, parse

        dataset = SOURCES[source].dataset if source in SOURCES else None
        if dataset and not (force or recheck):
            latest = self._unchanged_input(dataset, Path(path))
            if latest is not None:
                with self.engine.begin() as conn:
                    conn.execute(insert(t.ingests).values(
                        at=now_iso(), dataset=dataset, source=source, files=encode(latest.files), result="unchanged",
                        snapshot_id=latest.id, message=f"identical to snapshot {latest.id}",
                    ))
                result = IngestResult(dataset, "unchanged", latest.files, None, latest,
                                      {"added": 0, "removed": 0, "changed": 0}, entity_count=latest.entity_count,
                                      source=source)
                self._notify(result)
                return result
        started = time.perf_counter()
        try:
            pub = parse(source, path, **options)
        except IngestError as exc:
            named = dataset or options.get("store_as") or options.get("dataset")
            self._failed(named, source, [str(path)], str(exc))
            raise
        parse_seconds = time.perf_counter() - started
        result = self.ingest(pub, source=source, force=force, recheck=recheck, allow_shrink=allow_shrink)
        result.parse_seconds = parse_seconds
        return result

    def _unchanged_input(self, dataset: str, path: Path) -> SnapshotInfo | None:
        """The latest snapshot if `path` holds exactly the same files, byte for byte, as it was made from.

        A folder qualifies only when the parser used every file in it, so no file it would now read is new.
        """
        with self.engine.connect() as conn:
            latest = self._latest(conn, dataset)
        if latest is None or not latest.files:
            return None
        used = [Path(f) for f in latest.files]
        try:
            if path.is_dir():
                present = sorted(p.resolve() for p in path.iterdir() if p.is_file())
                if present != sorted(p.resolve() for p in used):
                    return None
            elif [path.resolve()] != [p.resolve() for p in used]:
                return None
            return latest if checksum_files(used) == latest.checksum else None
        except OSError:
            return None

    def ingest(self, pub: Publication, source: str | None = None, force: bool = False,
               recheck: bool = False, allow_shrink: bool = False) -> IngestResult:
        """Store a publication as a new snapshot of its dataset, in one transaction.

        Content identical to the dataset's latest snapshot (the same entities after parsing, whatever the
        file bytes) never creates a snapshot. Invalid publications raise IngestError and nothing is
        written. A publication that removes more than `shrink_limit` of the latest snapshot's entities,
        or of one schema's entities (at least SCHEMA_GUARD_MIN of them), raises ShrinkRefused unless
        `allow_shrink`: nothing is written but the refusal (in `ingests` and to the hooks, which audit it).
        """
        started = time.perf_counter()
        files = [str(f) for f in pub.files]
        try:
            rows = self._prepare(pub)
        except IngestError as exc:
            self._failed(pub.dataset or None, source, files, str(exc))
            raise
        # Hand-built publications (no files) are identified by their content.
        checksum = pub.checksum or version_hash({"properties": {"versions": sorted(r[3] for r in rows.values())}})
        try:
            with self.engine.begin() as conn:
                result = self._write(conn, pub, rows, checksum, files, source, force, recheck,
                                     None if allow_shrink else self.shrink_limit)
        except ShrinkRefused as exc:
            self._refused(exc, source, files, len(rows))
            raise
        except SQLAlchemyError as exc:
            message = f"database error, nothing was changed: {exc.__class__.__name__}: {getattr(exc, 'orig', exc)}"
            self._failed(pub.dataset, source, files, message)
            raise StoreError(message) from exc
        result.store_seconds = time.perf_counter() - started
        result.warnings = list(pub.warnings)
        self._notify(result)
        return result

    # -- relations (kept apart from the entities: never screening candidates) ----
    # Derived from the latest snapshots, outside the ingest (whose timing is a bar of its own): by the
    # front ends' ingest hook (`attach_relations`), else on first use.
    def attach_relations(self) -> None:
        """Extract a dataset's relations after each ingest that stored a snapshot (idempotent); a failure
        never fails the ingest (logged; the next read retries)."""
        if getattr(self, "_relations_hook", False):
            return

        def on_ingest(result: IngestResult) -> None:
            if result.status != "created" or not result.dataset:
                return
            try:
                self.extract_relations([result.dataset])
            except Exception:
                log.exception("extracting the relations of %s failed", result.dataset)

        self.on_ingest.insert(0, on_ingest)  # before the parties/monitor hooks, which may read the graph
        self._relations_hook = True

    def extract_relations(self, datasets: Iterable[str] | None = None, force: bool = False):
        """(Re-)extract the relations of the latest snapshots where due; returns RelationCounts per dataset."""
        from . import relations

        return relations.extract(self, datasets, force=force)

    def relations(self, entity_id: str | Iterable[str], resolved_only: bool = True) -> list[Entity]:
        """The relation entities (Ownership, Membership, Family, UnknownLink ...) with the entity at either
        end, from the lists' latest snapshots. `resolved_only=False` adds the relations it states whose
        other end names nobody on the lists."""
        from . import relations

        ids = [entity_id] if isinstance(entity_id, str) else list(entity_id)
        return relations.of(self, ids, resolved_only=resolved_only)

    def relation_counts(self, by_schema: bool = False):
        """dataset -> RelationCounts (stated, resolved; per schema with `by_schema`) of its latest snapshot."""
        from . import relations

        return relations.counts(self, by_schema=by_schema)

    def _prepare(self, pub: Publication) -> dict[str, tuple[str, str, str, str]]:
        """Validate and serialise: version hash -> (entity id, schema, json, hash), keyed by entity id."""
        if not pub.dataset or not DATASET_NAME.match(pub.dataset):
            raise IngestError(f"invalid dataset name {pub.dataset!r}")
        if not pub.entities:
            # An empty publication would silently delist everyone: refuse it.
            raise IngestError(f"{pub.dataset}: the publication contains no entities")
        merged: dict[str, Entity] = {}
        for entity in pub.entities:
            if not entity.id:
                raise IngestError(f"{pub.dataset}: an entity has no id ({entity.source or entity.caption})")
            if pub.dataset not in entity.datasets:
                entity.datasets.insert(0, pub.dataset)
            seen = merged.get(entity.id)
            if seen is None:
                merged[entity.id] = entity
            else:
                try:
                    seen.merge(entity)
                except SchemaError as exc:
                    raise IngestError(f"{pub.dataset}: entity {entity.id} appears twice with incompatible schemata: {exc}") from exc
        rows: dict[str, tuple[str, str, str, str]] = {}
        for entity_id, entity in merged.items():
            data = stored_dict(entity)
            digest = version_hash(data)
            rows[entity_id] = (entity_id, entity.schema.name, encode(data), digest)
        return rows

    def _write(self, conn, pub: Publication, rows, checksum: str, files: list[str], source: str | None,
               force: bool = False, recheck: bool = False, shrink_limit: float | None = None) -> IngestResult:
        dataset = pub.dataset
        latest = self._latest(conn, dataset)
        previous: dict[str, tuple[str, str, str]] = {}  # entity id -> (version, first_seen, last_change)
        if latest is not None:
            same_bytes = latest.checksum == checksum
            if not (same_bytes and not (force or recheck)):
                q = select(t.snapshot_entities.c.entity_id, t.snapshot_entities.c.version,
                           t.snapshot_entities.c.first_seen, t.snapshot_entities.c.last_change
                           ).where(t.snapshot_entities.c.snapshot_id == latest.id)
                previous = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(q)}
            if same_bytes and not (force or recheck):
                message = f"identical to snapshot {latest.id}"
            elif len(previous) == len(rows) and all(
                    previous.get(eid, ("",))[0] == r[3] for eid, r in rows.items()):
                message = (f"re-read; content identical to snapshot {latest.id}" if same_bytes else
                           f"other files, same content as snapshot {latest.id}")
            else:
                message = None
            if message is not None:
                conn.execute(insert(t.ingests).values(
                    at=now_iso(), dataset=dataset, source=source, files=encode(files), result="unchanged",
                    snapshot_id=latest.id, message=message,
                ))
                return IngestResult(dataset, "unchanged", files, None, latest,
                                    {"added": 0, "removed": 0, "changed": 0}, entity_count=latest.entity_count,
                                    source=source, message=message)
            if shrink_limit is not None and shrink_limit < 1:
                self._guard(conn, latest, previous, rows, shrink_limit)

        at = now_iso()
        if conn.execute(select(t.datasets.c.name).where(t.datasets.c.name == dataset)).first() is None:
            conn.execute(insert(t.datasets).values(name=dataset, title=_title(dataset), created_at=at))

        # Versions: only content never stored before is inserted.
        known = {v[0] for v in previous.values()}
        candidates = [r[3] for r in rows.values() if r[3] not in known]
        existing: set[str] = set()
        for chunk in _chunks(candidates):
            existing.update(conn.scalars(select(t.entity_versions.c.hash).where(t.entity_versions.c.hash.in_(chunk))))
        new_versions = [
            {"hash": h, "entity_id": eid, "schema": schema, "data": data}
            for eid, schema, data, h in rows.values() if h not in known and h not in existing
        ]
        if new_versions:
            conn.execute(insert(t.entity_versions), new_versions)

        # An id that left the list and came back keeps its original first_seen.
        returning = [eid for eid in rows if eid not in previous] if latest is not None else []
        earlier: dict[str, str] = {}
        for chunk in _chunks(returning):
            q = (select(t.snapshot_entities.c.entity_id, func.min(t.snapshot_entities.c.first_seen))
                 .join(t.snapshots, t.snapshots.c.id == t.snapshot_entities.c.snapshot_id)
                 .where(t.snapshots.c.dataset == dataset, t.snapshot_entities.c.entity_id.in_(chunk))
                 .group_by(t.snapshot_entities.c.entity_id))
            earlier.update({r[0]: r[1] for r in conn.execute(q)})

        added = [eid for eid in rows if eid not in previous]
        removed = [eid for eid in previous if eid not in rows]
        changed = [eid for eid, r in rows.items() if eid in previous and previous[eid][0] != r[3]]
        summary = {"added": len(added), "removed": len(removed), "changed": len(changed)}

        snapshot_id = conn.execute(insert(t.snapshots).values(
            dataset=dataset, published=_iso(pub.published), ingested_at=at, checksum=checksum,
            entity_count=len(rows), files=encode(files), warnings=encode(list(pub.warnings)), **summary,
        )).inserted_primary_key[0]

        members = []
        for eid, (_, _, _, h) in rows.items():
            prev = previous.get(eid)
            if prev is None:
                first_seen, last_change = earlier.get(eid, at), at
            else:
                first_seen, last_change = prev[1], (prev[2] if prev[0] == h else at)
            members.append({"snapshot_id": snapshot_id, "entity_id": eid, "version": h,
                            "first_seen": first_seen, "last_change": last_change})
        conn.execute(insert(t.snapshot_entities), members)

        conn.execute(insert(t.ingests).values(
            at=at, dataset=dataset, source=source, files=encode(files), result="created",
            snapshot_id=snapshot_id, message=f"{len(rows)} entities; +{summary['added']} -{summary['removed']} ~{summary['changed']}",
        ))
        snapshot = SnapshotInfo(snapshot_id, dataset, _iso(pub.published), at, checksum, len(rows), files, **summary)
        return IngestResult(dataset, "created", files, snapshot, latest, summary, entity_count=len(rows), source=source)

    @staticmethod
    def _guard(conn, latest: SnapshotInfo, previous: dict[str, tuple[str, str, str]], rows, limit: float) -> None:
        """ShrinkRefused when the publication removes more than `limit` of the latest snapshot's entities,
        or removes or re-types more than `limit` of one schema's (of at least SCHEMA_GUARD_MIN entities).
        An entity whose version is unchanged kept its schema, so only removed and changed versions are read."""
        if not previous:
            return
        unchanged_schema: dict[str, int] = {}
        other_versions: dict[str, str] = {}  # entity id -> its previous version, when removed or changed
        for eid, (version, _, _) in previous.items():
            now = rows.get(eid)
            if now is not None and now[3] == version:
                unchanged_schema[now[1]] = unchanged_schema.get(now[1], 0) + 1
            else:
                other_versions[eid] = version
        schema_of: dict[str, str] = {}
        for chunk in _chunks(sorted(set(other_versions.values()))):
            schema_of.update(conn.execute(select(t.entity_versions.c.hash, t.entity_versions.c.schema)
                                          .where(t.entity_versions.c.hash.in_(chunk))).all())
        by_schema = {name: [count, 0] for name, count in unchanged_schema.items()}  # schema -> [before, lost]
        removed = 0
        for eid, version in other_versions.items():
            schema = schema_of.get(version, "")
            counts = by_schema.setdefault(schema, [0, 0])
            counts[0] += 1
            now = rows.get(eid)
            if now is None:
                removed += 1
            if now is None or now[1] != schema:
                counts[1] += 1
        worst = max(((name, had, lost) for name, (had, lost) in by_schema.items() if had >= SCHEMA_GUARD_MIN),
                    key=lambda x: x[2] / x[1], default=None)
        schema_over = worst is not None and worst[2] / worst[1] > limit
        if removed / len(previous) > limit or schema_over:
            raise ShrinkRefused(latest.dataset, latest.id, len(previous), len(rows), removed, limit,
                                worst if schema_over else None)

    def _refused(self, exc: ShrinkRefused, source: str | None, files: list[str], count: int) -> None:
        """Log the refusal in `ingests` and tell the hooks (the monitor hook audits it and does nothing else)."""
        message = str(exc)
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(t.ingests).values(
                    at=now_iso(), dataset=exc.dataset, source=source, files=encode(files), result="refused",
                    snapshot_id=exc.snapshot_id, message=message,
                ))
        except SQLAlchemyError:
            pass
        summary = {"added": max(0, exc.after - (exc.before - exc.removed)), "removed": exc.removed, "changed": 0}
        self._notify(IngestResult(exc.dataset, "refused", files, None, self.snapshot(exc.snapshot_id), summary,
                                  entity_count=count, error=message, source=source, message=message,
                                  refusal=exc.to_dict()))

    def _failed(self, dataset: str | None, source: str | None, files: list[str], message: str) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(t.ingests).values(
                    at=now_iso(), dataset=dataset, source=source, files=encode(files), result="failed", message=message,
                ))
        except SQLAlchemyError:
            pass  # the database itself is the problem; the caller reports the original error
        self._notify(IngestResult(dataset, "failed", files, error=message, source=source))

    def _notify(self, result: IngestResult) -> None:
        for hook in list(self.on_ingest):
            hook(result)

    def ingests(self, limit: int = 100) -> list[dict[str, Any]]:
        """The ingest log, newest first."""
        q = select(t.ingests).order_by(t.ingests.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [{**r._mapping, "files": orjson.loads(r.files)} for r in conn.execute(q)]

    # -- datasets and snapshots ------------------------------------------
    @staticmethod
    def _snapshot(row) -> SnapshotInfo:
        return SnapshotInfo(row.id, row.dataset, row.published, row.ingested_at, row.checksum, row.entity_count,
                            orjson.loads(row.files), row.added, row.removed, row.changed)

    def _latest(self, conn, dataset: str) -> SnapshotInfo | None:
        row = conn.execute(select(t.snapshots).where(t.snapshots.c.dataset == dataset)
                           .order_by(t.snapshots.c.id.desc()).limit(1)).first()
        return self._snapshot(row) if row else None

    def _latest_ids(self, conn, datasets: Iterable[str] | None = None) -> dict[int, str]:
        q = select(func.max(t.snapshots.c.id), t.snapshots.c.dataset).group_by(t.snapshots.c.dataset)
        if datasets is not None:
            q = q.where(t.snapshots.c.dataset.in_(list(datasets)))
        return {r[0]: r[1] for r in conn.execute(q)}

    def snapshots(self, dataset: str) -> list[SnapshotInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.snapshots).where(t.snapshots.c.dataset == dataset).order_by(t.snapshots.c.id))
            return [self._snapshot(r) for r in rows]

    def snapshot(self, snapshot_id: int) -> SnapshotInfo | None:
        if not isinstance(snapshot_id, int) or not 0 < snapshot_id < 2**63:  # databases refuse larger integers
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(t.snapshots).where(t.snapshots.c.id == snapshot_id)).first()
            return self._snapshot(row) if row else None

    def datasets(self) -> list[DatasetInfo]:
        with self.engine.connect() as conn:
            counts = dict(conn.execute(select(t.snapshots.c.dataset, func.count()).group_by(t.snapshots.c.dataset)).all())
            changes = dict(conn.execute(
                select(t.snapshots.c.dataset, func.max(t.snapshots.c.ingested_at))
                .where((t.snapshots.c.added + t.snapshots.c.removed + t.snapshots.c.changed) > 0)
                .group_by(t.snapshots.c.dataset)).all())
            titles = dict(conn.execute(select(t.datasets.c.name, t.datasets.c.title)).all())
            latest = self._latest_ids(conn)
            rows = conn.execute(select(t.snapshots).where(t.snapshots.c.id.in_(list(latest))).order_by(t.snapshots.c.dataset)) if latest else []
            out = []
            for r in rows:
                out.append(DatasetInfo(
                    name=r.dataset, title=titles.get(r.dataset, r.dataset), published=r.published,
                    ingested_at=r.ingested_at, entity_count=r.entity_count,
                    last_change=changes.get(r.dataset, r.ingested_at), snapshots=counts.get(r.dataset, 0),
                    latest_snapshot=r.id, license=_about(r.dataset, "license"), summary=_about(r.dataset, "summary"),
                ))
            return out

    # -- entities ---------------------------------------------------------
    def _current_rows(self, conn, datasets: Iterable[str] | None, entity_id: str | None = None):
        latest = self._latest_ids(conn, datasets)
        if not latest:
            return [], latest
        se, v, s = t.snapshot_entities, t.entity_versions, t.snapshots
        q = (select(se.c.entity_id, se.c.first_seen, se.c.last_change, s.c.ingested_at, v.c.data)
             .join(v, v.c.hash == se.c.version)
             .join(s, s.c.id == se.c.snapshot_id)
             .where(se.c.snapshot_id.in_(list(latest))))
        if entity_id is not None:
            q = q.where(se.c.entity_id == entity_id)
        return conn.execute(q.order_by(se.c.entity_id, se.c.snapshot_id)), latest

    @staticmethod
    def _merged(rows) -> Iterator[Entity]:
        """One Entity per id; an id listed by two datasets (e.g. both OFAC lists) is merged."""
        current: Entity | None = None
        for entity_id, first_seen, last_change, last_seen, data in rows:
            entity = decode_entity(data)
            entity.first_seen, entity.last_change, entity.last_seen = first_seen, last_change, last_seen
            if current is not None and current.id == entity_id:
                current.merge(entity)
                current.first_seen = min(current.first_seen, first_seen)
                current.last_seen = max(current.last_seen, last_seen)
                current.last_change = max(current.last_change, last_change)
                continue
            if current is not None:
                yield current
            current = entity
        if current is not None:
            yield current

    def entities(self, datasets: Iterable[str] | None = None) -> Iterator[Entity]:
        """Current entities: the latest snapshot of each (selected) dataset, ordered by id."""
        with self.engine.connect() as conn:
            rows, _ = self._current_rows(conn, datasets)
            rows = list(rows)
        return self._merged(rows)

    def entity(self, entity_id: str) -> Entity | None:
        with self.engine.connect() as conn:
            rows, _ = self._current_rows(conn, None, entity_id)
            return next(self._merged(list(rows)), None)

    def count(self, datasets: Iterable[str] | None = None) -> int:
        with self.engine.connect() as conn:
            latest = self._latest_ids(conn, datasets)
            if not latest:
                return 0
            q = select(func.count(func.distinct(t.snapshot_entities.c.entity_id))).where(
                t.snapshot_entities.c.snapshot_id.in_(list(latest)))
            return conn.scalar(q) or 0

    # -- history and diffs ----------------------------------------------
    def _versions(self, conn, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
        hashes = list(set(hashes))
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(hashes):
            q = select(t.entity_versions.c.hash, t.entity_versions.c.data).where(t.entity_versions.c.hash.in_(chunk))
            out.update({h: orjson.loads(d) for h, d in conn.execute(q)})
        return out

    def _members(self, conn, snapshot_id: int) -> dict[str, str]:
        q = select(t.snapshot_entities.c.entity_id, t.snapshot_entities.c.version).where(
            t.snapshot_entities.c.snapshot_id == snapshot_id)
        return dict(conn.execute(q).all())

    def history(self, entity_id: str) -> list[EntityChange]:
        """Every snapshot in which the entity was added, changed or removed, oldest first."""
        se, s = t.snapshot_entities, t.snapshots
        with self.engine.connect() as conn:
            datasets = list(conn.scalars(select(s.c.dataset).distinct().join(se, se.c.snapshot_id == s.c.id)
                                         .where(se.c.entity_id == entity_id)))
            if not datasets:
                return []
            q = (select(s.c.id, s.c.dataset, s.c.ingested_at, s.c.published, se.c.version)
                 .outerjoin(se, and_(se.c.snapshot_id == s.c.id, se.c.entity_id == entity_id))
                 .where(s.c.dataset.in_(datasets)).order_by(s.c.id))
            rows = conn.execute(q).all()
            versions = self._versions(conn, [r.version for r in rows if r.version])
        out: list[EntityChange] = []
        last: dict[str, str | None] = {}
        for r in rows:
            before = last.get(r.dataset)
            if r.version and before is None:
                kind, props = "added", property_changes({"properties": {}}, versions[r.version])
                props.pop("schema", None)
            elif r.version and before != r.version:
                kind, props = "changed", property_changes(versions[before], versions[r.version])
            elif r.version is None and before is not None:
                kind, props = "removed", {}
            else:
                last[r.dataset] = r.version
                continue
            last[r.dataset] = r.version
            out.append(EntityChange(entity_id, r.dataset, r.id, r.ingested_at, r.published, kind, props))
        return out

    def diff(self, dataset: str, from_snapshot: int | None = None, to_snapshot: int | None = None) -> Diff:
        """Added / removed / changed entities between two snapshots (default: previous -> latest)."""
        snaps = self.snapshots(dataset)
        if not snaps:
            known = ", ".join(d.name for d in self.datasets()) or "none yet"
            raise NotFound(f"no dataset {dataset!r} in the store (datasets: {known})")
        by_id = {s.id: s for s in snaps}
        for sid in (from_snapshot, to_snapshot):
            if sid is not None and sid not in by_id:
                raise NotFound(f"snapshot {sid} is not a snapshot of {dataset} (snapshots: {', '.join(map(str, by_id))})")
        to = by_id[to_snapshot] if to_snapshot is not None else snaps[-1]
        if from_snapshot is not None:
            frm: SnapshotInfo | None = by_id[from_snapshot]
        else:
            earlier = [s for s in snaps if s.id < to.id]
            frm = earlier[-1] if earlier else None
        with self.engine.connect() as conn:
            new = self._members(conn, to.id)
            old = self._members(conn, frm.id) if frm else {}
            added = sorted(k for k in new if k not in old)
            removed = sorted(k for k in old if k not in new)
            changed = sorted(k for k in new if k in old and old[k] != new[k])
            needed = [new[k] for k in added] + [old[k] for k in removed]
            needed += [old[k] for k in changed] + [new[k] for k in changed]
            versions = self._versions(conn, needed)

        def ref(data: dict[str, Any]) -> EntityRef:
            return EntityRef(data["id"], data["schema"], _caption(data))

        result = Diff(dataset, frm, to)
        result.added = [ref(versions[new[k]]) for k in added]
        result.removed = [ref(versions[old[k]]) for k in removed]
        for k in changed:
            before, after = versions[old[k]], versions[new[k]]
            result.changed.append(ChangedEntity(k, after["schema"], _caption(after), property_changes(before, after)))
        return result


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return repr(url)


def _caption(data: dict[str, Any]) -> str:
    props = data.get("properties") or {}
    for prop in ("name", "alias", "lastName", "number", "full"):
        if props.get(prop):
            return props[prop][0]
    return data.get("id") or data.get("schema", "")


def _about(dataset: str, field: str) -> str | None:
    from vigil.sources import DATASETS

    source = DATASETS.get(dataset)
    return getattr(source, field, None) if source else None


def _title(dataset: str) -> str:
    from vigil.sources import DATASETS

    source = DATASETS.get(dataset)
    return source.title if source else dataset
