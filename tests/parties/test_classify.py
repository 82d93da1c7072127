"""Matcher-backed candidates: which screened pairs are accepted, queued, or dropped."""
from __future__ import annotations

from vigil.model import Entity
from vigil.parties.candidates import ACCEPT, REVIEW, Pair, classify
from vigil.parties.records import records_of

RECORDS = records_of(Entity(schema, id=id_, datasets=[ds], properties={"name": [id_]}) for id_, ds, schema in (
    ("ofac-1", "us_ofac_sdn", "Person"), ("ofac-2", "us_ofac_sdn", "Person"), ("ofac-3", "us_ofac_sdn", "Person"),
    ("unsc-QDi.1", "un_sc_sanctions", "Person"), ("unsc-QDi.2", "un_sc_sanctions", "Person"),
    ("gb-hmt-1", "gb_hmt_sanctions", "Person")))


def pair(a, b, raw, share=0.0, name="Qasem Soleimani", *features):
    evidence = {"name": {"score": 1.0, "weight": 1.0, "detail": "name 1.00", "query": name, "candidate": name}}
    evidence.update({f: {"score": 1.0, "weight": 0.05, "detail": f} for f in features})
    a, b = sorted((a, b))
    return Pair(a, b, query=a, score=min(1.0, raw), raw=raw, share=share, evidence=evidence)


def keys(items):
    return sorted(p.key if isinstance(p, Pair) else p[0].key for p in items)


def test_a_strong_pair_without_rivals_is_accepted():
    result = classify([pair("ofac-1", "unsc-QDi.1", 1.08, 0.5, "Qasem Soleimani", "dob_match")], RECORDS)
    assert keys(result.accepted) == [("ofac-1", "unsc-QDi.1")] and result.review == []


def test_one_record_matching_two_of_one_list_goes_to_review():
    pairs = [pair("ofac-1", "unsc-QDi.1", 1.05), pair("ofac-2", "unsc-QDi.1", 1.04)]
    result = classify(pairs, RECORDS)
    assert result.accepted == [] and keys(result.review) == [("ofac-1", "unsc-QDi.1"), ("ofac-2", "unsc-QDi.1")]
    assert result.review[0][1] == "unsc-QDi.1 also matches ofac-2 of the same list (1.04)"


def test_the_names_both_lists_carry_break_a_tie():
    pairs = [pair("ofac-1", "unsc-QDi.1", 1.0, share=0.9), pair("ofac-2", "unsc-QDi.1", 1.0, share=0.1)]
    result = classify(pairs, RECORDS)
    assert keys(result.accepted) == [("ofac-1", "unsc-QDi.1")]
    assert result.review == []  # the weaker one is far enough behind: not worth an analyst's time


def test_pairs_near_the_threshold_are_queued_and_weak_ones_dropped():
    result = classify([pair("ofac-1", "unsc-QDi.1", ACCEPT - 0.05), pair("ofac-3", "gb-hmt-1", REVIEW - 0.01)],
                      RECORDS)
    assert result.accepted == [] and keys(result.review) == [("ofac-1", "unsc-QDi.1")]
    assert "below the acceptance threshold" in result.review[0][1]


def test_a_one_word_person_name_needs_a_birth_date_or_identifier():
    plain = classify([pair("ofac-1", "unsc-QDi.1", 1.03, 0.0, "FAIZ")], RECORDS)
    assert plain.accepted == [] and "one-word person name" in plain.review[0][1]
    dated = classify([pair("ofac-1", "unsc-QDi.1", 1.08, 0.0, "FAIZ", "dob_match")], RECORDS)
    assert keys(dated.accepted) == [("ofac-1", "unsc-QDi.1")]


def test_pairs_of_other_lists_are_no_rivals():
    pairs = [pair("ofac-1", "unsc-QDi.1", 1.05), pair("gb-hmt-1", "unsc-QDi.1", 1.05)]
    assert keys(classify(pairs, RECORDS).accepted) == [("gb-hmt-1", "unsc-QDi.1"), ("ofac-1", "unsc-QDi.1")]


def test_two_ships_with_different_imo_numbers_are_never_paired():
    """The EU shadow-fleet annex names a tanker 'DOVE' (IMO 9297541); OFAC lists 'DOVE' as a former name of
    another ship (IMO 9362061): same name, two hulls."""
    ships = records_of([
        Entity("Vessel", id="eu-oj-32014R0833-XLII-624", datasets=["eu_journal_sanctions"],
               properties={"name": ["DOVE"], "imoNumber": ["9297541"]}),
        Entity("Vessel", id="ofac-15059", datasets=["us_ofac_sdn"],
               properties={"name": ["HAWK"], "alias": ["DOVE"], "imoNumber": ["IMO 9362061"]}),
        Entity("Vessel", id="gb-hmt-1", datasets=["gb_hmt_sanctions"],
               properties={"name": ["DOVE"], "imoNumber": ["9297541"]}),
        Entity("Vessel", id="unsc-KPe.1", datasets=["un_sc_sanctions"], properties={"name": ["DOVE"]}),
    ])
    pairs = [pair("eu-oj-32014R0833-XLII-624", "ofac-15059", 1.2, 0.5, "DOVE"),
             pair("eu-oj-32014R0833-XLII-624", "gb-hmt-1", 1.2, 1.0, "DOVE"),
             pair("eu-oj-32014R0833-XLII-624", "unsc-KPe.1", 1.0, 1.0, "DOVE")]
    result = classify(pairs, ships)
    # Same IMO, or no IMO on one side: the name decides as before; different IMO numbers: dropped, not queued.
    assert keys(result.accepted) == [("eu-oj-32014R0833-XLII-624", "gb-hmt-1"),
                                     ("eu-oj-32014R0833-XLII-624", "unsc-KPe.1")]
    assert result.review == []
