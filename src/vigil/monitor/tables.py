"""Monitoring tables (own MetaData, same database as the store via `store.engine`).

Timestamps are ISO-8601 UTC strings like the store's: identical on SQLite and PostgreSQL.
JSON columns are Text holding JSON so both backends store exactly the same bytes.
"""
from __future__ import annotations

import hashlib
import threading
import weakref
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean, Column, Engine, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint, select,
)

from vigil.service import audit

metadata = MetaData()

books = Table(
    "monitor_books",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("source", Text, nullable=True),  # last imported file
)

customers = Table(
    "monitor_customers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("book_id", Integer, ForeignKey("monitor_books.id", ondelete="CASCADE"), nullable=False),
    Column("customer_id", String(255), nullable=False),  # the customer's own stable id
    Column("name", Text, nullable=False),
    Column("schema", String(50), nullable=False),
    Column("data", Text, nullable=False),  # query entity as FtM JSON
    Column("row_hash", String(64), nullable=False),  # content hash; re-import compares it
    Column("pending", Boolean, nullable=False, default=True),  # new/changed: screen against all lists
    Column("updated_at", String(32), nullable=False),
    Column("screened_at", String(32), nullable=True),
    # The matcher's candidate keys of the customer's names and ids ("\x1f"-joined) and the matching-code
    # version they came from: a delta rescreen skips customers sharing no key with the delta index.
    Column("match_keys", Text, nullable=True),
    Column("keys_version", String(32), nullable=True),
    UniqueConstraint("book_id", "customer_id", name="uq_monitor_customer"),
    Index("ix_monitor_customers_pending", "pending"),
)

alerts = Table(
    "monitor_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_pk", Integer, ForeignKey("monitor_customers.id", ondelete="CASCADE"), nullable=False),
    Column("book", String(200), nullable=False),
    Column("customer_id", String(255), nullable=False),
    Column("customer_name", Text, nullable=False),
    Column("customer_hash", String(64), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("entity_caption", Text, nullable=False),
    Column("datasets", Text, nullable=False),  # JSON list
    Column("entity_version", String(64), nullable=False),
    Column("entity", Text, nullable=False),  # snapshot of the list entity (FtM JSON) when raised
    Column("score", Float, nullable=False),
    Column("explanation", Text, nullable=False),  # human one-liner
    Column("explanations", Text, nullable=False),  # JSON: per-feature explanations from the matcher
    Column("reason", String(40), nullable=False),  # new-customer | list-change | entity-changed-after-whitelist
    Column("diff", Text, nullable=True),  # JSON prop -> {added, removed} when re-raised after a whitelist
    Column("trigger", Text, nullable=True),  # e.g. "us_ofac_sdn snapshot 2"
    Column("status", String(20), nullable=False),  # open | escalated | pending_review | true_match | false_positive | delisted
    Column("version", Integer, nullable=False, default=1),  # optimistic concurrency for decisions
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("decided_by", String(200), nullable=True),
    Column("decided_at", String(32), nullable=True),
    Column("decision_reason", Text, nullable=True),
    # Case work (four-eyes): who owns the alert, the closing decision awaiting review, who approved it.
    Column("assignee", String(200), nullable=True),
    Column("assigned_at", String(32), nullable=True),
    Column("proposed_status", String(20), nullable=True),  # true_match | false_positive while pending_review
    Column("proposed_by", String(200), nullable=True),
    Column("proposed_at", String(32), nullable=True),
    Column("proposed_reason", Text, nullable=True),
    Column("review_from", String(20), nullable=True),  # open | escalated: where a send-back returns to
    Column("reviewed_by", String(200), nullable=True),
    Column("reviewed_at", String(32), nullable=True),
    # The party (vigil.parties, `vp-…`) the alert is about, and every record of it when raised (JSON list):
    # a rescreen raises nothing new while an alert on any of these records, or on the party, is open.
    # NULL on alerts raised per record (`--per-record`) or before parties (backfilled by the next run).
    Column("party_id", String(32), nullable=True),
    Column("referents", Text, nullable=True),
    Index("ix_monitor_alerts_pair", "customer_pk", "entity_id"),
    Index("ix_monitor_alerts_status", "status"),
    Index("ix_monitor_alerts_entity", "entity_id"),
)

