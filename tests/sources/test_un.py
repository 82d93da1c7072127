"""UN Security Council consolidated list parser, on the real file and on hostile input."""
from __future__ import annotations

from pathlib import Path

import pytest

from vigil.sources import IngestError, parse


@pytest.fixture(scope="session")
def un_pub(shared_data):
    return parse("un", shared_data / "un" / "consolidated.xml")


@pytest.fixture(scope="session")
def un_entities(un_pub):
    return {e.id: e for e in un_pub.entities}


def test_counts_and_publication(un_pub):
    assert un_pub.dataset == "un_sc_sanctions"
    assert len(un_pub.entities) == 1003
    schemata = [e.schema.name for e in un_pub.entities]
    assert schemata.count("Person") == 730 and schemata.count("Organization") == 273
    assert un_pub.published.isoformat().startswith("2026-02-27T00:00:09")
    assert len(un_pub.checksum) == 64
    assert len({e.id for e in un_pub.entities}) == 1003


def test_soleimani(un_entities):
    e = un_entities["unsc-IRi.039"]
    assert e.first("name") == "QASEM SOLEIMANI"
    assert e.first("firstName") == "QASEM" and e.first("secondName") == "SOLEIMANI"
    # Good-quality aliases come as one ';'-separated string and are split.
    assert "Qasem Sulaimani" in e.get("alias") and "Kasim Sulaymani" in e.get("alias")
    assert e.get("weakAlias") == ["Haj Qasem", "Haji Qassem", "Sardar Soleimani"]
    assert e.get("birthDate") == ["1957-03-11"]
    assert e.get("birthPlace") == ["Qom, Iran (Islamic Republic of)"] and e.get("birthCountry") == ["ir"]
    assert e.get("passportNumber") == ["008827"]
    assert any("008827" in n and "Iran" in n for n in e.get("notes"))
    assert e.get("program") == ["Iran"] and e.get("createdAt") == ["2007-03-24"]
    assert e.get("modifiedAt") == ["2014-12-17"]
    assert e.get("position") == ["Brigadier General", "Commander of Qods force"]
    assert e.get("topics") == ["sanction"]
    assert e.source == "consolidated.xml#IRi.039" and e.datasets == ["un_sc_sanctions"]


def test_original_script_names_are_aliases(un_entities):
    # NAME_ORIGINAL_SCRIPT keeps its script: Arabic and Cyrillic names stay as written.
    assert "صدام حسين التكريتي" in un_entities["unsc-IQi.001"].get("alias")
    assert "Умаров Доку Хаматович" in un_entities["unsc-QDi.290"].get("alias")
    arabic = [e for e in un_entities.values() if any("\u0600" <= ch <= "\u06ff" for a in e.get("alias") for ch in a)]
    assert len(arabic) > 100


def test_alias_qualities_map_to_ftm(un_entities):
    # f.k.a. names become previousName, Low quality weakAlias.
    assert sum(1 for e in un_entities.values() if e.get("previousName")) >= 10
    assert "ADF/NALU" in un_entities["unsc-CDe.001"].get("previousName")
    assert sum(1 for e in un_entities.values() if e.get("weakAlias")) >= 200


def test_birth_date_kinds(un_entities):
    people = [e for e in un_entities.values() if e.schema.name == "Person"]
    # BETWEEN 1973 and 1974: every year of the range, plus a note.
    e = un_entities["unsc-CDi.030"]
    assert e.get("birthDate") == ["1973", "1974"]
    assert "Date of birth between 1973 and 1974" in e.get("notes")
    circa = [e for e in people if any("approximately" in n for n in e.get("notes"))]
    assert len(circa) > 50
    assert all(len(d) in (4, 7, 10) for e in people for d in e.get("birthDate"))
    # 'NOTE' dates such as "Nov. 1973" are read when no structured date is given.
    assert any("1973-11" in e.get("birthDate") for e in people)


def test_nationality_gender_documents(un_entities):
    people = [e for e in un_entities.values() if e.schema.name == "Person"]
    assert sum(1 for e in people if e.get("nationality")) > 550
    assert {g for e in people for g in e.get("gender")} == {"male", "female"}
    assert sum(1 for e in people if e.get("idNumber")) > 100
    # Numbers are bare: no "(Expired ...)" tails.
    assert not any("(" in n for e in people for n in e.get("passportNumber") + e.get("idNumber"))


