"""Four-eyes case work over HTTP and in the UI pages, on the real lists' alerts (API keys = identities).

Works on the oldest open alert of the Soleimani customer and leaves it open again: the page tests and the browser
test (which run in the same session over the same store) use the newest one or the same oldest one.
"""
from __future__ import annotations

import pytest
from lxml import html as lxml_html


def doc(response):
    return lxml_html.fromstring(response.text)


@pytest.fixture(scope="module")
def case_keys(web_state):
    from vigil.service.keys import create_key

    engine = web_state.store.engine
    return {name: create_key(engine, name, scope) for name, scope in
            (("case-ana", "analyst"), ("case-ben", "analyst"), ("case-admin", "admin"), ("case-screen", "screen"))}


def _h(case_keys, name):
    return {"X-API-Key": case_keys[name], "Accept": "application/json"}


@pytest.fixture(scope="module")
def oldest_soleimani(web_state):
    from vigil.monitor import list_alerts

    rows, _ = list_alerts(web_state.store.engine, customer_id="C002", status=["open"], oldest_first=True)
    assert len(rows) >= 2, "the web fixture raises several Soleimani alerts (OFAC, UN ...)"
    return rows[0]


def _steps_since(ui_auth, headers, alert_id, before):
    return [(s["action"], s["by"]) for s in ui_auth.get(f"/alerts/{alert_id}", headers=headers).json()["decisions"]
            [before:]]


