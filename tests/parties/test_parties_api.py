"""`Parties` over a store (SQLite and PostgreSQL): resolve, look up, merge, review, and list updates."""
from __future__ import annotations

import pytest
from parties_data import ingest, org, person, small_lists
from sqlalchemy import func, select

from vigil.parties import Parties, ReviewError
from vigil.parties import tables as t
from vigil.service import audit


@pytest.fixture
def parties(small_store):
    p = Parties(small_store)
    p.resolve()
    return p


def test_records_of_one_party_resolve_to_one_id(parties):
    pid = parties.party_of("ofac-6366")
    assert pid == parties.party_of("unsc-QDe.004") == parties.party_of("gb-hmt-6965")
    assert parties.members(pid) == ["gb-hmt-6965", "ofac-6366", "unsc-QDe.004"]
    assert parties.party_of("ofac-10481") == parties.party_of("unsc-IRi.039")
    assert parties.party_of("ofac-4697") == parties.party_of("gb-hmt-13804")
    # MOIS and its directorate: a sub-unit is related, not the same party.
    assert parties.party_of("ofac-12111") != parties.party_of("gb-hmt-13742")
    # Every record has a party; unknown ids have none.
    assert parties.party_of("gb-hmt-7797") and parties.party_of("ofac-99999999") is None


def test_links_say_which_stage_made_them_and_why(parties):
    links = {l.key: l for l in parties.links(parties.party_of("ofac-6366"))}
    assert links[("gb-hmt-6965", "unsc-QDe.004")].stage == "reference"
    assert links[("gb-hmt-6965", "unsc-QDe.004")].evidence == {
        "stated_by": "gb-hmt-6965", "referent": "unsc-QDe.004", "agreeing": [{"stage": "matcher", "score": 1.2}]}
    matcher = links[("ofac-6366", "unsc-QDe.004")]
    assert matcher.stage == "matcher" and matcher.score >= 1.0 and matcher.evidence["name"]["score"] == 1.0
    soleimani = {l.stage: l for l in parties.links(parties.party_of("ofac-10481"))}
    assert set(soleimani) == {"identifier"} and soleimani["identifier"].evidence["identifier"] == "008827"


def test_merged_party_is_one_entity_with_referents_provenance_and_listings(parties):
    party = parties.party("ofac-6366")
    entity = party.entity
    assert entity.id == party.id and entity.referents == ["gb-hmt-6965", "ofac-6366", "unsc-QDe.004"]
    assert set(entity.datasets) == {"us_ofac_sdn", "un_sc_sanctions", "gb_hmt_sanctions"}
    assert entity.caption == "AL-QAIDA"  # the UN record leads
    assert set(entity.get("name")) == {"AL-QAIDA", "AL QA'IDA"}
    assert party.provenance["alias"]["THE BASE"] == ["unsc-QDe.004", "gb-hmt-6965", "ofac-6366"]
    assert party.provenance["alias"]["AL QAIDA"] == ["ofac-6366"]
    listings = {l.record_id: l for l in party.listings}
    assert listings["gb-hmt-6965"].programs == ["ISIL (Da'esh) and Al-Qaida"]
    assert listings["gb-hmt-6965"].listed_on == "2001-02-23" and listings["unsc-QDe.004"].listed_on == "2001-10-06"
    assert parties.merged(party.id).to_dict() == entity.to_dict()
    assert parties.party("no-such-id") is None


def test_report_counts_links_queue_and_unresolvable_references(small_store):
    report = Parties(small_store).resolve()
    assert report.records == 13 and report.parties == 9 and report.multi_record_parties == 3
    assert report.links == {"reference": 1, "identifier": 1, "matcher": 3}  # one per pair, strongest stage
    assert report.unresolved_references == {"gb-hmt-7797": ["unsc-QDi.095"]}
    assert report.review_pending == 2 and report.created == 9


