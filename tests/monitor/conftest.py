"""Fixtures for monitoring tests: a SQLite engine per test, and an isolated PostgreSQL schema per session."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

PG_SERVER = os.environ.get("VIGIL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def pg_schema_url():
    """A URL whose connections live in a fresh schema (search_path), dropped at the end: concurrent runs never collide."""
    admin = create_engine(PG_SERVER, pool_pre_ping=True, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {PG_SERVER} ({exc.orig.__class__.__name__}); "
                    "start it or set VIGIL_TEST_POSTGRES")
    schema = f"vigil_mon_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f'create schema "{schema}"'))
    sep = "&" if "?" in PG_SERVER else "?"
    yield f"{PG_SERVER}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'drop schema "{schema}" cascade'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_schema_url):
    """Per test: an empty schema state (tables of the previous test dropped)."""
    engine = create_engine(pg_schema_url)
    with engine.begin() as conn:
        names = conn.execute(text("select tablename from pg_tables where schemaname = current_schema()")).scalars().all()
        for name in names:
            conn.execute(text(f'drop table if exists "{name}" cascade'))
    engine.dispose()
    return pg_schema_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, vigil_home):
    """Run a test on SQLite and, when reachable, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{vigil_home / 'vigil.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url, monkeypatch):
    from vigil.store import Store

    monkeypatch.setenv("VIGIL_DATABASE_URL", db_url)
    s = Store(db_url)
    yield s
    s.engine.dispose()
