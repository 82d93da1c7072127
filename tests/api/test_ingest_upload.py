"""POST /ingest/{source}: the upload counterpart of `vigil ingest`, with ftm's dataset / as options."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from vigil.api.app import create_app
from vigil.api.state import IndexState
from vigil.store import Store


@pytest.fixture
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("VIGIL_CACHE_DIR", str(tmp_path / "cache"))
    return Store(f"sqlite:///{tmp_path / 'upload.db'}")  # empty: the server starts with no lists


@pytest.fixture
def client(store):
    state = IndexState(store=store)
    state.reload()
    from vigil.service.keys import create_key

    with TestClient(create_app(state, require_auth=False, watch_interval=0)) as c:
        # uploads replace lists: an admin key even on a server without --require-auth (docs/security.md)
        c.headers["X-API-Key"] = create_key(store.engine, "upload-admin", "admin")
        yield c


def _datasets(store) -> dict[str, int]:
    return {d.name: d.entity_count for d in store.datasets()}


def _zala(shared_data) -> dict:
    path = shared_data / "opensanctions_ftm" / "yente_fixture_zala.entities.ftm.json"
    return {"files": (path.name, path.read_bytes(), "application/json")}


def test_ftm_upload_picks_a_dataset_or_names_the_file(client, store, shared_data):
    mixed = client.post("/ingest/ftm", files=_zala(shared_data))
    assert mixed.status_code == 400 and "spans 27 datasets" in mixed.json()["detail"]
    assert _datasets(store) == {}  # nothing stored

    sam = client.post("/ingest/ftm", params={"dataset": "us_sam_exclusions"}, files=_zala(shared_data))
    assert sam.status_code == 200, sam.text
    body = sam.json()
    assert body["result"]["dataset"] == "us_sam_exclusions" and body["result"]["entity_count"] == 14
    assert body["reloaded"] is True

    official = client.post("/ingest/ftm", params={"dataset": "us_ofac_sdn"}, files=_zala(shared_data))
    assert official.status_code == 400 and "id contract" in official.json()["detail"]
    copy = client.post("/ingest/ftm", params={"dataset": "us_ofac_sdn", "as": "os_us_ofac_sdn"},
                       files=_zala(shared_data))
    assert copy.status_code == 200 and copy.json()["result"]["entity_count"] == 22
    assert _datasets(store) == {"us_sam_exclusions": 14, "os_us_ofac_sdn": 22}
    served = {d["name"] for d in client.get("/catalog").json()["datasets"]}
    assert served - {"default"} == {"us_sam_exclusions", "os_us_ofac_sdn"}  # reloaded: served at once


def test_dataset_options_are_for_ftm_only(client, store, shared_data):
    un = shared_data / "un" / "consolidated.xml"
    r = client.post("/ingest/un", params={"as": "mine"}, files={"files": (un.name, un.read_bytes(), "application/xml")})
    assert r.status_code == 400 and "apply to /ingest/ftm only" in r.json()["detail"]
    assert _datasets(store) == {}


def test_an_upload_resolves_parties_as_the_cli_does(client, store, shared_data):
    """POST /ingest re-resolves cross-list parties (VIGIL_PARTIES_AUTO, default on), like `vigil ingest`:
    screening over HTTP groups the new records by party at once."""
    from vigil.parties import Parties

    un = shared_data / "un" / "consolidated.xml"
    r = client.post("/ingest/un", files={"files": (un.name, un.read_bytes(), "application/xml")})
    assert r.status_code == 200, r.text
    parties = Parties(store).map()
    assert parties.generation == 1
    assert parties.party_of("unsc-QDe.004") is not None  # al-Qa'ida's UN record belongs to a party
    assert len(parties) <= r.json()["result"]["entity_count"]
    again = client.post("/ingest/un", files={"files": (un.name, un.read_bytes(), "application/xml")})
    assert again.json()["result"]["status"] == "unchanged" and Parties(store).map().generation == 1
