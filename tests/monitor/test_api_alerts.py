"""`GET /alerts` and `POST /alerts/{id}/decision`: analysts decide, screen keys may not, conflicts are 409."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from monitor_data import BOOK, SOLEIMANI, publish

from vigil.service import audit
from vigil.api.app import create_app
from vigil.api.state import IndexState
from vigil.service.keys import create_key
from vigil.monitor import Monitor, import_book


@pytest.fixture
def client(store, tmp_path):
    path = tmp_path / "book.csv"
    path.write_text(BOOK)
    import_book("retail", path, engine=store.engine)
    publish(store, SOLEIMANI)
    Monitor(store).run()
    app = create_app(IndexState(store=store), require_auth=True, record=False, watch_interval=0)
    keys = {scope: create_key(store.engine, f"{scope}-key", scope) for scope in ("screen", "analyst")}
    return TestClient(app), keys


def _auth(key):
    return {"Authorization": f"Bearer {key}"}


def test_analyst_lists_and_decides(client, store):
    http, keys = client
    res = http.get("/alerts", params={"open": True}, headers=_auth(keys["analyst"]))
    assert res.status_code == 200
    [alert] = res.json()["results"]
    assert (alert["customer_id"], alert["entity_id"], alert["version"]) == ("C1", "ofac-10481", 1)
    body = {"decision": "true-match", "reason": "same person, IRGC-QF", "by": "ana", "version": 1}
    res = http.post(f"/alerts/{alert['id']}/decision", json=body, headers=_auth(keys["analyst"]))
    assert res.status_code == 200, res.text
    # the key is the identity; `by` is an "on behalf of" note
    assert (res.json()["status"], res.json()["proposed_by"]) == ("pending_review", "analyst-key")
    again = http.post(f"/alerts/{alert['id']}/decision", json={**body, "decision": "false-positive"},
                      headers=_auth(keys["analyst"]))
    assert again.status_code == 409 and "changed since" in again.json()["detail"]
    detail = http.get(f"/alerts/{alert['id']}", headers=_auth(keys["analyst"])).json()
    assert [(d["action"], d["decision"], d["on_behalf_of"]) for d in detail["decisions"]] == [
        ("proposed", "true_match", "ana")]
    [event] = audit.entries(store.engine, action="alert.proposed")
    assert (event.actor, event.payload["on_behalf_of"]) == ("analyst-key", "ana")
    assert detail["decisions"][0]["audit_seq"] == event.seq and detail["decisions"][0]["audit_hash"] == event.hash


def test_scopes_and_bad_input(client):
    http, keys = client
    assert http.get("/alerts").status_code == 401
    assert http.get("/alerts", headers=_auth(keys["screen"])).status_code == 403
    denied = http.post("/alerts/1/decision", json={"decision": "true-match", "reason": "x"},
                       headers=_auth(keys["screen"]))
    assert denied.status_code == 403 and "analyst" in denied.json()["detail"]
    bad = http.post("/alerts/1/decision", json={"decision": "maybe", "reason": "x"}, headers=_auth(keys["analyst"]))
    assert bad.status_code == 422
    missing = http.post("/alerts/999/decision", json={"decision": "escalate", "reason": "x"},
                        headers=_auth(keys["analyst"]))
    assert missing.status_code == 404
    assert http.get("/alerts", params={"status": "nonsense"}, headers=_auth(keys["analyst"])).status_code == 400


def test_server_ingest_is_audited_and_rescreens_books(store, tmp_path, fixtures):
    """POST /ingest/{source} goes through the CLI's hook: the ingest is audited as the uploading key, and a
    monitored book is rescreened against the new list at once (the alert exists before any `monitor run`)."""
    from vigil.monitor import list_alerts

    path = tmp_path / "book.csv"
    path.write_text("customer_id,name,type,dob,country\nK1,Hossein Nasiri,person,1961,Iran\n"
                    "K2,Patricia Lucas Wheeler,person,2002-07-14,Ethiopia\n")
    import_book("retail", path, engine=store.engine)
    admin = create_key(store.engine, "uploader", "admin")
    app = create_app(IndexState(store=store), require_auth=True, record=False, watch_interval=0)
    folder = fixtures / "ofac" / "sdn_csv"
    files = [("files", (p.name, p.read_bytes(), "text/csv")) for p in sorted(folder.glob("*.csv"))]
    with TestClient(app) as http:
        res = http.post("/ingest/ofac", files=files, headers=_auth(admin))
        assert res.status_code == 200, res.text
        assert res.json()["result"]["status"] == "created" and res.json()["reloaded"] is True
        again = http.post("/ingest/ofac", files=files, headers=_auth(admin))
        assert again.json()["result"]["status"] == "unchanged"
    ingests = list(audit.entries(store.engine, action="ingest"))
    assert [(e.actor, e.payload["dataset"], e.payload["status"]) for e in ingests] == [
        ("uploader", "us_ofac_sdn", "created"), ("uploader", "us_ofac_sdn", "unchanged")]
    assert ingests[0].payload["snapshot"] is not None
    alerts, _ = list_alerts(store.engine)
    assert [(a.customer_id, a.entity_caption) for a in alerts] == [("K1", "NASIRI, Hossein")]
    assert any(e.action == "monitor.run" and e.actor == "uploader" for e in audit.entries(store.engine))
    assert audit.verify(store.engine).ok


def test_a_zero_width_space_is_no_reason(client, store):
    """Issue 13: a reason made of invisible characters is refused over HTTP like an empty one (the check is in
    the case-work layer, so the CLI and the UI refuse it too)."""
    http, keys = client
    [alert] = http.get("/alerts", headers=_auth(keys["analyst"])).json()["results"]
    res = http.post(f"/alerts/{alert['id']}/decision", json={"decision": "false-positive", "reason": "\u200b"},
                    headers=_auth(keys["analyst"]))
    assert res.status_code == 400 and "no visible characters" in res.json()["detail"]
    assert http.get(f"/alerts/{alert['id']}", headers=_auth(keys["analyst"])).json()["status"] == "open"
