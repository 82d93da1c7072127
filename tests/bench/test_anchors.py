"""nomenklatura as the comparison anchor, and the report when it is absent."""
import pytest

from vigil.bench import anchors, engine, run_bench
from vigil.bench.queries import name_entity, person_entity, props_entity
from vigil.bench.evalsets import PersonRow


def test_person_query_carries_the_details():
    row = PersonRow("Patricia Lucas Wheeler", "Patricia", "Lucas", "Wheeler", "female", "2002-07-14",
                    "Dar es Salaam", "Ethiopia")
    entity = person_entity(row)
    assert entity.get("nationality") == ["et"] and entity.get("birthDate") == ["2002-07-14"]
    assert entity.get("gender") == ["female"] and entity.get("lastName") == ["Wheeler"]
    assert person_entity(row, with_details=False).properties == {"name": ["Patricia Lucas Wheeler"]}


def test_name_from_parts_like_entity_bench():
    entity = props_entity("Person", {"firstName": ["Vladimir"], "lastName": ["Putin"], "bogus": ["x"]})
    assert entity.get("name") == ["Vladimir Putin"]
    assert name_entity("NoSuchSchema", "ACME").schema.name == "LegalEntity"


@pytest.mark.skipif(not anchors.available(), reason="nomenklatura not installed (bench extra)")
def test_nomenklatura_scores_a_pair():
    # logic-v1 here: logic-v2 loads rigour's name tables on first use (~30 s), too slow for a unit test;
    # both go through the same proxy building and `Algorithm.compare` call.
    compare = anchors.comparer("logic-v1")
    same = compare(name_entity("Person", "Olaf Scholz"), name_entity("Person", "Olaf Scholz"))
    other = compare(name_entity("Person", "Angela Merkel"), name_entity("Person", "Olaf Scholz"))
    assert same == pytest.approx(1.0)
    assert other < 0.5


@pytest.mark.skipif(not engine.available(), reason="vigil.matching.Matcher not built yet")
def test_without_nomenklatura_the_columns_say_not_installed(shared_data, monkeypatch):
    monkeypatch.setattr(anchors, "available", lambda: False)
    report = run_bench(mirror=shared_data, only=["entity_bench"], quick=True)
    assert not report.errors
    row = report.rows[0]
    assert row.values["logic-v2"] == anchors.NOT_INSTALLED == row.values["logic-v1"]
    assert 0.0 <= row.values["vigil"] <= 1.0
