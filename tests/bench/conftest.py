import pytest

from vigil.bench.lists import from_mirror


@pytest.fixture(scope="session")
def list_entities(shared_data):
    """Every entity of the shared lists, parsed as `vigil bench --no-store` does (datasets set)."""
    return from_mirror(shared_data).entities
