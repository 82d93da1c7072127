"""UK OFSI ConList parser: CSV and XLSX of the real list, and malformed input."""
from __future__ import annotations

import pytest

from vigil.sources import IngestError, parse
from vigil.sources.uk import info_fields, split_numbered


@pytest.fixture(scope="session")
def uk_csv(shared_data):
    return parse("uk", shared_data / "uk_ofsi" / "ConList_from_xlsx.csv")


@pytest.fixture(scope="session")
def uk_xlsx(shared_data):
    return parse("uk", shared_data / "uk_ofsi" / "ConList.xlsx")


@pytest.fixture(scope="session")
def uk(uk_csv):
    return {e.id: e for e in uk_csv.entities}


def test_counts_and_publication(uk_csv):
    assert uk_csv.dataset == "gb_hmt_sanctions"
    assert len(uk_csv.entities) == 4688
    assert uk_csv.published.date().isoformat() == "2025-04-14"
    kinds = [e.schema.name for e in uk_csv.entities]
    assert kinds.count("Person") == 3663 and kinds.count("Organization") == 1010 and kinds.count("Vessel") == 15
    assert all(e.id.startswith("gb-hmt-") and len(e.get("name")) == 1 for e in uk_csv.entities)


def test_xlsx_and_csv_give_identical_entities(uk_csv, uk_xlsx):
    assert uk_xlsx.published == uk_csv.published
    assert len(uk_xlsx.entities) == len(uk_csv.entities)
    for a, b in zip(uk_csv.entities, uk_xlsx.entities):
        da, db = a.to_dict(), b.to_dict()
        assert da.pop("source").startswith("ConList_from_xlsx.csv#") and db.pop("source").startswith("ConList.xlsx#")
        assert da == db, a.id


def test_non_latin_names_are_kept(uk):
    # Arabic, Persian and Cyrillic script names stay exactly as OFSI writes them.
    assert "ياسر عزيز عباس" in uk["gb-hmt-13814"].get("alias")
    assert "Хизри Магомедович Абакаров" in uk["gb-hmt-14241"].get("alias")
    assert "فریدون عباسی دوانی" in uk["gb-hmt-16166"].get("alias")
    assert "سپاه پاسداران انقلاب اسلامی" in uk["gb-hmt-11238"].get("alias")


def test_person_fields(uk):
    e = uk["gb-hmt-14241"]
    assert e.schema.name == "Person"
    assert e.first("name") == "Khizri Magomedovich ABAKAROV"
    assert (e.first("firstName"), e.first("middleName"), e.first("lastName")) == ("Khizri", "Magomedovich", "ABAKAROV")
    assert e.get("birthDate") == ["1960-06-28"]
    assert e.get("birthPlace") == ["Yuzhno Sakhalinsk, Russia"] and e.get("birthCountry") == ["ru"]
    assert e.get("nationality") == ["ru"] and e.get("gender") == ["male"]
    assert e.get("address") == ["1 Okhotny Ryad str, 103265, Russia"] and e.get("country") == ["ru"]
    assert e.get("program") == ["Russia"]
    assert e.get("createdAt") == ["2022-03-11"] and e.get("modifiedAt") == ["2023-03-21"]
    assert "UK Sanctions List Ref: RUS0296" in e.get("notes")
    assert e.get("position") == ["Member of the State Duma of the Russian Federation"]


def test_aliases_and_quality(uk):
    asad = uk["gb-hmt-11928"]
    assert asad.first("name") == "Bashar AL ASAD"
    assert "Bashar AL ASSAD" in asad.get("alias") and "بشار حافظ الأسد" in asad.get("alias")
    weak = [e for e in uk.values() if e.get("weakAlias")]
    assert len(weak) > 150
    assert sum(1 for e in uk.values() if e.get("previousName")) >= 5


def test_un_reference_becomes_referent(uk):
    alqaida = uk["gb-hmt-6965"]
    assert alqaida.first("name") == "AL-QAIDA" and "القاعدة" in alqaida.get("alias")
    assert alqaida.referents == ["unsc-QDe.004"]
    assert sum(1 for e in uk.values() if e.referents) > 800
    assert all(r.startswith("unsc-") and r[5:8].isalpha() for e in uk.values() for r in e.referents)


def test_ship(uk):
    ship = uk["gb-hmt-13651"]
    assert ship.schema.name == "Vessel"
    assert ship.first("name") == "SAM JONG 2" and "YU_JONG_3" in ship.get("alias")
    assert ship.get("imoNumber") == ["7408873"]
    assert ship.get("flag") == ["kp"] and ship.get("pastFlags") == ["ru"]
    assert ship.get("type") == ["Oil tanker"] and ship.get("tonnage") == ["1676"] and ship.get("buildDate") == ["1975"]
    # "Listed as asset of ... UN Ref KPe.064" is the owner's reference, not the ship's.
    assert ship.referents == []