def test_one_record_matching_two_records_of_one_list_goes_to_review(parties):
    queue = parties.review_queue()
    assert [i.pair for i in queue] == [("ofac-20604", "unsc-KPi.044"), ("ofac-20605", "unsc-KPi.044")]
    assert "also matches" in queue[0].why and queue[0].evidence["name"]["score"] == 1.0
    assert len({parties.party_of(x) for x in ("ofac-20604", "ofac-20605", "unsc-KPi.044")}) == 3


def test_accept_and_reject_round_trip_audited_and_kept_across_updates(parties, small_store):
    accepted = parties.decide(("unsc-KPi.044", "ofac-20604"), "accept", actor="alice", reason="same DOB, passport")
    assert (accepted.a, accepted.b, accepted.status, accepted.decided_by) == ("ofac-20604", "unsc-KPi.044",
                                                                               "accepted", "alice")
    assert parties.party_of("ofac-20604") == parties.party_of("unsc-KPi.044")
    assert parties.review_queue() == []  # the analyst answered for the other OFAC Kim too
    parties.decide(("ofac-12111", "gb-hmt-13742"), "reject", actor="bob", reason="the directorate is a sub-unit")
    [event] = list(audit.entries(small_store.engine, action="party.link.accepted"))
    assert event.actor == "alice" and event.payload["a"] == "ofac-20604" and event.payload["previous"] == "pending"
    [event] = list(audit.entries(small_store.engine, action="party.link.rejected"))
    assert event.payload["reason"] == "the directorate is a sub-unit" and event.payload["previous"] is None
    assert audit.verify(small_store.engine).ok

    # A list update: OFAC drops one Kim and adds a new record; the decisions still hold.
    lists = small_lists()
    sdn = [e for e in lists["us_ofac_sdn"] if e.id != "ofac-20605"]
    sdn.append(org("ofac-55555", ["us_ofac_sdn"], "DIRECTORATE FOR INTERNAL SECURITY OF THE IRANIAN MINISTRY OF "
                   "INTELLIGENCE AND SECURITY", program=["SDGT"], country=["ir"]))
    ingest(small_store, {"us_ofac_sdn": sdn})
    fresh = Parties(small_store)  # another process: state comes from the database
    report = fresh.resolve()
    assert report.screened == 1  # only the new record
    assert fresh.party_of("ofac-20604") == fresh.party_of("unsc-KPi.044")
    assert fresh.party_of("ofac-12111") != fresh.party_of("gb-hmt-13742")
    assert fresh.party_of("ofac-55555") == fresh.party_of("gb-hmt-13742")
    assert [(i.pair, i.status) for i in fresh.decisions()] == [
        (("ofac-20604", "unsc-KPi.044"), "accepted"), (("gb-hmt-13742", "ofac-12111"), "rejected")]

    # Changing one's mind is a new, audited decision; the reject keeps them apart from then on.
    fresh.decide(("ofac-20604", "unsc-KPi.044"), "reject", actor="alice", reason="different fathers' names")
    assert fresh.party_of("ofac-20604") != fresh.party_of("unsc-KPi.044")
    assert [e.payload["previous"] for e in audit.entries(small_store.engine, action="party.link.rejected")] == [
        None, "accepted"]


def test_a_reject_holds_against_the_lists_own_reference(parties):
    parties.decide(("gb-hmt-6965", "unsc-QDe.004"), "reject", actor="carol", reason="testing a reject")
    assert parties.party_of("gb-hmt-6965") != parties.party_of("unsc-QDe.004")
    assert parties.party_of("ofac-6366") in (parties.party_of("gb-hmt-6965"), parties.party_of("unsc-QDe.004"))


