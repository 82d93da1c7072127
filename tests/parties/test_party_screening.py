"""Screening returns parties (issue 17.3), on the real lists with their parties resolved.

The matcher is the one over `lists_db` (the same records as `resolved_db`, whose parties are resolved):
the session's matcher cache is shared with the API tests.
"""
from __future__ import annotations

import pytest

from vigil.service.party_results import REPRESENTATIVE_ORDER
from vigil.service.screening import Fields, ScreenOptions, Screener, check_options
from vigil.store import Store


@pytest.fixture(scope="module")
def party_map(resolved_db):
    from vigil.parties import Parties

    store = Store(resolved_db)
    yield Parties(store).map()
    store.engine.dispose()


@pytest.fixture(scope="module")
def screener(matcher, party_map):
    return Screener(matcher, parties=party_map)


def run(screener, name, **options):
    fields = {k: options.pop(k) for k in ("schema", "dob", "country") if k in options}
    return screener.screen(screener.query(Fields(name=name, **fields)), check_options(ScreenOptions(**options))).results


def test_hizballah_is_one_party_with_its_ofac_and_uk_records(screener, party_map):
    results = run(screener, "Hizballah")
    top = results[0]
    assert top["match"] and {"ofac-4697", "gb-hmt-13804"} <= set(top["referents"])
    assert {"us_ofac_sdn", "gb_hmt_sanctions"} <= set(top["datasets"])
    assert top["party"] == party_map.party_of("ofac-4697") and top["party"].startswith("vp-")
    assert top["id"] in top["referents"], "the id is the party's best-matching list record"
    # no other result is a record of the same party
    assert all(not {"ofac-4697", "gb-hmt-13804"} & ({r["id"]} | set(r["referents"])) for r in results[1:])
    assert len({r["party"] for r in results}) == len(results)


def test_al_qaida_is_one_party_with_referents_from_ofac_un_and_uk(screener):
    results = run(screener, "al-Qa'ida")
    top = results[0]
    assert {"ofac-6366", "unsc-QDe.004", "gb-hmt-6965"} <= set(top["referents"])
    assert {"us_ofac_sdn", "un_sc_sanctions", "gb_hmt_sanctions"} <= set(top["datasets"])
    # one result holds them (its id may be another list's record of the party, e.g. the EU's, when loaded)
    assert sum(1 for r in results if {"ofac-6366", "unsc-QDe.004", "gb-hmt-6965"} & set(r["referents"])) == 1
    # which record matched: every member with its own score, the best first, equal to the party's score
    scored = [rec for rec in top["records"] if rec["score"] is not None]
    assert scored[0]["id"] == top["id"] and scored[0]["score"] == top["score"] == 1.0
    assert {rec["id"] for rec in top["records"]} == set(top["referents"])


@pytest.mark.parametrize("name, ofac_id", [
    ("اسماعیل قاآنی", "ofac-13107"),  # Esmail Qaani: per record, the UK copy outranks the OFAC entry
    ("محمد باقری", "ofac-27850"),  # Mohammad Bagheri: likewise
    ("قاسم سلیمانی", "ofac-10481"),  # Qasem Soleimani: OFAC and the UN
])
def test_persian_spelling_of_an_ofac_listed_person_returns_one_party_holding_the_ofac_record(screener, name, ofac_id):
    per_record = run(screener, name, merge=False, limit=10)
    merged = run(screener, name)
    top = merged[0]
    assert top["match"] and ofac_id in top["referents"]
    copies = set(top["referents"]) - {ofac_id}
    assert copies, "the OFAC entry is on another list too"
    assert [r["id"] for r in per_record if r["id"] in top["referents"]][1:], "per record: separate results"
    assert not [r for r in merged[1:] if set(r["referents"]) & set(top["referents"])]
    assert top["score"] == max(r["score"] for r in per_record if r["id"] in top["referents"])


def test_per_record_output_is_todays(screener, matcher):
    per_record = run(screener, "Hizballah", merge=False, limit=5)
    ids = [r["id"] for r in per_record]
    assert {"ofac-4697", "gb-hmt-13804"} <= set(ids)
    assert all("records" not in r and "party" not in r for r in per_record)
    plain = [r.to_dict() for r in matcher.match(Screener.query(Fields(name="Hizballah")), limit=5).results]
    assert per_record == plain


def test_a_screen_of_one_dataset_merges_within_it(screener):
    results = run(screener, "Hizballah", datasets=["us_ofac_sdn"])
    top = results[0]
    assert top["id"] == "ofac-4697" and top["referents"] == ["ofac-4697"] and top["datasets"] == ["us_ofac_sdn"]
    assert all(set(r["datasets"]) == {"us_ofac_sdn"} for r in results)
    assert top["party"], "the party id still says which party it is (its other records are at /entities/{party})"
    uk = run(screener, "al-Qa'ida", datasets=["gb_hmt_sanctions", "un_sc_sanctions"])[0]
    assert set(uk["referents"]) == {"gb-hmt-6965", "unsc-QDe.004"}


@pytest.mark.parametrize("name, options", [
    ("Hizballah", {}), ("al-Qa'ida", {}), ("Qasem Soleimani", {"dob": "1957"}), ("محمد باقری", {}),
    ("Islamic Revolutionary Guard Corps", {"limit": 8}), ("Kim Chol", {"limit": 10}), ("Ali Ahmadi", {"limit": 3}),
])
def test_parties_are_the_per_record_ranking_grouped(screener, party_map, name, options):
    """Exactness: the page of parties is what grouping every scored record by party gives."""
    limit = options.pop("limit", 5)
    everything = run(screener, name, merge=False, limit=500, **options)
    # exact ties are ranked official lists first (REPRESENTATIVE_ORDER), the EU journal transcription last
    order = list(REPRESENTATIVE_ORDER)
    everything.sort(key=lambda r: (-r["score"], min((order.index(d) for d in r["datasets"] if d in order),
                                                    default=len(order))))
    expected: dict[str, list] = {}
    for r in everything:
        expected.setdefault(party_map.party_of(r["id"]) or r["id"], []).append(r)
    want = [(rs[0]["id"], rs[0]["score"]) for rs in list(expected.values())[:limit]]
    merged = run(screener, name, limit=limit, **options)
    assert [(r["id"], r["score"]) for r in merged] == want


def test_excluding_a_party_id_excludes_all_its_records(screener, party_map):
    pid = party_map.party_of("ofac-4697")
    results = run(screener, "Hizballah", exclude_ids=[pid])
    assert all(r["party"] != pid for r in results)
    some = run(screener, "Hizballah", exclude_ids=["gb-hmt-13804"])
    assert some[0]["party"] == pid and some[0]["id"] == "ofac-4697", "a record excluded: the party's next one"


def test_without_a_party_map_every_record_is_its_own_party(matcher):
    results = run(Screener(matcher), "Hizballah")
    assert {"ofac-4697", "gb-hmt-13804"} <= {r["id"] for r in results}
    assert all(r["referents"] == [r["id"]] and r["party"] is None for r in results)
