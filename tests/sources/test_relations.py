"""Relations read from the lists' own text (vigil.sources.relations), on hand-written records in the
published wording of OFAC, UN and UK entries."""
from __future__ import annotations

from vigil.model import Entity
from vigil.sources.relations import extract


def org(id_: str, name: str, *notes: str, **props) -> Entity:
    return Entity("Organization", id=id_, properties={"name": [name], "notes": list(notes), **props})


def person(id_: str, name: str, *notes: str, **props) -> Entity:
    return Entity("Person", id=id_, properties={"name": [name], "notes": list(notes), **props})


def by_other(rels):
    return {(r.schema, r.other or r.name): r for r in rels}


def test_ofac_linked_to_uses_the_parser_id_then_names():
    mois = org("ofac-12111", "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY", weakAlias=["MOIS"])
    alavi = person("ofac-30422", "ALAVI, Mahmoud",
                   "DOB 24 Apr 1954; Linked To: IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY.",
                   "Linked To: IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY (ofac-12111)")
    other = person("ofac-1", "DOE, John", "Linked To: MOIS", "Linked To: SOMETHING NOT LISTED")
    rels = extract("us_ofac_sdn", [mois, alavi, other])
    (link,) = [r for r in rels if r.stated_by == "ofac-30422"]
    assert (link.schema, link.source, link.target, link.resolved_by, link.role) == (
        "UnknownLink", "ofac-30422", "ofac-12111", "id", "Linked To")
    entity = link.entity()
    assert entity.get("subject") == ["ofac-30422"] and entity.get("object") == ["ofac-12111"]
    assert "Linked To: IRANIAN MINISTRY" in entity.first("description")
    doe = by_other([r for r in rels if r.stated_by == "ofac-1"])
    assert doe[("UnknownLink", "ofac-12111")].resolved_by == "name"  # the weak alias MOIS
    unresolved = doe[("UnknownLink", "SOMETHING NOT LISTED")]
    assert not unresolved.resolved and "not resolved" in unresolved.entity().first("summary")


def test_uk_narrative_with_un_references():
    rsm = org("gb-hmt-10669", "RAJAH SOLAIMAN MOVEMENT", "(UK Sanctions List Ref):AQD0001. (UN Ref):QDe.128.")
    asg = org("gb-hmt-6935", "ABU SAYYAF GROUP", "(UN Ref):QDe.001. Founded in 1991.")
    trinidad = person(
        "gb-hmt-10661", "ANGELO RAMIREZ TRINIDAD",
        "(UK Sanctions List Ref):AQD0141. (UN Ref):QDi.241. Distinguishing marks include scars on both legs. "
        "Member of the Rajah Solaiman Movement (QDe.128), and associated with the Abu Sayyaf Group (QDe.001) and "
        "the Jemaah Islamiyah (QDe.092). In detention in the Philippines as of May 2011.")
    rels = by_other(extract("gb_hmt_sanctions", [rsm, asg, trinidad]))
    member = rels[("Membership", "gb-hmt-10669")]
    assert (member.source, member.target, member.resolved_by) == ("gb-hmt-10661", "gb-hmt-10669", "reference")
    assert rels[("UnknownLink", "gb-hmt-6935")].role == "associated with"
    # Jemaah Islamiyah is not in this list and QDe.092 names no record here: kept, unresolved
    assert not rels[("UnknownLink", "Jemaah Islamiyah")].resolved


def test_un_reference_falls_back_to_the_un_record():
    son = person("gb-hmt-1", "SIRAJUDDIN HAQQANI", "Son of Jalaluddin Haqqani (TAi.040). Leads the network.")
    (rel,) = extract("gb_hmt_sanctions", [son], external={"unsc-TAi.040"})
    assert (rel.schema, rel.relationship, rel.role, rel.target) == ("Family", "son", "son of", "unsc-TAi.040")
    assert rel.entity().get("relationship") == ["son"]


