"""Issue 13's attacks on the HTTP side, replayed against the real lists and alerts: each must fail, on the default
server (loopback, no keys) and with keys required, and leave the alert or the list as it was.

(The rules one by one are in tests/api/test_guard.py; the browser's view with the CSP on in test_browser.py.)
"""
from __future__ import annotations

import pytest
from lxml import html as lxml_html

EVIL = "http://evil.example"


def doc(response):
    return lxml_html.fromstring(response.text)


@pytest.fixture(scope="module")
def alavi(web_state):
    """The true match of issue 13's report: customer C001 Mahmoud Alavi -> ofac-30422, open."""
    from vigil.monitor import list_alerts

    rows, _ = list_alerts(web_state.store.engine, customer_id="C001", status=["open"])
    hits = [a for a in rows if a.entity_id == "ofac-30422"]
    assert hits, "the web fixture raises the Alavi alert"
    return hits[0]


def _alert(web_state, alert_id):
    from vigil.monitor import get_alert

    return get_alert(web_state.store.engine, alert_id)


def _decision(alert, **extra):
    return {"decision": "false-positive", "reason": "not our customer", "version": str(alert.version), **extra}


def test_foreign_origin_form_post_cannot_close_a_true_match(ui, web_state, alavi, csrf):
    before = _alert(web_state, alavi.id)
    url = f"/ui/alerts/{alavi.id}/decision"
    # the report's attack: a form on evil.example posting to the loopback server
    r = ui.post(url, data=_decision(before), headers={"Origin": EVIL}, follow_redirects=False)
    assert r.status_code == 403 and "cross-site request refused" in r.json()["detail"]
    # even with this browser's own session token (which evil.example cannot read) the origin decides
    r = ui.post(url, data=_decision(before, csrf_token=csrf(ui)), headers={"Origin": EVIL}, follow_redirects=False)
    assert r.status_code == 403
    # the same from a sandboxed frame (Origin: null), a browser that only says cross-site, another local port
    for headers in ({"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://localhost:9999"},
                    {"Referer": f"{EVIL}/x.html"}):
        assert ui.post(url, data=_decision(before), headers=headers, follow_redirects=False).status_code == 403
    # a same-origin post without the session token (a stale page, or a browser that sent no Origin)
    r = ui.post(url, data=_decision(before), follow_redirects=False)
    assert r.status_code == 403 and "security token" in r.text
    r = ui.post(url, data=_decision(before, csrf_token="0" * 64), follow_redirects=False)
    assert r.status_code == 403
    after = _alert(web_state, alavi.id)
    assert (after.status, after.version) == (before.status, before.version) == ("open", before.version)


def test_every_ui_form_route_needs_the_token(ui, alavi):
    """Review, reopen, assign (case work), scan, login, logout: no token, no effect."""
    for url, data in ((f"/ui/alerts/{alavi.id}/review", {"action": "approve", "reason": "x", "version": "1"}),
                      (f"/ui/alerts/{alavi.id}/reopen", {"reason": "x", "version": "1"}),
                      (f"/ui/alerts/{alavi.id}/assign", {"assignee": "@me"}),
                      ("/ui/scan", {"text": "Qasem Soleimani"}), ("/ui/login", {"key": "vgl_x"}),
                      ("/ui/logout", {})):
        r = ui.post(url, data=data, follow_redirects=False)
        assert r.status_code == 403 and "security token" in r.text, url


def test_every_ui_post_route_is_covered(ui, alavi):
    """A new UI form route cannot forget the token: every POST route of the UI's routers, posted without one
    from the server's own origin, is refused before it runs."""
    import re
    from fastapi.routing import APIRoute

    from vigil.web.routes import alerts, entities, lists, login, scan, screen

    posts = [r.path for m in (alerts, entities, lists, login, scan, screen) for r in m.router.routes
             if isinstance(r, APIRoute) and "POST" in r.methods]
    assert len(posts) >= 7, posts
    for path in posts:
        url = re.sub(r"\{[^}]+\}", str(alavi.id), path)
        r = ui.post(url, data={"version": str(alavi.version)}, headers={"Origin": "http://testserver"},
                    follow_redirects=False)
        assert r.status_code == 403 and "security token" in r.text, path


def test_every_template_form_that_posts_carries_the_token_and_no_inline_script():
    import re
    from pathlib import Path

    import vigil.web

    templates = Path(vigil.web.__file__).parent / "templates"
    for path in templates.glob("*.html"):
        text = path.read_text()
        for form in re.findall(r"<form[^>]*>.*?</form>", text, flags=re.S):
            if 'method="post"' in form:
                assert 'name="{{ csrf_field }}"' in form, path.name
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script in {path.name}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {path.name}"
        assert not re.search(r"\sstyle\s*=", text), f"inline style in {path.name} (the CSP refuses it)"


