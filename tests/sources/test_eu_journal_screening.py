"""The EU listings of the founding article (EU terrorist list, 2019) screened from EU data, on the real lists:
`vigil screen --dataset eu_journal_sanctions …` and the Python API."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from vigil.cli.main import app
from vigil.matching import Matcher
from vigil.model import Entity
from vigil.store import Store

EU = "eu_journal_sanctions"
# (query as a user types it, schema, date of birth or None, the EU record it must find first)
SEED_LISTINGS = [
    ("Assadollah Asadi", "Person", "1971-12-22", "eu-oj-32001R2580-II.A-6"),
    ("Asadollah Assadi", "Person", None, "eu-oj-32001R2580-II.A-6"),
    ("Saeid Hashemi Moghadam", "Person", "1962", "eu-oj-32001R2580-II.A-8"),
    ("Saeed Hashemi Moghaddam", "Person", None, "eu-oj-32001R2580-II.A-8"),
    ("Directorate for Internal Security of the Iranian Ministry for Intelligence and Security", "Organization", None,
     "eu-oj-32001R2580-II.B-6"),
]


@pytest.fixture
def loaded(lists_db, session_cache, monkeypatch):
    monkeypatch.setenv("VIGIL_DATABASE_URL", lists_db)
    monkeypatch.setenv("VIGIL_CACHE_DIR", str(session_cache))
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="module")
def matcher(lists_db) -> Matcher:
    store = Store(lists_db)
    if EU not in {d.name for d in store.datasets()}:
        pytest.skip("the EU Official Journal transcription is not in ../shared/data")
    entities = list(store.entities())
    store.engine.dispose()
    return Matcher(entities)


@pytest.mark.parametrize("name, schema, dob, expected", SEED_LISTINGS)
def test_cli_screen_finds_the_eu_listing(loaded, name, schema, dob, expected):
    args = ["screen", name, "--dataset", EU, "--schema", schema, "--json", "--limit", "3"]
    result = CliRunner().invoke(app, args + (["--dob", dob] if dob else []))
    assert result.exit_code == 0, result.output
    top = json.loads(result.stdout)["results"][0]
    assert top["id"] == expected and top["match"], top
    assert top["datasets"] == [EU] or EU in top["datasets"]


def test_cli_screen_table_and_exit_code(loaded):
    result = CliRunner().invoke(app, ["screen", "Assadollah Asadi", "--dataset", EU, "--fail-on-match"])
    assert result.exit_code == 1, result.output  # a match on the EU list
    assert "eu-oj-32001R2580-II.A-6" in result.stdout and "MATCH" in result.stdout


@pytest.mark.parametrize("name, schema, dob, expected", SEED_LISTINGS)
def test_python_api_finds_the_eu_listing(matcher, name, schema, dob, expected):
    query = Entity(schema, properties={"name": [name], **({"birthDate": [dob]} if dob else {})})
    response = matcher.match(query, datasets=[EU], limit=3)
    top = response.results[0]
    assert top.entity.id == expected and top.match
    assert top.entity.datasets == [EU]


def test_eu_listing_found_among_all_lists(matcher):
    """Without a dataset filter the EU records still come up (the UK also lists the directorate)."""
    query = Entity("Person", properties={"name": ["Assadollah Asadi"], "birthDate": ["1971-12-22"],
                                         "nationality": ["ir"]})
    ids = [r.entity.id for r in matcher.match(query, limit=5).results if r.match]
    assert "eu-oj-32001R2580-II.A-6" in ids
    query = Entity("Organization", properties={"name": ["Directorate for Internal Security of the Iranian Ministry "
                                                        "for Intelligence and Security"]})
    ids = [r.entity.id for r in matcher.match(query, limit=5).results if r.match]
    assert {"eu-oj-32001R2580-II.B-6", "gb-hmt-13742"} <= set(ids)
