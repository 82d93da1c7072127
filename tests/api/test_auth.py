"""API keys: required when the server says so, scopes enforced, revocation honoured, stored hashed."""
from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from vigil.api.app import create_app
from vigil.service.keys import api_keys, create_key, revoke_key

BODY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Qasem Soleimani"]}}}}


@pytest.fixture(scope="module")
def secure(index_state):
    app = create_app(index_state, require_auth=True, watch_interval=0)
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def keys(index_state):
    engine = index_state.store.engine
    tag = uuid.uuid4().hex[:8]
    return {
        "screen": (f"screen-{tag}", create_key(engine, f"screen-{tag}", "screen")),
        "admin": (f"admin-{tag}", create_key(engine, f"admin-{tag}", "admin")),
    }


def test_key_required(secure):
    r = secure.post("/match/default", json=BODY)
    assert r.status_code == 401 and "API key" in r.json()["detail"]
    assert secure.get("/search/default", params={"q": "x"}).status_code == 401
    assert secure.get("/healthz").status_code == 200  # probes stay open
    r = secure.post("/match/default", json=BODY, headers={"Authorization": "Bearer vgl_not-a-real-key"})
    assert r.status_code == 401 and "invalid" in r.json()["detail"]
    r = secure.post("/match/default", json=BODY, headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert r.status_code == 401


@pytest.mark.parametrize("style", ["bearer", "apikey", "x-api-key"])
def test_screen_key_works_in_every_header_style(secure, keys, style):
    _, key = keys["screen"]
    headers = {"bearer": {"Authorization": f"Bearer {key}"}, "apikey": {"Authorization": f"ApiKey {key}"},
               "x-api-key": {"X-API-Key": key}}[style]
    r = secure.post("/match/default", json=BODY, headers=headers)
    assert r.status_code == 200
    assert r.json()["responses"]["q"]["results"][0]["id"] in ("ofac-10481", "unsc-IRi.039", "gb-hmt-7876", "eu-oj-32012R0267-VIII.A.PERSONS-38")


def test_scopes(secure, keys):
    _, screen_key = keys["screen"]
    _, admin_key = keys["admin"]
    r = secure.post("/updatez", headers={"X-API-Key": screen_key})
    assert r.status_code == 403 and "admin" in r.json()["detail"]
    r = secure.post("/updatez", headers={"X-API-Key": admin_key})
    assert r.status_code == 200 and r.json()["status"] == "ok"
    # admin keys can screen too
    assert secure.get("/entities/ofac-10481", headers={"X-API-Key": admin_key}).status_code == 200


def test_calls_are_logged_with_the_key_name(secure, keys, index_state):
    from vigil.service.screening_log import read_screenings

    name, key = keys["screen"]
    secure.post("/match/default", json=BODY, headers={"X-API-Key": key})
    secure.app.state.recorder.flush()
    rows = read_screenings(index_state.store.engine, limit=10)
    soleimani = ("ofac-10481", "unsc-IRi.039", "gb-hmt-7876", "eu-oj-32012R0267-VIII.A.PERSONS-38")
    assert any(r["key_name"] == name and r["top_ids"][:1] and r["top_ids"][0] in soleimani for r in rows)


def test_revoked_key_is_refused(secure, index_state):
    engine = index_state.store.engine
    name = f"temp-{uuid.uuid4().hex[:8]}"
    key = create_key(engine, name, "screen")
    assert secure.post("/match/default", json=BODY, headers={"X-API-Key": key}).status_code == 200
    revoke_key(engine, name)
    secure.app.state.verify_key._cache.clear()  # the server's 5-second cache; we do not want to sleep
    assert secure.post("/match/default", json=BODY, headers={"X-API-Key": key}).status_code == 401


def test_keys_cli_stores_only_the_hash(lists_db, monkeypatch):
    from vigil.cli.main import app
    from vigil.store import Store

    monkeypatch.setenv("VIGIL_DATABASE_URL", lists_db)
    runner = CliRunner()
    name = f"cli-{uuid.uuid4().hex[:8]}"
    r = runner.invoke(app, ["keys", "create", "--name", name, "--scope", "admin"])
    assert r.exit_code == 0, r.output
    key = r.stdout.strip().splitlines()[-1]
    assert key.startswith("vgl_") and len(key) > 40
    engine = Store(lists_db).engine
    with engine.connect() as conn:
        row = conn.execute(select(api_keys).where(api_keys.c.name == name)).one()
    assert row.scope == "admin" and key not in row.hash and len(row.hash) == 64

    r = runner.invoke(app, ["keys", "list", "--json"])
    assert r.exit_code == 0 and name in r.stdout and key not in r.stdout
    assert runner.invoke(app, ["keys", "create", "--name", name]).exit_code == 2  # duplicate
    assert runner.invoke(app, ["keys", "create", "--name", "x", "--scope", "root"]).exit_code == 2
    assert runner.invoke(app, ["keys", "revoke", name]).exit_code == 0
    r = runner.invoke(app, ["keys", "revoke", name])
    assert r.exit_code == 2 and "no active key" in r.stderr


def test_serve_refuses_public_bind_without_keys(monkeypatch, tmp_path):
    from vigil.cli.main import app

    monkeypatch.setenv("VIGIL_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8999"])
    assert r.exit_code == 2 and "vigil keys create" in r.stderr


