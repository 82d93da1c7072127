"""`/reconcile`: the W3C Reconciliation Service API 0.2 as OpenRefine uses it, on the real lists.

Shapes are checked against vigil's copies of the published 0.2 JSON Schemas (tests/fixtures/reconciliation).
"""
from __future__ import annotations

import json

import jsonschema
import pytest
from fastapi.testclient import TestClient

from pathlib import Path

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "reconciliation"


def validate(instance, name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(instance)


# What OpenRefine 3.x posts after "Reconcile > Start reconciling", type Person, with two columns mapped to
# properties (its StandardReconConfig: query, type, type_strict, properties as {pid, v}, limit).
OPENREFINE_BATCH = {
    "q0": {"query": "Qasem Soleimani", "type": "Person", "type_strict": "should", "limit": 3,
           "properties": [{"pid": "birthDate", "v": "1957-03-11"}, {"pid": "nationality", "v": "Iran"}]},
    "q1": {"query": "Mahmoud Alavi", "type": "Person", "type_strict": "should", "limit": 3,
           "properties": [{"pid": "birthDate", "v": "1954-04-24"}]},
    "q2": {"query": "محمود علوی", "type": "Person", "type_strict": "should", "limit": 3, "properties": []},
    "q3": {"query": "Hizballah", "type": "Organization", "type_strict": "should", "limit": 3},
    "q4": {"query": "Patricia Lucas Wheeler", "type": "Person", "type_strict": "should", "limit": 3,
           "properties": [{"pid": "birthDate", "v": "2002-07-14"}, {"pid": "country", "v": "Ethiopia"}]},
}


def test_manifest_follows_the_0_2_schema(client):
    res = client.get("/reconcile")
    assert res.status_code == 200 and res.headers["access-control-allow-origin"] == "*"
    data = res.json()
    validate(data, "manifest")
    assert data["versions"] == ["0.2"]
    assert {t["id"] for t in data["defaultTypes"]} >= {"Person", "Organization", "Company", "LegalEntity"}
    assert data["view"]["url"].endswith("/ui/entities/{{id}}")
    assert data["suggest"]["entity"]["service_url"].endswith("/reconcile/default")
    one = client.get("/reconcile/un_sc_sanctions").json()
    validate(one, "manifest")
    assert one["suggest"]["entity"]["service_url"].endswith("/reconcile/un_sc_sanctions")
    assert "authentication" not in one  # this server requires no key
    assert client.get("/reconcile/no_such_list").status_code == 404
    # the copies do reject what the published schemas reject
    with pytest.raises(jsonschema.ValidationError):
        validate({**data, "versions": ["0.1"]}, "manifest")
    with pytest.raises(jsonschema.ValidationError):
        validate({**data, "preview": {"url": "/preview", "width": 4, "height": 3}}, "manifest")
    with pytest.raises(jsonschema.ValidationError):
        validate({"q0": {"results": []}}, "reconciliation-result-batch")


def test_openrefine_batch_form_encoded(client):
    validate(OPENREFINE_BATCH, "reconciliation-query-batch")  # the request itself is a valid 0.2 batch
    res = client.post("/reconcile", data={"queries": json.dumps(OPENREFINE_BATCH, ensure_ascii=False)})
    assert res.status_code == 200, res.text
    data = res.json()
    validate(data, "reconciliation-result-batch")
    assert set(data) == set(OPENREFINE_BATCH) and res.headers["x-batch-size"] == "5"
    top = {k: v["result"][0] if v["result"] else None for k, v in data.items()}
    assert top["q0"]["id"] in ("ofac-10481", "unsc-IRi.039", "gb-hmt-7876") and top["q0"]["match"]
    assert top["q0"]["type"] == [{"id": "Person", "name": "People"}]
    assert "1957" in top["q0"]["description"]
    assert top["q1"]["id"] == "ofac-30422" and top["q1"]["match"]
    assert top["q2"]["id"] == "ofac-30422", "a Persian-script cell finds the Latin-script entry"
    assert top["q3"]["id"] in ("ofac-4697", "gb-hmt-13804") and top["q3"]["match"]
    assert not any(r["match"] for r in data["q4"]["result"]), "a non-listed person is no match"
    assert all(len(v["result"]) <= 3 for v in data.values())
    assert {f["id"] for f in top["q1"]["features"]} >= {"name", "dob_match"}


def test_reconcile_scores_are_the_match_scores(client):
    """One code path: the same query via /match gives the same ranking and scores."""
    batch = {"q": OPENREFINE_BATCH["q0"]}
    rec = client.post("/reconcile", data={"queries": json.dumps(batch)}).json()["q"]["result"]
    example = {"schema": "Person", "properties": {"name": ["Qasem Soleimani"], "birthDate": ["1957-03-11"],
                                                  "nationality": ["Iran"]}}
    match = client.post("/match/default", params={"limit": 3}, json={"queries": {"q": example}}).json()
    results = match["responses"]["q"]["results"]
    assert [(r["id"], r["score"], r["match"]) for r in rec] == [(r["id"], r["score"], r["match"]) for r in results]


def test_json_body_per_dataset_and_query_string(client):
    batch = {"a": {"query": "Soleimani", "type": ["Person"], "limit": 2,
                   "properties": [{"pid": "Person:birthDate", "v": ["1957"]}, {"pid": "dob", "v": 1957}]}}
    res = client.post("/reconcile/un_sc_sanctions", json={"queries": batch})
    assert res.status_code == 200, res.text
    validate(res.json(), "reconciliation-result-batch")
    assert [r["id"] for r in res.json()["a"]["result"]][:1] == ["unsc-IRi.039"]
    assert all(r["id"].startswith("unsc-") for r in res.json()["a"]["result"])
    bare = client.post("/reconcile/un_sc_sanctions", json=batch).json()  # the batch itself as the body
    assert bare == res.json()
    via_get = client.get("/reconcile/un_sc_sanctions", params={"queries": json.dumps(batch)}).json()
    assert via_get == res.json()
    ofac_style = client.post("/reconcile", params={"algorithm": "name-based"},
                             data={"queries": json.dumps({"a": {"query": "Qasem Soleimani"}})})
    assert ofac_style.status_code == 200 and {f["id"] for f in ofac_style.json()["a"]["result"][0]["features"]} == {"name"}


@pytest.mark.parametrize("queries, message", [
    ("{not json", "not valid JSON"),
    (json.dumps({"q": {"query": "x", "type": "Planet"}}), "unknown type 'Planet'"),
    (json.dumps({"q": {"query": "x", "type": "Address"}}), "cannot be reconciled"),
    (json.dumps({"q": {"query": "Ali", "properties": [{"pid": "shoeSize", "v": "44"}]}}), "no property 'shoeSize'"),
    (json.dumps({"q": {"query": "Ali", "limit": 0}}), "limit"),
    (json.dumps({"q": {"query": ""}}), "at least one name"),
    (json.dumps({"q": {"query": "Ali", "colour": "red"}}), "unknown field"),
    (json.dumps({f"q{i}": {"query": "Ali"} for i in range(101)}), "too many queries"),
    (json.dumps(["Ali"]), "JSON object"),
])
def test_bad_batches_are_clear_400s(client, queries, message):
    res = client.post("/reconcile", data={"queries": queries})
    assert res.status_code == 400, res.text
    assert message in res.json()["detail"]


def test_suggest_services_and_preview(client):
    ent = client.get("/reconcile/default/suggest/entity", params={"prefix": "soleimani"})
    assert ent.status_code == 200
    validate(ent.json(), "suggest-entities-response")
    assert "ofac-10481" in [r["id"] for r in ent.json()["result"]]
    types = client.get("/reconcile/default/suggest/type", params={"prefix": "pers"}).json()
    validate(types, "suggest-types-response")
    assert [t["id"] for t in types["result"]] == ["Person"]
    props = client.get("/reconcile/default/suggest/property", params={"prefix": "birth"}).json()
    validate(props, "suggest-properties-response")
    assert {p["id"] for p in props["result"]} == {"birthDate", "birthPlace"}
    page = client.get("/reconcile/default/preview", params={"id": "ofac-30422"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "ALAVI, Mahmoud" in page.text and "1954-04-24" in page.text and "<script" not in page.text
    assert client.get("/reconcile/default/preview", params={"id": "ofac-0"}).status_code == 404


def test_with_keys_required_the_manifest_is_public_and_queries_need_a_key(index_state):
    from vigil.api.app import create_app
    from vigil.service.keys import create_key

    app = create_app(index_state, require_auth=True, record=False, watch_interval=0)
    with TestClient(app) as http:
        manifest = http.get("/reconcile")
        assert manifest.status_code == 200
        validate(manifest.json(), "manifest")
        assert manifest.json()["authentication"] == {"type": "apiKey", "name": "X-API-Key", "in": "header"}
        batch = {"queries": json.dumps({"q": {"query": "Mahmoud Alavi"}})}
        assert http.post("/reconcile", data=batch).status_code == 401
        key = create_key(index_state.store.engine, "openrefine-test", "screen")
        res = http.post("/reconcile", data=batch, headers={"X-API-Key": key})
        assert res.status_code == 200 and res.json()["q"]["result"][0]["id"] == "ofac-30422"


def test_empty_and_odd_bodies(client):
    assert client.post("/reconcile", json=None).status_code in (400, 422)
    assert client.post("/reconcile", content=b"null", headers={"content-type": "application/json"}).status_code == 400
    assert client.post("/reconcile", content=b"{oops", headers={"content-type": "application/json"}).status_code == 400
    as_text = client.post("/reconcile", json={"queries": '{"q": {"query": "Mahmoud Alavi"}}'})
    assert as_text.status_code == 200 and as_text.json()["q"]["result"][0]["id"] == "ofac-30422"
    assert client.post("/reconcile", data={"other": "x"}).status_code == 400
    assert client.post("/reconcile", content=b"x", headers={"content-type": "text/plain"}).status_code == 400
