"""Issue 13.4, HTTP side, as attacks: weights and config that would switch screening off, oversized articles."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from vigil.matching.matcher import ALGORITHMS
from vigil.service import tuning

SOLEIMANI = {"schema": "Person", "properties": {"name": ["Qasem Soleimani"]}}
UNRELATED = {"schema": "Person", "properties": {"name": ["Margaret Thornbury"]}}


def _match(client, body: str):
    return client.post("/match/default", content=body.encode(), headers={"content-type": "application/json"})


def _body(query, weights=None, config=None, raw_weights=None, raw_config=None) -> str:
    # raw_*: JSON text, for the literals json.dumps will not write (NaN, Infinity)
    w = raw_weights if raw_weights is not None else json.dumps(weights or {})
    c = raw_config if raw_config is not None else json.dumps(config or {})
    return f'{{"queries": {{"q": {json.dumps(query)}}}, "weights": {w}, "config": {c}}}'


@pytest.mark.parametrize("raw_config", [
    '{"min_token_score": NaN}',  # the report's attack: hid Qasem Soleimani completely
    '{"min_token_score": Infinity}', '{"min_token_score": -Infinity}', '{"min_token_score": "NaN"}',
    '{"fuzzy_floor": -0.5}', '{"fuzzy_floor": 0}', '{"skeleton_score": 1.5}', '{"weak_alias_factor": 0}',
    '{"candidates": 0}', '{"candidates": -3}', '{"candidates": 2.5}', '{"candidates": 100000}',
    '{"conflict_factor": true}', '{"conflict_factor": "high"}', '{"min_token_score": 1e400}',
])
def test_bad_config_is_422(client, raw_config):
    r = _match(client, _body(SOLEIMANI, raw_config=raw_config))
    assert r.status_code == 422, (raw_config, r.text)
    key = next(iter(json.loads(raw_config.replace("NaN", "0").replace("-Infinity", "0").replace("Infinity", "0")
                               .replace("1e400", "0"))))
    assert key in r.text and "config" in r.text


@pytest.mark.parametrize("raw_weights", [
    '{"name": NaN}',  # the report's attack: an unrelated SOLEIMANI became a 1.00 match
    '{"name": Infinity}', '{"name": 0}', '{"name": -1}', '{"name": 2}', '{"dob_match": -0.2}',
    '{"dob_mismatch": 0.3}', '{"id_match": NaN}', '{"country_mismatch": -Infinity}',
])
def test_bad_weights_are_422(client, raw_weights):
    r = _match(client, _body(UNRELATED, raw_weights=raw_weights))
    assert r.status_code == 422, (raw_weights, r.text)
    assert "weight" in r.text


def test_in_range_tuning_works_and_is_logged_with_the_effective_config(index_state):
    from fastapi.testclient import TestClient

    from vigil.api.app import create_app

    app = create_app(index_state, require_auth=False, watch_interval=0)  # its own screening recorder
    with TestClient(app) as client:
        _tuned_match_is_logged(client, app, index_state)


def _tuned_match_is_logged(client, app, index_state):
    from vigil.service.screening_log import read_screenings

    r = client.post("/match/default", json={"queries": {"q": SOLEIMANI}, "weights": {"dob_mismatch": -0.5},
                                             "config": {"min_token_score": 0.6, "candidates": 30}})
    assert r.status_code == 200, r.text
    assert r.json()["responses"]["q"]["results"][0]["id"] in ("ofac-10481", "unsc-IRi.039", "gb-hmt-7876")
    assert r.json()["matcher"]["config"]["min_token_score"]["value"] == 0.6
    app.state.recorder.flush()
    rows = [row for row in read_screenings(index_state.store.engine, limit=20)
            if (row["query"].get("matcher") or {}).get("config", {}).get("candidates") == 30]
    assert rows, "the screening log keeps the effective config"
    logged = rows[0]["query"]["matcher"]
    assert logged["algorithm"] == "vigil" and logged["weights"]["dob_mismatch"] == -0.5
    assert logged["config"]["min_token_score"] == 0.6 and logged["config"]["fuzzy_floor"] == ALGORITHMS["vigil"][
        "config"]["fuzzy_floor"], "defaults merged in: the full config the request ran with"
    assert logged["weights"]["name"] == ALGORITHMS["vigil"]["weights"]["name"]


def test_every_default_lies_inside_its_documented_range():
    for spec in ALGORITHMS.values():
        assert tuning.check_weights(spec["weights"]) == spec["weights"]
        tuning.check_configs(spec["config"])


def test_scan_above_the_limit_is_413_with_one_message(client):
    from vigil.media.article import MAX_ARTICLE_CHARS

    text = ("Qasem Soleimani was named again. " * (MAX_ARTICLE_CHARS // 33 + 2))
    assert len(text) > MAX_ARTICLE_CHARS
    r = client.post("/scan", json={"text": text, "source": "big.txt"})
    assert r.status_code == 413
    assert r.json()["detail"].startswith("big.txt: the article has") and "1,000,000" in r.json()["detail"]
    # an HTML page under its 5 MB limit whose extracted text is above the character limit: checked after extraction
    html = ("<html><head><title>Big</title></head><body><article><p>" + "Hezbollah was named. " * 50000
            + "</p></article></body></html>")
    r = client.post("/scan", json={"text": html, "format": "html", "source": "big.html"})
    assert r.status_code == 413 and r.json()["detail"].startswith("big.html: the article has")


def test_cli_scan_above_the_limit_exits_2_with_one_line(tmp_path):
    from vigil.media.article import MAX_ARTICLE_CHARS

    big = tmp_path / "big.txt"
    big.write_text("Qasem Soleimani was named again. " * (MAX_ARTICLE_CHARS // 33 + 2))
    proc = subprocess.run([sys.executable, "-c", "from vigil.cli.main import main; main()", "scan", str(big)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "1,000,000" in lines[0] and "Traceback" not in proc.stderr