def test_entity_contacts(uk):
    orgs = [e for e in uk.values() if e.schema.name == "Organization"]
    assert sum(1 for e in orgs if e.get("phone")) > 300
    assert sum(1 for e in orgs if e.get("email")) > 200
    assert uk["gb-hmt-11238"].get("legalForm") == ["Military Government"]
    # "(Business Reg No & Date):(1) OGRN – 1125261000040 (2) INN – 5261079332 ..." -> typed identifiers
    salyut = uk["gb-hmt-16767"]
    assert salyut.get("ogrnCode") == ["1125261000040"] and salyut.get("innCode") == ["5261079332"]
    assert uk["gb-hmt-16465"].get("swiftBic") == ["KHJBSDKH"]


def test_numbered_values():
    assert split_numbered("(1) Germany. (2) Morocco") == ["Germany", "Morocco"]
    assert split_numbered("Pakistan") == ["Pakistan"]
    assert split_numbered("") == []
    assert info_fields("(UK Sanctions List Ref):RUS0296. Text (note). (Gender):Male") == [
        ("UK Sanctions List Ref", "RUS0296. Text (note)"), ("Gender", "Male")]


HEADER = ("Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,Non-Latin Script Type,"
          "Non-Latin Script Language,DOB,Town of Birth,Country of Birth,Nationality,Passport Number,Passport Details,"
          "National Identification Number,National Identification Details,Position,Address 1,Address 2,Address 3,"
          "Address 4,Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,Alias Quality,"
          "Regime,Listed On,UK Sanctions List Date Designated,Last Updated,Group ID")


def _row(**values) -> str:
    cols = HEADER.split(",")
    return ",".join('"%s"' % values.get(c, "") for c in cols)


def test_small_group(tmp_path):
    path = tmp_path / "ConList.csv"
    path.write_text("\n".join([
        "Last Updated,02/03/2026", HEADER,
        _row(**{"Name 6": "HUSSEIN", "Name 1": "Ali", "DOB": "00/00/1960", "Nationality": "(1) Iraq (2) Jordan",
                "Passport Number": "(1) A123 (2) B456", "Passport Details": "(1) Iraq (2) Jordan",
                "Other Information": "(UK Sanctions List Ref):IRQ0001. (UN Ref):IQi.099. (Gender):Male",
                "Group Type": "Individual", "Alias Type": "Primary name", "Regime": "Iraq",
                "Listed On": "01/02/2003", "Last Updated": "04/05/2020", "Group ID": "900"}),
        _row(**{"Name 6": "HUSAYN", "Name 1": "Ali", "DOB": "01/01/1961", "Group Type": "Individual",
                "Alias Type": "AKA", "Alias Quality": "Low quality", "Regime": "Iraq", "Listed On": "01/02/2003",
                "Last Updated": "05/06/2021", "Group ID": "900", "Name Non-Latin Script": "علي حسين"}),
        _row(**{"Name 6": "OLD NAME", "Group Type": "Individual", "Alias Type": "FKA", "Group ID": "900"}),
    ]) + "\n", encoding="utf-8")
    (e,) = parse("uk", path).entities
    assert e.id == "gb-hmt-900" and e.first("name") == "Ali HUSSEIN"
    assert e.get("weakAlias") == ["Ali HUSAYN"] and e.get("alias") == ["علي حسين"]
    assert e.get("previousName") == ["OLD NAME"]
    assert e.get("birthDate") == ["1960", "1961-01-01"]
    assert e.get("nationality") == ["iq", "jo"] and e.get("passportNumber") == ["A123", "B456"]
    assert e.referents == ["unsc-IQi.099"] and e.get("gender") == ["male"]
    assert e.get("createdAt") == ["2003-02-01"] and e.get("modifiedAt") == ["2021-06-05"]


@pytest.mark.parametrize("content, message, line", [
    (b"Last Updated,01/01/2026\nName,Other\nx,y\n", "header lacks", 2),
    (("Last Updated,01/01/2026\n" + HEADER + "\n").encode() + b'"MUELLER\xfc",x\n', "not UTF-8", 3),
    (("Last Updated,01/01/2026\n" + HEADER + '\n"unterminated,x\n').encode(), "malformed CSV", None),
    (b"\x00\x01\x02binary\xff" * 50, "binary", None),
], ids=["wrong-header", "latin1-bytes", "unterminated-quote", "binary"])
def test_malformed_csv(tmp_path, content, message, line):
    path = tmp_path / "ConList.csv"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message) as info:
        parse("uk", path)
    if line:
        assert info.value.line == line


def test_broken_xlsx(tmp_path):
    path = tmp_path / "ConList.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook" * 10)
    with pytest.raises(IngestError, match="XLSX"):
        parse("uk", path)


def test_folder_and_no_rows(tmp_path):
    (tmp_path / "ConList.csv").write_text("Last Updated,01/01/2026\n" + HEADER + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match="no listed parties"):
        parse("uk", tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(IngestError, match="no ConList"):
        parse("uk", empty)