def test_four_eyes_over_the_api(ui_auth, case_keys, oldest_soleimani):
    alert_id = oldest_soleimani.id
    ana, ben = _h(case_keys, "case-ana"), _h(case_keys, "case-ben")
    before = len(ui_auth.get(f"/alerts/{alert_id}", headers=ana).json()["decisions"])
    r = ui_auth.post(f"/alerts/{alert_id}/decision", headers=ana,
                     json={"decision": "false-positive", "reason": "different person", "version": oldest_soleimani.version})
    assert r.status_code == 200 and r.json()["status"] == "pending_review"
    queue = ui_auth.get("/alerts", params={"status": "pending_review"}, headers=ben).json()
    assert alert_id in [a["id"] for a in queue["results"]]
    assert all({"age", "age_seconds", "sla_due", "overdue"} <= set(a) for a in queue["results"])
    self_approve = ui_auth.post(f"/alerts/{alert_id}/review", headers=ana, json={"action": "approve", "by": "someone"})
    assert self_approve.status_code == 403 and "four-eyes" in self_approve.json()["detail"]
    no_reason = ui_auth.post(f"/alerts/{alert_id}/review", headers=ben, json={"action": "send-back"})
    assert no_reason.status_code == 400
    screen = ui_auth.post(f"/alerts/{alert_id}/review", headers=_h(case_keys, "case-screen"), json={"action": "approve"})
    assert screen.status_code == 403 and "analyst" in screen.json()["detail"]
    ok = ui_auth.post(f"/alerts/{alert_id}/review", headers=ben, json={"action": "approve", "reason": "agree"})
    assert ok.status_code == 200, ok.text
    assert (ok.json()["status"], ok.json()["decided_by"], ok.json()["reviewed_by"]) == ("false_positive", "case-ana",
                                                                                          "case-ben")
    reopened = ui_auth.post(f"/alerts/{alert_id}/reopen", headers=ben, json={"reason": "passport matches after all"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert ui_auth.post(f"/alerts/{alert_id}/reopen", headers=ben, json={"reason": "x"}).status_code == 409
    assigned = ui_auth.post(f"/alerts/{alert_id}/assign", headers=ana, json={"assignee": "case-ben"})
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "case-ben"
    owned = ui_auth.get("/alerts", params={"assignee": "case-ben"}, headers=ana).json()["results"]
    assert [a["id"] for a in owned] == [alert_id]
    assert _steps_since(ui_auth, ana, alert_id, before) == [
        ("proposed", "case-ana"), ("approved", "case-ben"), ("reopened", "case-ben"), ("assigned", "case-ana")]
    unassigned = ui_auth.post(f"/alerts/{alert_id}/assign", headers=ben, json={"assignee": None})
    assert unassigned.json()["assignee"] is None and unassigned.json()["status"] == "open"


def test_policy_over_the_api_is_admin_only(ui_auth, case_keys, web_state):
    assert ui_auth.get("/alerts/policy", headers=_h(case_keys, "case-ana")).json()["review_false_positive"] is True
    denied = ui_auth.put("/alerts/policy", headers=_h(case_keys, "case-ana"), json={"sla_days": 1})
    assert denied.status_code == 403
    bad = ui_auth.put("/alerts/policy", headers=_h(case_keys, "case-admin"), json={"sla_days": "soon"})
    assert bad.status_code == 422
    changed = ui_auth.put("/alerts/policy", headers=_h(case_keys, "case-admin"), json={"sla_days": 7})
    assert changed.status_code == 200 and changed.json()["sla_days"] == 7.0
    from vigil.service import audit

    event = list(audit.entries(web_state.store.engine, action="policy.changed"))[-1]
    assert event.actor == "case-admin" and event.payload["after"]["sla_days"] == 7.0
    ui_auth.put("/alerts/policy", headers=_h(case_keys, "case-admin"), json={"sla_days": 5})


def test_alert_page_shows_the_pending_review_to_the_other_analyst_only(ui_auth, case_keys, web_state):
    from vigil.monitor import decide, history, list_alerts

    engine = web_state.store.engine
    rows, _ = list_alerts(engine, customer_id="C002", status=["open"], oldest_first=True)
    alert = rows[0]
    before = len(history(engine, alert.id))
    decide(engine, alert.id, "false-positive", "different birth year", "case-ana")
    ana_page = doc(ui_auth.get(f"/ui/alerts/{alert.id}", headers={"X-API-Key": case_keys["case-ana"]}))
    assert ana_page.xpath("//div[@class='pending-review']")
    assert not ana_page.xpath("//form[contains(@class,'review')]"), "the proposer gets no approve button"
    assert "a second analyst must approve" in ana_page.text_content()
    ben = {"X-API-Key": case_keys["case-ben"]}
    ben_page = doc(ui_auth.get(f"/ui/alerts/{alert.id}", headers=ben))
    assert {b.get("value") for b in ben_page.xpath("//form[contains(@class,'review')]//button")} == {"approve",
                                                                                                       "send-back"}
    box = " ".join(ben_page.xpath("//div[@class='pending-review']")[0].text_content().split())
    assert "false positive proposed by case-ana" in box and "different birth year" in box
    # the proposer posting an approval anyway: refused with the page and a 403
    forged = ui_auth.post(f"/ui/alerts/{alert.id}/review", headers={"X-API-Key": case_keys["case-ana"]},
                          data={"action": "approve", "reason": "", "version": str(alert.version + 1)})
    assert forged.status_code == 403 and "four-eyes" in forged.text
    sent = ui_auth.post(f"/ui/alerts/{alert.id}/review", headers=ben, follow_redirects=False,
                        data={"action": "send-back", "reason": "check the passport", "version": str(alert.version + 1)})
    assert sent.status_code == 303
    page = doc(ui_auth.get(f"/ui/alerts/{alert.id}", headers=ben))
    assert [tr.get("class") for tr in page.xpath("//table[@class='decisions']/tbody/tr")][before:] == [
        "step-proposed", "step-sent_back"]
    queue = doc(ui_auth.get("/ui/alerts", params={"view": "all", "oldest": "true"}, headers=ben))
    assert "Owner" in queue.xpath("//table[@class='alerts']/thead//th/text()")
    assert queue.xpath("//td[contains(@class,'age')]")
    assert get_status(engine, alert.id) == "open", "sent back: open again for the other tests"


def get_status(engine, alert_id):
    from vigil.monitor import get_alert

    return get_alert(engine, alert_id).status
