"""Monitoring raises alerts per party (issue 17.3): one alert names the party and all its records, and
alerts raised per record before the upgrade are not raised again per party. Real lists, parties resolved."""
from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from vigil.store import Store


@pytest.fixture
def store(resolved_db, tmp_path):
    shutil.copy(resolved_db.removeprefix("sqlite:///"), tmp_path / "vigil.db")
    s = Store(f"sqlite:///{tmp_path / 'vigil.db'}")
    yield s
    s.engine.dispose()


def book(store, tmp_path, rows, name="customers"):
    from vigil.monitor.books import import_book

    path = tmp_path / f"{name}.csv"
    path.write_text("customer_id,name,type,dob,country\n" + "".join(",".join(r) + "\n" for r in rows))
    import_book(name, path, engine=store.engine)


def alerts(store):
    from vigil.monitor import tables as t

    with store.engine.connect() as conn:
        return [r._asdict() for r in conn.execute(select(t.alerts).order_by(t.alerts.c.id))]


SOLEIMANI = ("C1", "Qasem Soleimani", "person", "1957-03-11", "Iran")
AL_QAIDA = ("C2", "Al-Qaida", "organization", "", "")


def test_one_alert_per_party_naming_all_its_records(store, matcher, tmp_path):
    from vigil.monitor import Monitor

    book(store, tmp_path, [SOLEIMANI, AL_QAIDA])
    report = Monitor(store, full_matcher=matcher).run(actor="test")
    rows = alerts(store)
    by_customer = {}
    for row in rows:
        by_customer.setdefault(row["customer_id"], []).append(row)
    assert len(by_customer["C2"]) == 1
    aq = by_customer["C2"][0]
    assert {"ofac-6366", "unsc-QDe.004", "gb-hmt-6965"} <= set(json.loads(aq["referents"]))
    assert aq["party_id"].startswith("vp-") and aq["entity_id"] in json.loads(aq["referents"])
    assert {"us_ofac_sdn", "un_sc_sanctions", "gb_hmt_sanctions"} <= set(json.loads(aq["datasets"]))
    soleimani = by_customer["C1"]
    assert len({r["party_id"] for r in soleimani}) == len(soleimani)
    assert any({"ofac-10481", "unsc-IRi.039"} <= set(json.loads(r["referents"])) for r in soleimani)
    assert len(report.alerts) == len(rows)
    # a rescreen of everything raises nothing new
    again = Monitor(store, full_matcher=matcher).run(actor="test", full=True)
    assert again.alerts == [] and again.known >= len(rows)


def test_alerts_raised_per_record_are_not_raised_again_per_party(store, matcher, tmp_path):
    from vigil.monitor import Monitor

    book(store, tmp_path, [SOLEIMANI, AL_QAIDA])
    Monitor(store, full_matcher=matcher, per_record=True).run(actor="before-upgrade")
    before = alerts(store)
    aq = [r for r in before if r["customer_id"] == "C2"]
    assert {"ofac-6366", "unsc-QDe.004", "gb-hmt-6965"} <= {r["entity_id"] for r in aq}, "per record: one each"
    assert all(r["party_id"] is None for r in before)
    report = Monitor(store, full_matcher=matcher).run(actor="after-upgrade", full=True)
    after = alerts(store)
    assert report.alerts == [] and len(after) == len(before)
    # the old alerts learnt their party (migrated in place)
    party = {r["party_id"] for r in after if r["entity_id"] in ("ofac-6366", "unsc-QDe.004", "gb-hmt-6965")}
    assert len(party) == 1 and next(iter(party)).startswith("vp-")


def test_a_false_positive_on_one_record_quiets_its_party(store, matcher, tmp_path):
    from vigil.monitor import Monitor
    from vigil.monitor import tables as t

    book(store, tmp_path, [AL_QAIDA])
    Monitor(store, full_matcher=matcher, per_record=True).run(actor="before-upgrade")
    rows = alerts(store)
    # whitelist the UN record's pair only, as a false-positive decision does (then close every alert)
    un = next(r for r in rows if r["entity_id"] == "unsc-QDe.004")
    with store.engine.begin() as conn:
        conn.execute(t.whitelist.insert().values(
            customer_pk=un["customer_pk"], entity_id=un["entity_id"], entity_version=un["entity_version"],
            customer_hash=un["customer_hash"], entity=un["entity"], alert_id=un["id"], by="alice", reason="test",
            at=t.now()))
        conn.execute(t.alerts.update().values(status="false_positive"))
    report = Monitor(store, full_matcher=matcher).run(actor="test", full=True)
    assert report.alerts == [] and report.suppressed == 1
