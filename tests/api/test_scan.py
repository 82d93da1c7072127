"""POST /scan: news screening over HTTP, same JSON as `vigil scan --json`."""
from __future__ import annotations


def test_scan_text(client):
    text = ("Treasury Targets Iranian Intelligence\n\nThe Treasury on Thursday sanctioned Iran's Ministry of "
            "Intelligence and Security (MOIS) for abuses. The MOIS has detained dissidents, the journalist "
            "Jane Doe wrote.")
    r = client.post("/scan", json={"text": text, "source": "t.txt"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["article"]["source"] == "t.txt"
    mois = [e for e in data["entities"] if e["id"] == "ofac-12111"]
    assert mois and mois[0]["context"] == "designated"
    assert {m["text"] for m in mois[0]["mentions"]} >= {"MOIS"}


def test_scan_html_and_bad_input(client):
    html = ("<html><head><title>Hamas and Hezbollah</title></head><body><article>"
            + "<p>Officials said Hamas and Hezbollah received support from abroad during the war.</p>" * 3
            + "</article></body></html>")
    r = client.post("/scan", json={"text": html})
    assert r.status_code == 200, r.text
    assert r.json()["article"]["format"] == "html"
    assert {"ofac-4695", "ofac-4697"} <= {e["id"] for e in r.json()["entities"]}
    assert client.post("/scan", json={"text": "   "}).status_code == 400
    assert client.post("/scan", json={}).status_code == 422
