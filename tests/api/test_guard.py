"""The guard's rules one by one (api/guard.py): Host allow-list, same-origin state changes, security headers.

The attacks of issue 13 against the real lists and alerts are in tests/web/test_attacks.py.
"""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from vigil.api.app import create_app
from vigil.api.guard import HostPolicy, cross_origin_reason, split_host
from vigil.api.state import IndexState
from vigil.settings import Settings, SettingsError
from vigil.store import Store


@pytest.mark.parametrize("value,expected", [
    ("localhost:8000", ("localhost", "8000")), ("LOCALHOST", ("localhost", None)), ("[::1]:8000", ("::1", "8000")),
    ("[::1]", ("::1", None)), ("vigil.example.org.", ("vigil.example.org", None)), ("127.0.0.1:80", ("127.0.0.1", "80")),
])
def test_split_host(value, expected):
    assert split_host(value) == expected


def test_host_policy_refuses_rebinding_names_and_accepts_local_and_configured_ones():
    policy = HostPolicy(["vigil.example.org", "*.bank.example"])
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "app.localhost", "10.1.2.3", "[fe80::1]",
                 "vigil.example.org", "VIGIL.example.org:443", "screening.bank.example"):
        assert policy.allows(host), host
    for host in ("evil.example", "evil.example:8000", "vigil.example.org.evil.example", "bank.example.evil", "",
                 "localhost.evil.example", "127.0.0.1.nip.io"):
        assert not policy.allows(host), host
    # the name the connection was made to (the bound address, TestClient's "testserver")
    assert policy.allows("testserver", ("testserver", 80)) and not policy.allows("testserver", ("127.0.0.1", 8000))
    assert HostPolicy(["*"]).allows("anything.example")


def test_allowed_hosts_setting_is_parsed_and_checked():
    assert Settings.from_env({"VIGIL_ALLOWED_HOSTS": "Vigil.Example.org, *.bank.example"}).allowed_hosts == (
        "vigil.example.org", "*.bank.example")
    for bad in ("https://vigil.example.org", "vigil.example.org:8000", "a/b"):
        with pytest.raises(SettingsError):
            Settings.from_env({"VIGIL_ALLOWED_HOSTS": bad})


H = {"host": "localhost:8000"}


@pytest.mark.parametrize("headers,refused", [
    ({}, False),  # a program (curl, yente-client, OpenRefine's server): no browser headers at all
    ({"origin": "http://localhost:8000"}, False),
    ({"origin": "http://evil.example"}, True),
    ({"origin": "http://localhost:9999"}, True),  # another port on the same machine: another origin
    ({"origin": "null"}, True),
    ({"referer": "http://evil.example/page"}, True),
    ({"referer": "http://localhost:8000/ui/alerts/1"}, False),
    ({"sec-fetch-site": "cross-site"}, True),
    ({"sec-fetch-site": "same-site"}, True),
    ({"sec-fetch-site": "same-origin", "origin": "http://localhost:8000"}, False),
    ({"origin": "http://evil.example", "x-api-key": "vgl_x"}, False),  # a key in a header: never a browser's own
    ({"origin": "http://evil.example", "authorization": "Bearer vgl_x", "cookie": "a=b"}, False),
    ({"origin": "http://evil.example", "authorization": "Basic dTpw"}, True),  # browsers replay Basic by themselves
])
def test_cross_origin_rules(headers, refused):
    assert (cross_origin_reason("POST", {**H, **headers}, "http") is not None) is refused
    assert cross_origin_reason("GET", {**H, **headers}, "http") is None


def test_origin_behind_a_tls_proxy_matches_the_host_name():
    headers = {"host": "vigil.example.org", "origin": "https://vigil.example.org"}
    assert cross_origin_reason("POST", headers, "http") is None
    assert cross_origin_reason("POST", {**headers, "origin": "https://vigil.example.org:8443"}, "http") is not None


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """An app over an empty store: the guard answers before any route needs the lists."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('guard') / 'v.db'}")
    settings = Settings.from_env({"VIGIL_HOME": str(tmp_path_factory.mktemp("guard-home")),
                                  "VIGIL_ALLOWED_HOSTS": "vigil.example.org"})
    app = create_app(IndexState(store=store), settings=settings, require_auth=False, watch_interval=0, record=False)
    with TestClient(app) as client:
        yield client


def test_unknown_host_is_421_before_any_route(bare):
    r = bare.get("/healthz", headers={"Host": "evil.example:8000"})
    assert r.status_code == 421 and "VIGIL_ALLOWED_HOSTS" in r.json()["detail"]
    assert bare.get("/healthz", headers={"Host": "vigil.example.org"}).status_code == 200
    assert bare.get("/healthz", headers={"Host": "localhost:8000"}).status_code == 200


def test_every_response_carries_the_security_headers(bare):
    for path in ("/healthz", "/ui/login", "/openapi.json", "/nope"):
        r = bare.get(path)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_allow_only_their_own_inline_script(bare, page):
    import base64
    import hashlib
    import re

    r = bare.get(page)
    csp = r.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "unsafe-inline" not in script_src and "frame-ancestors 'none'" in csp
    inline = re.findall(r"<script>(.*?)</script>", r.text, flags=re.S)
    for script in inline:  # Swagger UI's start-up script, by hash; ReDoc has none
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    assert len(re.findall("'sha256-", script_src)) == len(inline)


def test_admin_actions_need_an_admin_key_even_on_the_keyless_loopback_server(bare):
    r = bare.post("/updatez")
    assert r.status_code == 401 and "admin" in r.json()["detail"]
    r = bare.post("/ingest/ofac", files={"files": ("sdn.csv", b"x", "text/csv")})
    assert r.status_code == 401


def test_serve_host_name_joins_the_allowed_hosts(tmp_path):
    from vigil.api.guard import HostPolicy
    from vigil.cli.serve import with_bind_name

    base = Settings.from_env({"VIGIL_HOME": str(tmp_path), "VIGIL_ALLOWED_HOSTS": "vigil.example.org"})
    named = with_bind_name(base, "Vigil.Internal")
    assert named.allowed_hosts == ("vigil.example.org", "vigil.internal")
    assert HostPolicy(named.allowed_hosts).allows("vigil.internal:8000")
    assert with_bind_name(base, "0.0.0.0") is base and with_bind_name(base, "::1") is base
    assert Settings.from_env(named.to_env()).allowed_hosts == named.allowed_hosts  # handed to worker processes
