"""Case work: four-eyes review, reopen, assignment, queues and the policy, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from monitor_data import ALAVI, BOOK, HIZBALLAH, SOLEIMANI, alerts_by_pair, publish
from sqlalchemy import update

from vigil.monitor import (
    DecisionConflict, DecisionError, FourEyesError, Monitor, PolicyError, assign, decide, get_alert, get_policy,
    history, import_book, list_alerts, reopen, review, set_policy,
)
from vigil.monitor import tables as t
from vigil.monitor.decisions import whitelist_entries
from vigil.service import audit


@pytest.fixture
def raised(store, tmp_path):
    path = tmp_path / "book.csv"
    path.write_text(BOOK)
    import_book("retail", path, engine=store.engine, actor="ana")
    publish(store, SOLEIMANI, ALAVI, HIZBALLAH)
    Monitor(store).run()
    return alerts_by_pair(store.engine)


def test_false_positive_needs_a_second_analyst(store, raised):
    engine = store.engine
    alert = raised[("C1", "ofac-10481")]
    proposed = decide(engine, alert.id, "false-positive", "different person: DOB differs", "ana")
    assert (proposed.status, proposed.proposed_status, proposed.proposed_by) == ("pending_review", "false_positive",
                                                                                   "ana")
    assert whitelist_entries(engine) == [], "nothing is whitelisted before the review"
    with pytest.raises(FourEyesError, match="ana proposed this decision"):
        review(engine, alert.id, "approve", None, "ana")
    with pytest.raises(FourEyesError):
        review(engine, alert.id, "approve", None, " ANA ")  # the same identity, however it is typed
    with pytest.raises(DecisionConflict, match="changed since"):
        review(engine, alert.id, "approve", None, "ben", expected_version=1)
    done = review(engine, alert.id, "approve", "agree", "ben", expected_version=2)
    assert (done.status, done.decided_by, done.reviewed_by, done.version) == ("false_positive", "ana", "ben", 3)
    [entry] = whitelist_entries(engine)
    assert (entry["alert_id"], entry["by"]) == (alert.id, "ana") and "approved by ben" in entry["reason"]
    with pytest.raises(DecisionConflict, match="not pending review"):
        review(engine, alert.id, "approve", None, "carl")

    steps = history(engine, alert.id)
    assert [(s["action"], s["decision"], s["by"]) for s in steps] == [
        ("proposed", "false_positive", "ana"), ("approved", "false_positive", "ben")]
    # each history row points at the audit row that records it
    events = {e.seq: e for e in audit.entries(engine)}
    for step, action in zip(steps, ("alert.proposed", "alert.approved")):
        event = events[step["audit_seq"]]
        assert (event.action, event.hash, event.actor) == (action, step["audit_hash"], step["by"])
    assert audit.verify(engine).ok


def test_send_back_needs_a_reason_and_returns_where_it_was(store, raised):
    engine = store.engine
    alert = raised[("C4", "ofac-30422")]
    decide(engine, alert.id, "escalate", "same name, check DOB", "ana")
    decide(engine, alert.id, "true-match", "DOB and nationality agree", "ana")
    with pytest.raises(DecisionError, match="reason"):
        review(engine, alert.id, "send-back", "  ", "ben")
    with pytest.raises(DecisionError, match="unknown review action"):
        review(engine, alert.id, "maybe", "x", "ben")
    back = review(engine, alert.id, "send-back", "the passport is not in the file yet", "ben")
    assert (back.status, back.proposed_status, back.proposed_by) == ("escalated", None, None)
    [event] = audit.entries(engine, action="alert.sent_back")
    assert event.actor == "ben" and event.payload["proposed_by"] == "ana"


def test_reopen_removes_the_whitelist_entry_and_the_pair_alerts_again(store, raised):
    engine = store.engine
    alert = raised[("C1", "ofac-10481")]
    decide(engine, alert.id, "false-positive", "not him", "ana")
    review(engine, alert.id, "approve", None, "ben")
    assert Monitor(store).run(full=True).suppressed == 1
    with pytest.raises(DecisionError, match="reason"):
        reopen(engine, alert.id, "", "carl")
    opened = reopen(engine, alert.id, "whitelisted by mistake: same passport", "carl")
    assert (opened.status, opened.decided_by, opened.reviewed_by) == ("open", None, None)
    assert whitelist_entries(engine) == []
    [event] = audit.entries(engine, action="alert.reopened")
    assert event.payload["was"] == "false_positive" and event.payload["whitelist_removed"] is True
    # the reopened alert is the pair's open alert: a full rescreen neither suppresses nor duplicates it
    report = Monitor(store).run(full=True)
    assert report.suppressed == 0 and report.alerts == [] and report.known >= 1
    with pytest.raises(DecisionConflict, match="not closed"):
        reopen(engine, alert.id, "again", "carl")


def test_delisted_alerts_cannot_be_reopened(store, raised):
    publish(store, SOLEIMANI, ALAVI)  # Hizballah removed
    Monitor(store).run()
    [alert] = alerts_by_pair(store.engine, status=["delisted"]).values()
    with pytest.raises(DecisionConflict, match="left every list"):
        reopen(store.engine, alert.id, "why", "ana")


def test_policy_changes_are_audited_and_apply(store, raised):
    engine = store.engine
    assert get_policy(engine).to_dict() == {"review_false_positive": True, "review_true_match": True, "sla_days": 5.0}
    with pytest.raises(PolicyError, match="unknown policy key"):
        set_policy(engine, {"four_eyes": False}, "admin")
    with pytest.raises(PolicyError, match="true or false"):
        set_policy(engine, {"review_true_match": "no"}, "admin")
    with pytest.raises(PolicyError, match="sla_days"):
        set_policy(engine, {"sla_days": -1}, "admin")
    assert get_policy(engine).review_true_match, "a refused change leaves the policy intact"
    policy = set_policy(engine, {"review_true_match": False, "sla_days": 2}, "admin")
    assert (policy.review_true_match, policy.review_false_positive, policy.sla_days) == (False, True, 2.0)
    [event] = audit.entries(engine, action="policy.changed")
    assert event.actor == "admin" and event.payload["before"]["review_true_match"] is True
    assert event.payload["after"]["review_true_match"] is False and event.payload["changed"] == ["review_true_match",
                                                                                                   "sla_days"]
    closed = decide(engine, raised[("C1", "ofac-10481")].id, "true-match", "same person", "ana")
    assert (closed.status, closed.decided_by) == ("true_match", "ana"), "no review needed any more"
    pending = decide(engine, raised[("C4", "ofac-30422")].id, "false-positive", "not him", "ana")
    assert pending.status == "pending_review", "false positives still need one"


def test_assignment_and_queues_by_owner_list_and_age(store, raised):
    engine = store.engine
    ids = {pair: a.id for pair, a in raised.items()}
    mine = assign(engine, ids[("C1", "ofac-10481")], "ana", "lead", expected_version=1)
    assert (mine.assignee, mine.version) == ("ana", 2), "one history row per (alert, version)"
    with pytest.raises(DecisionConflict, match="changed since"):
        decide(engine, mine.id, "escalate", "looked at it before the assignment", "ben", expected_version=1)
    with pytest.raises(DecisionConflict, match="already assigned"):
        assign(engine, ids[("C1", "ofac-10481")], "ana", "lead")
    assign(engine, ids[("C4", "ofac-30422")], "ben", "lead")
    assert [a.id for a in list_alerts(engine, assignee="ana")[0]] == [ids[("C1", "ofac-10481")]]
    assert {a.id for a in list_alerts(engine, assignee="-")[0]} == {ids[("C5", "ofac-4697")]}
    assert assign(engine, ids[("C4", "ofac-30422")], None, "ben").assignee is None
    steps = history(engine, ids[("C4", "ofac-30422")])
    assert [s["action"] for s in steps] == ["assigned", "unassigned"]
    assert [s["alert_version"] for s in steps] == [1, 2], "each step is one alert version"
    assert [e.payload["assignee"] for e in audit.entries(engine, action="alert.assigned")] == ["ana", "ben"]

    # by list: every alert here is on us_ofac_sdn; no alert is on the UN list
    assert list_alerts(engine, dataset="us_ofac_sdn")[1] == 3 and list_alerts(engine, dataset="un_sc_sanctions")[1] == 0
    # by age: make one alert 8 days old, one 3 days old
    with engine.begin() as conn:
        for pair, days in ((("C1", "ofac-10481"), 8), (("C4", "ofac-30422"), 3)):
            conn.execute(update(t.alerts).where(t.alerts.c.id == ids[pair])
                         .values(created_at=f"2020-01-{10 - days:02d}T00:00:00.000000+00:00"))
    old, _ = list_alerts(engine, older_than_days=1)
    assert {a.id for a in old} == {ids[("C1", "ofac-10481")], ids[("C4", "ofac-30422")]}
    oldest = list_alerts(engine, oldest_first=True)[0]
    assert oldest[0].id == min(ids.values())
    overdue, _ = list_alerts(engine, overdue=True)
    assert {a.id for a in overdue} == {ids[("C1", "ofac-10481")], ids[("C4", "ofac-30422")]}
    alert = get_alert(engine, ids[("C1", "ofac-10481")])
    assert alert.overdue and alert.age_seconds > 8 * 86400 and alert.age.endswith("h") and "d" in alert.age
    fresh = get_alert(engine, ids[("C5", "ofac-4697")])
    assert not fresh.overdue and fresh.age_seconds < 3600
    # closed alerts are never overdue; their age stops at the decision
    set_policy(engine, {"review_true_match": False}, "admin")
    closed = decide(engine, ids[("C1", "ofac-10481")], "true-match", "same", "ana")
    assert not closed.overdue and closed.age_seconds > 8 * 86400
    assert ids[("C1", "ofac-10481")] not in {a.id for a in list_alerts(engine, overdue=True)[0]}
    with pytest.raises(DecisionConflict, match="closed"):
        assign(engine, ids[("C1", "ofac-10481")], "ben", "lead")


def test_an_older_database_gets_the_new_columns(store, db_url):
    """A database made before case work (no assignee, action ... columns) is upgraded in place."""
    from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, inspect

    engine = create_engine(db_url)
    old = MetaData()
    Table("monitor_decisions", old, Column("id", Integer, primary_key=True), Column("alert_id", Integer),
          Column("decision", String(20)), Column("reason", String(100)), Column("by", String(200)),
          Column("at", String(32)), Column("alert_version", Integer))
    old.create_all(engine)
    added = t.add_missing_columns(engine)
    assert {"monitor_decisions.action", "monitor_decisions.audit_seq", "monitor_decisions.on_behalf_of"} <= set(added)
    cols = {c["name"] for c in inspect(engine).get_columns("monitor_decisions")}
    assert {"action", "audit_seq", "audit_hash"} <= cols
    assert t.add_missing_columns(engine) == [], "idempotent"
    engine.dispose()
