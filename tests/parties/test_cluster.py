"""Clusters: the union of links, with the guards against chains that go wrong."""
from __future__ import annotations

from vigil.model import Entity
from vigil.parties.cluster import cluster
from vigil.parties.links import Link
from vigil.parties.records import records_of


def recs(*specs):
    return records_of(Entity(schema, id=id_, datasets=[ds], properties={"name": [id_]}) for id_, ds, schema in specs)


RECORDS = recs(("ofac-1", "us_ofac_sdn", "Person"), ("ofac-2", "us_ofac_sdn", "Person"),
               ("unsc-QDi.1", "un_sc_sanctions", "Person"), ("gb-hmt-1", "gb_hmt_sanctions", "Person"),
               ("gb-hmt-2", "gb_hmt_sanctions", "Person"), ("gb-hmt-9", "gb_hmt_sanctions", "Vessel"))


def test_every_record_is_in_exactly_one_cluster():
    result = cluster(RECORDS, [Link("gb-hmt-1", "unsc-QDi.1", "reference")])
    assert ["gb-hmt-1", "unsc-QDi.1"] in result.clusters
    assert sorted(m for c in result.clusters for m in c) == sorted(RECORDS)


def test_a_chain_never_joins_two_records_of_one_list():
    links = [Link("ofac-1", "unsc-QDi.1", "matcher", 1.2), Link("ofac-2", "unsc-QDi.1", "matcher", 1.1)]
    result = cluster(RECORDS, links)
    assert ["ofac-1", "unsc-QDi.1"] in result.clusters and ["ofac-2"] in result.clusters
    assert [(l.key, why) for l, why in result.conflicts] == [
        (("ofac-2", "unsc-QDi.1"), "would put two records of one list (ofac) into one party")]


def test_a_list_may_say_two_of_its_records_are_one():
    result = cluster(RECORDS, [Link("gb-hmt-1", "gb-hmt-2", "reference"), Link("gb-hmt-2", "unsc-QDi.1", "matcher")])
    assert ["gb-hmt-1", "gb-hmt-2", "unsc-QDi.1"] in result.clusters
    # ... but a matcher link cannot.
    assert cluster(RECORDS, [Link("gb-hmt-1", "gb-hmt-2", "matcher", 1.3)]).conflicts


def test_rejected_pairs_stay_apart_even_through_other_records():
    links = [Link("ofac-1", "unsc-QDi.1", "matcher", 1.2), Link("unsc-QDi.1", "gb-hmt-1", "reference")]
    result = cluster(RECORDS, links, rejected=[("gb-hmt-1", "ofac-1")])
    assert ["ofac-1", "unsc-QDi.1"] in result.clusters and ["gb-hmt-1"] in result.clusters
    assert "an analyst rejected" in result.conflicts[0][1]


def test_links_apply_in_order_so_an_analyst_accept_wins():
    accept = Link("ofac-2", "unsc-QDi.1", "review")
    auto = Link("ofac-1", "unsc-QDi.1", "matcher", 1.3)
    result = cluster(RECORDS, [accept, auto])
    assert ["ofac-2", "unsc-QDi.1"] in result.clusters
    assert result.conflicts[0][0] is auto


def test_incompatible_schemata_are_not_merged():
    result = cluster(RECORDS, [Link("gb-hmt-9", "ofac-1", "matcher", 1.0)])
    assert ["gb-hmt-9"] in result.clusters
    assert "incompatible schemata" in result.conflicts[0][1]


def test_links_to_unknown_records_are_ignored():
    assert cluster(RECORDS, [Link("ofac-1", "unsc-gone", "reference")]).conflicts == []
