"""The real `yente-client` package against a live `vigil serve` on loopback."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import httpx
import pytest

yente_client = pytest.importorskip("yente_client")

VIGIL = shutil.which("vigil") or pytest.skip("the `vigil` command is not installed", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(index_state, lists_db, session_cache, tmp_path_factory):
    # index_state first: it leaves a warm matcher cache, so the server starts in seconds
    port = _free_port()
    home = tmp_path_factory.mktemp("serve-home")
    env = {**os.environ, "VIGIL_HOME": str(home), "VIGIL_DATABASE_URL": lists_db,
           "VIGIL_CACHE_DIR": str(session_cache), "VIGIL_RELOAD_INTERVAL": "0"}
    env.pop("VIGIL_REQUIRE_AUTH", None)
    proc = subprocess.Popen(
        [VIGIL, "serve", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"vigil serve exited: {proc.stdout.read().decode(errors='replace')}")
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("vigil serve did not become ready")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_yente_client_match_search_fetch_catalog(server):
    from yente_client import BEST_ALGORITHM, Client, Person

    with Client(base_url=server) as client:
        assert client.healthz().status == "ok"
        assert client.readyz().status == "ok"

        resp = client.match(Person(name=["Qasem Soleimani"], birthDate=["1957"]), algorithm=BEST_ALGORITHM)
        assert resp.top is not None and resp.top.id == "ofac-10481"
        assert resp.top.match and resp.top.score >= 0.7
        assert resp.top.contributing_explanations
        assert resp.total.value >= len(resp.results)

        only_un = client.match(Person(name=["Qasem Soleimani"]), datasets=["un_sc_sanctions"], limit=3)
        assert only_un.top.id == "unsc-IRi.039" and len(only_un.results) <= 3

        excluded = client.match(Person(name=["Qasem Soleimani"]), exclude_entities=["ofac-10481"])
        assert "ofac-10481" not in [r.id for r in excluded.results]

        found = client.search("soleimani")
        assert "ofac-10481" in [e.id for e in found.results]

        ent = client.fetch("ofac-10481")
        assert ent.schema_ == "Person" and "us_ofac_sdn" in ent.datasets

        from yente_client.exceptions import NotFoundError

        with pytest.raises(NotFoundError):
            client.fetch("ofac-0")

        catalog = client.datasets()
        names = {d.name: d for d in catalog.datasets}
        assert names["us_ofac_sdn"].entity_count > 10_000 and names["us_ofac_sdn"].updated_at is not None
        assert "us_ofac_sdn" in names["default"].children

        algos = client.algorithms()
        assert algos.default in [a.name for a in algos.algorithms]


def test_yente_client_match_iter(server):
    from yente_client import Client, Organization, Person

    rows = [("q1", Person(name=["Ghasem Soleimani"])), ("q2", Organization(name=["Hizballah"])),
            ("q3", Person(name=["Patricia Lucas Wheeler"], birthDate=["2002-07-14"]))]
    with Client(base_url=server) as client:
        out = dict(client.match_iter(rows, workers=2))
    assert out["q1"].top.id == "ofac-10481"
    assert out["q2"].top.id in ("ofac-4697", "gb-hmt-13804")
    assert not out["q3"].matches


def test_yente_client_beyond_the_defaults(server):
    """What a yente client does after its first call: yente algorithm names, facets, algorithms, statements."""
    from yente_client import Client, Person
    from yente_client.exceptions import NotFoundError

    with Client(base_url=server) as client:
        for algorithm in ("logic-v2", "name-based", "regression-v1"):
            resp = client.match(Person(name=["Mahmoud Alavi"], birthDate=["1954-04-24"]), algorithm=algorithm)
            assert resp.top is not None and resp.top.id == "ofac-30422", algorithm
        found = client.search("soleimani", facets=["countries", "datasets"])
        assert "ir" in [v.name for v in found.facets["countries"].values]
        assert found.facets["datasets"].values[0].count >= 1
        names = [a.name for a in client.algorithms().algorithms]
        assert {"vigil", "ofac", "logic-v2", "logic-v1", "name-based", "name-qualified", "regression-v1"} <= set(names)
        with pytest.raises(NotFoundError, match="not available on this server"):
            client.statements(canonical_id="ofac-10481")
        try:
            adjacent = client.adjacent("ofac-10481")
        except NotFoundError:
            pytest.skip("GET /entities/{id}/adjacent is not served yet (issue 17 adds it)")
        assert adjacent.entity.id == "ofac-10481"
