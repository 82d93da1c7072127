"""The measures `vigil bench` reports: ground truth from the lists, splits, precision and recall."""
from __future__ import annotations

from collections import Counter

from vigil.model import Entity
from vigil.parties.evaluate import found, ofac_un_truth, score_un_ref, split_of, un_ref_truth
from vigil.parties.records import records_of


def rec(id_, ds, refs=(), passport=()):
    return Entity("Person", id=id_, datasets=[ds], referents=refs, properties={"name": [id_],
                                                                                "passportNumber": list(passport)})


RECORDS = records_of([
    rec("gb-hmt-1", "gb_hmt_sanctions", ["unsc-QDi.1"]), rec("gb-hmt-2", "gb_hmt_sanctions", ["unsc-QDi.2"]),
    rec("gb-hmt-3", "gb_hmt_sanctions", ["unsc-QDi.404"]), rec("gb-hmt-4", "gb_hmt_sanctions"),
    rec("unsc-QDi.1", "un_sc_sanctions", passport=["A1234567"]), rec("unsc-QDi.2", "un_sc_sanctions"),
    rec("unsc-QDi.3", "un_sc_sanctions", passport=["B7654321"]),
    rec("ofac-1", "us_ofac_sdn", passport=["A1234567"]),
    rec("ofac-2", "us_ofac_sdn", passport=["B7654321"]), rec("ofac-3", "us_ofac_sdn", passport=["B7654321"]),
])


def test_un_reference_truth_and_the_unresolvable_ones():
    truth = un_ref_truth(RECORDS)
    assert truth.pairs == {"gb-hmt-1": {"unsc-QDi.1"}, "gb-hmt-2": {"unsc-QDi.2"}}
    assert truth.unresolvable == {"gb-hmt-3": ["unsc-QDi.404"]}


def test_precision_and_recall_of_parties_against_the_references():
    truth = un_ref_truth(RECORDS)
    clusters = [["gb-hmt-1", "unsc-QDi.1", "unsc-QDi.3"], ["gb-hmt-2"], ["unsc-QDi.2"], ["gb-hmt-4"]]
    score = score_un_ref(clusters, truth)
    assert (score.groups, score.tp, score.fp, score.fn) == (2, 1, 1, 1)
    assert score.precision == 0.5 and score.recall == 0.5
    assert score.false_links == [("gb-hmt-1", "unsc-QDi.3")] and score.missed == [("gb-hmt-2", "unsc-QDi.2")]


def test_splits_are_stable_and_about_half_each():
    ids = [f"gb-hmt-{i}" for i in range(2000)]
    counts = Counter(split_of(i) for i in ids)
    assert set(counts) == {"tuning", "held-out"} and abs(counts["tuning"] - 1000) < 100
    assert [split_of(i) for i in ids] == [split_of(i) for i in ids]


def test_ofac_un_truth_keeps_identifiers_held_once_per_list():
    # B7654321 is on two OFAC records: ambiguous, left out.
    assert ofac_un_truth(RECORDS) == {("ofac-1", "unsc-QDi.1")}
    assert found([["ofac-1", "unsc-QDi.1"]], {("ofac-1", "unsc-QDi.1")}) == (1, [])
    assert found([["ofac-1"], ["unsc-QDi.1"]], {("ofac-1", "unsc-QDi.1")}) == (0, [("ofac-1", "unsc-QDi.1")])


def test_eu_journal_un_truth_takes_one_un_record_and_the_eu_records_of_distinct_acts():
    from vigil.parties.evaluate import eu_un_truth

    def eu(id_, passport, refs=()):
        return rec(id_, "eu_journal_sanctions", refs, passport)

    records = records_of([
        rec("unsc-QDi.7", "un_sc_sanctions", passport=["P1111111"]), rec("unsc-QDi.8", "un_sc_sanctions",
                                                                         passport=["P2222222"]),
        rec("unsc-QDi.9", "un_sc_sanctions", passport=["P2222222"]), rec("unsc-IRi.1", "un_sc_sanctions",
                                                                         passport=["P3333333"]),
        eu("eu-oj-32002R0881-I-n0000000001", ["P1111111"]), eu("eu-oj-32012R0267-I-1", ["P1111111"]),
        eu("eu-oj-32002R0881-I-n0000000002", ["P2222222"]),  # two UN holders: ambiguous
        eu("eu-oj-32012R0267-I-2", ["P3333333"]), eu("eu-oj-32012R0267-II-9", ["P3333333"]),  # one act, untied
    ])
    assert eu_un_truth(records) == {("eu-oj-32002R0881-I-n0000000001", "unsc-QDi.7"),
                                    ("eu-oj-32012R0267-I-1", "unsc-QDi.7")}
    tied = records_of([rec("unsc-IRi.1", "un_sc_sanctions", passport=["P3333333"]),
                       eu("eu-oj-32012R0267-I-2", ["P3333333"], ["eu-oj-32012R0267-II-9"]),
                       eu("eu-oj-32012R0267-II-9", ["P3333333"], ["eu-oj-32012R0267-I-2"])])
    assert eu_un_truth(tied) == {("eu-oj-32012R0267-I-2", "unsc-IRi.1"), ("eu-oj-32012R0267-II-9", "unsc-IRi.1")}
