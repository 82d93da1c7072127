"""Shared fixtures: the real lists in ../shared/data, and an isolated VIGIL_HOME per test."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("VIGIL_SHARED_DATA", ROOT.parent / "shared" / "data"))
SHARED_ARTICLES = SHARED_DATA.parent / "articles"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (the real published lists); tests needing it skip cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real list data not found at {SHARED_DATA} (set VIGIL_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_articles() -> Path:
    if not SHARED_ARTICLES.is_dir():
        pytest.skip(f"example articles not found at {SHARED_ARTICLES}")
    return SHARED_ARTICLES


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def vigil_home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own empty VIGIL_HOME and SQLite store; nothing touches ~/.vigil."""
    home = tmp_path / "vigil-home"
    home.mkdir()
    monkeypatch.setenv("VIGIL_HOME", str(home))
    monkeypatch.delenv("VIGIL_DATABASE_URL", raising=False)
    monkeypatch.delenv("VIGIL_REQUIRE_AUTH", raising=False)
    return home


@pytest.fixture(scope="session")
def lists_db(shared_data, tmp_path_factory) -> str:
    """SQLAlchemy URL of a store with every real list in ../shared/data ingested once per session."""
    from vigil.store import Store
    from vigil.store.update import UPDATE_ORDER, Skip, mirror_path

    url = f"sqlite:///{tmp_path_factory.mktemp('lists-db') / 'vigil.db'}"
    store = Store(url)
    for source in UPDATE_ORDER:
        try:
            path = mirror_path(source, shared_data)
        except Skip:
            continue
        store.ingest_file(source, path)
    store.engine.dispose()
    return url


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory) -> Path:
    """A VIGIL_CACHE_DIR shared by the session, so the Matcher over `lists_db` is built once."""
    return tmp_path_factory.mktemp("matcher-cache")
