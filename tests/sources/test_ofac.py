"""OFAC SDN and consolidated parsers: the real files in ../shared/data and hand-written edge-case fixtures."""
from __future__ import annotations

import shutil

import pytest

from vigil.sources import IngestError, parse
from vigil.sources import ofac, ofac_cons
from vigil.sources.ofac_remarks import parse_date, parse_dob, place_country


def by_id(pub):
    return {e.id: e for e in pub.entities}


# -- real data ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def sdn(shared_data):
    return ofac.parse(shared_data / "ofac_sdn")


@pytest.fixture(scope="session")
def sdn_ids(sdn):
    return by_id(sdn)


def test_sdn_counts_and_envelope(sdn, sdn_ids):
    assert sdn.dataset == "us_ofac_sdn"
    assert len(sdn.entities) == 14965
    assert len(sdn_ids) == 14965
    assert sdn.published is None  # the CSV files state no date
    assert len(sdn.checksum) == 64
    assert {p.name for p in sdn.files} == {"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"}
    mois = sdn_ids["ofac-12111"]
    assert mois.datasets == ["us_ofac_sdn"]
    assert mois.source == "sdn.csv#12111"
    assert mois.target is True
    assert mois.get("topics") == ["sanction"]


def test_sdn_warns_about_rows_of_entities_missing_from_sdn_csv(sdn):
    # add.csv/alt.csv are newer than sdn.csv in the shared data; those rows are reported, not fatal.
    text = "\n".join(sdn.warnings)
    assert "add.csv: addresses of 4894 entity numbers not in sdn.csv ignored" in text
    assert "alt.csv: aliases of" in text


def test_mois_aliases_and_weak_aliases(sdn_ids):
    mois = sdn_ids["ofac-12111"]
    assert mois.schema.name == "Organization"
    assert mois.first("name") == "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY"
    assert "VEZARAT-E ETTELA'AT VA AMNIAT-E KESHVAR" in mois.get("alias")
    assert set(mois.get("weakAlias")) >= {"MOIS", "VEVAK"}
    assert "MOIS" not in mois.get("alias")
    assert mois.get("program") == ["SDGT", "SYRIA", "IFSR", "IRAN-HR", "HRIT-IR", "CYBER2", "HOSTAGES-EO14078"]
    assert "ir" in mois.get("country")
    assert any("Tehran" in a for a in mois.get("address"))
    assert any("a.k.a. 'MOIS'" in n for n in mois.get("notes"))


def test_soleimani(sdn_ids):
    e = sdn_ids["ofac-10481"]
    assert e.schema.name == "Person"
    assert e.first("name") == "SOLEIMANI, Qasem"
    assert e.get("lastName") == ["SOLEIMANI"] and e.get("firstName") == ["Qasem"]
    assert e.get("birthDate") == ["1957-03-11"]
    assert {"SOLEYMANI, Ghasem", "SULAIMANI, Qasem"} <= set(e.get("alias"))
    assert e.get("nationality") == ["ir"]
    assert e.get("citizenship") == ["ir"]
    assert e.get("birthPlace") == ["Qom, Iran"] and e.get("birthCountry") == ["ir"]
    assert e.get("passportNumber") == ["008827"]  # "Diplomatic Passport 008827 (Iran) issued 1999"
    assert e.get("program") == ["SDGT", "SYRIA", "NPWMD", "IRGC", "IFSR"]


def test_alavi(sdn_ids):
    e = sdn_ids["ofac-30422"]
    assert e.first("name") == "ALAVI, Mahmoud"
    assert e.get("birthDate") == ["1954-04-24"]
    assert e.get("birthPlace") == ["Lamard, Fars Province, Iran"]
    assert e.get("gender") == ["male"]
    assert {"ALAVI, Seyyed Mahmoud", "ALAVI, Seyed Mahmoud"} <= set(e.get("alias"))
    # Linked To is resolved to the linked party's id when it is on the same list.
    assert "Linked To: IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY (ofac-12111)" in e.get("notes")


def test_vessel_with_imo(sdn_ids):
    e = sdn_ids["ofac-4243"]
    assert e.schema.name == "Vessel"
    assert e.get("imoNumber") == ["7406784"]
    assert e.get("flag") == ["pa"]
    assert e.get("type") == ["General Cargo"]
    assert {"ANA I", "SAND SWAN"} <= set(e.get("previousName"))
    vessels = [x for x in sdn_ids.values() if x.schema.name == "Vessel"]
    assert len(vessels) == 851
    assert sum(1 for v in vessels if v.has("imoNumber")) > 800


