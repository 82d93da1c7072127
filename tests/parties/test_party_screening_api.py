"""The HTTP API returns parties (issue 17.3): /match and /search merge by default, `merge=false` gives list
records, /entities shows a record's party and serves party ids. Real lists, parties resolved."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from vigil.store import Store


@pytest.fixture(scope="module")
def client(lists_db, resolved_db, session_cache):
    from vigil.api.app import create_app
    from vigil.api.state import IndexState
    from vigil.parties.live import LiveMap

    mp = pytest.MonkeyPatch()
    mp.setenv("VIGIL_CACHE_DIR", str(session_cache))
    lists, resolved = Store(lists_db), Store(resolved_db)
    # the index of lists_db (shared with the other tests) and the parties of the same records, resolved
    state = IndexState(store=lists, parties=LiveMap(resolved))
    assert state.reload()
    with TestClient(create_app(state, require_auth=False, watch_interval=0, record=False)) as c:
        yield c
    lists.engine.dispose()
    resolved.engine.dispose()
    mp.undo()


def match(client, name, schema="LegalEntity", params="", **props):
    body = {"queries": {"q": {"schema": schema, "properties": {"name": [name], **props}}}}
    r = client.post(f"/match/default{params}", json=body)
    assert r.status_code == 200, r.text
    return r.json()["responses"]["q"]


def test_match_returns_parties_by_default(client):
    entry = match(client, "al-Qa'ida")
    top = entry["results"][0]
    assert {"ofac-6366", "unsc-QDe.004", "gb-hmt-6965"} <= set(top["referents"])
    assert {"us_ofac_sdn", "un_sc_sanctions", "gb_hmt_sanctions"} <= set(top["datasets"])
    assert top["party"].startswith("vp-") and top["id"] in top["referents"]
    assert top["explanations"]["name"]["score"] == 1.0 and top["records"][0]["id"] == top["id"]
    assert sum(1 for r in entry["results"] if {"ofac-6366", "unsc-QDe.004", "gb-hmt-6965"} & set(r["referents"])) == 1
    assert entry["total"]["value"] >= len(entry["results"])


def test_match_merge_false_returns_list_records(client):
    entry = match(client, "Hizballah", params="?merge=false&limit=5")
    ids = [r["id"] for r in entry["results"]]
    assert {"ofac-4697", "gb-hmt-13804"} <= set(ids)
    assert all("records" not in r or r["records"] is None for r in entry["results"])
    merged = match(client, "Hizballah", params="?limit=5")
    assert sum(1 for r in merged["results"] if r["id"] in ("ofac-4697", "gb-hmt-13804")) == 1


def test_match_of_one_dataset_returns_its_records(client):
    body = {"queries": {"q": {"schema": "Organization", "properties": {"name": ["Hizballah"]}}}}
    top = client.post("/match/us_ofac_sdn", json=body).json()["responses"]["q"]["results"][0]
    assert top["id"] == "ofac-4697" and top["referents"] == ["ofac-4697"] and top["datasets"] == ["us_ofac_sdn"]


def test_persian_spelling_returns_the_party_holding_the_ofac_record(client):
    top = match(client, "اسماعیل قاآنی", schema="Person")["results"][0]
    assert "ofac-13107" in top["referents"] and top["match"]


def test_bad_merge_value_is_a_422(client):
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["x y"]}}}}
    r = client.post("/match/default?merge=perhaps", json=body)
    assert r.status_code == 422 and "merge" in r.text


def test_entity_of_a_record_shows_its_party(client):
    data = client.get("/entities/ofac-10481").json()
    assert data["id"] == "ofac-10481" and "SOLEIMANI" in data["caption"].upper()
    assert {"ofac-10481", "unsc-IRi.039"} <= set(data["referents"]) and data["party"].startswith("vp-")
    party = client.get(f"/entities/{data['party']}").json()
    assert party["id"] == data["party"] and set(party["referents"]) == set(data["referents"])
    assert {"us_ofac_sdn", "un_sc_sanctions"} <= set(party["datasets"])
    assert client.get("/entities/vp-aaaaaaaaaa").status_code == 404


def test_search_returns_parties_by_default(client):
    merged = client.get("/search/default", params={"q": "Hizballah", "limit": 10}).json()
    per_record = client.get("/search/default", params={"q": "Hizballah", "limit": 10, "merge": "false"}).json()
    pairs = ("ofac-4697", "gb-hmt-13804")
    assert sum(1 for r in merged["results"] if r["id"] in pairs) == 1
    assert sum(1 for r in per_record["results"] if r["id"] in pairs) == 2
    hit = next(r for r in merged["results"] if r["id"] in pairs)
    assert set(pairs) <= set(hit["referents"])
    assert merged["total"]["value"] < per_record["total"]["value"]


def test_ui_party_id_opens_its_representative_record(client):
    """A `party` id from a result opens in the UI: the page of its official-list record, at its party section."""
    party = match(client, "al-Qa'ida")["results"][0]["party"]
    r = client.get(f"/ui/entities/{party}", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/entities/ofac-6366#party"
    page = client.get(r.headers["location"], headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'id="party"' in page.text and "unsc-QDe.004" in page.text
    missing = client.get("/ui/entities/vp-0000000000", headers={"Accept": "text/html"}, follow_redirects=False)
    assert missing.status_code == 404 and "No party with id" in missing.text
