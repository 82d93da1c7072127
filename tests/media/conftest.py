"""The real lists (OFAC SDN, UN, UK) in one Matcher, shared by the news-scan tests."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def list_matcher(shared_data):
    from vigil.matching import Matcher
    from vigil.sources import parse

    entities = []
    for source, path in (("ofac", "ofac_sdn"), ("un", "un"), ("uk", "uk_ofsi")):
        entities.extend(parse(source, shared_data / path).entities)
    return Matcher(entities)
