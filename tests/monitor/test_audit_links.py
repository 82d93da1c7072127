"""Attacks on the case-work tables (issue 13): editing monitor_decisions / monitor_whitelist directly used to pass
`vigil audit verify`. Every row now carries the seq and hash of the audit row that created it, whose payload
holds its values; verify compares the two in both directions."""
from __future__ import annotations

import pytest
from monitor_data import ALAVI, BOOK, HIZBALLAH, SOLEIMANI, alerts_by_pair, publish
from sqlalchemy import delete, insert, select, text, update
from typer.testing import CliRunner

from vigil.cli.main import app
from vigil.monitor import DecisionError, Monitor, decide, import_book, reopen, review
from vigil.monitor import tables as t
from vigil.monitor.audit_links import check_links
from vigil.service import audit


@pytest.fixture
def worked(store, tmp_path):
    """Alerts raised on real OFAC entries; one closed as a false positive by two analysts (whitelisted), one
    proposed as a true match, one escalated."""
    path = tmp_path / "book.csv"
    path.write_text(BOOK)
    import_book("retail", path, engine=store.engine, actor="ana")
    publish(store, SOLEIMANI, ALAVI, HIZBALLAH)
    Monitor(store).run()
    alerts = alerts_by_pair(store.engine)
    engine = store.engine
    fp = alerts[("C1", "ofac-10481")]
    decide(engine, fp.id, "false-positive", "different person: DOB differs", "ana")
    review(engine, fp.id, "approve", "agree", "ben")
    decide(engine, alerts[("C4", "ofac-30422")].id, "true-match", "same DOB and nationality", "ana")
    decide(engine, alerts[("C5", "ofac-4697")].id, "escalate", "needs the legal team", "ben")
    assert check_links(engine).ok, check_links(engine).problems
    return engine, alerts


def _problems(engine) -> str:
    report = check_links(engine)
    assert not report.ok
    return " | ".join(report.problems)


def test_rows_carry_their_audit_rows(worked):
    engine, _ = worked
    with engine.connect() as conn:
        rows = conn.execute(select(t.decisions.c.audit_seq, t.decisions.c.audit_hash)).all()
        [wl] = conn.execute(select(t.whitelist)).all()
    log = {e.seq: e for e in audit.entries(engine)}
    assert rows and all(log[seq].hash == h for seq, h in rows)
    assert log[wl.audit_seq].action == "alert.approved" and log[wl.audit_seq].payload["whitelist"]["entity_version"] \
        == wl.entity_version
    report = check_links(engine)
    assert (report.decisions, report.whitelist) == (len(rows), 1)


def test_edited_decision_reason_or_actor(worked):
    engine, _ = worked
    with engine.begin() as conn:
        conn.execute(text("update monitor_decisions set reason = 'passport checked' where action = 'approved'"))
    assert "reason 'passport checked' (log: 'agree')" in _problems(engine)
    with engine.begin() as conn:
        conn.execute(text("update monitor_decisions set reason = 'agree', by = 'carol' where action = 'approved'"))
    assert "by 'carol' (log: 'ben')" in _problems(engine)


def test_whitelist_moved_to_a_new_entity_version(worked):
    """Re-pointing the whitelist at the entity's next version would keep a changed list entry quiet."""
    engine, _ = worked
    with engine.begin() as conn:
        conn.execute(update(t.whitelist).values(entity_version="f" * 32))
    assert "entity_version" in _problems(engine)


def test_forged_whitelist_entry(worked):
    """An entry inserted by hand silences the true match of C4 / Alavi."""
    engine, alerts = worked
    alavi = alerts[("C4", "ofac-30422")]
    with engine.begin() as conn:
        pk = conn.execute(select(t.alerts.c.customer_pk).where(t.alerts.c.id == alavi.id)).scalar()
        conn.execute(insert(t.whitelist).values(customer_pk=pk, entity_id="ofac-30422", entity_version=alavi.entity_version,
                                                customer_hash="x", entity="{}", alert_id=alavi.id, by="ana",
                                                reason="fine", at="2026-12-07T00:00:00"))
    assert "no audit link" in _problems(engine)
    # ... or with a copied link
    with engine.begin() as conn:
        real = conn.execute(select(t.whitelist.c.audit_seq, t.whitelist.c.audit_hash).where(
            t.whitelist.c.entity_id == "ofac-10481")).one()
        conn.execute(update(t.whitelist).where(t.whitelist.c.entity_id == "ofac-30422")
                     .values(audit_seq=real.audit_seq, audit_hash=real.audit_hash))
    assert "differs from audit row" in _problems(engine)


def test_deleted_rows(worked):
    engine, _ = worked
    with engine.begin() as conn:
        conn.execute(delete(t.whitelist))
    assert "missing: deleted outside vigil" in _problems(engine)
    engine2 = engine
    with engine2.begin() as conn:
        conn.execute(text("delete from monitor_decisions where action = 'proposed' and decision = 'true_match'"))
    assert "has no decision row" in _problems(engine2)


def test_reopening_is_not_a_false_alarm(worked):
    engine, alerts = worked
    reopen(engine, alerts[("C1", "ofac-10481")].id, "DOB was mistyped", "carol")
    report = check_links(engine)
    assert report.ok and report.whitelist == 0, report.problems


def test_cli_verify_names_the_edit(worked):
    engine, _ = worked
    with engine.begin() as conn:
        conn.execute(text("update monitor_decisions set decision = 'false_positive' where action = 'proposed'"))
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "audit log intact" in result.stdout
    assert "decision 'false_positive' (log: 'true_match')" in result.stderr


def test_legacy_rows_are_fingerprinted_once_then_checked(store):
    """A database from before the links: rows with no audit_seq (and an older whitelist without the columns)."""
    engine = store.engine
    with engine.begin() as conn:
        conn.execute(text("create table monitor_whitelist (id integer primary key, customer_pk integer not null, "
                          "entity_id varchar(255) not null, entity_version varchar(64) not null, customer_hash "
                          "varchar(64) not null, entity text not null, alert_id integer not null, \"by\" varchar(200) "
                          "not null, reason text not null, at varchar(32) not null)"))
        conn.execute(text("insert into monitor_whitelist values (1, 7, 'ofac-10481', 'v1', 'c1', '{}', 3, 'ana', "
                          "'different DOB', '2025-01-01')"))
    t._ready.discard(engine)
    t.ensure_tables(engine)  # migrates: adds the audit columns, fingerprints the old row in the log
    [marker] = list(audit.entries(engine, action="audit.legacy_rows"))
    assert list(marker.payload["rows"]["monitor_whitelist"]) == ["1"]
    report = check_links(engine)
    assert report.ok and report.legacy == 1, report.problems
    t._ready.discard(engine)
    t.ensure_tables(engine)  # once only
    assert len(list(audit.entries(engine, action="audit.legacy_rows"))) == 1
    with engine.begin() as conn:
        conn.execute(text("update monitor_whitelist set entity_version = 'v2' where id = 1"))
    assert "edited after audit row" in _problems(engine)


@pytest.mark.parametrize("reason", ["\u200b", "\u200b\u2060\ufeff", " \u00a0 ", "\u0301"])
def test_invisible_reasons_are_refused(worked, reason):
    engine, alerts = worked
    alert = alerts[("C4", "ofac-30422")]
    with pytest.raises(DecisionError, match="reason"):
        decide(engine, alert.id, "escalate", reason, "ana")
    result = CliRunner().invoke(app, ["decide", str(alert.id), "escalate", "--reason", reason])
    assert result.exit_code == 2 and "reason" in result.stderr
