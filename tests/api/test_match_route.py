"""POST /match is served by its own handler (MatchRoute): it must check and document exactly what FastAPI would."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from vigil.api.app import create_app
from vigil.api.routers.match import MatchParams

BODY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Qasem Soleimani"], "birthDate": ["1957"]}}}}


def locs(response) -> list[list]:
    return [e["loc"] for e in response.json()["detail"]]


def test_query_parameters_are_validated_like_fastapi(client):
    for query, loc in [("limit=0", ["query", "limit"]), ("limit=501", ["query", "limit"]),
                       ("limit=five", ["query", "limit"]), ("threshold=1.5", ["query", "threshold"]),
                       ("cutoff=-1", ["query", "cutoff"]), ("algorithm=" + "x" * 65, ["query", "algorithm"]),
                       ("changed_since=" + "9" * 41, ["query", "changed_since"])]:
        r = client.post(f"/match/default?{query}", json=BODY)
        assert r.status_code == 422, query
        assert locs(r) == [loc], query
        assert set(r.json()["detail"][0]) == {"type", "loc", "msg"}  # no echo of the input


def test_query_parameters_take_effect(client):
    r = client.post("/match/default?limit=2&limit=1&unknown=ignored", json=BODY)  # last value wins, as in FastAPI
    assert r.status_code == 200
    body = r.json()
    assert body["limit"] == 1 and len(body["responses"]["q"]["results"]) == 1

    r = client.post("/match/default?exclude_dataset=us_ofac_sdn&exclude_dataset=gb_hmt_sanctions"
                    "&exclude_entity_ids=unsc-IRi.039", json=BODY)
    ids = [res["id"] for res in r.json()["responses"]["q"]["results"]]
    assert ids and not any(i.startswith(("ofac-", "gb-hmt-")) or i == "unsc-IRi.039" for i in ids)

    r = client.post("/match/default?threshold=0.99&cutoff=0.9", json=BODY)
    results = r.json()["responses"]["q"]["results"]
    assert all(res["score"] >= 0.9 and res["match"] == (res["score"] >= 0.99) for res in results)


def test_body_is_validated_like_fastapi(client):
    r = client.post("/match/default", content=b"", headers={"content-type": "application/json"})
    assert r.status_code == 422 and locs(r) == [["body"]]
    r = client.post("/match/default", content=b'{"queries": {', headers={"content-type": "application/json"})
    assert r.status_code == 422 and locs(r)[0][0] == "body"
    r = client.post("/match/default", content=b'{"queries": {}}', headers={"content-type": "text/plain"})
    assert r.status_code == 422 and "application/json" in r.json()["detail"][0]["msg"]
    r = client.post("/match/default", json={"queries": {"q": {"properties": {"name": ["x"]}}}})
    assert r.status_code == 422 and locs(r) == [["body", "queries", "q", "schema"]]
    r = client.post("/match/default", json={**BODY, "surprise": 1})
    assert r.status_code == 422 and locs(r) == [["body", "surprise"]]
    r = client.post("/match/default", content=b'{"queries": {"q": {"schema": "Person", "properties": '
                    b'{"name": ["Qasem Soleimani"]}}}}', headers={"content-type": "application/vnd.api+json"})
    assert r.status_code == 200
    r = client.post("/match/" + "d" * 101, json=BODY)
    assert r.status_code == 422 and locs(r) == [["path", "dataset"]]


def test_the_key_is_checked_before_the_input(index_state):
    app = create_app(index_state, require_auth=True, watch_interval=0, record=False)
    with TestClient(app) as secure:
        r = secure.post("/match/default?limit=0", content=b"{", headers={"content-type": "application/json"})
        assert r.status_code == 401


def test_openapi_documents_every_parameter_and_the_body(client):
    op = client.get("/openapi.json").json()["paths"]["/match/{dataset}"]["post"]
    params = {p["name"]: p for p in op["parameters"]}
    assert params["dataset"]["in"] == "path" and params["dataset"]["schema"]["maxLength"] == 100
    query = {name: p for name, p in params.items() if p["in"] == "query"}
    assert list(query) == list(MatchParams.model_fields)
    assert query["limit"]["schema"] == {"default": 5, "description": "Results per query", "maximum": 500,
                                        "minimum": 1, "title": "Limit", "type": "integer"}
    assert query["exclude_dataset"]["schema"]["type"] == "array"
    assert all(p["required"] is False and p["description"] for p in query.values())
    assert op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EntityMatchQuery"}
    assert {"200", "400", "401", "422", "503"} <= set(op["responses"])


@pytest.mark.parametrize("name", ["Qasem Soleimani", "قاسم سلیمانی"])
def test_answer_is_the_screening_function_s(client, index_state, name):
    """The handler adds nothing of its own: one entry per query, as `screen()` returns it."""
    from vigil.service.screening import ScreenOptions, check_options, query_entity, screen

    body = {"queries": {"a": {"schema": "Person", "properties": {"name": [name]}}}}
    got = client.post("/match/default?limit=3", json=body).json()["responses"]["a"]
    want = screen(index_state.current.matcher, query_entity("Person", {"name": [name]}),
                  check_options(ScreenOptions(limit=3, datasets=index_state.current.dataset_names)))
    assert [r["id"] for r in got["results"]] == [r["id"] for r in want["results"]]
    assert got["query"] == want["query"] and got["total"] == want["total"]