def test_schemata_of_all_sdn_entries(sdn):
    counts: dict[str, int] = {}
    for e in sdn.entities:
        counts[e.schema.name] = counts.get(e.schema.name, 0) + 1
    assert counts["Person"] == 6854
    assert counts["Airplane"] == 376
    assert counts["Organization"] + counts["Company"] == 6884


def test_consolidated_csv(shared_data):
    pub = ofac_cons.parse(shared_data / "ofac_consolidated")  # folder has CSV and XML: CSV wins
    assert pub.dataset == "us_ofac_cons"
    assert len(pub.entities) == 442
    assert {p.name for p in pub.files} == {"cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"}
    e = by_id(pub)["ofac-9647"]
    assert e.source == "cons_prim.csv#9647"
    assert e.get("program") == ["SDGT", "NS-PLC"]
    assert {"ZAHAR, Mahmoud", "AL-ZAHAR, Mahmoud"} <= set(e.get("weakAlias"))
    assert e.get("birthDate") == ["1945"]


def test_consolidated_xml(shared_data):
    pub = parse("ofac-cons", shared_data / "ofac_consolidated" / "consolidated.xml")
    assert pub.dataset == "us_ofac_cons"
    assert len(pub.entities) == 443
    assert pub.published is not None and pub.published.date().isoformat() == "2025-03-28"
    assert pub.warnings == []  # Record_Count agrees
    ids = by_id(pub)
    haniya = ids["ofac-9639"]
    assert haniya.schema.name == "Person"
    assert haniya.first("name") == "HANIYA, Ismail Abdul Salah"
    assert haniya.get("birthDate") == ["1962"] and haniya.get("birthPlace") == ["Shati"]
    sber = ids["ofac-17018"]
    assert sber.get("registrationNumber") == ["1027700132195"]
    assert sber.get("swiftBic") == ["SABRRUMM"]
    assert {"SBERBANK INDIA", "SBERBANK MUMBAI"} <= set(sber.get("weakAlias"))  # XML category "weak"
    assert "OPEN JOINT STOCK COMPANY SBERBANK OF RUSSIA" in sber.get("previousName")  # f.k.a.
    assert "19 ul. Vavilova, Moscow 117312, Russia" in sber.get("address")


# -- fixtures: CSV edge cases --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def edge(fixtures):
    return by_id(ofac.parse(fixtures / "ofac" / "sdn_csv"))


def test_fixture_windows1252_eof_marker_and_empty_fields(edge):
    assert len(edge) == 7
    company = edge["ofac-102"]
    assert company.first("name") == "CAFÉ NOUR TRADING CO., LTD."  # 0xC9 decoded as windows-1252
    assert company.schema.name == "Company"  # legal form at the end of the name
    ministry = edge["ofac-107"]
    assert ministry.schema.name == "Organization"
    assert set(ministry.properties) == {"name", "program", "topics"}  # every "-0- " field is empty


def test_fixture_dob_circa_and_ranges(edge):
    p = edge["ofac-101"]
    assert p.get("birthDate") == ["1961", "1963", "1964", "1965"]
    assert "DOB circa 1961" in p.get("notes")
    assert edge["ofac-105"].get("birthDate") == ["1970", "1971", "1972"]  # 01 Jan 1970 to 31 Dec 1972
    assert edge["ofac-106"].get("birthDate") == ["1957-03", "1958"]


def test_fixture_remarks_identifiers_and_names(edge):
    p = edge["ofac-101"]
    assert p.get("passportNumber") == ["A12345"]
    assert p.get("idNumber") == ["0012345678"]
    assert p.get("weakAlias") == ["ABU HASSAN"]
    assert p.get("alias") == ["NASSIRI, Hosein", "NASERI, Hossein"]
    assert p.get("nationality") == ["ir"] and p.get("citizenship") == ["ir"]
    assert "Linked To: CAFÉ NOUR TRADING CO., LTD. (ofac-102)" in p.get("notes")
    c = edge["ofac-102"]
    assert c.get("taxNumber") == ["411112222"]
    assert c.get("swiftBic") == ["CNTRIRTH"]
    assert c.get("registrationNumber") == ["HRB 4711"]
    assert c.get("incorporationDate") == ["1998-06-12"]
    assert c.get("previousName") == ["NOUR EXPORTS", "NOUR TRADING COMPANY"]  # remarks f.k.a. + alt.csv fka
    assert c.get("weakAlias") == ["CNT"]
    assert c.get("address") == ["Unit 5, Free Zone, Dubai, United Arab Emirates"]  # a country-only row adds no address
    assert c.get("country") == ["ae", "ir"]
    assert edge["ofac-105"].get("alias") == ["KARIMI-RAD, Leila"]  # nka


