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