def test_ingest_upload_is_admin_only_and_checked(secure, keys, shared_data):
    _, screen_key = keys["screen"]
    _, admin_key = keys["admin"]
    un = shared_data / "un" / "consolidated.xml"
    files = {"files": ("consolidated.xml", un.read_bytes(), "application/xml")}
    assert secure.post("/ingest/un", files=files, headers={"X-API-Key": screen_key}).status_code == 403
    r = secure.post("/ingest/nope", files=files, headers={"X-API-Key": admin_key})
    assert r.status_code == 404 and "unknown source" in r.json()["detail"]
    r = secure.post("/ingest/un", files={"files": ("x.xml", b"<not-un/>", "application/xml")},
                    headers={"X-API-Key": admin_key})
    assert r.status_code == 400 and "cannot ingest" in r.json()["detail"]
    # the same publication again: accepted, no new snapshot, no rebuild
    r = secure.post("/ingest/un", files=files, headers={"X-API-Key": admin_key})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["result"]["status"] == "unchanged" and body["reloaded"] is False


def test_key_changes_are_audited_without_the_key():
    """Issue 7: key creation and revocation are in the hash-chained audit log; the key and its hash never are."""
    from vigil.service import audit
    from vigil.service.keys import hash_key
    from vigil.store import Store

    engine = Store().engine  # this test's own empty store
    key = create_key(engine, "crm-prod", "analyst", actor="ops-lead")
    revoke_key(engine, "crm-prod", actor="ops-lead")
    with pytest.raises(ValueError, match="no active key"):
        revoke_key(engine, "crm-prod", actor="ops-lead")  # refused: nothing more on record
    events = list(audit.entries(engine))
    assert [(e.actor, e.action, e.payload["name"], e.payload["scope"]) for e in events] == [
        ("ops-lead", "key.created", "crm-prod", "analyst"), ("ops-lead", "key.revoked", "crm-prod", "analyst")]
    dump = "\n".join(str(e.to_dict()) for e in events)
    assert key not in dump and hash_key(key) not in dump
    assert audit.verify(engine).ok


def test_keys_cli_audits_and_documents_scopes():
    from vigil.service import audit
    from vigil.cli.main import app
    from vigil.store import Store

    runner = CliRunner()
    help_text = runner.invoke(app, ["keys", "create", "--help"], env={"COLUMNS": "200"}).stdout
    assert all(scope in help_text for scope in ("screen", "analyst", "admin")) and "alerts" in help_text
    r = runner.invoke(app, ["keys", "create", "--name", "ana", "--scope", "analyst", "--by", "root-admin"])
    assert r.exit_code == 0, r.output
    key = r.stdout.strip().splitlines()[-1]
    assert runner.invoke(app, ["keys", "revoke", "ana"]).exit_code == 0  # --by defaults to the OS user
    events = list(audit.entries(Store().engine))
    assert [e.action for e in events] == ["key.created", "key.revoked"]
    assert events[0].actor == "root-admin" and events[1].actor  # the OS user, whoever runs the tests
    assert all(key not in str(e.payload) for e in events)
    assert runner.invoke(app, ["keys", "create", "--name", "x", "--scope", "superuser"]).exit_code == 2
