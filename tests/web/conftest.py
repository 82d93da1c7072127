"""One store for the UI tests: every real list, plus a second OFAC consolidated snapshot (a real diff),
a customer book and the alerts the monitor raises for it. Built once per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def web_home(lists_db, shared_data, fixtures, tmp_path_factory) -> Path:
    """A VIGIL_HOME (for `vigil serve` subprocesses too) whose vigil.db holds the real lists and alerts."""
    from vigil.service.index_cache import load_matcher
    from vigil.monitor import Monitor, import_book
    from vigil.store import Store

    home = tmp_path_factory.mktemp("web-home")
    src = Path(lists_db.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):  # copying is far cheaper than ingesting again
        if Path(f"{src}{suffix}").exists():
            shutil.copy(f"{src}{suffix}", home / f"vigil.db{suffix}")
    mp = pytest.MonkeyPatch()
    mp.setenv("VIGIL_CACHE_DIR", str(home / "cache"))
    store = Store(web_url(home))
    # The OFAC consolidated list also exists as classic sdnList XML: a second snapshot gives a real diff.
    store.ingest_file("ofac-cons", shared_data / "ofac_consolidated" / "consolidated.xml")
    matcher, _ = load_matcher(store)  # built once here, then cached under home/cache for every app and server
    import_book("retail", fixtures / "monitor" / "customers.csv", engine=store.engine)
    Monitor(store, full_matcher=matcher).run()
    store.engine.dispose()
    mp.undo()
    return home


def web_url(home: Path) -> str:
    # Exactly the URL `vigil serve` derives from VIGIL_HOME, so the matcher cache is shared.
    return f"sqlite:///{home / 'vigil.db'}"


@pytest.fixture(scope="session")
def web_state(web_home):
    from vigil.api.state import IndexState
    from vigil.store import Store

    mp = pytest.MonkeyPatch()
    mp.setenv("VIGIL_CACHE_DIR", str(web_home / "cache"))
    state = IndexState(store=Store(web_url(web_home)))
    assert state.reload()
    yield state
    mp.undo()


@pytest.fixture(scope="session")
def ui(web_state):
    """A client of the app as `vigil serve` builds it (auth off, as on loopback)."""
    from vigil.api.app import create_app

    with TestClient(create_app(web_state, require_auth=False, watch_interval=0),
                    headers={"Accept": "text/html"}) as client:
        yield client


@pytest.fixture(scope="session")
def ui_auth(web_state):
    """The same app with API keys required."""
    from vigil.api.app import create_app

    with TestClient(create_app(web_state, require_auth=True, watch_interval=0, record=False),
                    headers={"Accept": "text/html"}) as client:
        yield client


@pytest.fixture(scope="session")
def csrf():
    """`csrf(client)` -> the form token of the client's session (its cookie jar keeps the session cookie), as a
    page's hidden field carries it: what a UI form post needs besides a same-origin request."""
    from lxml import html as lxml_html

    def token(client) -> str:
        page = lxml_html.fromstring(client.get("/ui/login").text)
        return page.xpath("//input[@name='csrf_token']/@value")[0]

    return token
