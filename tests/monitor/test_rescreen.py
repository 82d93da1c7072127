"""Rescreening on list changes, whitelists, delisting and decisions, on SQLite and PostgreSQL.

The lists here are small hand-written publications of real OFAC entries (names and dates as
OFAC publishes them), so every step runs in well under a second.
"""
from __future__ import annotations

import threading

import pytest

from monitor_data import ALAVI, AMEZCUA, BOOK, HIZBALLAH, SOLEIMANI, alerts_by_pair, publish

from vigil.service import audit
from vigil.monitor import DecisionConflict, DecisionError, Monitor, decide, import_book, list_alerts, review


def close(engine, alert_id, decision, reason, by, reviewer):
    """A closing decision under the default four-eyes policy: proposed by one analyst, approved by another."""
    assert decide(engine, alert_id, decision, reason, by).status == "pending_review"
    return review(engine, alert_id, "approve", "agreed", reviewer)


@pytest.fixture
def book(store, tmp_path):
    path = tmp_path / "book.csv"
    path.write_text(BOOK)
    import_book("retail", path, engine=store.engine, actor="ana")
    return path


def test_first_run_screens_new_customers_against_all_lists(store, book):
    publish(store, SOLEIMANI, AMEZCUA, HIZBALLAH)
    report = Monitor(store).run()
    assert report.pending_screened == 5 and report.delta_screened == 0
    pairs = alerts_by_pair(store.engine)
    assert set(pairs) == {("C1", "ofac-10481"), ("C2", "ofac-6704"), ("C5", "ofac-4697")}
    alert = pairs[("C1", "ofac-10481")]
    assert alert.status == "open" and alert.score >= 0.9 and alert.reason == "new-customer"
    assert "Qasem Soleimani ~" in alert.explanation
    assert alert.entity["properties"]["birthDate"] == ["1957-03-11"]  # snapshot of the entity as raised
    # Nothing changed: a second run does nothing at all.
    again = Monitor(store).run()
    assert (again.pending_screened, again.delta_screened, again.alerts) == (0, 0, [])


def test_list_change_rescreens_only_the_delta(store, book):
    publish(store, SOLEIMANI, AMEZCUA, HIZBALLAH)
    Monitor(store).run()
    pairs = alerts_by_pair(store.engine)
    close(store.engine, pairs[("C2", "ofac-6704")].id, "false-positive", "different person, no DOB overlap", "ana",
          "ben")
    close(store.engine, pairs[("C1", "ofac-10481")].id, "true-match", "same name and nationality", "ben", "ana")

    # v2: Alavi added, Amezcua gains an alias, Hizballah removed.
    publish(store, SOLEIMANI, ALAVI, AMEZCUA, alias_extra={"ofac-6704": "CONTRERAS, Camilo"})
    report = Monitor(store).run()
    assert report.pending_screened == 0
    assert report.delta_entities == 2  # only Alavi and the changed Amezcua are indexed
    # Customers sharing no candidate key with the two delta entities are skipped without a query.
    assert report.delta_screened + report.prefiltered == 5 and report.prefiltered >= 2
    new = {(a.customer_id, a.entity_id): a for a in list_alerts(store.engine)[0] if a.id in report.alerts}
    assert set(new) == {("C4", "ofac-30422"), ("C2", "ofac-6704")}
    assert new[("C4", "ofac-30422")].reason == "list-change"
    assert "us_ofac_sdn snapshot" in new[("C4", "ofac-30422")].trigger
    reraised = new[("C2", "ofac-6704")]
    assert reraised.reason == "whitelisted-entity-changed"
    assert reraised.diff == {"alias": {"added": ["CONTRERAS, Camilo"], "removed": []}}
    delisted = alerts_by_pair(store.engine, status=["delisted"])
    assert set(delisted) == {("C5", "ofac-4697")}
    assert report.delisted == [delisted[("C5", "ofac-4697")].id]

    # Whitelisted again at the new version: a later unrelated change keeps it quiet.
    close(store.engine, reraised.id, "false-positive", "still not him", "ana", "carl")
    publish(store, dict(SOLEIMANI, properties={**SOLEIMANI["properties"], "notes": ["IRGC-QF commander"]}),
            ALAVI, AMEZCUA, alias_extra={"ofac-6704": "CONTRERAS, Camilo"})
    report = Monitor(store).run()
    assert report.alerts == [] and report.known >= 1  # C1 is a confirmed true match: not raised again
    full = Monitor(store).run(full=True)  # even a full rescreen keeps the whitelisted pair quiet
    assert full.alerts == [] and full.suppressed == 1

    actions = [e.action for e in audit.entries(store.engine)]
    assert actions.count("alert.raised") == 5 and actions.count("alert.proposed") == actions.count("alert.approved") == 3
    assert "alert.delisted" in actions and audit.verify(store.engine).ok


