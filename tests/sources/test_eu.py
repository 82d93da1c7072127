"""EU FSF parser on hand-written fixtures in the official XML and CSV layouts (no official file is offline)."""
from __future__ import annotations

import shutil

import pytest

from vigil.sources import IngestError, parse


@pytest.fixture(scope="module")
def eu_xml(fixtures):
    return parse("eu", fixtures / "eu" / "fsf_sample.xml")


@pytest.fixture(scope="module")
def eu_csv(fixtures):
    return parse("eu", fixtures / "eu" / "fsf_sample.csv")


@pytest.fixture(scope="module")
def eu(eu_xml):
    return {e.id: e for e in eu_xml.entities}


def test_publication(eu_xml, eu_csv):
    assert eu_xml.dataset == eu_csv.dataset == "eu_fsf"
    assert [e.id for e in eu_xml.entities] == ["eu-fsf-13301", "eu-fsf-11040", "eu-fsf-2437", "eu-fsf-15520",
                                               "eu-fsf-16040"]
    assert eu_xml.published.isoformat() == "2026-03-02T18:01:43.515000+01:00"
    assert eu_csv.published.date() == eu_xml.published.date()


def test_xml_and_csv_give_identical_entities(eu_xml, eu_csv):
    assert len(eu_csv.entities) == len(eu_xml.entities)
    for a, b in zip(eu_xml.entities, eu_csv.entities):
        da, db = a.to_dict(), b.to_dict()
        assert da.pop("source") == f"fsf_sample.xml#{a.id[7:]}"
        assert db.pop("source") == f"fsf_sample.csv#{b.id[7:]}"
        assert da == db, a.id


def test_mois_style_entity_keeps_persian_names(eu):
    e = eu["eu-fsf-13301"]
    assert e.schema.name == "Organization"
    assert e.first("name").startswith("Directorate for Internal Security")
    assert "وزارت اطلاعات جمهوری اسلامی ایران" in e.get("alias")
    assert "اداره کل امنیت داخلی وزارت اطلاعات" in e.get("alias")
    assert {"MOIS", "VEVAK"} <= set(e.get("alias"))
    assert e.get("program") == ["TERR"] and e.get("createdAt") == ["2019-01-09"]
    assert e.get("country") == ["ir"]
    assert "EU reference number: EU.4883.53" in e.get("notes")


def test_individual_with_birthdate_citizenship_passport(eu):
    e = eu["eu-fsf-11040"]
    assert e.schema.name == "Person" and e.first("name") == "Qasem Soleimani"
    assert (e.first("firstName"), e.first("lastName")) == ("Qasem", "Soleimani")
    assert "قاسم سلیمانی" in e.get("alias") and "Qasem Sulaimani" in e.get("alias")
    assert e.get("birthDate") == ["1957-03-11"] and e.get("birthPlace") == ["Qom, IRAN (ISLAMIC REPUBLIC OF)"]
    assert e.get("nationality") == ["ir"] and e.get("birthCountry") == ["ir"]
    assert e.get("passportNumber") == ["008827"]
    assert any(n.startswith("National passport 008827") for n in e.get("notes"))
    assert e.get("gender") == ["male"] and e.get("title") == ["Brigadier General"]
    assert e.get("position") == ["Commander of Qods force"]
    assert e.referents == ["unsc-IRi.039"]  # the UN listing of the same man


def test_circa_range_unknown_country(eu):
    e = eu["eu-fsf-15520"]
    assert e.get("birthDate") == ["1970", "1971", "1972", "1973"]
    assert "Date of birth circa 1970" in e.get("notes")
    assert e.get("nationality") == ["ir"]  # code "00": taken from the description
    assert e.get("idNumber") == ["1292748593"] and e.get("middleName") == ["Reza"]
    assert "Leader of an armed group" in e.get("notes")


def test_enterprise_registration_and_cyrillic(eu):
    e = eu["eu-fsf-16040"]
    assert e.get("registrationNumber") == ["1025203014748"]
    assert "АО Волжское пароходство" in e.get("alias")
    assert e.get("address") == ["Markina Square 15a, 603001, Nizhny Novgorod, RUSSIAN FEDERATION"]
    assert "Contact: Website: www.volgaflot.example" in e.get("notes")


def test_weak_names_in_xml(tmp_path):
    path = tmp_path / "weak.xml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-01-01T00:00:00+01:00">
  <sanctionEntity logicalId="7" euReferenceNumber="EU.7.1" unitedNationId="">
    <subjectType code="person" classificationCode="P"/>
    <nameAlias wholeName="Abu Example" strong="false" gender="F"/>
    <nameAlias wholeName="Jane Example" firstName="Jane" lastName="Example" strong="true"/>
    <birthdate circa="false" birthdate="" year="1980" monthOfYear="6" dayOfMonth="0"/>
  </sanctionEntity>
</export>""", encoding="utf-8")
    (e,) = parse("eu", path).entities
    assert e.first("name") == "Jane Example" and e.get("weakAlias") == ["Abu Example"]
    assert e.get("gender") == ["female"] and e.get("birthDate") == ["1980-06"]


def test_folder_prefers_xml(tmp_path, fixtures):
    folder = tmp_path / "eu_fsf"
    folder.mkdir()
    shutil.copy(fixtures / "eu" / "fsf_sample.csv", folder)
    assert parse("eu", folder).files[0].name == "fsf_sample.csv"
    shutil.copy(fixtures / "eu" / "fsf_sample.xml", folder)
    assert parse("eu", folder).files[0].name == "fsf_sample.xml"
    void = tmp_path / "void"
    void.mkdir()
    with pytest.raises(IngestError, match="no EU FSF"):
        parse("eu", void)


@pytest.mark.parametrize("content, message", [
    (b'<?xml version="1.0"?><!DOCTYPE export [<!ENTITY x SYSTEM "file:///etc/passwd">]><export>&x;</export>',
     "DOCTYPE"),
    (b'<?xml version="1.0"?><export><sanctionEntity logicalId="1"><nameAlias wholeName="X"/>', "truncated"),
    (b'<?xml version="1.0"?><export><sanctionEntity><nameAlias wholeName="X"/></sanctionEntity></export>',
     "without logicalId"),
    (b'<?xml version="1.0"?><CONSOLIDATED_LIST/>', "not an EU FSF export"),
    (b'<?xml version="1.0"?><export/>', "no sanctionEntity"),
], ids=["xxe", "truncated", "no-logical-id", "wrong-root", "empty"])
def test_bad_xml(tmp_path, content, message):
    path = tmp_path / "eu.xml"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message):
        parse("eu", path)


@pytest.mark.parametrize("content, message, line", [
    (b"name;dob\nx;1957\n", "no Entity_LogicalId", 1),
    (b"fileGenerationDate;Entity_LogicalId;NameAlias_WholeName\n01/01/2026;1;Jos\xe9\n", "not UTF-8", 2),
    (b"fileGenerationDate;Entity_LogicalId;NameAlias_WholeName\n01/01/2026;1;A;extra\n", "fields", 2),
    (b"fileGenerationDate;Entity_LogicalId;NameAlias_WholeName\n01/01/2026;;A\n", "without Entity_LogicalId", 2),
    (b"\x00\x01binary" * 100, "binary", None),
], ids=["not-fsf", "latin1", "ragged", "no-id", "binary"])
def test_bad_csv(tmp_path, content, message, line):
    path = tmp_path / "eu.csv"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message) as info:
        parse("eu", path)
    if line:
        assert info.value.line == line
