"""Rescreening: keep every book current with the lists, doing only the work a change can affect.

One run does two things:
1. customers that are new or changed since they were last screened (`pending`) are screened
   against all current lists (one full Matcher);
2. for each dataset with snapshots not yet processed, the delta (added + changed entities
   from `store.diff`) is indexed in a *small* Matcher and every other customer is screened
   against it: a customer that matched nothing before can only match something new through
   these entities. Removed entities close their open alerts as `delisted`.

Hits become alerts unless an alert for the pair is already open/confirmed, or the pair is
whitelisted at the same entity version and customer record (then it stays quiet).

Parties (the default): a customer's hits are grouped by party (`vigil.parties`), one hit per party — its
best-scoring record — and the alert names the party and all its records (`party_id`, `referents`). A party
hit is *known* while any alert of the customer on the party or on any of its records is open or confirmed,
so alerts raised per record before an upgrade (or before two records were found to be one party) are not
raised again per party, and rescreens stay idempotent. A whitelisted record quiets its party (at the same
versions). A removed record delists a party alert only when the party has no other record left.
`Monitor(per_record=True)` (`vigil monitor run --per-record`) raises per list record, as before parties.
"""
from __future__ import annotations

import functools
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import Connection, Engine, bindparam, func, insert, or_, select, update

from vigil.service import audit
from vigil.model import Entity
from vigil.monitor import tables as t
from vigil.monitor.alerts import OPEN_STATUSES, delist_alerts, insert_alert
from vigil.monitor.books import customer_keys_table, customers_by_id, iter_customers
from vigil.settings import DEFAULT_THRESHOLD

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 10
LOOKUP_ONE_BY_ONE = 500  # fetch delta entities by id below this many, else stream the dataset


@dataclass
class Hit:
    customer: Any  # customer row: id, book, customer_id, name, data, row_hash
    entity: Entity
    score: float
    explanations: dict[str, Any]
    reason: str
    trigger: str
    party: str | None = None  # the party of `entity` (party mode), and all its records
    referents: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    customers: int = 0  # in all books
    pending_screened: int = 0  # new/changed customers screened against all lists
    delta_screened: int = 0  # customers screened against a delta
    prefiltered: int = 0  # customers skipped: none of their candidate keys is in the delta index
    delta_entities: int = 0  # added + changed list entities indexed for the delta
    removed_entities: int = 0
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)  # dataset -> {from, to, added, changed, removed}
    full_index_entities: int = 0  # size of the full index, when one was needed
    candidates: int = 0  # candidate pairs the matcher scored (the work measure)
    hits: int = 0  # results at or above the threshold
    alerts: list[int] = field(default_factory=list)  # new alert ids
    suppressed: int = 0  # hits quiet because whitelisted at the same version
    known: int = 0  # hits already covered by an open or confirmed alert
    delisted: list[int] = field(default_factory=list)
    unscreenable: list[str] = field(default_factory=list)  # customers the matcher cannot screen, with why
    seconds: float = 0.0
    screen_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def entity_version(entity: Entity) -> str:
    from vigil.store.versions import stored_dict, version_hash

    return version_hash(stored_dict(entity))


def entity_snapshot(entity: Entity) -> dict[str, Any]:
    from vigil.store.versions import stored_dict

    data = stored_dict(entity)
    data["caption"] = entity.caption
    return data


KEY_SEP = "\x1f"


@functools.lru_cache(maxsize=1)
def keys_version() -> str:
    """Candidate keys depend on the matching code; keys from other code are recomputed, never trusted.
    Computed once per process: it describes the code this process has loaded, whatever changes on disk."""
    from vigil.service.index_cache import code_fingerprint

    return code_fingerprint()


def customer_keys(matcher: Any, query: Entity) -> str | None:
    """Every key the matcher's candidate generation could look up for this query (a superset, so exact)."""
    keys_of = getattr(matcher, "query_keys", None)
    if keys_of is None:
        return None  # a matcher without keys: the customer is simply always screened
    try:
        keys = keys_of(query)
    except ValueError:
        return None
    return KEY_SEP.join(sorted(keys))


def index_keys(matcher: Any) -> frozenset[str] | None:
    """All keys a (small, delta) matcher index can be found by: a customer sharing none of them
    cannot get a candidate from it."""
    keys_of = getattr(matcher, "candidate_keys", None)
    if keys_of is None:
        return None  # an index we cannot read: no prefilter, every customer is screened (slower, still exact)
    return keys_of()


def _default_matcher_factory(entities: list[Entity], prune: bool | None = None) -> Any:
    from vigil.matching import Matcher

    return Matcher(entities, prune=prune)


