"""Who screened what, when: every /match and /search call lands in `screening_log`.

`record_screening(engine, entries)` is the one write path: the rows and their
hash-chained audit events (`screening`) in one transaction. The HTTP server
queues entries in a `ScreeningRecorder` and writes them in batches from a
background thread, so screening latency never waits on the database.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

metadata = MetaData()
screening_log = Table(
    "screening_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key_name", String(64), nullable=True),  # None when the server runs without auth
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("endpoint", String(64), nullable=False),
    Column("query", Text, nullable=False),  # JSON
    Column("top_ids", Text, nullable=False),  # JSON list of the top result ids
)


@dataclass
class ScreeningEntry:
    endpoint: str
    query: Any
    top_ids: list[str]
    key_name: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    actor: str | None = None  # who, for the audit log, when not an API key (e.g. the OS user of `vigil screen`)


def ensure_table(engine: Engine) -> None:
    from vigil.service import audit

    metadata.create_all(engine, checkfirst=True)
    audit.ensure_tables(engine)  # created up front: appends inside the write transaction then skip the check


def record_screening(engine: Engine, entries: Iterable[ScreeningEntry]) -> int:
    """Write entries in one transaction (retrying briefly while SQLite is locked); returns the count."""
    entries = list(entries)
    rows = [
        {
            "key_name": e.key_name,
            "at": e.at,
            "endpoint": e.endpoint,
            "query": json.dumps(e.query, ensure_ascii=False, sort_keys=True, default=str),
            "top_ids": json.dumps(list(e.top_ids)),
        }
        for e in entries
    ]
    if not rows:
        return 0
    for attempt in range(20):
        try:
            with engine.begin() as conn:
                conn.execute(screening_log.insert(), rows)
                from vigil.service import audit  # same transaction: the hash-chained audit log sees every call

                audit.append_many([(e.actor or e.key_name or "anonymous", "screening", {
                    "endpoint": e.endpoint, "query": e.query, "top_ids": list(e.top_ids), "at": e.at.isoformat(),
                }) for e in entries], conn=conn)
            return len(rows)
        except OperationalError as exc:  # "database is locked" with several workers on SQLite
            if "locked" not in str(exc) or attempt == 19:
                raise
            time.sleep(0.05 * (attempt + 1))
    return 0


def read_screenings(engine: Engine, limit: int = 100) -> list[dict[str, Any]]:
    ensure_table(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(screening_log).order_by(screening_log.c.id.desc()).limit(limit)).all()
    return [
        {
            "key_name": r.key_name,
            "at": r.at,
            "endpoint": r.endpoint,
            "query": json.loads(r.query),
            "top_ids": json.loads(r.top_ids),
        }
        for r in rows
    ]


class RecorderFull(RuntimeError):
    """The in-memory queue of unwritten screening records is full (the database has been failing). HTTP 503."""


class ScreeningRecorder:
    """A bounded queue of screening records, written in batches by one background thread.

    The request path only appends to a deque (microseconds); the writer thread takes what has
    accumulated every `interval` seconds (sooner when `batch_size` are waiting) and writes it with
    `record_screening` in one transaction, so one commit and one audit-chain step cover many calls.
    A batch that fails to write stays at the front of the queue and is retried with back-off, never
    dropped. When `max_pending` records are waiting, `add` raises `RecorderFull`: the caller
    answers 503 rather than give a result that is not on record. `close()` (server shutdown)
    writes the rest, retrying for `close_timeout` seconds; what still cannot be written goes to a
    JSON-lines file under VIGIL_HOME and is logged as an error.
    """

    def __init__(self, engine: Engine, interval: float = 0.2, *, batch_size: int = 500,
                 max_pending: int = 100_000, close_timeout: float = 30.0):
        self.engine = engine
        self.interval = interval
        self.batch_size = batch_size
        self.max_pending = max_pending
        self.close_timeout = close_timeout
        self.written = 0
        self.failures = 0
        self._pending: deque[ScreeningEntry] = deque()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._write_lock = threading.Lock()  # one writer at a time: the thread, or flush() from the outside
        ensure_table(engine)
        self._thread = threading.Thread(target=self._run, name="vigil-screening-log", daemon=True)
        self._thread.start()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, entry: ScreeningEntry) -> None:
        self.add_many((entry,))

    def add_many(self, entries: Iterable[ScreeningEntry]) -> None:
        """Queue records (all or none); raises RecorderFull when the queue has no room for them."""
        entries = list(entries)
        # deque.append is atomic under the GIL; the length check may overshoot by a few, which is harmless
        if len(self._pending) + len(entries) > self.max_pending:
            raise RecorderFull(f"{len(self._pending)} screening records are waiting to be written "
                               "(is the database available?); refusing to screen without a record")
        self._pending.extend(entries)
        if len(self._pending) >= self.batch_size:
            self._wake.set()

    def _write_batch(self) -> int:
        """Write up to batch_size records; on failure put them back in front and re-raise."""
        batch: list[ScreeningEntry] = []
        try:
            while len(batch) < self.batch_size:
                batch.append(self._pending.popleft())
        except IndexError:
            pass
        if not batch:
            return 0
        try:
            n = record_screening(self.engine, batch)
        except BaseException:
            self._pending.extendleft(reversed(batch))  # keep order: they go out first next time
            raise
        self.written += n
        return n

    def flush(self) -> int:
        """Write everything queued now; returns the count. On a database error the records stay queued."""
        done = 0
        with self._write_lock:
            try:
                while self._pending:
                    done += self._write_batch()
            except Exception:
                self.failures += 1
                log.exception("could not write screening log records; %d kept in the queue for a retry",
                              len(self._pending))
        return done

    def _run(self) -> None:
        delay = self.interval
        while not self._stop.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                break
            failures = self.failures
            self.flush()
            # back off while the database refuses writes; the queue (bounded) holds the records meanwhile
            delay = min(delay * 2, 5.0) if self.failures > failures else self.interval

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=max(5.0, self.close_timeout))
        deadline = time.monotonic() + self.close_timeout
        while True:
            self.flush()
            if not self._pending or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if self._pending:
            self._spill()

    def _spill(self) -> None:
        """Last resort at shutdown: keep what the database refused in a file an operator can see."""
        from vigil.settings import current

        path = current().ensure_home() / f"screening-log-unwritten-{os.getpid()}-{int(time.time())}.jsonl"
        entries = list(self._pending)
        with open(path, "a", encoding="utf-8") as fh:
            for e in entries:
                fh.write(json.dumps({"key_name": e.key_name, "actor": e.actor, "at": e.at.isoformat(),
                                     "endpoint": e.endpoint, "query": e.query, "top_ids": list(e.top_ids)},
                                    ensure_ascii=False, default=str) + "\n")
        self._pending.clear()
        log.error("%d screening records could not be written to the database; saved to %s", len(entries), path)
