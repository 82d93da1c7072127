"""GET /docs and /redoc work offline: every script, stylesheet and icon they reference is served by vigil."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from vigil.api.app import create_app
from vigil.api.state import IndexState
from vigil.store import Store


@pytest.fixture(scope="module")
def docs_client(tmp_path_factory):
    """No lists needed: the documentation pages do not touch the index."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('docs') / 'v.db'}")
    with TestClient(create_app(IndexState(store=store), require_auth=False, watch_interval=0, record=False)) as c:
        yield c


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_reference_only_local_assets_and_they_are_served(docs_client, page):
    r = docs_client.get(page)
    assert r.status_code == 200
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', r.text)
    refs += re.findall(r"url\s*:\s*['\"]([^'\"]+)['\"]", r.text)  # Swagger UI's openapi url
    assert refs, r.text
    external = [u for u in refs if re.match(r"(?:https?:)?//", u)]
    assert external == [], f"{page} loads from the network: {external}"
    assert "cdn" not in r.text.lower() and "fonts.googleapis" not in r.text
    for ref in refs:
        asset = docs_client.get(ref)
        assert asset.status_code == 200, ref
        assert len(asset.content) > 100, ref
    scripts = [u for u in refs if u.endswith(".js")]
    assert scripts and all(docs_client.get(u).headers["content-type"].startswith(("application/javascript",
                                                                                   "text/javascript"))
                           for u in scripts)
