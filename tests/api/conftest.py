"""One loaded index per session (the real lists), shared by every API test."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from vigil.api.app import create_app
from vigil.api.state import IndexState


@pytest.fixture(scope="session")
def index_state(lists_db, session_cache) -> IndexState:
    from vigil.store import Store

    mp = pytest.MonkeyPatch()
    mp.setenv("VIGIL_CACHE_DIR", str(session_cache))
    state = IndexState(store=Store(lists_db))
    assert state.reload()
    yield state
    mp.undo()


@pytest.fixture(scope="session")
def app(index_state):
    return create_app(index_state, require_auth=False, watch_interval=0)


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app) as c:
        yield c

