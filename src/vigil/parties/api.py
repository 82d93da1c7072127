"""`Parties`: the store-backed Python API of cross-list resolution (what the serving layer uses).

    parties = Parties(store)
    report = parties.resolve()                # after an ingest: screens only what changed
    pid = parties.party_of("unsc-QDe.004")    # O(1), from the in-memory PartyMap
    parties.members(pid)                      # ['gb-hmt-6965', 'ofac-6366', 'unsc-QDe.004']
    parties.merged(pid)                       # one FtM Entity, referents = the member record ids
    parties.party(pid).listings               # where each record is listed (lists, programmes, dates)
    parties.review_queue()                    # ambiguous pairs for an analyst
    parties.decide(("ofac-1", "unsc-QDi.1"), "reject", actor="alice", reason="different DOB")
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import orjson
from sqlalchemy import insert, select, update

from vigil.service import audit
from vigil.model import Entity

from . import ids, review, state
from . import tables as t
from .candidates import screen
from .links import Link
from .merge import Party, build
from .records import list_key, records_of
from .resolution import resolve_records

FULL_SHARE = 0.5  # when more than this share of records changed, screen everything one way (cheaper)
MAX_ATTEMPTS = 3  # a resolve that lost a race with another one recomputes


class ResolveConflict(RuntimeError):
    """Another resolve committed while this one computed."""


@dataclass(frozen=True)
class PartyMap:
    """Record id <-> party id, all in memory (a few MB for every list): lookups per screening result are O(1)."""
    generation: int
    party: dict[str, str]  # record -> party
    members_of: dict[str, tuple[str, ...]]  # party -> records
    successor: dict[str, str]  # retired party -> the party that took most of its records

    def party_of(self, record_id: str) -> str | None:
        return self.party.get(record_id)

    def members(self, party_id: str) -> tuple[str, ...]:
        return self.members_of.get(self.current(party_id) or "", ())

    def current(self, any_id: str) -> str | None:
        """The live party for a party id (following retirements) or a record id; None when unknown."""
        if any_id in self.members_of:
            return any_id
        if any_id in self.party:
            return self.party[any_id]
        seen = set()
        while any_id in self.successor and any_id not in seen:
            seen.add(any_id)
            any_id = self.successor[any_id]
            if any_id in self.members_of:
                return any_id
        return None

    def group(self, record_ids: Iterable[str]) -> dict[str, list[str]]:
        """Records grouped by party, in first-seen order (records without a party form their own group)."""
        out: dict[str, list[str]] = {}
        for rid in record_ids:
            out.setdefault(self.party.get(rid, rid), []).append(rid)
        return out

    def __len__(self) -> int:
        return len(self.members_of)


@dataclass
class ResolveReport:
    generation: int
    full: bool
    records: int
    parties: int
    multi_record_parties: int
    links: dict[str, int]
    review_pending: int
    conflicts: list[dict[str, Any]]
    unresolved_references: dict[str, list[str]]
    screened: int
    unscreenable: list[str]
    kept: int
    created: int
    retired: int
    changed_parties: int
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Parties:
    """Cross-list parties over a `Store` (tables beside the store's; SQLite or PostgreSQL)."""

    def __init__(self, store: Any):
        self.store = store
        self.engine = store.engine
        t.ensure_tables(self.engine)
        with self.engine.begin() as conn:
            if conn.execute(select(t.state.c.id)).first() is None:
                conn.execute(insert(t.state).values(id=1, generation=0))
        self._map: PartyMap | None = None
        self._lock = threading.Lock()

    # -- resolving -------------------------------------------------------------------
    def resolve(self, matcher: Any = None, *, full: bool = False, actor: str = "system",
                progress: Callable[[int, int], None] | None = None) -> ResolveReport:
        """Recompute the parties from the current lists (after an ingest or update).

        Only records that are new or whose names, dates, countries or identifiers changed are
        screened again (`full` screens all). `matcher`: a `Matcher` over the current entities (the
        screening service has one), or a function returning one, called only when there is something
        to screen; by default one is built from the store when needed.
        """
        for attempt in range(MAX_ATTEMPTS):
            try:
                return self._resolve(matcher, full, actor, progress)
            except ResolveConflict:
                if attempt + 1 == MAX_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def _resolve(self, matcher, full, actor, progress) -> ResolveReport:
        clock = _Clock()
        entities = list(self.store.entities())
        records = records_of(entities)
        with self.engine.connect() as conn:
            stored = state.load(conn)
        clock.lap("load")
        fingerprints = {rid: (r.key, r.fingerprint) for rid, r in records.items()}
        changed = {rid for rid, fp in fingerprints.items() if stored.fingerprints.get(rid) != fp}
        removed = set(stored.fingerprints) - set(records)
        full = full or not stored.fingerprints or len(changed) > FULL_SHARE * max(1, len(records))
        dropped = changed | removed
        pairs = {} if full else {k: p for k, p in stored.pairs.items() if k[0] not in dropped and k[1] not in dropped}
        to_screen = sorted(records) if full else sorted(changed)
        new_pairs: dict = {}
        screened, failed = 0, []
        if to_screen:
            if matcher is None:
                from vigil.matching import Matcher

                matcher = Matcher(entities)
                clock.lap("matcher")
            elif not hasattr(matcher, "match"):  # a factory: load the matcher only when there is work
                matcher = matcher()
                clock.lap("matcher")
            tick = (lambda n: progress(n, len(to_screen))) if progress else None
            new_pairs, screened, failed = screen(records, matcher, to_screen, both_ways=not full, progress=tick)
            pairs.update(new_pairs)
            clock.lap("screen")
        resolution = resolve_records(records, pairs, stored.decisions)
        assignment = ids.assign(resolution.clusters, stored.members, stored.age, stored.taken)
        clock.lap("resolve")

        at = t.now()
        generation = stored.generation + 1
        multi = sum(1 for c in resolution.clusters if len(c) > 1)
        report = ResolveReport(
            generation=generation, full=full, records=len(records), parties=len(resolution.clusters),
            multi_record_parties=multi, links=resolution.links_by_stage, review_pending=len(resolution.review),
            conflicts=[{"a": l.a, "b": l.b, "stage": l.stage, "why": why} for l, why in resolution.clustering.conflicts],
            unresolved_references=resolution.unresolved_refs, screened=screened, unscreenable=failed,
            kept=len(assignment.kept), created=len(assignment.created), retired=len(assignment.retired),
            changed_parties=0)
        with self.engine.begin() as conn:
            # Lock the state row first: a concurrent resolve waits here, then sees a newer generation.
            conn.execute(update(t.state).where(t.state.c.id == 1).values(generation=t.state.c.generation))
            if conn.execute(select(t.state.c.generation).where(t.state.c.id == 1)).scalar_one() != stored.generation:
                raise ResolveConflict("another resolve committed meanwhile")
            state.save_screening(conn, fingerprints, set(to_screen), removed, new_pairs, full)
            state.save_links(conn, stored.links, resolution.clustering.applied)
            report.changed_parties = state.save_parties(conn, stored, assignment.ids, resolution.clusters,
                                                        assignment.created, assignment.retired, at)
            state.save_queue(conn, resolution.review, at)
            clock.lap("write")
            report.seconds = clock.laps
            summary = {k: v for k, v in report.to_dict().items() if k not in ("conflicts", "unresolved_references")}
            summary["conflicts"] = len(report.conflicts)
            summary["unresolved_references"] = sum(len(v) for v in report.unresolved_references.values())
            state.save_state(conn, generation, report.to_dict(), at)
            audit.append(actor, "parties.resolved", summary, conn=conn)
        report.seconds = clock.laps
        self._map = _map_of(generation, assignment.ids, resolution.clusters, {
            **_successors(self.engine), **{k: v for k, v in assignment.retired.items() if v}})
        return report

    # -- the map ---------------------------------------------------------------------------
    def map(self) -> PartyMap:
        """The in-memory record <-> party map (loaded once; `refresh()` picks up another process's resolve)."""
        if self._map is None:
            with self._lock:
                if self._map is None:
                    self._map = self._load_map()
        return self._map

    def refresh(self) -> PartyMap:
        """Reload the map if a resolve (in any process) has committed since it was loaded."""
        with self.engine.connect() as conn:
            generation = conn.execute(select(t.state.c.generation).where(t.state.c.id == 1)).scalar() or 0
        if self._map is None or self._map.generation != generation:
            with self._lock:
                self._map = self._load_map()
        return self._map

    def _load_map(self) -> PartyMap:
        with self.engine.connect() as conn:
            generation = conn.execute(select(t.state.c.generation).where(t.state.c.id == 1)).scalar() or 0
            rows = conn.execute(select(t.members.c.record_id, t.members.c.party_id)).all()
        grouped: dict[str, list[str]] = {}
        for rid, pid in rows:
            grouped.setdefault(pid, []).append(rid)
        pids = list(grouped)
        return _map_of(generation, pids, [sorted(grouped[p]) for p in pids], _successors(self.engine))

    def party_of(self, record_id: str) -> str | None:
        return self.map().party_of(record_id)

    def members(self, party_id: str) -> list[str]:
        return list(self.map().members(party_id))

    # -- one party ----------------------------------------------------------------------
    def party(self, any_id: str) -> Party | None:
        """The party with this id (a retired id leads to its successor) or holding this record id."""
        pid = self.map().current(any_id)
        if pid is None:
            return None
        entities = [e for rid in self.map().members(pid) if (e := self.store.entity(rid)) is not None]
        if not entities:
            return None
        return build(pid, entities, self.links(pid))

    def merged(self, party_id: str) -> Entity | None:
        party = self.party(party_id)
        return party.entity if party else None

    def links(self, party_id: str) -> list[Link]:
        members = list(self.map().members(party_id))
        if not members:
            return []
        out = []
        with self.engine.connect() as conn:
            for i in range(0, len(members), state.CHUNK):
                q = select(t.links).where(t.links.c.a.in_(members[i:i + state.CHUNK]))
                out += [Link(r.a, r.b, r.stage, r.score, orjson.loads(r.evidence)) for r in conn.execute(q)]
        return sorted(out, key=lambda l: l.key)

    # -- review ------------------------------------------------------------------------
    def review_queue(self, limit: int | None = None, record_ids: list[str] | None = None) -> list[review.ReviewItem]:
        """Pending pairs, strongest first (optionally only those involving the given records)."""
        return review.items(self.engine, "pending", record_ids, limit)

    def decisions(self, record_ids: list[str] | None = None) -> list[review.ReviewItem]:
        return [i for s in ("accepted", "rejected") for i in review.items(self.engine, s, record_ids)]

    def decide(self, pair: tuple[str, str], decision: str, actor: str, reason: str, *,
               resolve: bool = True, on_behalf_of: str | None = None) -> review.ReviewItem:
        """Accept (link) or reject (keep apart, for good) a pair of records; audited. With `resolve`
        the parties are recomputed at once (no screening needed: the decision only re-clusters)."""
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise review.ReviewError("a decision is about a pair of record ids")
        keys = self._list_keys(pair)
        item = review.decide(self.engine, pair[0], pair[1], decision, actor, reason, keys, on_behalf_of)
        if resolve:
            self.resolve(actor=actor)
        return item

    def _list_keys(self, record_ids: Iterable[str]) -> dict[str, str]:
        """List key of each given id that is a current record (the others are left out)."""
        out = {}
        for rid in record_ids:
            entity = self.store.entity(str(rid or "").strip())
            if entity is not None and entity.id:
                out[entity.id] = list_key(entity)
        return out

    def last_report(self) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            raw = conn.execute(select(t.state.c.report).where(t.state.c.id == 1)).scalar()
        return orjson.loads(raw) if raw else None


def _successors(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(select(t.parties.c.id, t.parties.c.successor)
                                                 .where(t.parties.c.successor.is_not(None)))}


def _map_of(generation: int, pids: list[str], clusters: list[list[str]], successor: dict[str, str]) -> PartyMap:
    party = {m: pid for pid, ms in zip(pids, clusters) for m in ms}
    members_of = {pid: tuple(ms) for pid, ms in zip(pids, clusters)}
    return PartyMap(generation, party, members_of, successor)


class _Clock:
    """Wall seconds per phase, and the process's CPU seconds in all (the machine may be shared)."""

    def __init__(self):
        self.started = self.last = time.perf_counter()
        self.cpu = time.process_time()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 3)
        self.laps["total"] = round(now - self.started, 3)
        self.laps["cpu"] = round(time.process_time() - self.cpu, 3)
        self.last = now
