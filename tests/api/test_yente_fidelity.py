"""yente fidelity on the real lists: the /match `matcher` block, yente algorithm names, /algorithms, /search facets."""
from __future__ import annotations

import pytest

SOLEIMANI = {"schema": "Person", "properties": {"name": ["Qasem Soleimani"], "birthDate": ["1957-03-11"]}}
YENTE_NAMES = ("best", "logic-v2", "logic-v1", "name-based", "name-qualified", "regression-v1")


def _match(client, algorithm=None, body_extra=None):
    params = {"algorithm": algorithm} if algorithm else {}
    body = {"queries": {"q": SOLEIMANI}, **(body_extra or {})}
    return client.post("/match/default", params=params, json=body)


def test_match_carries_the_matcher_block_with_effective_weights(client):
    res = _match(client)
    assert res.status_code == 200, res.text
    matcher = res.json()["matcher"]
    assert (matcher["name"], matcher["requested"]) == ("vigil", "best")
    assert matcher["version"]
    assert matcher["features"]["name"]["coefficient"] == 1.0
    assert matcher["features"]["dob_mismatch"]["coefficient"] < 0
    assert all(f["description"] for f in matcher["features"].values())
    assert matcher["config"]["candidates"]["value"] == matcher["config"]["candidates"]["default"]
    assert all(c["description"] for c in matcher["config"].values())

    tuned = _match(client, body_extra={"weights": {"dob_match": 0.2}, "config": {"fuzzy_floor": 0.85}}).json()
    assert tuned["matcher"]["features"]["dob_match"]["coefficient"] == 0.2
    assert tuned["matcher"]["config"]["fuzzy_floor"] == {**tuned["matcher"]["config"]["fuzzy_floor"], "value": 0.85}
    top = tuned["responses"]["q"]["results"][0]
    assert top["explanations"]["dob_match"]["weight"] == 0.2, "the block describes what the scores used"


@pytest.mark.parametrize("name", YENTE_NAMES)
def test_yente_algorithm_names_are_accepted_and_named_in_the_response(client, name):
    res = _match(client, name)
    assert res.status_code == 200, res.text
    data = res.json()
    expected = "ofac" if name == "name-based" else "vigil"
    assert (data["matcher"]["name"], data["matcher"]["requested"]) == (expected, name)
    assert data["responses"]["q"]["results"][0]["id"] in ("ofac-10481", "unsc-IRi.039", "gb-hmt-7876", "eu-oj-32012R0267-VIII.A.PERSONS-38")


def test_name_based_runs_the_names_only_algorithm(client):
    """name-based ignores the birth date like nomenklatura's; logic-v2 (vigil) uses it."""
    wrong_dob = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Qasem Soleimani"],
                                                                     "birthDate": ["1990-01-01"]}}}}
    by_names = client.post("/match/us_ofac_sdn", params={"algorithm": "name-based"}, json=wrong_dob).json()
    logic = client.post("/match/us_ofac_sdn", params={"algorithm": "logic-v2"}, json=wrong_dob).json()
    top_names = by_names["responses"]["q"]["results"][0]
    top_logic = logic["responses"]["q"]["results"][0]
    assert top_names["id"] == top_logic["id"] == "ofac-10481"
    assert set(top_names["explanations"]) == {"name"}
    assert "dob_mismatch" in top_logic["explanations"] and top_logic["score"] < top_names["score"]


def test_unknown_algorithm_is_a_400_listing_the_accepted_names(client):
    res = _match(client, "logic-v9")
    assert res.status_code == 400
    assert all(n in res.json()["detail"] for n in ("vigil", "ofac", "logic-v2", "name-based"))


def test_algorithms_in_yentes_shape_with_aliases(client):
    data = client.get("/algorithms").json()
    items = {a["name"]: a for a in data["algorithms"]}
    assert data["default"] == data["best"] == "vigil"
    assert {"vigil", "ofac", *YENTE_NAMES} <= set(items)
    for item in items.values():
        assert set(item) >= {"name", "description", "features", "config"} and "docs" not in item
        assert item["description"]
    assert items["logic-v2"]["alias_of"] == "vigil" and items["name-based"]["alias_of"] == "ofac"
    assert items["vigil"]["features"]["id_match"]["coefficient"] > 0
    assert items["ofac"]["features"] == {"name": {**items["ofac"]["features"]["name"], "coefficient": 1.0}}


def test_search_facets_count_every_hit(client):
    res = client.get("/search/default", params={"q": "soleimani", "limit": 2})
    assert res.status_code == 200, res.text
    data = res.json()
    facets = data["facets"]
    assert set(facets) == {"datasets", "schema", "countries", "topics"}
    total = data["total"]["value"]
    assert len(data["results"]) == 2 and total > 2
    # each hit has one schema: the schema counts add up to the total
    assert sum(v["count"] for v in facets["schema"]["values"]) == total
    datasets = {v["name"]: v for v in facets["datasets"]["values"]}
    assert {"us_ofac_sdn", "un_sc_sanctions"} <= set(datasets)
    assert all(v["count"] <= total for v in facets["datasets"]["values"])
    countries = {v["name"]: v for v in facets["countries"]["values"]}
    assert countries["ir"]["count"] >= 2 and "Iran" in countries["ir"]["label"]
    assert facets["topics"]["values"][0] == {"name": "sanction", "label": "Sanctioned entity",
                                             "count": facets["topics"]["values"][0]["count"]}
    # the facets describe the query, not the page
    page2 = client.get("/search/default", params={"q": "soleimani", "limit": 2, "offset": 2}).json()
    assert page2["facets"] == facets and page2["results"] != data["results"]
    only = client.get("/search/default", params={"q": "soleimani", "facets": "countries"}).json()
    assert set(only["facets"]) == {"countries"}
    assert client.get("/search/default", params={"q": "x", "facets": "colour"}).status_code == 400


def test_statements_is_a_documented_404(client):
    res = client.get("/statements", params={"canonical_id": "ofac-10481"})
    assert res.status_code == 404 and "does not serve /statements" in res.json()["detail"]