@pytest.mark.parametrize("pair, decision, actor, reason, message", [
    (("ofac-6366", "nope-1"), "accept", "al", "r", "no current list record 'nope-1'"),
    (("ofac-6366", "ofac-6366"), "accept", "al", "r", "two different records"),
    (("ofac-20604", "ofac-20605"), "accept", "al", "r", "two records of one list (ofac)"),
    (("ofac-6366", "unsc-QDe.004"), "merge", "al", "r", "unknown decision 'merge'"),
    (("ofac-6366", "unsc-QDe.004"), "accept", "al", "  ", "needs a reason"),
    (("ofac-6366", "unsc-QDe.004"), "accept", " ", "r", "needs the deciding user"),
    (("ofac-6366",), "accept", "al", "r", "pair of record ids"),
])
def test_bad_decisions_are_refused_and_change_nothing(parties, small_store, pair, decision, actor, reason, message):
    def counts():
        with small_store.engine.connect() as conn:
            return [conn.scalar(select(func.count()).select_from(table))
                    for table in (t.reviews, audit.audit_log, t.members, t.links)]

    before = counts()
    with pytest.raises(ReviewError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parties.decide(pair, decision, actor=actor, reason=reason)
    assert counts() == before


def test_party_ids_stay_while_members_stay(parties, small_store):
    before = {rid: parties.party_of(rid) for rid in ("ofac-6366", "ofac-10481", "ofac-4697", "gb-hmt-7797")}
    lists = small_lists()
    uk = [e for e in lists["gb_hmt_sanctions"] if e.id != "gb-hmt-7797"]
    for e in uk:
        if e.id == "gb-hmt-13804":
            e.add("alias", "HEZBOLLAH MILITARY WING")  # changed record, same party
    uk.append(person("gb-hmt-11928", ["gb_hmt_sanctions"], "Bashar AL ASAD", dob=["1965-09-11"], nationality=["sy"]))
    ingest(small_store, {"gb_hmt_sanctions": uk})
    report = parties.resolve()
    assert report.screened == 2 and report.retired == 1 and report.created == 1
    after = {rid: parties.party_of(rid) for rid in before}
    assert after["ofac-6366"] == before["ofac-6366"] and after["ofac-10481"] == before["ofac-10481"]
    assert after["ofac-4697"] == before["ofac-4697"]  # a member changed, the party did not
    assert after["gb-hmt-7797"] is None
    assert parties.map().current(before["gb-hmt-7797"]) is None  # retired without successor
    # A resolve with nothing changed screens nothing and needs no matcher.
    again = parties.resolve(matcher=lambda: pytest.fail("nothing to screen"))
    assert again.screened == 0 and again.kept == again.parties and again.created == again.retired == 0


def test_merging_two_parties_retires_one_id_with_its_successor(parties):
    old_ofac, old_un = parties.party_of("ofac-20604"), parties.party_of("unsc-KPi.044")
    parties.decide(("ofac-20604", "unsc-KPi.044"), "accept", actor="alice", reason="same person")
    survivor = parties.party_of("ofac-20604")
    assert survivor in (old_ofac, old_un)
    retired = old_un if survivor == old_ofac else old_ofac
    assert parties.map().current(retired) == survivor
    assert parties.party(retired).id == survivor
    with parties.engine.connect() as conn:
        row = conn.execute(select(t.parties).where(t.parties.c.id == retired)).one()
    assert row.successor == survivor and row.retired_at


def test_another_process_sees_a_resolve_after_refresh(parties, small_store):
    other = Parties(small_store)
    assert other.map().generation == parties.map().generation == 1
    parties.decide(("ofac-20605", "unsc-KPi.044"), "accept", actor="alice", reason="same person")
    assert other.party_of("ofac-20605") != other.party_of("unsc-KPi.044")  # its map is from before
    other.refresh()
    assert other.map().generation == 2 and other.party_of("ofac-20605") == other.party_of("unsc-KPi.044")


def test_the_map_groups_results_by_party(parties):
    grouped = parties.map().group(["ofac-6366", "ofac-12111", "unsc-QDe.004", "not-a-record"])
    assert list(grouped.values()) == [["ofac-6366", "unsc-QDe.004"], ["ofac-12111"], ["not-a-record"]]


def test_a_resolve_that_loses_a_race_computes_again(small_store, monkeypatch):
    from vigil.parties import api

    first, other = Parties(small_store), Parties(small_store)
    real = api.resolve_records
    calls = []

    def racing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            other.resolve()  # commits while `first` is still computing
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "resolve_records", racing)
    report = first.resolve()
    assert len(calls) == 3 and report.generation == 2  # first try, the other's, the retry
    assert first.map().generation == other.refresh().generation == 2
