"""Tamper-evident audit log: an append-only table kept as a hash chain.

Every row stores `seq`, `time`, `actor`, `action`, `payload` (canonical JSON),
`prev_hash` and `hash = sha256(prev_hash + canonical(row))`. Editing, deleting
or reordering any row breaks the chain from that row on; `verify()` names the
first bad row. A one-row `audit_head` table carries the last seq and hash: it
catches a truncated tail and, because every append *updates* it first, it
serialises concurrent appends on both PostgreSQL (row lock) and SQLite
(database write lock) without retries.

Fields are stored as text exactly as hashed (time as ISO text, payload as
canonical JSON text), so no database type conversion can change a hash.
"""
from __future__ import annotations

import hashlib
import json
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, TextIO

from sqlalchemy import (
    Column, Connection, Engine, Integer, MetaData, String, Table, Text, UniqueConstraint, insert, select, update,
)
from sqlalchemy.exc import IntegrityError

GENESIS = "0" * 64
metadata = MetaData()

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("time", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False, index=True),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("hash", name="uq_audit_log_hash"),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

# The checkpoints vigil signed and published (`vigil.service.checkpoints`): kept here for scheduling the
# next one; the proof is the published copy outside the database.
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seq", Integer, nullable=False),
    Column("head", String(64), nullable=False),
    Column("time", String(40), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("signature", Text, nullable=False),
    Column("published", Text, nullable=False),  # where it went: file paths, "command"
)

_ready: "weakref.WeakSet[Engine]" = weakref.WeakSet()  # by engine object: ids get reused
_ready_lock = threading.Lock()


def canonical_json(value: Any) -> str:
    """One byte-exact JSON form: sorted keys, no spaces, non-ASCII kept (hashes must not depend on formatting)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(prev_hash: str, seq: int, time: str, actor: str, action: str, payload: str) -> str:
    body = canonical_json({"seq": seq, "time": time, "actor": actor, "action": action, "payload": payload})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _default_engine() -> Engine:
    from vigil.store import Store

    return Store().engine


def ensure_tables(engine: Engine) -> None:
    """Create the audit tables and the chain head once per engine."""
    if engine in _ready:
        return
    with _ready_lock:
        if engine in _ready:
            return
        metadata.create_all(engine)
        try:
            with engine.begin() as conn:
                if conn.execute(select(audit_head.c.id)).first() is None:
                    conn.execute(insert(audit_head).values(id=1, seq=0, hash=GENESIS))
        except IntegrityError:
            pass  # another process created the head at the same moment
        _ready.add(engine)


@dataclass
class AuditEntry:
    seq: int
    time: str
    actor: str
    action: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "time": self.time, "actor": self.actor, "action": self.action,
            "payload": self.payload, "prev_hash": self.prev_hash, "hash": self.hash,
        }


@dataclass
class VerifyResult:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    reason: str | None = None
    head_hash: str | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"audit log intact: {self.rows} rows, head {self.head_hash}"
        return f"audit log BROKEN at row seq={self.first_bad_seq}: {self.reason}"


def append(actor: str, action: str, payload: dict[str, Any] | None = None, *,
           conn: Connection | None = None, engine: Engine | None = None) -> AuditEntry:
    """Append one event. With `conn`, it joins the caller's transaction (the event commits or rolls back with it)."""
    return append_many([(actor, action, payload or {})], conn=conn, engine=engine)[0]


def append_many(events: list[tuple[str, str, dict[str, Any]]], *, conn: Connection | None = None,
                engine: Engine | None = None) -> list[AuditEntry]:
    """Append several (actor, action, payload) events in one transaction (e.g. a batch of screening calls).

    The rows get consecutive seqs and are chained exactly as single appends would be; the head is
    locked and moved once for the whole batch, so a batch of 100 costs little more than one event.
    """
    events = list(events)
    for actor, action, _ in events:
        if not actor or not action:
            raise ValueError("audit events need an actor and an action")
    if not events:
        return []
    if conn is None:
        engine = engine or _default_engine()
        ensure_tables(engine)
        with engine.begin() as own:
            return _append_many(own, events)
    if conn.engine not in _ready:  # create inside the caller's transaction: another connection would block on it
        metadata.create_all(conn)
        if conn.execute(select(audit_head.c.id)).first() is None:
            conn.execute(insert(audit_head).values(id=1, seq=0, hash=GENESIS))
    return _append_many(conn, events)


