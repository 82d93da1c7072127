"""The screening log and its audit events: batched writes, several writer processes, no lost records."""
from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from vigil.service import audit, screening_log
from vigil.service.screening_log import (
    RecorderFull, ScreeningEntry, ScreeningRecorder, read_screenings, record_screening,
)
from vigil.store import Store


def entry(i: int, who: str = "crm") -> ScreeningEntry:
    return ScreeningEntry(endpoint="/match/default", key_name=who, top_ids=[f"ofac-{i}"],
                          query={"schema": "Person", "properties": {"name": [f"Person {i}"]}})


def screening_events(engine) -> list[audit.AuditEntry]:
    return list(audit.entries(engine, action="screening"))


def test_a_batch_is_chained_like_single_appends(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    audit.append("lead", "key.created", {"name": "crm"}, engine=store.engine)
    made = audit.append_many([("crm", "screening", {"i": i}) for i in range(5)], engine=store.engine)
    audit.append("lead", "key.revoked", {"name": "crm"}, engine=store.engine)
    rows = list(audit.entries(store.engine))
    assert [r.seq for r in rows] == list(range(1, 8))
    assert [m.seq for m in made] == [2, 3, 4, 5, 6]
    for prev, row in zip(rows, rows[1:]):
        assert row.prev_hash == prev.hash
        assert row.hash == audit.row_hash(row.prev_hash, row.seq, row.time, row.actor, row.action,
                                          audit.canonical_json(row.payload))
    assert audit.verify(store.engine).ok
    assert audit.append_many([], engine=store.engine) == []
    with pytest.raises(ValueError):
        audit.append_many([("crm", "screening", {}), ("", "screening", {})], engine=store.engine)
    assert audit.verify(store.engine).rows == 7  # a refused batch writes nothing


def test_record_screening_writes_rows_and_audit_events_together(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    screening_log.ensure_table(store.engine)
    assert record_screening(store.engine, [entry(i) for i in range(3)]) == 3
    rows = read_screenings(store.engine)
    assert sorted(r["top_ids"][0] for r in rows) == ["ofac-0", "ofac-1", "ofac-2"]
    events = screening_events(store.engine)
    assert [e.payload["top_ids"] for e in events] == [["ofac-0"], ["ofac-1"], ["ofac-2"]]
    assert {e.actor for e in events} == {"crm"}
    assert events[0].payload["query"]["properties"]["name"] == ["Person 0"]
    assert audit.verify(store.engine).ok


def _writer(url: str, worker: int, batches: int, size: int, start) -> None:
    store = Store(url)
    start.wait(60)  # both processes ready (imports done): write at the same time
    for b in range(batches):
        record_screening(store.engine, [entry(worker * 10_000 + b * size + i, f"worker{worker}") for i in range(size)])
    store.engine.dispose()


def test_two_processes_writing_at_once_keep_one_chain(tmp_path):
    """What `vigil serve --workers 2` does: each worker's recorder commits batches to the same database."""
    url = f"sqlite:///{tmp_path / 'two.db'}"
    store = Store(url)
    screening_log.ensure_table(store.engine)
    store.engine.dispose()
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter each, like uvicorn's workers
    start = ctx.Barrier(2)
    procs = [ctx.Process(target=_writer, args=(url, w, 50, 8, start)) for w in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = Store(url)
    result = audit.verify(store.engine)
    assert result.ok, str(result)
    events = screening_events(store.engine)
    assert len(events) == result.rows == 2 * 50 * 8
    assert [e.seq for e in events] == list(range(1, 801))
    ids = [e.payload["top_ids"][0] for e in events]
    assert len(set(ids)) == 800  # every call once: none lost, none doubled
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(screening_log.screening_log)).scalar() == 800
    # a batch is one unbroken run of 8 rows in the chain, and each worker's calls keep their order
    for first in range(0, 800, 8):
        assert len({e.actor for e in events[first:first + 8]}) == 1
    for w in (1, 2):
        mine = [int(e.payload["top_ids"][0].split("-")[1]) for e in events if e.actor == f"worker{w}"]
        assert mine == sorted(mine) and len(mine) == 400


def test_recorder_keeps_records_while_the_database_fails(tmp_path, monkeypatch):
    store = Store(f"sqlite:///{tmp_path / 'f.db'}")
    recorder = ScreeningRecorder(store.engine, interval=3600)  # flushed by hand here
    real = screening_log.record_screening
    calls = {"n": 0}

    def flaky(engine, entries):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return real(engine, entries)

    monkeypatch.setattr(screening_log, "record_screening", flaky)
    recorder.add_many(entry(i) for i in range(3))
    assert recorder.flush() == 0 and recorder.pending == 3  # refused: kept, not dropped
    recorder.add(entry(3))
    assert recorder.flush() == 0 and recorder.pending == 4
    assert recorder.flush() == 4 and recorder.pending == 0
    events = screening_events(store.engine)
    assert [e.payload["top_ids"][0] for e in events] == ["ofac-0", "ofac-1", "ofac-2", "ofac-3"]  # in call order
    recorder.close()


def test_recorder_is_bounded_and_refuses_all_or_nothing(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'b.db'}")
    recorder = ScreeningRecorder(store.engine, interval=3600, max_pending=3)
    recorder.add_many([entry(0), entry(1)])
    with pytest.raises(RecorderFull):
        recorder.add_many([entry(2), entry(3)])
    assert recorder.pending == 2
    recorder.add(entry(2))
    recorder.close()
    assert len(screening_events(store.engine)) == 3


def test_recorder_writes_in_the_background_and_on_close(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    recorder = ScreeningRecorder(store.engine, interval=0.05, batch_size=10)
    recorder.add_many(entry(i) for i in range(25))
    for _ in range(200):
        if recorder.written == 25:
            break
        time.sleep(0.05)
    assert recorder.written == 25 and recorder.pending == 0
    recorder.add_many(entry(i) for i in range(25, 30))
    recorder.close()  # shutdown: the rest is written before the process ends
    assert len(screening_events(store.engine)) == 30
    assert audit.verify(store.engine).ok


def test_what_cannot_be_written_at_shutdown_goes_to_a_file(tmp_path, monkeypatch, vigil_home):
    store = Store(f"sqlite:///{tmp_path / 'd.db'}")
    recorder = ScreeningRecorder(store.engine, interval=3600, close_timeout=0)

    def down(engine, entries):
        raise OperationalError("INSERT", {}, Exception("database is gone"))

    monkeypatch.setattr(screening_log, "record_screening", down)
    recorder.add_many(entry(i) for i in range(2))
    recorder.close()
    files = list(Path(vigil_home).glob("screening-log-unwritten-*.jsonl"))
    assert len(files) == 1
    lines = files[0].read_text().splitlines()
    assert len(lines) == 2 and '"ofac-1"' in lines[1] and '"Person 0"' in lines[0]


def test_a_full_recorder_answers_503_not_an_unrecorded_result(index_state):
    from fastapi.testclient import TestClient

    from vigil.api.app import create_app

    app = create_app(index_state, require_auth=False, watch_interval=0)
    with TestClient(app) as client:
        real = app.state.recorder
        app.state.recorder = ScreeningRecorder(index_state.store.engine, interval=3600, max_pending=0)
        try:
            body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Qasem Soleimani"]}}}}
            r = client.post("/match/default", json=body)
            assert r.status_code == 503 and "screening records" in r.json()["detail"]
            assert client.get("/search/default", params={"q": "soleimani"}).status_code == 503
        finally:
            app.state.recorder.close()
            app.state.recorder = real
