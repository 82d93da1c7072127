"""What the resolver sees of a record: list keys, identifiers, names, and what makes it screened again."""
from __future__ import annotations

from vigil.model import Entity
from vigil.parties.records import Record, id_key, list_key, name_key, name_share, query_of


def test_list_keys_follow_each_lists_own_numbering():
    assert list_key(Entity("Person", id="ofac-10481", datasets=["us_ofac_sdn"])) == "ofac"
    assert list_key(Entity("Person", id="ofac-7", datasets=["us_ofac_sdn", "us_ofac_cons"])) == "ofac"
    assert list_key(Entity("Person", id="unsc-IRi.039", datasets=["un_sc_sanctions"])) == "un_sc_sanctions"
    # The EU Official Journal numbers records per act: two acts, two numberings.
    a = Entity("Organization", id="eu-oj-32012R0267-1", datasets=["eu_journal_sanctions"])
    b = Entity("Organization", id="eu-oj-32001R2580-9", datasets=["eu_journal_sanctions"])
    assert list_key(a) == "eu_journal_sanctions/32012R0267" != list_key(b)


def test_weak_identifiers_do_not_link():
    assert id_key("A 1234-567") == "A1234567"
    assert id_key("IMO 9116412") == "IMO9116412"
    for weak in ("12345", "ABCDEFG", "000000", "1-1-1-1-1-1", ""):
        assert id_key(weak) is None, weak


def test_name_keys_ignore_order_case_and_punctuation():
    assert name_key("SLEWA, Roodi") == name_key("Roodi Slewa")
    assert name_key("AL-QAIDA") == name_key("al qaida")
    assert name_key("AL QA'IDA") != name_key("THE BASE")


def test_name_share_counts_names_both_records_carry():
    a = Record(Entity("Organization", id="ofac-1", datasets=["us_ofac_sdn"],
                      properties={"name": ["AL QA'IDA"], "alias": ["THE BASE", "AL QAEDA", "ISLAMIC ARMY"]}))
    b = Record(Entity("Organization", id="unsc-QDe.004", datasets=["un_sc_sanctions"],
                      properties={"name": ["AL-QAIDA"], "alias": ['"The Base"', "Qaidat al-Jihad"]}))
    assert name_share(a, b) == 2 / 3  # al qaida (= AL QA'IDA) and the base, of b's three names


def test_query_keeps_what_is_screened_and_only_that():
    e = Entity("Person", id="unsc-IRi.032", datasets=["un_sc_sanctions"], properties={
        "name": ["ABBAS RASHIDI"], "firstName": ["ABBAS"], "secondName": ["RASHIDI"], "alias": ["Abas Rashidi"],
        "birthDate": ["1960"], "passportNumber": ["A1234567"], "notes": ["Designated for enrichment work"]})
    q = query_of(e)
    assert q.properties == {"name": ["ABBAS RASHIDI"], "alias": ["Abas Rashidi"], "birthDate": ["1960"],
                            "passportNumber": ["A1234567"]}
    # Name parts are left out: alone, "ABBAS" would match every listed Abbas.
    assert "firstName" not in q.properties
    assert "passportNumber" not in query_of(e, with_ids=False).properties


def test_fingerprint_changes_with_screened_facts_only():
    base = {"name": ["Qasem SOLEIMANI"], "birthDate": ["1957-03-11"], "notes": ["IRGC-QF commander"]}
    one = Record(Entity("Person", id="gb-hmt-1", datasets=["gb_hmt_sanctions"], properties=base))
    notes = Record(Entity("Person", id="gb-hmt-1", datasets=["gb_hmt_sanctions"],
                          properties={**base, "notes": ["another note"]}))
    dob = Record(Entity("Person", id="gb-hmt-1", datasets=["gb_hmt_sanctions"],
                        properties={**base, "birthDate": ["1957"]}))
    assert one.fingerprint == notes.fingerprint != dob.fingerprint