decisions = Table(
    "monitor_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("monitor_alerts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("decision", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", String(32), nullable=False),
    Column("alert_version", Integer, nullable=False),  # the version the decider saw
    # decided | proposed | approved | sent_back | reopened | assigned | unassigned (NULL: before case work: decided)
    Column("action", String(20), nullable=True),
    Column("on_behalf_of", String(200), nullable=True),  # a name the actor typed (--by): a note, never the identity
    Column("audit_seq", Integer, nullable=True),  # the audit_log row that records this step
    Column("audit_hash", String(64), nullable=True),
)

policy = Table(
    "monitor_policy",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),  # JSON
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

whitelist = Table(
    "monitor_whitelist",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_pk", Integer, ForeignKey("monitor_customers.id", ondelete="CASCADE"), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("entity_version", String(64), nullable=False),  # quiet only while the entity stays this version
    Column("customer_hash", String(64), nullable=False),  # ... and the customer record stays the same
    Column("entity", Text, nullable=False),  # the entity as it was whitelisted, to show a diff later
    Column("alert_id", Integer, nullable=False),
    Column("by", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", String(32), nullable=False),
    # The audit_log row (alert.decided / alert.approved) that created this entry, whose payload holds the
    # entry's values: `vigil audit verify` cross-checks them (NULL: made before vigil recorded links).
    Column("audit_seq", Integer, nullable=True),
    Column("audit_hash", String(64), nullable=True),
    UniqueConstraint("customer_pk", "entity_id", name="uq_monitor_whitelist_pair"),
)

outbox = Table(
    "monitor_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, nullable=False),
    Column("event", String(40), nullable=False),  # alert.raised | alert.delisted
    Column("payload", Text, nullable=False),  # JSON sent to receivers
    Column("created_at", String(32), nullable=False),
    Column("delivered", Boolean, nullable=False, default=False),
    Column("delivered_at", String(32), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Index("ix_monitor_outbox_delivered", "delivered", "id"),
)

state = Table(
    "monitor_state",
    metadata,
    Column("dataset", String(100), primary_key=True),
    Column("snapshot_id", Integer, nullable=False),  # last snapshot whose delta was rescreened
    Column("at", String(32), nullable=False),
)

_ready: "weakref.WeakSet[Engine]" = weakref.WeakSet()  # by engine object: ids get reused
_lock = threading.Lock()


def ensure_tables(engine: Engine) -> None:
    if engine in _ready:
        return
    with _lock:
        if engine not in _ready:
            audit.ensure_tables(engine)  # monitoring writes audit rows inside its own transactions
            metadata.create_all(engine)
            add_missing_columns(engine)
            record_legacy_rows(engine)  # rows older than the audit links: fingerprinted in the log, once
            _ready.add(engine)


# Case-work rows written before vigil linked them to their audit rows (NULL audit_seq) are fingerprinted
# once, in one audit event, so `vigil audit verify` (monitor.audit_links) can still tell an edit.
LEGACY_EVENT = "audit.legacy_rows"
DECISION_COLUMNS = ("alert_id", "decision", "reason", "by", "at", "alert_version", "action", "on_behalf_of")
WHITELIST_COLUMNS = ("customer_pk", "entity_id", "entity_version", "customer_hash", "alert_id", "by", "reason", "at")


def fingerprint(row: dict[str, Any], columns: tuple[str, ...]) -> str:
    body = {c: row.get(c) for c in columns}
    if "entity" in row:
        body["entity_sha256"] = hashlib.sha256((row.get("entity") or "").encode("utf-8")).hexdigest()
    return hashlib.sha256(audit.canonical_json(body).encode("utf-8")).hexdigest()


def record_legacy_rows(engine: Engine) -> int:
    """Once per database: fingerprint the decision and whitelist rows that predate the audit links in one
    audit event. Returns how many rows it recorded (0 when there were none or it was done before)."""
    with engine.connect() as conn:
        dec = conn.execute(select(decisions).where(decisions.c.audit_seq.is_(None))).all()
        wl = conn.execute(select(whitelist).where(whitelist.c.audit_seq.is_(None))).all()
        if not dec and not wl:
            return 0
        if conn.execute(select(audit.audit_log.c.seq).where(audit.audit_log.c.action == LEGACY_EVENT)).first():
            return 0
    rows = {"monitor_decisions": {str(r.id): fingerprint(dict(r._mapping), DECISION_COLUMNS) for r in dec},
            "monitor_whitelist": {str(r.id): fingerprint(dict(r._mapping), WHITELIST_COLUMNS) for r in wl}}
    audit.append("system", LEGACY_EVENT, {
        "note": "case-work rows written before vigil linked them to audit rows; fingerprints of their values",
        "rows": rows}, engine=engine)
    return len(dec) + len(wl)


def add_missing_columns(engine: Engine) -> list[str]:
    """Databases made by an older vigil lack the newer (nullable) columns: add them. Idempotent."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import OperationalError, ProgrammingError

    added = []
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue  # create_all makes it whole
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present or not column.nullable:
                continue
            ddl = (f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" '
                   f"{column.type.compile(dialect=engine.dialect)}")
            try:
                with engine.begin() as conn:
                    conn.execute(text(ddl))
            except (OperationalError, ProgrammingError):  # another process added it a moment ago
                continue
            added.append(f"{table.name}.{column.name}")
    return added


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
