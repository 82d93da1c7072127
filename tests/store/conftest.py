"""Store fixtures: the same tests run on SQLite and, when reachable, on a real PostgreSQL server."""
from __future__ import annotations

import os
import uuid

import pytest

from vigil.store import Store

PG_URL = os.environ.get("VIGIL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_schema_url() -> tuple[str, str, object]:
    """A fresh schema per test so parallel runs (CI, several engineers) never see each other's rows."""
    try:
        import sqlalchemy as sa
    except ImportError:  # pragma: no cover
        pytest.skip("SQLAlchemy missing")
    admin = sa.create_engine(PG_URL)
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any connection problem means "no server here"
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}")
    schema = f"vigil_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", schema, admin


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'store.db'}")
        yield s
        s.engine.dispose()
        return
    import sqlalchemy as sa

    url, schema, admin = _pg_schema_url()
    s = Store(url)
    try:
        yield s
    finally:
        s.engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_url():
    """A PostgreSQL URL bound to a fresh schema, dropped afterwards (skips when no server is reachable)."""
    import sqlalchemy as sa

    url, schema, admin = _pg_schema_url()
    yield url
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