def test_fixture_comments_continue_remarks(edge):
    p = edge["ofac-105"]
    assert "cut here and continued in the comments file; Email Address leila@example.org." in p.get("notes")[0]
    assert p.get("email") == ["leila@example.org"]
    assert p.get("passportNumber") == ["008827", "B 960789"]
    assert p.get("nationality") == ["kp"] and p.get("birthCountry") == ["kp"]
    assert p.get("position") == ["Judge"]


def test_fixture_vessel_and_aircraft(edge):
    v = edge["ofac-103"]
    assert v.schema.name == "Vessel"
    assert v.get("imoNumber") == ["9123456"] and v.get("mmsi") == ["352001234"]
    assert v.get("callSign") == ["9BXY4"] and v.get("flag") == ["pa"] and v.get("pastFlags") == ["lr"]
    assert v.get("tonnage") == ["150,000"] and v.get("grossRegisteredTonnage") == ["81,000"]
    assert "Owner: NATIONAL IRANIAN TANKER COMPANY" in v.get("notes")
    a = edge["ofac-104"]
    assert a.schema.name == "Airplane"
    assert a.get("model") == ["IL76-TD"] and a.get("buildDate") == ["1984-09"]
    assert a.get("serialNumber") == ["1013409321"] and a.get("registrationNumber") == ["EP-ABC"]


def test_fixture_orphan_rows_become_warnings(fixtures):
    pub = ofac.parse(fixtures / "ofac" / "sdn_csv")
    assert pub.warnings == [
        "sdn_comments.csv: 1 remarks continuations for entity numbers not in sdn.csv ignored",
        "alt.csv: aliases of 1 entity numbers not in sdn.csv ignored",
        "add.csv: addresses of 2 entity numbers not in sdn.csv ignored",
    ]


def test_single_sdn_csv_file(fixtures):
    pub = ofac.parse(fixtures / "ofac" / "sdn_csv" / "sdn.csv")
    assert len(pub.entities) == 7
    assert [p.name for p in pub.files] == ["sdn.csv"]
    assert by_id(pub)["ofac-101"].get("alias") == []  # alt.csv not read


def test_checksum_changes_with_any_input_file(fixtures, tmp_path):
    folder = tmp_path / "sdn"
    shutil.copytree(fixtures / "ofac" / "sdn_csv", folder)
    first = ofac.parse(folder).checksum
    assert ofac.parse(folder).checksum == first
    with open(folder / "alt.csv", "ab") as fh:
        fh.write(b"")
    assert ofac.parse(folder).checksum == first
    (folder / "alt.csv").write_bytes(b'101,301,"aka","NASSIRI, Hosein",-0- \r\n\x1a')
    assert ofac.parse(folder).checksum != first


def test_utf8_resaved_csv_is_read(fixtures, tmp_path):
    raw = (fixtures / "ofac" / "sdn_csv" / "sdn.csv").read_bytes()
    (tmp_path / "sdn.csv").write_bytes(raw.decode("cp1252").encode("utf-8"))
    assert by_id(ofac.parse(tmp_path))["ofac-102"].first("name") == "CAFÉ NOUR TRADING CO., LTD."


@pytest.mark.parametrize(
    "name, message, line",
    [
        ("bad_encoding_sdn.csv", "not valid windows-1252", 3),
        ("wrong_columns_sdn.csv", "expected 12 columns, found 4", 2),
        ("bad_entnum_sdn.csv", "entity number 'X110' is not a number", 2),
        ("binary_sdn.csv", "binary data", 1),
        ("truncated.xml", "malformed or truncated XML", 51),
        ("xxe.xml", "DOCTYPE/ENTITY declaration refused", 2),
        ("billion_laughs.xml", "DOCTYPE/ENTITY declaration refused", 2),
    ],
)
def test_bad_input_raises_ingest_error_with_file_and_line(fixtures, name, message, line):
    path = fixtures / "ofac" / name
    with pytest.raises(IngestError) as err:
        ofac.parse(path)
    assert message in err.value.message
    assert err.value.path == str(path)
    assert err.value.line == line


def test_missing_and_empty_inputs(tmp_path):
    with pytest.raises(IngestError, match="neither sdn.csv nor sdn.xml"):
        ofac.parse(tmp_path)
    with pytest.raises(IngestError, match="no such file"):
        ofac.parse(tmp_path / "nope.csv")
    (tmp_path / "sdn.csv").write_bytes(b"")
    with pytest.raises(IngestError, match="empty"):
        ofac.parse(tmp_path)
    (tmp_path / "sdn.csv").write_bytes(b"\x1a")
    with pytest.raises(IngestError, match="no entries"):
        ofac.parse(tmp_path)


