"""Attack (issue 13): a multipart POST /ingest/ofac of a one-entity file replaced OFAC SDN. Now it is 409 with
the counts, the list is intact, and `allow_shrink=true` is honoured only for admin API keys."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from vigil.api.app import create_app
from vigil.api.state import IndexState
from vigil.service import audit
from vigil.service.keys import create_key
from vigil.store import Store


@pytest.fixture
def store(tmp_path, monkeypatch, shared_data) -> Store:
    monkeypatch.setenv("VIGIL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("VIGIL_SHRINK_LIMIT", raising=False)
    s = Store(f"sqlite:///{tmp_path / 'shrink.db'}")
    s.ingest_file("ofac-cons", shared_data / "ofac_consolidated")  # the real consolidated list (442 entries)
    return s


@pytest.fixture
def client(store):
    state = IndexState(store=store)
    state.reload()
    with TestClient(create_app(state, require_auth=False, watch_interval=0)) as c:
        yield c


def one_entity(shared_data) -> dict:
    """The real consolidated list's first entry, as the three files of one publication."""
    folder = shared_data / "ofac_consolidated"
    prim = (folder / "cons_prim.csv").read_bytes().splitlines(keepends=True)
    number = prim[0].split(b",", 1)[0] + b","
    files = [("files", ("cons_prim.csv", prim[0], "text/csv"))]
    for name in ("cons_add.csv", "cons_alt.csv"):
        lines = (folder / name).read_bytes().splitlines(keepends=True)
        files.append(("files", (name, b"".join(x for x in lines if x.startswith(number)) or b"\n", "text/csv")))
    return files


def test_shrinking_upload_is_409_and_changes_nothing(client, store, shared_data):
    before = store.count(["us_ofac_cons"])
    admin = create_key(store.engine, "ops", "admin")  # even an admin key needs allow_shrink to replace a list
    r = client.post("/ingest/ofac-cons", files=one_entity(shared_data), headers={"X-API-Key": admin})
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert f"would remove {before - 1:,} of the {before:,} entities" in detail and "allow_shrink=true" in detail
    assert store.count(["us_ofac_cons"]) == before and len(store.snapshots("us_ofac_cons")) == 1
    [event] = [e for e in audit.entries(store.engine, action="ingest") if e.payload["status"] == "refused"]
    assert event.payload["refusal"]["after"] == 1


def test_allow_shrink_needs_an_admin_key(client, store, shared_data):
    before = store.count(["us_ofac_cons"])
    anonymous = client.post("/ingest/ofac-cons", params={"allow_shrink": "true"}, files=one_entity(shared_data))
    assert anonymous.status_code in (401, 403)  # keyless loopback: refused (the route, or the API guard first)
    screen = create_key(store.engine, "screener", "screen")
    assert client.post("/ingest/ofac-cons", params={"allow_shrink": "true"}, files=one_entity(shared_data),
                       headers={"X-API-Key": screen}).status_code == 403
    assert store.count(["us_ofac_cons"]) == before
    admin = create_key(store.engine, "ops", "admin")
    ok = client.post("/ingest/ofac-cons", params={"allow_shrink": "true"}, files=one_entity(shared_data),
                     headers={"X-API-Key": admin})
    assert ok.status_code == 200, ok.text
    assert ok.json()["result"]["diff_summary"]["removed"] == before - 1 and store.count(["us_ofac_cons"]) == 1
