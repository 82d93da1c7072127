"""Resolving where ingests complete: after each new snapshot, or once after a batch of them."""
from __future__ import annotations

from parties_data import ingest, small_lists

from vigil.model import Entity
from vigil.parties import Parties
from vigil.parties.hooks import attach, deferred
from vigil.sources.base import Publication


def test_each_new_snapshot_resolves_and_an_unchanged_one_does_not(store):
    attach(store)
    attach(store)  # idempotent
    ingest(store, {"un_sc_sanctions": small_lists()["un_sc_sanctions"]})
    assert Parties(store).map().generation == 1
    ingest(store, {"un_sc_sanctions": small_lists()["un_sc_sanctions"]})  # identical: no snapshot
    assert Parties(store).map().generation == 1


def test_a_batch_of_ingests_resolves_once_at_its_end(store):
    attach(store)
    with deferred(store) as pending:
        ingest(store, small_lists())
        assert Parties(store).map().generation == 0 and pending.due
    assert pending.report is not None and pending.report.records == 13
    parties = Parties(store)
    assert parties.map().generation == 1 and parties.party_of("ofac-6366") == parties.party_of("gb-hmt-6965")


def test_a_failing_resolve_never_fails_the_ingest(store):
    def broken():
        raise RuntimeError("no matcher today")

    attach(store, matcher=broken)
    with deferred(store) as pending:
        result = store.ingest(Publication(dataset="un_sc_sanctions", entities=[
            Entity("Person", id="unsc-QDi.1", properties={"name": ["Some One"]})]))
    assert result.status == "created" and result.snapshot is not None
    assert pending.report is None and pending.error == "RuntimeError: no matcher today"
    assert Parties(store).map().generation == 0  # nothing half-written; the next resolve catches up


def test_the_monitor_rescreen_of_an_update_runs_once_after_its_resolve(store, tmp_path):
    """`vigil update`: the rescreen waits for the parties, so the small lists' al-Qa'ida raises one alert
    naming its records on every list, not one per list."""
    import json

    from sqlalchemy import select

    from vigil.monitor import tables as t
    from vigil.monitor.books import import_book
    from vigil.monitor.hooks import attach as attach_monitor

    book = tmp_path / "book.csv"
    book.write_text("customer_id,name,type\nC1,Al-Qaida,organization\n")
    import_book("book", book, engine=store.engine)
    attach(store)
    attach_monitor(store)
    with deferred(store) as pending:
        ingest(store, small_lists())
        with store.engine.connect() as conn:
            assert conn.execute(select(t.alerts)).first() is None, "no rescreen before the resolve"
    assert pending.report is not None
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.alerts.c.entity_id, t.alerts.c.party_id, t.alerts.c.referents)).all()
    assert len(rows) == 1
    assert rows[0].party_id == Parties(store).party_of("ofac-6366")
    assert {"ofac-6366", "unsc-QDe.004", "gb-hmt-6965"} <= set(json.loads(rows[0].referents))
