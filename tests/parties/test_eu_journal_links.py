"""EU Official Journal records (eu_journal_sanctions) in cross-list resolution, on the real lists: deterministic
links (the act's own cross-annex references, shared identifiers), matcher links, and the guards."""
from __future__ import annotations

from collections import defaultdict

import pytest

from vigil.parties.records import STRONG_IDS, id_key, list_key
from vigil.store import Store

EU = "eu_journal_sanctions"


@pytest.fixture(scope="module")
def entities(resolved_db):
    store = Store(resolved_db)
    found = {e.id: e for e in store.entities()}
    store.engine.dispose()
    if not any(EU in e.datasets for e in found.values()):
        pytest.skip("the EU Official Journal transcription is not in ../shared/data")
    return found


@pytest.fixture(scope="module")
def party_map(resolved_db):
    from vigil.parties import Parties

    store = Store(resolved_db)
    found = Parties(store).map()
    store.engine.dispose()
    return found


def test_founding_article_eu_listings_join_the_uk_records_of_the_same_people(real_parties, entities):
    """Regulation 2580/2001 Annex II (2019): Asadi, Hashemi Moghadam, MOIS's directorate — the UK lists all three."""
    for eu_id, uk_name in (("eu-oj-32001R2580-II.A-6", "ASADI"), ("eu-oj-32001R2580-II.A-8", "HASHEMI MOGHADAM"),
                           ("eu-oj-32001R2580-II.B-6", "DIRECTORATE FOR INTERNAL SECURITY")):
        party = real_parties.party(eu_id)
        uk = [m for m in party.members if m.startswith("gb-hmt-")]
        assert len(uk) == 1 and uk_name in entities[uk[0]].first("name").upper(), party.members
        assert {EU, "gb_hmt_sanctions"} <= set(party.datasets)
    # Asadi's passport (D9016657) is printed by both lists: a deterministic identifier link.
    links = real_parties.links(real_parties.party_of("eu-oj-32001R2580-II.A-6"))
    assert [l.stage for l in links] == ["identifier"] and links[0].evidence["identifier"] == "D9016657"
    # The directorate is a sub-unit of MOIS, not MOIS: its EU record stays apart from OFAC's MOIS.
    assert real_parties.party_of("eu-oj-32001R2580-II.B-6") == real_parties.party_of("gb-hmt-13742")
    assert real_parties.party_of("eu-oj-32001R2580-II.B-6") != real_parties.party_of("ofac-12111")


def test_one_act_naming_a_party_in_two_annexes_links_them_by_reference(real_parties, entities):
    linked = [e for e in entities.values() if EU in e.datasets and e.referents]
    assert len(linked) > 50
    for e in linked:
        assert all(real_parties.party_of(r) == real_parties.party_of(e.id) for r in e.referents), e.id
    legmash = real_parties.links(real_parties.party_of("eu-oj-32006R0765-I.B-51"))
    assert any(l.stage == "reference" and {l.a, l.b} == {"eu-oj-32006R0765-I.B-51", entities["eu-oj-32006R0765-I.B-51"]
                                                        .referents[0]} for l in legmash)


def test_shared_identifiers_link_eu_records_to_the_other_lists(real_parties, party_map, entities):
    report = real_parties.last_report()
    assert report["links"]["identifier"] > 1500  # OFAC/UK/UN alone give ~630
    eu_links = [l for pid in {party_map.party[i] for i in entities if i.startswith("eu-oj-")}
                if len(party_map.members_of[pid]) > 1 for l in real_parties.links(pid)
                if l.stage == "identifier" and (l.a.startswith("eu-oj-") or l.b.startswith("eu-oj-"))]
    assert len(eu_links) > 800
    for link in eu_links:  # the identifier is really on both records
        for rid in (link.a, link.b):
            keys = {id_key(v) for p in STRONG_IDS for v in entities[rid].get(p)}
            assert link.evidence["identifier"] in keys, (link.a, link.b)


def test_eu_records_are_in_multi_list_parties(party_map, entities):
    eu_ids = [i for i, e in entities.items() if EU in e.datasets]
    shared = [i for i in eu_ids if any(not m.startswith("eu-oj-") for m in party_map.members(party_map.party[i]))]
    assert len(eu_ids) == 8015
    assert len(shared) > 3000  # the EU lists much of what OFAC/UK/UN list (Russia, Iran, Syria, DPRK, ISIL/AQ)


def test_guards_hold_on_the_real_lists(party_map, entities):
    """No party holds two ships with different IMO numbers, nor two records of one act the act does not tie."""
    for pid, members in party_map.members_of.items():
        imos = [frozenset(k for v in entities[m].get("imoNumber") if (k := id_key(v))) for m in members]
        imos = [s for s in imos if s]
        assert all(a & b for i, a in enumerate(imos) for b in imos[i + 1:]), members
        by_key = defaultdict(list)
        for m in members:
            by_key[list_key(entities[m])].append(m)
        for key, same in by_key.items():
            if len(same) > 1 and key.startswith(EU):
                assert all(set(same) - {m} <= set(entities[m].referents) for m in same), same