def test_duplicate_entity_number_is_refused(fixtures, tmp_path):
    raw = (fixtures / "ofac" / "sdn_csv" / "sdn.csv").read_bytes().rstrip(b"\x1a")
    first_row = raw.split(b"\r\n")[0]
    (tmp_path / "sdn.csv").write_bytes(raw + first_row + b"\r\n")
    with pytest.raises(IngestError, match="appears twice") as err:
        ofac.parse(tmp_path)
    assert err.value.line == 8


def test_other_xml_is_refused(shared_data):
    with pytest.raises(IngestError, match="expected OFAC <sdnList>"):
        ofac.parse(shared_data / "un" / "consolidated.xml")


# -- fixtures: XML -------------------------------------------------------------------------------------

def test_fixture_xml(fixtures):
    pub = ofac.parse(fixtures / "ofac" / "sdn.xml")
    assert pub.published is not None and pub.published.date().isoformat() == "2024-05-03"
    ids = by_id(pub)
    p = ids["ofac-201"]
    assert p.source == "sdn.xml#201"
    assert p.first("name") == "NASIRI, Hossein"
    assert p.get("alias") == ["NASSIRI, Hosein"]
    assert p.get("weakAlias") == ["ABU HASSAN"]  # category weak
    assert p.get("birthDate") == ["1961", "1957-03-11"]
    assert "DOB circa 1961" in p.get("notes")
    assert p.get("passportNumber") == ["A12345"] and "Passport A12345 (Iran)" in p.get("notes")
    assert p.get("gender") == ["male"]
    assert p.get("nationality") == ["ir"] and p.get("citizenship") == ["iq"]
    assert p.get("address") == ["12 Example Street, Tehran 11369, Iran"]
    assert p.get("position") == ["Deputy Minister"]
    assert "Linked To: EXAMPLE SHIPPING LINES (ofac-202)" in p.get("notes")
    assert ids["ofac-202"].get("previousName") == ["OLD EXAMPLE LINES"]
    v = ids["ofac-203"]
    assert v.schema.name == "Vessel"
    assert v.get("imoNumber") == ["9123456"] and v.get("callSign") == ["9BXY4"] and v.get("flag") == ["pa"]


def test_folder_with_only_xml_is_read_as_xml(fixtures, tmp_path):
    shutil.copy(fixtures / "ofac" / "sdn.xml", tmp_path / "sdn.xml")
    assert len(ofac.parse(tmp_path).entities) == 3


def test_xml_content_detected_without_xml_extension(fixtures, tmp_path):
    shutil.copy(fixtures / "ofac" / "sdn.xml", tmp_path / "sdn_export.txt")
    assert len(ofac.parse(tmp_path / "sdn_export.txt").entities) == 3


# -- remarks helpers -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("11 Mar 1957", (["1957-03-11"], False)),
        ("Mar 1957", (["1957-03"], False)),
        ("1957", (["1957"], False)),
        ("circa 1957", (["1957"], True)),
        ("1957 to 1959", (["1957", "1958", "1959"], False)),
        ("1940 to 1970", (["1940", "1970"], False)),  # long ranges keep their ends
        ("05 Mar 1960 to 10 Mar 1960", (["1960-03-05", "1960-03-10"], False)),
        ("circa 1979-1982", ([], True)),
        ("unknown", ([], False)),
    ],
)
def test_parse_dob(text, expected):
    assert parse_dob(text) == expected


def test_parse_date_and_place_country():
    assert parse_date("32 Jan 1990") is None
    assert parse_date("1 Feb 2001") == "2001-02-01"
    assert place_country("Lamard, Fars Province, Iran") == "ir"
    assert place_country("Kinshasa, Congo, Democratic Republic of the") == "cd"
    assert place_country("Sinaloa") is None


def test_identifiers_fall_back_to_a_property_the_schema_has():
    from vigil.model import Entity
    from vigil.sources.ofac_remarks import put

    plane = Entity("Airplane", id="ofac-1")
    assert put(plane, "passportNumber", "P1") and plane.get("registrationNumber") == ["P1"]
    assert not put(plane, "email", "ops@example.org")  # not an identifier: no fallback
    org = Entity("Organization", id="ofac-2")
    assert put(org, "passportNumber", "P2") and org.get("idNumber") == ["P2"]
    assert not put(org, "birthDate", "1990")
