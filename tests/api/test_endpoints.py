"""The yente-compatible endpoints on the real lists."""
from __future__ import annotations

from vigil.service.screening_log import read_screenings


def match_body(name: str, schema: str = "Person", **props) -> dict:
    properties = {"name": [name], **{k: v if isinstance(v, list) else [v] for k, v in props.items()}}
    return {"queries": {"q1": {"schema": schema, "properties": properties}}}


def test_health_and_ready(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"


def test_match_finds_soleimani_with_yente_shape(client):
    r = client.post("/match/default", json=match_body("Qasem Soleimani"))
    assert r.status_code == 200
    body = r.json()
    assert body["limit"] == 5
    entry = body["responses"]["q1"]
    assert entry["status"] == 200
    assert set(entry["total"]) == {"value", "relation"}
    assert entry["query"]["schema"] == "Person"
    assert entry["query"]["properties"]["name"] == ["Qasem Soleimani"]
    top = entry["results"][0]
    assert top["id"] in ("ofac-10481", "unsc-IRi.039", "gb-hmt-7876", "eu-oj-32012R0267-VIII.A.PERSONS-38")  # Soleimani on any list
    assert top["match"] is True and 0.7 <= top["score"] <= 1.0
    for key in ("caption", "schema", "properties", "datasets", "referents", "target", "first_seen", "last_seen",
                "last_change", "explanations"):
        assert key in top
    assert top["datasets"]
    assert any(e["score"] > 0 for e in top["explanations"].values())
    ids = [res["id"] for res in entry["results"]]
    assert "unsc-IRi.039" in ids  # the same man on the UN list


def test_match_one_dataset_and_filters(client):
    r = client.post("/match/un_sc_sanctions", json=match_body("Qasem Soleimani"))
    results = r.json()["responses"]["q1"]["results"]
    assert results and results[0]["id"] == "unsc-IRi.039"
    assert all(res["datasets"] == ["un_sc_sanctions"] for res in results)

    r = client.post("/match/default?exclude_entity_ids=ofac-10481&exclude_dataset=un_sc_sanctions",
                    json=match_body("Qasem Soleimani"))
    ids = [res["id"] for res in r.json()["responses"]["q1"]["results"]]
    assert "ofac-10481" not in ids and not any(i.startswith("unsc-") for i in ids)

    r = client.post("/match/default?include_dataset=us_ofac_sdn&limit=2&threshold=0.99",
                    json=match_body("Qasem Soleimani"))
    body = r.json()
    assert body["limit"] == 2
    results = body["responses"]["q1"]["results"]
    assert len(results) <= 2 and all("us_ofac_sdn" in res["datasets"] for res in results)
    assert all(res["match"] == (res["score"] >= 0.99) for res in results)


def test_match_several_queries_and_organisations(client):
    body = {"queries": {
        "irgc": {"schema": "Organization", "properties": {"name": ["Islamic Revolutionary Guard Corps"]}},
        "mois": {"schema": "LegalEntity", "properties": {"name": "Ministry of Intelligence and Security"}},
        "nobody": {"schema": "Person", "properties": {"name": ["Patricia Lucas Wheeler"], "birthDate": ["2002-07-14"]}},
    }}
    r = client.post("/match/default", json=body)
    assert r.status_code == 200
    resp = r.json()["responses"]
    assert resp["irgc"]["results"][0]["id"] in ("ofac-10391", "gb-hmt-11238", "eu-oj-32001R2580-II.B-9",
                                                "eu-oj-32012R0267-IX.II.B-1")  # the IRGC on any list
    assert not any(res["match"] for res in resp["nobody"]["results"])


def test_unknown_dataset_is_404(client):
    r = client.post("/match/no_such_list", json=match_body("Qasem Soleimani"))
    assert r.status_code == 404
    assert "no_such_list" in r.json()["detail"]
    assert client.get("/search/no_such_list?q=x").status_code == 404


def test_bad_requests_are_4xx_with_clear_messages(client):
    too_many = {"queries": {f"q{i}": {"schema": "Person", "properties": {"name": ["A B"]}} for i in range(101)}}
    r = client.post("/match/default", json=too_many)
    assert r.status_code == 400 and "too many queries" in r.json()["detail"]

    r = client.post("/match/default", json={**match_body("Qasem Soleimani"), "config": {"nonsense": 1}})
    assert r.status_code == 400 and "nonsense" in r.json()["detail"]

    r = client.post("/match/default", json=match_body("Qasem Soleimani", schema="Spaceship"))
    assert r.status_code == 400 and "Spaceship" in r.json()["detail"]

    r = client.post("/match/default", json=match_body("Qasem Soleimani", schema="Address"))
    assert r.status_code == 400 and "cannot be screened" in r.json()["detail"]

    r = client.post("/match/default", json=match_body("Qasem Soleimani", shoeSize="44"))
    assert r.status_code == 400 and "shoeSize" in r.json()["detail"]

    r = client.post("/match/default?algorithm=magic", json=match_body("Qasem Soleimani"))
    assert r.status_code == 400 and "magic" in r.json()["detail"]

    r = client.post("/match/default?changed_since=yesterday", json=match_body("Qasem Soleimani"))
    assert r.status_code == 400 and "changed_since" in r.json()["detail"]

    r = client.post("/match/default", content=b'{"queries": {', headers={"content-type": "application/json"})
    assert r.status_code == 422

    r = client.post("/match/default?limit=501", json=match_body("Qasem Soleimani"))
    assert r.status_code == 422

    r = client.post("/match/default", json={"queries": {"q": {"properties": {"name": ["x"]}}}})
    assert r.status_code == 422  # schema missing

    r = client.post("/match/default", json={"queries": {"q": {"schema": "Person", "properties": {}}}})
    assert r.status_code == 400 and "name" in r.json()["detail"]


def test_search(client):
    r = client.get("/search/default", params={"q": "soleimani"})
    assert r.status_code == 200
    body = r.json()
    ids = [res["id"] for res in body["results"]]
    assert "ofac-10481" in ids
    assert body["total"]["value"] >= len(ids) and body["limit"] == 10 and body["offset"] == 0

    r = client.get("/search/default", params={"q": "islamic revolutionary guard corps", "schema": "Organization",
                                              "limit": 3})
    results = r.json()["results"]
    assert 0 < len(results) <= 3 and all(res["schema"] in ("Organization", "Company", "PublicBody") for res in results)

    r = client.get("/search/default", params={"q": "soleimani", "schema": "Nope"})
    assert r.status_code == 400


def test_entities(client):
    r = client.get("/entities/ofac-10481")
    assert r.status_code == 200
    ent = r.json()
    assert ent["id"] == "ofac-10481" and ent["schema"] == "Person" and "SOLEIMANI" in ent["caption"].upper()
    r = client.get("/entities/unsc-IRi.039")
    assert r.status_code == 200 and r.json()["datasets"] == ["un_sc_sanctions"]
    r = client.get("/entities/ofac-999999999")
    assert r.status_code == 404 and "ofac-999999999" in r.json()["detail"]


def test_catalog_and_algorithms(client):
    cat = client.get("/catalog").json()
    by_name = {d["name"]: d for d in cat["datasets"]}
    assert by_name["us_ofac_sdn"]["entity_count"] > 10_000
    assert by_name["un_sc_sanctions"]["version"] and by_name["un_sc_sanctions"]["updated_at"]
    default = by_name["default"]
    assert set(default["children"]) >= {"us_ofac_sdn", "un_sc_sanctions", "gb_hmt_sanctions"}
    assert default["entity_count"] == sum(d["entity_count"] for d in cat["datasets"] if d["name"] != "default")
    eu = by_name["eu_journal_sanctions"]  # a transcription, with its licence said
    assert eu["entity_count"] == 8015 and "transcription" in eu["summary"] and "CC BY-NC 4.0" in eu["summary"]
    assert by_name["us_ofac_sdn"]["summary"] is None

    algos = client.get("/algorithms").json()
    names = [a["name"] for a in algos["algorithms"]]
    assert algos["default"] in names and algos["best"] in names


def test_every_screening_is_logged(client, index_state, app):
    client.post("/match/default", json={"queries": {"logme": {"schema": "Person",
                                                               "properties": {"name": ["Mahmoud Alavi"]}}}})
    client.get("/search/default", params={"q": "hizballah"})
    app.state.recorder.flush()
    rows = read_screenings(index_state.store.engine, limit=20)
    match_row = next(r for r in rows if r["endpoint"] == "/match/default"
                     and r["query"]["properties"].get("name") == ["Mahmoud Alavi"])
    assert "ofac-30422" in match_row["top_ids"]
    assert match_row["key_name"] is None  # auth off: anonymous
    search_row = next(r for r in rows if r["endpoint"] == "/search/default" and r["query"]["q"] == "hizballah")
    assert search_row["top_ids"]


def test_openapi_document(client):
    doc = client.get("/openapi.json").json()
    assert {"/match/{dataset}", "/search/{dataset}", "/entities/{entity_id}", "/catalog", "/algorithms",
            "/healthz", "/readyz", "/updatez"} <= set(doc["paths"])