def _append_many(conn: Connection, events: list[tuple[str, str, dict[str, Any]]]) -> list[AuditEntry]:
    # Taking the head row's write lock first serialises appenders: PostgreSQL blocks the second
    # UPDATE until the first commits and then re-reads the row; SQLite holds its database write lock.
    # The batch reserves seqs last+1 .. last+n in that one UPDATE.
    n = len(events)
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq + n))
    last = conn.execute(select(audit_head.c.seq).where(audit_head.c.id == 1)).scalar_one()
    first = last - n + 1
    prev = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == first - 1)).scalar() if first > 1 else GENESIS
    if prev is None:
        raise RuntimeError(f"audit chain head points past a missing row {first - 1}; run `vigil audit verify`")
    out: list[AuditEntry] = []
    rows = []
    for seq, (actor, action, payload) in enumerate(events, start=first):
        payload = payload or {}
        time = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        body = canonical_json(payload)
        digest = row_hash(prev, seq, time, actor, action, body)
        rows.append({"seq": seq, "time": time, "actor": actor, "action": action, "payload": body,
                     "prev_hash": prev, "hash": digest})
        out.append(AuditEntry(seq, time, actor, action, payload, prev, digest))
        prev = digest
    conn.execute(insert(audit_log), rows)
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(hash=prev))
    return out


def entries(engine: Engine | None = None, *, action: str | None = None, since_seq: int = 0) -> Iterator[AuditEntry]:
    engine = engine or _default_engine()
    ensure_tables(engine)
    query = select(audit_log).where(audit_log.c.seq > since_seq).order_by(audit_log.c.seq)
    if action:
        query = query.where(audit_log.c.action == action)
    with engine.connect() as conn:
        for row in conn.execute(query.execution_options(yield_per=1000)):
            try:
                payload = json.loads(row.payload)
            except ValueError:
                payload = {"_unparseable": row.payload}
            yield AuditEntry(row.seq, row.time, row.actor, row.action, payload, row.prev_hash, row.hash)


def verify(engine: Engine | None = None) -> VerifyResult:
    """Walk the chain in seq order; report the first row that is edited, missing or out of order."""
    engine = engine or _default_engine()
    ensure_tables(engine)
    prev = GENESIS
    expected = 1
    count = 0
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq).execution_options(yield_per=1000))
        for row in rows:
            count += 1
            if row.seq != expected:
                return VerifyResult(False, count, expected,
                                    f"row {expected} is missing (next row present is {row.seq})")
            if row.prev_hash != prev:
                return VerifyResult(False, count, row.seq,
                                    "prev_hash does not match the previous row's hash (row deleted, reordered or edited)")
            digest = row_hash(row.prev_hash, row.seq, row.time, row.actor, row.action, row.payload)
            if digest != row.hash:
                return VerifyResult(False, count, row.seq,
                                    f"content does not match its hash (row edited: {row.action} by {row.actor} at {row.time})")
            prev = row.hash
            expected += 1
        head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    last = expected - 1
    if head is None:
        return VerifyResult(False, count, last or None, "chain head record is missing")
    if head.seq != last or head.hash != prev:
        return VerifyResult(False, count, min(head.seq, last) + 1 if head.seq != last else last,
                            f"chain head says {head.seq} rows ending in {head.hash[:12]}…, table has {last} "
                            f"ending in {prev[:12]}… (rows removed from the end, or head edited)")
    return VerifyResult(True, count, head_hash=prev)


def export(out: TextIO | str | Path, engine: Engine | None = None) -> int:
    """Write every entry as one JSON object per line (the exact stored fields, so the chain can be re-verified offline)."""
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8") as fh:
            return export(fh, engine)
    n = 0
    for entry in entries(engine):
        out.write(json.dumps(entry.to_dict(), ensure_ascii=False) + "\n")
        n += 1
    return n


__all__ = ["append", "append_many", "verify", "export", "entries", "AuditEntry", "VerifyResult", "ensure_tables", "canonical_json"]