class Monitor:
    """Rescreens books against a store. `Monitor(store).run()` is what `vigil monitor run` and the ingest hook call."""

    def __init__(self, store: Any, *, threshold: float = DEFAULT_THRESHOLD, limit: int = DEFAULT_LIMIT,
                 matcher_factory: Callable[[list[Entity]], Any] | None = None, full_matcher: Any | None = None,
                 settings: Any = None, per_record: bool = False, parties: Any = None):
        self.store = store
        self.settings = settings  # the front end's Settings (the matcher's options); None: from the environment
        self.engine: Engine = store.engine
        self.threshold = threshold
        self.limit = limit
        self.matcher_factory = matcher_factory or _default_matcher_factory
        self._full_matcher = full_matcher  # e.g. the API's loaded index, to avoid building another
        self._keys: dict[int, tuple[str, str, str]] = {}  # customer pk -> (row_hash, keys, keys_version) to store
        self.per_record = per_record
        self._parties = parties  # a PartyMap, or a function returning one; None: the store's last resolve
        self._map: Any = None  # the party map of this run

    def _party_map(self) -> Any:
        """The record -> party map this run groups hits by (None per record, or when no resolve has run)."""
        if self.per_record:
            return None
        parties = self._parties
        if parties is None:
            from vigil.parties import Parties

            try:
                return Parties(self.store).refresh()
            except Exception:  # never stop monitoring for it: hits are then raised per record
                log.exception("could not load the parties; raising alerts per record")
                return None
        return parties() if callable(parties) and not hasattr(parties, "party_of") else parties

    # -- public -----------------------------------------------------------
    def run(self, actor: str = "monitor", *, full: bool = False) -> RunReport:
        """Rescreen what changed. `full=True` screens every customer against all lists (the slow baseline)."""
        t.ensure_tables(self.engine)
        started = time.perf_counter()
        report = RunReport()
        self._map = self._party_map()
        plan = self._plan()
        hits: list[Hit] = []
        with self.engine.connect() as conn:
            report.customers = conn.execute(select(func.count()).select_from(t.customers)).scalar() or 0
            screened: set[int] = set()
            if full or plan["pending"]:
                only = None if full else plan["pending"]
                matcher, size = self._full_index()
                report.full_index_entities = size
                trigger = "full rescreen" if full else "new or changed customer"
                reason = "full-rescreen" if full else "new-customer"
                screened = self._screen(conn, matcher, only, None, reason, trigger, hits, report)
                report.pending_screened = len(screened)
            delta: dict[str, None] = {}  # ordered set of added/changed entity ids over all datasets
            triggers: list[str] = []
            for dataset, info in plan["datasets"].items():
                report.datasets[dataset] = {k: v for k, v in info.items() if k not in ("ids", "removed_ids")}
                delta.update(dict.fromkeys(info["ids"]))
                report.removed_entities += len(info["removed_ids"])
                triggers.append(f"{dataset} snapshot {info['to']}")
            if delta and not full:
                entities = self._entities(list(delta))
                report.delta_entities = len(entities)
                others = report.customers - len(screened)
                if entities and others > 0:
                    matcher = (_default_matcher_factory(entities, self._prune())
                               if self.matcher_factory is _default_matcher_factory else self.matcher_factory(entities))
                    done = self._screen(conn, matcher, None, screened, "list-change", ", ".join(triggers), hits, report,
                                        prefilter=index_keys(matcher))
                    report.delta_screened = len(done)
        report.screen_seconds = time.perf_counter() - started
        self._write(plan, hits, report, actor)
        report.seconds = time.perf_counter() - started
        return report

    # -- planning ---------------------------------------------------------
    def _plan(self) -> dict[str, Any]:
        with self.engine.connect() as conn:
            pending = {r.id: r.row_hash for r in conn.execute(
                select(t.customers.c.id, t.customers.c.row_hash).where(t.customers.c.pending == True))}  # noqa: E712
            done = {r.dataset: r.snapshot_id for r in conn.execute(select(t.state))}
            empty = not conn.execute(select(t.customers.c.id).limit(1)).first()
        datasets: dict[str, dict[str, Any]] = {}
        for info in self.store.datasets():
            latest = info.latest_snapshot
            last = done.get(info.name)
            if last == latest:
                continue
            if empty:  # no customers (so no alerts): just remember how far the lists are
                datasets[info.name] = {"from": last, "to": latest, "added": 0, "changed": 0, "removed": 0,
                                       "ids": [], "removed_ids": []}
                continue
            if last is None:
                # Never processed: everything in it is new to the books.
                ids = [e.id for e in self.store.entities([info.name])]
                datasets[info.name] = {"from": None, "to": latest, "added": len(ids), "changed": 0, "removed": 0,
                                       "ids": ids, "removed_ids": []}
                continue
            try:
                diff = self.store.diff(info.name, from_snapshot=last, to_snapshot=latest)
            except LookupError:  # the processed snapshot was pruned: treat the dataset as new
                diff = self.store.diff(info.name, to_snapshot=latest)
            ids = [e.id for e in diff.added] + [e.id for e in diff.changed]
            datasets[info.name] = {"from": last, "to": latest, "added": len(diff.added), "changed": len(diff.changed),
                                   "removed": len(diff.removed), "ids": ids,
                                   "removed_ids": [e.id for e in diff.removed]}
        return {"pending": pending, "datasets": datasets}

    def _entities(self, ids: list[str]) -> list[Entity]:
        """Current versions of the delta entities (merged across datasets, as the full index sees them)."""
        if len(ids) <= LOOKUP_ONE_BY_ONE:
            found = [self.store.entity(i) for i in ids]
            return [e for e in found if e is not None]
        wanted = set(ids)
        return [e for e in self.store.entities() if e.id in wanted]

    def _full_index(self) -> tuple[Any, int]:
        if self._full_matcher is None:
            if self.matcher_factory is _default_matcher_factory:
                from vigil.service.index_cache import load_matcher

                # the on-disk index `vigil screen` uses
                self._full_matcher, _ = load_matcher(self.store, settings=self.settings)
            else:
                self._full_matcher = self.matcher_factory(list(self.store.entities()))
        return self._full_matcher, len(self._full_matcher)

    def _prune(self) -> bool:
        from vigil.settings import Settings

        return (self.settings or Settings.from_env()).match_prune

    # -- screening --------------------------------------------------------
    def _screen(self, conn: Connection, matcher: Any, only: dict[int, str] | None, skip: set[int] | None,
                reason: str, trigger: str, hits: list[Hit], report: RunReport,
                prefilter: frozenset[str] | None = None) -> set[int]:
        """Screen customers against `matcher`. With `prefilter` (the delta index's keys), a customer whose
        stored keys (same matching code) share none of them cannot become a candidate and is skipped."""
        screened: set[int] = set()
        version = keys_version()
        if prefilter is not None:
            # Light pass over the keys only; full rows are read just for the customers that may match.
            wanted = []
            for light in customer_keys_table(conn):
                if skip and light.id in skip:
                    continue
                if (light.match_keys is not None and light.keys_version == version
                        and prefilter.isdisjoint(light.match_keys.split(KEY_SEP))):
                    report.prefiltered += 1
                else:
                    wanted.append(light.id)
            rows = customers_by_id(conn, wanted)
        else:
            rows = iter_customers(conn, pending=True if only is not None else None)
        for row in rows:
            if only is not None and row.id not in only:
                continue
            if skip and row.id in skip:
                continue
            fresh = row.match_keys is not None and row.keys_version == version
            query = Entity.from_dict(json.loads(row.data))
            try:
                resp = matcher.match(query, limit=self.limit, threshold=self.threshold)
            except ValueError as exc:  # a query the matcher refuses (e.g. a name without letters)
                report.unscreenable.append(f"{row.book}/{row.customer_id}: {exc}")
                screened.add(row.id)
                continue
            if not fresh:
                keys = customer_keys(matcher, query)
                if keys is not None:
                    self._keys[row.id] = (row.row_hash, keys, version)
            report.candidates += _total(resp)
            screened.add(row.id)
            seen: set[str] = set()  # parties hit (results come best first: a party's first is its best)
            for result in resp.results:
                if result.score < self.threshold:
                    continue
                party, members = None, []
                if self._map is not None:
                    party = self._map.party_of(result.entity.id or "")
                    if party is not None:
                        if party in seen:
                            continue
                        seen.add(party)
                        members = list(self._map.members(party))
                report.hits += 1
                hits.append(Hit(row, result.entity, float(result.score), _explanations(result), reason, trigger,
                                party, members))
        return screened

    # -- writing ----------------------------------------------------------
    def _write(self, plan: dict[str, Any], hits: list[Hit], report: RunReport, actor: str) -> None:
        """One transaction: alerts, outbox, delistings, customer flags, processed snapshots, audit."""
        with self.engine.begin() as conn:
            # First statement takes the audit head lock: concurrent runs serialise here, and the
            # checks below see everything an earlier run wrote.
            audit.append(actor, "monitor.run", {
                "datasets": report.datasets, "pending": report.pending_screened, "delta_entities": report.delta_entities,
                "delta_screened": report.delta_screened, "candidates": report.candidates, "hits": report.hits,
            }, conn=conn)
            for hit in hits:
                self._raise(conn, hit, report, actor)
            for dataset, info in plan["datasets"].items():
                for entity_id in info["removed_ids"]:
                    if self.store.entity(entity_id) is None:  # gone from every list, not just this one
                        report.delisted.extend(delist_alerts(conn, entity_id, f"{dataset} snapshot {info['to']}",
                                                             actor, still_listed=self._still_listed))
                stamp = t.now()
                if conn.execute(update(t.state).where(t.state.c.dataset == dataset)
                                .values(snapshot_id=info["to"], at=stamp)).rowcount == 0:
                    conn.execute(insert(t.state).values(dataset=dataset, snapshot_id=info["to"], at=stamp))
            self._backfill_parties(conn)
            if self._keys:
                conn.execute(update(t.customers).where(t.customers.c.id == bindparam("cid"),
                                                       t.customers.c.row_hash == bindparam("digest"))
                             .values(match_keys=bindparam("k"), keys_version=bindparam("v")),
                             [{"cid": cid, "digest": d, "k": k, "v": v} for cid, (d, k, v) in self._keys.items()])
                self._keys.clear()
            stamp = t.now()
            for cid, digest in plan["pending"].items():
                # Only clear the flag if the row was not re-imported while we screened it.
                conn.execute(update(t.customers).where(t.customers.c.id == cid, t.customers.c.row_hash == digest)
                             .values(pending=False, screened_at=stamp))

    def _raise(self, conn: Connection, hit: Hit, report: RunReport, actor: str) -> None:
        entity = hit.entity
        version = entity_version(entity)
        records = hit.referents or [entity.id]
        known = t.alerts.c.entity_id.in_(records)
        if hit.party:
            known = or_(known, t.alerts.c.party_id == hit.party)
        statuses = [r.status for r in conn.execute(select(t.alerts.c.status).where(
            t.alerts.c.customer_pk == hit.customer.id, known).order_by(t.alerts.c.id.desc()))]
        latest = statuses[0] if statuses and not hit.party else None
        if (latest in OPEN_STATUSES + ("true_match",)
                or hit.party and any(s in OPEN_STATUSES + ("true_match",) for s in statuses)):
            report.known += 1
            return
        reason, diff = hit.reason, None
        rows = conn.execute(select(t.whitelist).where(t.whitelist.c.customer_pk == hit.customer.id,
                                                      t.whitelist.c.entity_id.in_(records))).all()
        # the record that matched, else another record of its party (a false positive is about the party)
        listed = next((r for r in rows if r.entity_id == entity.id), rows[0] if rows else None)
        if listed is not None:
            current = entity if listed.entity_id == entity.id else self.store.entity(listed.entity_id)
            listed_version = version if current is entity else (entity_version(current) if current else None)
            if listed.entity_version == listed_version and listed.customer_hash == hit.customer.row_hash:
                report.suppressed += 1
                return
            from vigil.store.versions import property_changes

            if listed.entity_version != listed_version:
                reason = "whitelisted-entity-changed"
                if current is not None:
                    diff = property_changes(json.loads(listed.entity), entity_snapshot(current))
            else:
                reason = "whitelisted-customer-changed"
        datasets = None
        if hit.party:
            datasets = list(entity.datasets)
            for rid in hit.referents:
                other = self.store.entity(rid) if rid != entity.id else None
                datasets += [d for d in (other.datasets if other else ()) if d not in datasets]
        alert_id = insert_alert(conn, customer=hit.customer, entity=entity_snapshot(entity), entity_version=version,
                                score=hit.score, explanations=hit.explanations, reason=reason, trigger=hit.trigger,
                                diff=diff, actor=actor, party_id=hit.party, referents=hit.referents or None,
                                datasets=datasets)
        report.alerts.append(alert_id)

    def _still_listed(self, party_id: str) -> bool:
        """A party alert's party still has a record on some list (its removed record aside)."""
        if self._map is None:
            return False
        return any(self.store.entity(rid) is not None for rid in self._map.members(party_id))

    def _backfill_parties(self, conn: Connection) -> None:
        """Alerts raised before parties (or before their record joined one) learn their party: the alert
        pages show it, and `_raise` finds them by record anyway. Idempotent: only NULL rows."""
        if self._map is None or not len(self._map):
            return
        rows = conn.execute(select(t.alerts.c.id, t.alerts.c.entity_id).where(t.alerts.c.party_id.is_(None))).all()
        updates = []
        for row in rows:
            party = self._map.party_of(row.entity_id)
            if party is not None:
                updates.append({"aid": row.id, "p": party, "r": json.dumps(list(self._map.members(party)))})
        if updates:
            conn.execute(update(t.alerts).where(t.alerts.c.id == bindparam("aid"))
                         .values(party_id=bindparam("p"), referents=bindparam("r")), updates)


def _total(resp: Any) -> int:
    total = getattr(resp, "total", 0)
    if isinstance(total, dict):
        total = total.get("value", 0)
    return int(total or 0)


def _explanations(result: Any) -> dict[str, Any]:
    try:
        return result.to_dict().get("explanations") or {}
    except AttributeError:
        return {}