def test_ownership_is_read_in_the_right_direction():
    irgc = org("gb-hmt-11238", "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)")
    force = org("gb-hmt-10660", "IRGC AEROSPACE FORCE",
                "(UK Statement of Reasons):Controlled by and acts on behalf of the IRGC. (Type of entity):Military "
                "(Parent company):Islamic Revolutionary Guard Corps")
    komid = org("un-1", "KOREA MINING DEVELOPMENT TRADING CORPORATION (KOMID)")
    bank = org("un-2", "TANCHON COMMERCIAL BANK")
    hk = org("un-3", "HONG KONG ELECTRONICS",
             "Owned or controlled by, or acts or purports to act for or on behalf of Tanchon Commercial Bank and KOMID.")
    rels = extract("gb_hmt_sanctions", [irgc, force])
    owners = {(r.source, r.target, r.role) for r in rels if r.schema == "Ownership"}
    assert ("gb-hmt-11238", "gb-hmt-10660", "parent company") in owners  # the owner is the parent
    assert ("gb-hmt-11238", "gb-hmt-10660", "controlled by and acts on behalf of") in owners
    rels = extract("un_sc_sanctions", [komid, bank, hk])
    behalf = {(r.schema, r.target) for r in rels if r.stated_by == "un-3"}
    assert {("UnknownLink", "un-2"), ("UnknownLink", "un-1")} <= behalf


def test_boilerplate_and_lowercase_phrases_state_no_relation():
    bank = org("ofac-10012", "SOME BANK",
               "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; "
               "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: North "
               "Korea Sanctions Regulations section 510.214.")
    un = person("unsc-CDi.037", "X Y", "acting on behalf of or at the direction of an entity owned or controlled by "
                                       "a designated individual or entity, as reaffirmed by paragraph 2.")
    assert extract("us_ofac_sdn", [bank]) == [] and extract("un_sc_sanctions", [un]) == []


def test_names_two_records_share_resolve_to_neither():
    a, b = org("x-1", "GOLDEN STAR CO"), org("x-2", "GOLDEN STAR CO")
    p = person("x-3", "A B", "Member of Golden Star Co.")
    (rel,) = extract("gb_hmt_sanctions", [a, b, p])
    assert not rel.resolved and rel.name == "Golden Star Co"


def test_a_person_name_is_never_matched_by_one_word():
    kony = person("x-1", "KONY")
    p = person("x-2", "A B", "Brother of Kony.")
    (rel,) = extract("un_sc_sanctions", [kony, p])
    assert not rel.resolved


def test_relation_ids_are_stable_and_distinct():
    mois = org("ofac-12111", "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY")
    a = person("ofac-1", "A B", "Linked To: IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY (ofac-12111)")
    b = person("ofac-2", "C D", "Linked To: IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY (ofac-12111)")
    first = [r.id for r in extract("us_ofac_sdn", [mois, a, b])]
    assert first == [r.id for r in extract("us_ofac_sdn", [b, a, mois])] and len(set(first)) == 2


def test_a_list_that_repeats_a_party_per_act_resolves_within_the_act():
    """The EU journal lists a party once per act (eu-oj-<celex>-<record>): a name shared across acts is
    resolved to the record of the stating record's own act."""
    a1 = org("eu-oj-32012R0267-1", "Islamic Revolutionary Guard Corps (IRGC)")
    a2 = org("eu-oj-32001R2580-7", "Islamic Revolutionary Guard Corps (IRGC)")
    p1 = Entity("Person", id="eu-oj-32012R0267-2", properties={"name": ["A B"],
                                                               "summary": ["Member of the IRGC since 1980."]})
    (rel,) = extract("eu_journal_sanctions", [a1, a2, p1])
    assert rel.target == "eu-oj-32012R0267-1" and rel.schema == "Membership"
    other = org("x-1", "SAME NAME"), org("x-2", "SAME NAME")
    p2 = person("x-3", "C D", "Member of Same Name.")
    assert not extract("gb_hmt_sanctions", [*other, p2])[0].resolved  # no act in the ids: still ambiguous
