"""The parties tables (own MetaData, same database as the store via `store.engine`).

As in the store and monitoring: timestamps are ISO-8601 UTC strings, JSON is Text, so SQLite and
PostgreSQL hold the same bytes. Pairs are always stored with `a < b`.

* `parties`: every party id ever given out (live, or retired with its successor).
* `party_members`: record id -> party id, for every current record (singletons included).
* `party_links`: the links the current parties are made of (stage, score, evidence).
* `party_reviews`: the review queue (pending) and analyst decisions (accepted / rejected), kept
  across list updates, keyed by the record-id pair.
* `party_records`, `party_pairs`: what the matcher stage last screened (per-record fingerprint) and
  the pairs it found, so a resolve after a list update screens only the records that changed.
* `party_state`: one row: the generation (bumped by each resolve) and the last resolve's report.
"""
from __future__ import annotations

import threading
import weakref
from datetime import datetime, timezone

from sqlalchemy import Column, Engine, Float, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()
ID = 255  # record ids: as the store's entity ids

parties = Table(
    "parties",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("seq", Integer, nullable=False),  # creation order: the older party wins an id contest
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),  # last change of membership
    Column("retired_at", String(32), nullable=True),
    Column("successor", String(32), nullable=True),  # where a retired party's records went
)

members = Table(
    "party_members",
    metadata,
    Column("record_id", String(ID), primary_key=True),
    Column("party_id", String(32), nullable=False),
    Index("ix_party_members_party", "party_id"),
)

links = Table(
    "party_links",
    metadata,
    Column("a", String(ID), primary_key=True),
    Column("b", String(ID), primary_key=True),
    Column("stage", String(16), nullable=False),  # review | reference | identifier | matcher
    Column("score", Float, nullable=True),
    Column("evidence", Text, nullable=False),
    Index("ix_party_links_b", "b"),
)

reviews = Table(
    "party_reviews",
    metadata,
    Column("a", String(ID), primary_key=True),
    Column("b", String(ID), primary_key=True),
    Column("status", String(16), nullable=False),  # pending | accepted | rejected
    Column("strength", Float, nullable=True),
    Column("why", Text, nullable=True),  # why it was queued
    Column("evidence", Text, nullable=False),
    Column("queued_at", String(32), nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("decided_at", String(32), nullable=True),
    Column("reason", Text, nullable=True),
    Index("ix_party_reviews_status", "status"),
    Index("ix_party_reviews_b", "b"),
)

records = Table(
    "party_records",
    metadata,
    Column("record_id", String(ID), primary_key=True),
    Column("list_key", String(150), nullable=False),
    Column("fingerprint", String(32), nullable=False),
)

pairs = Table(
    "party_pairs",
    metadata,
    Column("a", String(ID), primary_key=True),
    Column("b", String(ID), primary_key=True),
    Column("query", String(ID), nullable=False),
    Column("score", Float, nullable=False),
    Column("raw", Float, nullable=False),
    Column("share", Float, nullable=False),
    Column("evidence", Text, nullable=False),
    Index("ix_party_pairs_b", "b"),
)

state = Table(
    "party_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("generation", Integer, nullable=False),
    Column("resolved_at", String(32), nullable=True),
    Column("report", Text, nullable=True),
)

_ready: "weakref.WeakSet[Engine]" = weakref.WeakSet()
_lock = threading.Lock()


def ensure_tables(engine: Engine) -> None:
    if engine in _ready:
        return
    with _lock:
        if engine not in _ready:
            from vigil.service import audit

            audit.ensure_tables(engine)  # decisions write audit rows inside their own transactions
            metadata.create_all(engine)
            _ready.add(engine)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