def test_changed_customer_is_screened_against_everything(store, book, tmp_path):
    publish(store, SOLEIMANI, AMEZCUA)
    Monitor(store).run()
    edited = tmp_path / "book2.csv"
    edited.write_text(BOOK.replace("C3,Patricia Lucas Wheeler,person,2002-07-14,Ethiopia",
                                   "C3,Ghasem Soleymani,person,,Iran"))
    result = import_book("retail", edited, engine=store.engine)
    assert (result.updated, result.unchanged) == (1, 4)
    report = Monitor(store).run()
    assert report.pending_screened == 1 and report.delta_screened == 0
    [alert] = [a for a in list_alerts(store.engine)[0] if a.id in report.alerts]
    assert (alert.customer_id, alert.entity_id, alert.reason) == ("C3", "ofac-10481", "new-customer")


def test_decision_rules(store, book):
    publish(store, SOLEIMANI)
    Monitor(store).run()
    [alert] = list_alerts(store.engine)[0]
    with pytest.raises(DecisionError, match="reason"):
        decide(store.engine, alert.id, "false-positive", "  ", "ana")
    with pytest.raises(DecisionError, match="unknown decision"):
        decide(store.engine, alert.id, "maybe", "x", "ana")
    escalated = decide(store.engine, alert.id, "escalate", "needs second look", "ana")
    assert escalated.status == "escalated" and escalated.version == 2
    with pytest.raises(DecisionConflict, match="changed since"):
        decide(store.engine, alert.id, "true-match", "ok", "ben", expected_version=1)
    proposed = decide(store.engine, alert.id, "true-match", "confirmed by passport", "ben", expected_version=2)
    assert (proposed.status, proposed.proposed_status, proposed.proposed_by) == ("pending_review", "true_match", "ben")
    with pytest.raises(DecisionConflict, match="pending review"):
        decide(store.engine, alert.id, "false-positive", "no", "carl")
    done = review(store.engine, alert.id, "approve", None, "carl", expected_version=3)
    assert (done.status, done.decided_by, done.reviewed_by) == ("true_match", "ben", "carl")
    with pytest.raises(DecisionConflict, match="already closed"):
        decide(store.engine, alert.id, "false-positive", "oops", "carl")


def test_concurrent_decisions_exactly_one_wins(store, book):
    """Two clients decide the same alert at the same moment: one wins, the other gets a conflict."""
    publish(store, SOLEIMANI)
    Monitor(store).run()
    [alert] = list_alerts(store.engine)[0]
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def client(name, decision):
        barrier.wait()
        try:
            outcomes[name] = decide(store.engine, alert.id, decision, f"{name} says so", name,
                                    expected_version=alert.version)
        except DecisionConflict as exc:
            outcomes[name] = exc

    threads = [threading.Thread(target=client, args=("ana", "true-match")),
               threading.Thread(target=client, args=("ben", "false-positive"))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    winners = [n for n, o in outcomes.items() if not isinstance(o, Exception)]
    losers = [o for o in outcomes.values() if isinstance(o, DecisionConflict)]
    assert len(winners) == 1 and len(losers) == 1
    final = list_alerts(store.engine)[0][0]
    assert final.proposed_by == winners[0] and final.version == 2 and final.status == "pending_review"
    proposed = [e for e in audit.entries(store.engine, action="alert.proposed")]
    assert len(proposed) == 1 and proposed[0].actor == winners[0]


def test_stale_candidate_keys_are_never_trusted(store, book):
    """Keys computed by other matching code are ignored: those customers are screened in full."""
    from vigil.monitor import tables as t

    publish(store, SOLEIMANI)
    Monitor(store).run()
    with store.engine.begin() as conn:
        conn.execute(t.customers.update().values(keys_version="old-code"))
    publish(store, SOLEIMANI, ALAVI)
    report = Monitor(store).run()
    assert (report.delta_screened, report.prefiltered) == (5, 0)
    assert [a.customer_id for a in list_alerts(store.engine)[0] if a.id in report.alerts] == ["C4"]
    publish(store, SOLEIMANI, ALAVI, AMEZCUA)  # keys were refreshed by that run: now the filter applies again
    report = Monitor(store).run()
    assert report.prefiltered >= 3 and [a.customer_id for a in list_alerts(store.engine)[0]
                                        if a.id in report.alerts] == ["C2"]


def test_book_before_any_list_then_first_publication(store, book):
    """Customers imported into an empty store are screened when the first list arrives."""
    report = Monitor(store).run()
    assert report.pending_screened == 5 and report.alerts == []
    publish(store, SOLEIMANI, ALAVI)
    report = Monitor(store).run()
    assert report.datasets["us_ofac_sdn"]["from"] is None and report.delta_entities == 2
    assert {(a.customer_id, a.entity_id) for a in list_alerts(store.engine)[0]} == {
        ("C1", "ofac-10481"), ("C4", "ofac-30422")}
