"""Who screened what, when: every /match and /search call lands in `screening_log`.

`record_screening(engine, entries)` is the one write path (the audit module may
extend it, e.g. with a hash chain). The HTTP server buffers entries in a
`ScreeningRecorder` and writes them in small batches from a background thread,
so screening latency never waits on the database.
"""
from __future__ import annotations

import json
import logging
import queue
import threading
import time
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
    metadata.create_all(engine, checkfirst=True)


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
                from vigil import audit  # same transaction: the hash-chained audit log sees every call

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


class ScreeningRecorder:
    """Buffers entries and writes them from one background thread; `flush()` on shutdown."""

    def __init__(self, engine: Engine, interval: float = 0.2):
        self.engine = engine
        self.interval = interval
        self._queue: queue.SimpleQueue[ScreeningEntry] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        ensure_table(engine)
        self._thread = threading.Thread(target=self._run, name="vigil-screening-log", daemon=True)
        self._thread.start()

    def add(self, entry: ScreeningEntry) -> None:
        self._queue.put(entry)

    def flush(self) -> int:
        with self._lock:
            batch: list[ScreeningEntry] = []
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                return record_screening(self.engine, batch)
            except Exception:  # never lose the server over the log; say so loudly
                log.exception("could not write %d screening log entries", len(batch))
                return 0

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.flush()
