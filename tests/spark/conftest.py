"""Spark tests: a local[2] session with the machine's Java runtime and pyspark from the `spark` extra.

They skip, saying why, only where Spark cannot run at all (pyspark not installed or no Java 17+);
`.ci/run` installs both, so CI runs them.
"""
from __future__ import annotations


import pytest

MASTER = "local[2]"


@pytest.fixture(scope="session")
def spark():
    from vigil.spark import SparkError
    from vigil.spark.session import check, start

    try:
        check(MASTER)
    except SparkError as exc:
        pytest.skip(f"Spark cannot run here: {exc}")
    session = start(MASTER)
    yield session
    session.stop()


@pytest.fixture
def loaded(lists_db, session_cache, monkeypatch):
    monkeypatch.setenv("VIGIL_DATABASE_URL", lists_db)
    monkeypatch.setenv("VIGIL_CACHE_DIR", str(session_cache))


@pytest.fixture(scope="session")
def lists_matcher(lists_db, session_cache):
    """The matcher over the real lists (the index cache the CLI uses) and its cache file."""
    from vigil.service.index_cache import cache_path, load_matcher
    from vigil.settings import Settings
    from vigil.store import Store

    settings = Settings.from_env({"VIGIL_HOME": str(session_cache.parent), "VIGIL_DATABASE_URL": lists_db,
                                  "VIGIL_CACHE_DIR": str(session_cache)})
    store = Store(lists_db)
    matcher, fingerprint = load_matcher(store, settings=settings)
    path = cache_path(fingerprint, settings)
    store.engine.dispose()
    return matcher, path
