"""Gazetteer rules on a handful of hand-made list entries."""
from __future__ import annotations

import pytest

from vigil.media.gazetteer import Gazetteer, name_key
from vigil.model import Entity


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer([
        Entity("Organization", id="x-1", properties={"name": ["AL QA'IDA"], "alias": ["AL QAEDA", "THE BASE"]}),
        Entity("Organization", id="x-2", properties={"name": ["ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)"],
                                                     "alias": ["IRGC"]}),
        Entity("Organization", id="x-3", properties={"name": ["FAKE TRADING LLC"], "alias": ["IRGC"]}),
        Entity("Organization", id="x-4", properties={"name": ["MINISTRY OF SECRETS"], "weakAlias": ["MOS"]}),
        Entity("Person", id="x-5", properties={"name": ["SOLEIMANI, Qasem"], "alias": ["SOLEIMANI"],
                                               "firstName": ["Qasem Ahmad"], "lastName": ["SOLEIMANI"]}),
        Entity("Person", id="x-6", properties={"name": ["قاسم سلیمانی"]}),
    ])


def test_normalised_forms_and_offsets(gaz):
    text = "Support reached al-Qaeda and Qasem Soleimani’s men."
    hits = {h.text: h for h in gaz.find(text)}
    assert hits["al-Qaeda"].entity_ids == ["x-1"]
    assert hits["Qasem Soleimani"].entity_ids == ["x-5"]  # "SOLEIMANI, Qasem" read in running order
    for h in hits.values():
        assert text[h.start:h.end] == h.text


def test_common_words_and_capitalisation(gaz):
    assert gaz.find("troops returned to the base at night") == []  # THE BASE is not an entry
    assert gaz.find("we met qasem soleimani") == []  # names stand capitalised


def test_person_needs_two_words_and_derived_short_form(gaz):
    assert [h.text for h in gaz.find("Soleimani said")] == []  # the lone surname alias is not an entry
    hits = gaz.find("Qasem Soleimani and Qasem Ahmad Soleimani")
    assert [h.text for h in hits] == ["Qasem Soleimani", "Qasem Ahmad Soleimani"]


def test_acronyms_upper_case_and_ambiguity(gaz):
    hits = gaz.find("The IRGC and the Irgc")
    assert [h.text for h in hits] == ["IRGC"] and hits[0].acronym
    assert not gaz.is_unambiguous(hits[0].key)  # two parties carry IRGC
    assert gaz.is_unambiguous(name_key("MOS"))
    # the parenthesised acronym is dropped from the long name, so a defined acronym stays its own hit
    hits = gaz.find("the Islamic Revolutionary Guard Corps (IRGC) said")
    assert [h.text for h in hits] == ["Islamic Revolutionary Guard Corps", "IRGC"]


def test_original_script(gaz):
    hits = gaz.find("قال قاسم سلیمانی إن")
    assert [h.entity_ids for h in hits] == [["x-6"]]
