"""Parties fixtures: small hand-written lists on SQLite and PostgreSQL, and the real lists resolved once."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from parties_data import ingest, small_lists

from vigil.store import Store

_spec = importlib.util.spec_from_file_location("_store_conftest", Path(__file__).parents[1] / "store" / "conftest.py")
_store_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_store_conftest)  # its PostgreSQL helper: one fresh schema per test


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """An empty store on SQLite and, when reachable, on PostgreSQL (as tests/store does)."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'store.db'}")
        yield s
        s.engine.dispose()
        return
    import sqlalchemy as sa

    url, schema, admin = _store_conftest._pg_schema_url()
    s = Store(url)
    try:
        yield s
    finally:
        s.engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def small_store(store):
    ingest(store, small_lists())
    return store


@pytest.fixture(scope="module")
def matcher(lists_db, session_cache):
    """The matcher over the real lists, through the index cache the CLI uses."""
    from vigil.service.index_cache import load_matcher

    mp = pytest.MonkeyPatch()
    mp.setenv("VIGIL_CACHE_DIR", str(session_cache))
    store = Store(lists_db)
    matcher, _ = load_matcher(store)
    yield matcher
    store.engine.dispose()
    mp.undo()


@pytest.fixture(scope="session")
def resolved_db(lists_db, tmp_path_factory) -> str:
    """A copy of the real lists (tests/conftest.py `lists_db`) with parties resolved once, from scratch."""
    from vigil.parties import Parties

    folder = tmp_path_factory.mktemp("parties-db")
    shutil.copy(lists_db.removeprefix("sqlite:///"), folder / "vigil.db")
    url = f"sqlite:///{folder / 'vigil.db'}"
    store = Store(url)
    Parties(store).resolve()
    store.engine.dispose()
    return url


@pytest.fixture
def real_parties(resolved_db):
    from vigil.parties import Parties

    store = Store(resolved_db)
    yield Parties(store)
    store.engine.dispose()
