"""A session-wide Matcher over the real lists (OFAC SDN + consolidated, UN, UK), built once."""
from __future__ import annotations

import pytest

from vigil.matching import Matcher
from vigil.sources import parse

LISTS = (
    ("ofac", "ofac_sdn"),
    ("ofac-cons", "ofac_consolidated"),
    ("un", "un/consolidated.xml"),
    ("uk", "uk_ofsi/ConList_from_xlsx.csv"),
)


@pytest.fixture(scope="session")
def list_entities(shared_data):
    entities = []
    for source, rel in LISTS:
        entities.extend(parse(source, shared_data / rel).entities)
    return entities


@pytest.fixture(scope="session")
def matcher(list_entities) -> Matcher:
    return Matcher(list_entities)