def test_entity_fields(un_entities):
    omm = un_entities["unsc-KPe.020"]
    assert omm.schema.name == "Organization"
    assert omm.get("imoNumber") == ["1790183"]
    assert omm.get("program") == ["DPRK"]
    assert sum(1 for e in un_entities.values() if e.get("address")) > 400


def test_folder_input(shared_data):
    pub = parse("un", shared_data / "un")
    assert len(pub.entities) == 1003


HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"


@pytest.mark.parametrize("name, message", [
    ("xxe.xml", "DOCTYPE"),
    ("billion_laughs.xml", "DOCTYPE"),
    ("truncated_un.xml", "truncated"),
    ("binary.bin", "binary"),
    ("latin1_declared_utf8.xml", "encoding"),
])
def test_hostile_files_are_refused(name, message):
    with pytest.raises(IngestError) as info:
        parse("un", HOSTILE / name)
    err = info.value
    assert message.lower() in str(err).lower()
    assert err.path and err.path.endswith(name)


def test_truncated_names_line():
    with pytest.raises(IngestError) as info:
        parse("un", HOSTILE / "truncated_un.xml")
    assert info.value.line and info.value.line >= 11
    assert ":%d:" % info.value.line in str(info.value)


def test_xxe_never_reads_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = tmp_path / "x.xml"
    xml.write_text(f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY s SYSTEM "file://{secret}">]>'
                   '<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&s;</FIRST_NAME>'
                   '<REFERENCE_NUMBER>XXi.1</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>')
    with pytest.raises(IngestError, match="DOCTYPE"):
        parse("un", xml)


@pytest.mark.parametrize("content, message", [
    ("<other/>", "not a UN consolidated list"),
    ("<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>", "no INDIVIDUAL"),
    ("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X</FIRST_NAME></INDIVIDUAL></INDIVIDUALS>"
     "</CONSOLIDATED_LIST>", "REFERENCE_NUMBER"),
    ("name,dob\nx,1957\n", "not an XML file"),
])
def test_wrong_content(tmp_path, content, message):
    path = tmp_path / "list.xml"
    path.write_text(content)
    with pytest.raises(IngestError, match=message):
        parse("un", path)


def test_empty_and_missing(tmp_path):
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="empty"):
        parse("un", empty)
    with pytest.raises(IngestError, match="no such file"):
        parse("un", tmp_path / "missing.xml")


def test_small_record_mapping(tmp_path):
    path = tmp_path / "small.xml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>
<FIRST_NAME>ABU</FIRST_NAME><SECOND_NAME>BAKR</SECOND_NAME><THIRD_NAME>AL</THIRD_NAME><FOURTH_NAME>BAGHDADI</FOURTH_NAME>
<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER><LISTED_ON>2011-10-05</LISTED_ON>
<GENDER>Male</GENDER><NAME_ORIGINAL_SCRIPT>أبو بكر البغدادي</NAME_ORIGINAL_SCRIPT>
<TITLE><VALUE>Sheikh</VALUE></TITLE>
<NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>
<INDIVIDUAL_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>Ibrahim Awwad</ALIAS_NAME></INDIVIDUAL_ALIAS>
<INDIVIDUAL_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>Dr. Ibrahim</ALIAS_NAME></INDIVIDUAL_ALIAS>
<INDIVIDUAL_ADDRESS><CITY>Mosul</CITY><COUNTRY>Iraq</COUNTRY><NOTE>as of 2014</NOTE></INDIVIDUAL_ADDRESS>
<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1971</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1972</FROM_YEAR><TO_YEAR>1974</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
<INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT><NUMBER>1234567</NUMBER><ISSUING_COUNTRY>Iraq</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT>
</INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>""", encoding="utf-8")
    (e,) = parse("un", path).entities
    assert e.id == "unsc-QDi.999" and e.first("name") == "ABU BAKR AL BAGHDADI"
    assert e.get("middleName") == ["AL", "BAGHDADI"]
    assert e.get("alias") == ["أبو بكر البغدادي", "Dr. Ibrahim"]
    assert e.get("previousName") == ["Ibrahim Awwad"]
    assert e.get("birthDate") == ["1971", "1972", "1973", "1974"]
    assert any("approximately" in n and "1971" in n for n in e.get("notes"))
    assert e.get("nationality") == ["iq"] and e.get("country") == ["iq"]
    assert e.get("address") == ["Mosul, Iraq"] and e.get("idNumber") == ["1234567"]
    assert e.get("gender") == ["male"] and e.get("title") == ["Sheikh"]