def test_foreign_origin_multipart_ingest_cannot_replace_a_list(ui, web_state, shared_data):
    """The report's second attack: a multipart upload of a one-entity OFAC file from another origin."""
    store = web_state.store
    before = {d.name: (d.entity_count, d.snapshots) for d in store.datasets()}
    rows = (shared_data / "ofac_sdn" / "sdn.csv").read_bytes().splitlines(keepends=True)[:1]
    files = {"files": ("sdn.csv", b"".join(rows), "text/csv")}
    r = ui.post("/ingest/ofac", files=files, headers={"Origin": EVIL, "Accept": "application/json"})
    assert r.status_code == 403
    # from a program (no browser headers) but without an admin key: the keyless server does not take uploads
    r = ui.post("/ingest/ofac", files=files, headers={"Accept": "application/json"})
    assert r.status_code == 401 and "admin" in r.json()["detail"]
    assert ui.post("/updatez", headers={"Origin": EVIL}).status_code == 403
    assert {d.name: (d.entity_count, d.snapshots) for d in store.datasets()} == before


def test_dns_rebinding_host_is_refused(ui):
    """evil.example re-pointed at 127.0.0.1: the browser sends `Host: evil.example`; nothing is answered."""
    for method, url in (("GET", "/"), ("GET", "/ui/alerts"), ("GET", "/entities/ofac-30422"),
                        ("POST", "/match/default"), ("GET", "/reconcile")):
        r = ui.request(method, url, headers={"Host": "evil.example:8000", "Accept": "application/json"},
                       json={"queries": {}} if method == "POST" else None)
        assert r.status_code == 421, (method, url, r.status_code)
        assert "Alavi" not in r.text and "ALAVI" not in r.text
    assert ui.get("/ui/alerts", headers={"Host": "localhost:8000"}).status_code == 200
    assert ui.get("/ui/alerts", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_cookie_carrying_foreign_origin_post_with_keys_required(ui_auth, web_state, alavi, csrf):
    """--require-auth: an analyst signed in (vigil_key cookie) visits evil.example, which posts the decision."""
    from vigil.service.keys import create_key

    key = create_key(web_state.store.engine, "attack-analyst", "analyst")
    token = csrf(ui_auth)
    login = ui_auth.post("/ui/login", data={"key": key, "next": "/ui/alerts", "csrf_token": token},
                         follow_redirects=False)
    try:
        assert login.status_code == 303 and ui_auth.cookies.get("vigil_key") == key  # the browser's cookie jar
        before = _alert(web_state, alavi.id)
        url = f"/ui/alerts/{alavi.id}/decision"
        for headers in ({"Origin": EVIL}, {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}, {"Referer": f"{EVIL}/"}):
            r = ui_auth.post(url, data=_decision(before, csrf_token=token), headers=headers, follow_redirects=False)
            assert r.status_code == 403, headers
        # the cookie alone, same origin, no token: refused as well
        r = ui_auth.post(url, data=_decision(before), follow_redirects=False)
        assert r.status_code == 403 and "security token" in r.text
        assert _alert(web_state, alavi.id).version == before.version
        # control: the analyst's own page (cookie + token + same origin) works; assign and unassign to show it
        r = ui_auth.post(f"/ui/alerts/{alavi.id}/assign", data={"assignee": "@me", "csrf_token": token},
                         headers={"Origin": "http://testserver"}, follow_redirects=False)
        assert r.status_code == 303
        assert _alert(web_state, alavi.id).assignee == "attack-analyst"
        r = ui_auth.post(f"/ui/alerts/{alavi.id}/assign", data={"assignee": "", "csrf_token": token},
                         follow_redirects=False)
        assert r.status_code == 303 and _alert(web_state, alavi.id).assignee is None
        assert _alert(web_state, alavi.id).status == "open"
    finally:
        ui_auth.cookies.delete("vigil_key")  # the other tests' ui_auth is signed out


def test_api_clients_keep_working_without_browser_headers(ui, web_state):
    """yente-client, curl and OpenRefine's server send no Origin: match, reconcile and case work with a key."""
    from vigil.service.keys import create_key

    r = ui.post("/match/default", json={"queries": {"q": {"schema": "Person", "properties": {
        "name": ["Mahmoud Alavi"]}}}}, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json()["responses"]["q"]["results"][0]["id"] == "ofac-30422"
    r = ui.post("/reconcile", data={"queries": '{"q0": {"query": "Mahmoud Alavi", "type": "Person"}}'},
                headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json()["q0"]["result"][0]["id"] == "ofac-30422"
    # a key-authenticated client needs no token and no Origin, and is not confused with a browser by its cookies
    key = create_key(web_state.store.engine, "attack-admin", "admin")
    r = ui.post("/updatez", headers={"X-API-Key": key, "Origin": EVIL, "Accept": "application/json"})
    assert r.status_code == 200


def test_reconcile_preview_may_be_framed_by_openrefine_but_pages_may_not(ui):
    preview = ui.get("/reconcile/default/preview", params={"id": "ofac-30422"})
    assert preview.status_code == 200
    assert "frame-ancestors *" in preview.headers["content-security-policy"]
    assert "x-frame-options" not in preview.headers and "<script" not in preview.text
    page = ui.get("/ui/entities/ofac-30422")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
