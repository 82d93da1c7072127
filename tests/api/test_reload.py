"""Zero-downtime reload: requests in flight keep answering from the old index while the new one is built."""
from __future__ import annotations

import sqlite3
import threading

from fastapi.testclient import TestClient

from vigil.api.app import create_app
from vigil.api.state import IndexState

BODY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Qasem Soleimani"]}}}}

EXTRA = """{"id": "vigil-test-1", "schema": "Person", "properties": {"name": ["Zebulon Quartermaine-Oyelaran"], "topics": ["sanction"]}, "datasets": ["test_extra"]}
"""


def test_reload_while_requests_run(lists_db, session_cache, tmp_path, monkeypatch):
    from vigil.store import Store

    monkeypatch.setenv("VIGIL_CACHE_DIR", str(session_cache))
    # a private copy of the session store, so adding a dataset here does not leak into other tests
    db = tmp_path / "copy.db"
    src = sqlite3.connect(lists_db.removeprefix("sqlite:///"))
    dst = sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()
    store = Store(f"sqlite:///{db}")
    state = IndexState(store=store)
    from vigil.service.keys import create_key

    admin = {"X-API-Key": create_key(store.engine, "reload-admin", "admin")}  # /updatez needs an admin key
    app = create_app(state, require_auth=False, watch_interval=0)
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
        before = state.current
        extra = tmp_path / "extra.ftm.jsonl"
        extra.write_text(EXTRA)
        store.ingest_file("ftm", extra)

        statuses: list[int] = []
        tops: list[str] = []
        stop = threading.Event()

        def hammer():
            while not stop.is_set():
                r = client.post("/match/default", json=BODY)
                statuses.append(r.status_code)
                if r.status_code == 200:
                    tops.append(r.json()["responses"]["q"]["results"][0]["id"])

        workers = [threading.Thread(target=hammer) for _ in range(2)]
        for w in workers:
            w.start()
        try:
            r = client.post("/updatez", headers=admin)  # builds the new Matcher while the hammer threads keep screening
        finally:
            stop.set()
            for w in workers:
                w.join()
        assert r.status_code == 200 and r.json()["reloaded"] is True
        assert state.current is not before
        assert statuses and set(statuses) == {200}
        assert set(tops) == {"ofac-10481"}
        # the new list is live
        r = client.post("/match/default", json={"queries": {"q": {"schema": "Person", "properties": {
            "name": ["Zebulon Quartermaine-Oyelaran"]}}}})
        assert r.json()["responses"]["q"]["results"][0]["id"] == "vigil-test-1"
        assert "test_extra" in [d["name"] for d in client.get("/catalog").json()["datasets"]]
        # nothing changed since: no rebuild
        assert client.post("/updatez", headers=admin).json()["reloaded"] is False


def test_readyz_is_503_on_an_empty_store(tmp_path):
    from vigil.store import Store

    state = IndexState(store=Store(f"sqlite:///{tmp_path / 'empty.db'}"))
    app = create_app(state, require_auth=False, watch_interval=0)
    with TestClient(app) as client:
        r = client.get("/readyz")
        assert r.status_code == 503 and "vigil update" in r.json()["detail"]
        r = client.post("/match/default", json=BODY)
        assert r.status_code == 503 and "vigil update" in r.json()["detail"]
        assert client.get("/healthz").status_code == 200
