"""The Matcher over the real lists: must-find and must-not-match names, filters, search."""
from __future__ import annotations

import pytest

from vigil.matching import ALGORITHMS


@pytest.mark.parametrize(
    "name, schema, entity_id",
    [
        ("قاسم سلیمانی", "Person", "ofac-10481"),
        ("Ghasem Soleimani", "Person", "ofac-10481"),
        ("محمود علوی", "Person", "ofac-30422"),
        ("Mahmood Alavi", "Person", "ofac-30422"),
        ("Ministry of Intelligence and Security of Iran", "Organization", "ofac-12111"),
        ("VEVAK", "Organization", "ofac-12111"),
        ("Hizbullah", "Organization", "ofac-4697"),
    ],
)
def test_must_find(matcher, name, schema, entity_id):
    resp = matcher.match({"schema": schema, "properties": {"name": [name]}}, limit=5)
    hits = {r.entity.id: r for r in resp.results if r.match}
    assert entity_id in hits, [(r.entity.id, r.score) for r in resp.results]
    assert hits[entity_id].explanations["name"].candidate in hits[entity_id].entity.names


@pytest.mark.parametrize(
    "name",
    ["Saru Ghahremani", "Sina Darvish Omran", "Ali Mozaffari", "Aras Amiri", "Ahmadreza Djalali", "Ali Asghar Zarean"],
)
def test_ordinary_private_names_do_not_match(matcher, name):
    resp = matcher.match({"schema": "Person", "properties": {"name": [name]}})
    assert not [r for r in resp.results if r.match], [(r.entity.id, r.entity.caption, r.score) for r in resp.results]


def test_birth_date_and_nationality_rank_the_right_person(matcher):
    q = {"schema": "Person", "properties": {"name": ["Qasem Soleimani"], "birthDate": ["1957-03-11"], "nationality": ["ir"]}}
    res = matcher.match(q).results
    assert res[0].entity.id in ("ofac-10481", "unsc-IRi.039")
    assert "dob_match" in res[0].explanations
    q["properties"]["birthDate"] = ["1990-01-01"]
    res = matcher.match(q).results
    assert all(not r.match for r in res if "dob_mismatch" in r.explanations)


def test_identifier_alone_finds_the_entity(matcher):
    res = matcher.match({"schema": "Person", "properties": {"passportNumber": ["008827"]}}).results
    assert {"ofac-10481", "unsc-IRi.039"} & {r.entity.id for r in res}


def test_filters(matcher):
    q = {"schema": "Person", "properties": {"name": ["Qasem Soleimani"]}}
    only_un = matcher.match(q, datasets=["un_sc_sanctions"]).results
    assert only_un and all("un_sc_sanctions" in r.entity.datasets for r in only_un)
    excluded = matcher.match(q, exclude_ids=["ofac-10481"]).results
    assert "ofac-10481" not in {r.entity.id for r in excluded}
    orgs = matcher.match({"schema": "LegalEntity", "properties": {"name": ["Hizballah"]}}, exclude_schema=["Person"])
    assert all(r.entity.schema.name != "Person" for r in orgs.results)


def test_limit_threshold_and_total(matcher):
    resp = matcher.match({"schema": "Person", "properties": {"name": ["Mohammad Ali"]}}, limit=3, threshold=0.99)
    assert len(resp.results) == 3 and resp.total >= 3
    assert all(r.match == (r.score >= 0.99) for r in resp.results)


def test_search_and_get(matcher):
    results, total = matcher.search("qasem soleimani", limit=5)
    assert total >= 2 and any(e.id == "ofac-10481" for e, _ in results)
    page2, _ = matcher.search("qasem soleimani", limit=5, offset=5)
    assert not {e.id for e, _ in results} & {e.id for e, _ in page2}
    orgs, _ = matcher.search("hizballah", schema="Organization")
    assert orgs and all(e.schema.is_a("Organization") for e, _ in orgs)
    assert matcher.get("ofac-4697").caption == "HIZBALLAH"
    assert matcher.get("no-such-id") is None


def test_algorithms_catalogue():
    assert set(ALGORITHMS) == {"vigil", "ofac"}
    assert ALGORITHMS["vigil"]["weights"]["dob_mismatch"] < 0
    assert all(a["description"] for a in ALGORITHMS.values())


def test_dataset_filter_covering_every_list_is_no_filter(matcher):
    # /match/default passes every loaded dataset: it must see exactly what an unfiltered query sees
    # (a real filter widens the candidate pool instead, and may then differ).
    every = sorted(matcher.index.datasets)
    assert {"us_ofac_sdn", "un_sc_sanctions"} <= set(every)
    for name in ("Ghasem Soleimani", "Hizbullah", "John Smith"):
        query = {"schema": "LegalEntity", "properties": {"name": [name]}}
        plain, scoped = matcher.match(query), matcher.match(query, datasets=every)
        assert [(r.entity.id, r.score) for r in scoped.results] == [(r.entity.id, r.score) for r in plain.results]
        assert scoped.total == plain.total
    un_only = matcher.match({"schema": "Person", "properties": {"name": ["Ghasem Soleimani"]}}, datasets=["un_sc_sanctions"])
    assert un_only.results and all("un_sc_sanctions" in r.entity.datasets for r in un_only.results)


def test_postings_are_csr_slices(matcher):
    index = matcher.index
    key = "t" + "soleimani"
    plist = index.postings(key)
    assert plist is not None and len(plist) >= 1
    assert any(index.entities[index.names[n].entity].entity.id == "ofac-10481" for n in plist.tolist())
    assert index.postings("t-no-such-key") is None
    assert index.offsets[-1] == len(index.flat) and len(index.kweight) == len(index.key_ids)


@pytest.mark.parametrize(
    "name, entity_ids",
    [
        # Cyrillic: MISHKIN's alias "PETROV, Alexander" (OFAC) / "Alexander PETROV" (UK).
        ("Александр Петров", {"ofac-26170", "gb-hmt-13744"}),
        # Arabic script: entries listed only as "ABDULLAH" (Latin aliases).
        ("عبد الله", {"gb-hmt-14167", "ofac-7826", "ofac-8222", "unsc-QDi.323", "gb-hmt-13089"}),
        # A word split inside a part, three parts against three (UK: no two-part alias).
        ("Nikolai Patr ushev", {"gb-hmt-13036"}),
    ],
)
def test_cross_script_and_split_names_found_via_matcher(matcher, name, entity_ids):
    resp = matcher.match({"schema": "Person", "properties": {"name": [name]}}, limit=50)
    hits = {r.entity.id for r in resp.results if r.match}
    assert hits & entity_ids, [(r.entity.id, r.entity.caption, r.score) for r in resp.results[:10]]


def test_split_word_joined_in_names_of_equal_length():
    from vigil.matching import compare
    from vigil.model import Entity

    def score(a, b):
        cand = Entity.from_dict({"id": "x", "schema": "Person", "properties": {"name": [b]}})
        return compare({"schema": "Person", "properties": {"name": [a]}}, cand).score

    assert score("Nikolai Patr ushev", "Nikolai Platonovich Patrushev") >= 0.85
    assert score("Nikolai Platonovich Patrushev", "Nikolai Patr ushev") >= 0.75
    # Two words that do not spell the third part stay apart.
    assert score("Nikolai Petr Ushakov", "Nikolai Platonovich Patrushev") < 0.5
