"""The entity model reads and writes FtM JSON, validates properties, and merges records of one party."""
import pytest

from vigil.model import Entity, SchemaError, model


def test_schemata_are_data_with_inheritance():
    m = model()
    person = m.get("Person")
    assert person.is_a("LegalEntity") and person.is_a("Thing")
    assert person.prop_type("birthDate") == "date"
    assert person.prop_type("name") == "name"  # inherited from Thing
    assert m.get("Vessel").prop_type("imoNumber") == "identifier"
    assert {"Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane"} <= set(m.matchable())


def test_common_schema_never_mixes_people_and_vessels():
    m = model()
    assert m.common_schema("Person", "LegalEntity") == "Person"
    assert m.common_schema("LegalEntity", "Company") == "Company"
    assert m.common_schema("Person", "Vessel") is None
    assert m.common_schema("Person", "Organization") is None


def test_add_cleans_dedupes_and_rejects_unknown_properties():
    e = Entity("Person", id="ofac-30422")
    e.add("name", "  ALAVI,\tMahmoud ")
    e.add("alias", ["ALAVI, Seyyed Mahmoud", "ALAVI, Seyyed Mahmoud", "", None])
    e.add("birthDate", "1954-04-24")
    assert e.get("name") == ["ALAVI, Mahmoud"]
    assert e.get("alias") == ["ALAVI, Seyyed Mahmoud"]
    assert e.caption == "ALAVI, Mahmoud"
    assert e.names == ["ALAVI, Mahmoud", "ALAVI, Seyyed Mahmoud"]
    with pytest.raises(SchemaError):
        e.add("imoNumber", "9187629")  # a Person has no IMO number
    with pytest.raises(SchemaError):
        Entity("Spaceship")


def test_ftm_json_round_trip_keeps_unknown_properties():
    data = {
        "id": "NK-x", "schema": "Company", "caption": "Inter Tobacco",
        "properties": {"name": ["Inter Tobacco"], "country": ["by"], "someFutureProperty": ["kept"]},
        "datasets": ["eu_fsf"], "referents": ["ofac-32733"], "target": True,
        "first_seen": "2023-04-20T18:00:25", "last_seen": "2024-06-01T10:57:03", "last_change": "2023-07-26T20:01:14",
    }
    e = Entity.from_dict(data)
    out = e.to_dict()
    assert out["properties"]["someFutureProperty"] == ["kept"]
    assert Entity.from_dict(out).to_dict() == out
    for key in ("datasets", "referents", "first_seen", "last_seen", "last_change", "target"):
        assert out[key] == data[key]


def test_get_type_collects_values_across_properties():
    e = Entity("Person", id="p")
    e.add("nationality", "ir")
    e.add("country", ["ir", "iq"])
    e.add("passportNumber", "D9016371")
    e.add("idNumber", "0079-123")
    assert e.get_type("country") == ["ir", "iq"]
    assert set(e.get_type("identifier")) == {"D9016371", "0079-123"}


def test_merge_takes_the_more_specific_schema():
    a = Entity("LegalEntity", id="x", properties={"name": ["HAMAS"]}, datasets=["us_ofac_sdn"])
    b = Entity("Organization", id="x", properties={"alias": ["Islamic Resistance Movement"]}, datasets=["gb_hmt_sanctions"])
    a.merge(b)
    assert a.schema.name == "Organization"
    assert a.datasets == ["us_ofac_sdn", "gb_hmt_sanctions"]
    assert a.names == ["HAMAS", "Islamic Resistance Movement"]
    with pytest.raises(SchemaError):
        a.merge(Entity("Vessel", id="x"))


def test_control_characters_are_removed():
    e = Entity("Organization", id="o")
    e.add("name", "BANCO\x00 NACIONAL\x1a DE CUBA")
    assert e.get("name") == ["BANCO NACIONAL DE CUBA"]
