"""`vigil graph` and `vigil screen --associate` on the real lists."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from vigil.cli.main import app


@pytest.fixture
def loaded(lists_db, session_cache, monkeypatch):
    monkeypatch.setenv("VIGIL_DATABASE_URL", lists_db)
    monkeypatch.setenv("VIGIL_CACHE_DIR", str(session_cache))
    monkeypatch.setenv("COLUMNS", "200")


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_graph_tree_of_mois(loaded):
    r = run("graph", "ofac-30422", "--depth", "2")
    assert r.exit_code == 0, r.output
    assert "Linked To → IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY ofac-12111" in r.stdout
    assert "Linked From → " in r.stdout  # depth 2: the others linked to MOIS, 30 shown ...
    assert "more (vigil graph ofac-12111 --json lists them all)" in r.stdout
    data = json.loads(run("graph", "ofac-30422", "--depth", "2", "--json").stdout)
    assert "ofac-39017" in {n["id"] for n in data["nodes"]}  # ... Khatib among them


def test_graph_json_has_nodes_edges_and_stated_text(loaded):
    r = run("graph", "ofac-12111", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    ids = {n["id"] for n in data["nodes"]}
    assert {"ofac-12111", "ofac-30422", "ofac-39017"} <= ids and data["depth"] == 1
    edge = next(e for e in data["edges"] if e["source"] == "ofac-30422")
    assert edge["target"] == "ofac-12111" and edge["role"] == "Linked To" and "Linked To" in edge["description"]


def test_graph_shows_unresolved_statements_and_refuses_unknown_ids(loaded):
    r = run("graph", "gb-hmt-10661")
    assert r.exit_code == 0 and "member of → RAJAH SOLAIMAN MOVEMENT" in r.stdout
    bad = run("graph", "ofac-0")
    assert bad.exit_code == 2 and "no entity or party with id 'ofac-0'" in bad.output
    deep = run("graph", "ofac-12111", "--depth", "9")
    assert deep.exit_code == 2 and "--depth must be 1, 2 or 3" in deep.output


def test_screen_with_an_associated_party(loaded):
    r = run("screen", "Mahmud Alavi", "--associate", "MOIS", "--json", "--limit", "1")
    assert r.exit_code == 0, r.output
    top = json.loads(r.stdout)["results"][0]
    assert top["explanations"]["related_party"]["detail"].startswith(
        "related on the lists to IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY (Linked To)")
