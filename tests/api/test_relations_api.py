"""Relations over HTTP on the real lists: /entities/{id}/adjacent in yente's shape, nested /entities/{id}."""
from __future__ import annotations


def _adjacent_ids(body: dict, prop: str) -> set[str]:
    out = set()
    for rel in body["adjacent"].get(prop, {}).get("results", []):
        for values in rel["properties"].values():
            out.update(v["id"] for v in values if isinstance(v, dict))
    return out


def test_mois_adjacent_lists_alavi_and_khatib(client):
    res = client.get("/entities/ofac-12111/adjacent", params={"limit": 500})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["entity"]["id"] == "ofac-12111"
    page = body["adjacent"]["unknownLinkObject"]  # "Linked To: IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY"
    assert page["total"]["value"] == len(page["results"]) and page["limit"] == 500
    assert {"ofac-30422", "ofac-39017"} <= _adjacent_ids(body, "unknownLinkObject")
    alavi = next(r for r in page["results"] if r["properties"]["subject"][0]["id"] == "ofac-30422")
    assert alavi["schema"] == "UnknownLink" and alavi["properties"]["object"] == ["ofac-12111"]
    assert "Linked To: IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY" in alavi["properties"]["description"][0]


def test_adjacent_pages_and_errors(client):
    first = client.get("/entities/ofac-12111/adjacent", params={"limit": 2}).json()["adjacent"]["unknownLinkObject"]
    second = client.get("/entities/ofac-12111/adjacent", params={"limit": 2, "offset": 2}).json()
    second = second["adjacent"]["unknownLinkObject"]
    assert len(first["results"]) == len(second["results"]) == 2 and first["total"] == second["total"]
    assert {r["id"] for r in first["results"]}.isdisjoint(r["id"] for r in second["results"])
    assert client.get("/entities/ofac-0/adjacent").status_code == 404
    assert client.get("/entities/ofac-12111/adjacent", params={"limit": -1}).status_code in (400, 422)


def test_entity_nests_its_relations(client):
    alavi = client.get("/entities/ofac-30422").json()
    (link,) = [r for r in alavi["properties"]["unknownLinkSubject"] if r["properties"]["object"][0]["id"] == "ofac-12111"]
    assert link["properties"]["object"][0]["caption"] == "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY"
    flat = client.get("/entities/ofac-30422", params={"nested": "false"}).json()
    assert "unknownLinkSubject" not in flat["properties"] and flat["properties"]["name"] == alavi["properties"]["name"]


def test_uk_relation_resolved_by_un_reference(client):
    # UK: "Member of the Rajah Solaiman Movement (QDe.128), and associated with the Abu Sayyaf Group (QDe.001)"
    body = client.get("/entities/gb-hmt-10661/adjacent", params={"limit": 50}).json()
    members = _adjacent_ids(body, "membershipMember")
    assert members and all(m.startswith("gb-hmt-") or m.startswith("unsc-") for m in members)
    assert _adjacent_ids(body, "unknownLinkSubject") - {"gb-hmt-10661"}


def test_match_with_an_associated_party_says_how_they_are_related(client):
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Mahmud Alavi"],
                                                                  "associatedParty": ["MOIS"]}}}}
    res = client.post("/match/default", json=body)
    assert res.status_code == 200, res.text
    top = res.json()["responses"]["q"]["results"][0]
    assert top["id"] == "ofac-30422" or "ofac-30422" in top.get("referents", [])
    related = top["explanations"]["related_party"]
    assert related["detail"].startswith("related on the lists to IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY")
    plain = client.post("/match/default", json={"queries": {"q": {"schema": "Person",
                                                                  "properties": {"name": ["Mahmud Alavi"]}}}})
    assert "related_party" not in plain.json()["responses"]["q"]["results"][0]["explanations"]
