"""Where lists come from: the mirror layout, and downloads over real HTTP (a local server)."""
from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigil.cli.main import app
from vigil.store import update as upd
from vigil.store.update import Skip, mirror_path


def touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_mirror_layout(tmp_path):
    touch(tmp_path / "ofac_sdn" / "sdn.csv")
    touch(tmp_path / "ofac_consolidated" / "consolidated.xml")
    touch(tmp_path / "un" / "consolidated.xml")
    touch(tmp_path / "uk_ofsi" / "ConList_from_xlsx.csv")
    touch(tmp_path / "eu_oj_opensanctions" / "consolidated" / "x.json")
    assert mirror_path("ofac", tmp_path) == tmp_path / "ofac_sdn"
    assert mirror_path("ofac-cons", tmp_path) == tmp_path / "ofac_consolidated" / "consolidated.xml"  # XML without CSV
    touch(tmp_path / "ofac_consolidated" / "cons_prim.csv")
    assert mirror_path("ofac-cons", tmp_path) == tmp_path / "ofac_consolidated"  # the CSV set when present
    assert mirror_path("un", tmp_path) == tmp_path / "un" / "consolidated.xml"
    assert mirror_path("uk", tmp_path) == tmp_path / "uk_ofsi" / "ConList_from_xlsx.csv"
    touch(tmp_path / "uk_ofsi" / "ConList.xlsx")
    assert mirror_path("uk", tmp_path) == tmp_path / "uk_ofsi" / "ConList.xlsx"  # OFSI's own format first
    with pytest.raises(Skip, match="the mirror has no EU file"):
        mirror_path("eu", tmp_path)  # eu_oj_opensanctions is not the official list
    touch(tmp_path / "eu_fsf" / "export.xml")
    assert mirror_path("eu", tmp_path) == tmp_path / "eu_fsf" / "export.xml"
    with pytest.raises(Skip, match="no UN file"):
        mirror_path("un", tmp_path / "empty")


@pytest.fixture
def http_server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_update_downloads_into_vigil_home_then_ingests(http_server, vigil_home, fixtures, monkeypatch):
    root, base = http_server
    (root / "un.xml").write_bytes((fixtures / "hostile" / "truncated_un.xml").read_bytes())
    (root / "eu.xml").write_bytes((fixtures / "eu" / "fsf_sample.xml").read_bytes())
    monkeypatch.setattr(upd, "DOWNLOADS", {
        "un": [upd.RemoteFile(base + "un.xml", "consolidated.xml")],
        "eu": [upd.RemoteFile(base + "eu.xml?token={token}", "xmlFullSanctionsList_1_1.xml")],
    })
    monkeypatch.setenv(upd.EU_TOKEN_ENV, "secret")
    runner = CliRunner()
    result = runner.invoke(app, ["update", "--only", "un", "--only", "eu", "--json"])
    report = {r["source"]: r for r in json.loads(result.stdout)}
    # A broken download fails alone with a clear message; the other source is still loaded.
    assert result.exit_code == 2
    assert report["un"]["status"] == "failed" and "consolidated.xml" in report["un"]["message"]
    assert report["eu"]["status"] == "created"
    assert (vigil_home / "downloads" / "eu" / "xmlFullSanctionsList_1_1.xml").read_bytes() == \
        (fixtures / "eu" / "fsf_sample.xml").read_bytes()
    assert not list((vigil_home / "downloads").rglob("*.part"))
    again = runner.invoke(app, ["update", "--only", "eu", "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)[0]["status"] == "unchanged"


def test_http_errors_are_named_and_eu_needs_a_token(http_server, tmp_path, monkeypatch):
    _, base = http_server
    files = {"un": [upd.RemoteFile(base + "missing.xml", "consolidated.xml")]}
    with pytest.raises(upd.DownloadError, match="consolidated.xml: HTTP 404"):
        upd.download("un", tmp_path, files=files, timeout=5)
    monkeypatch.delenv(upd.EU_TOKEN_ENV, raising=False)
    with pytest.raises(Skip, match="needs a token .* VIGIL_EU_FSF_TOKEN"):
        upd.download("eu", tmp_path)
