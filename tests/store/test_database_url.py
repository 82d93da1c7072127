"""VIGIL_DATABASE_URL: the CLI on PostgreSQL, and a clear error for a database that cannot be opened."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from vigil.cli.main import app

runner = CliRunner()


@pytest.mark.postgres
def test_cli_on_postgresql(pg_url, fixtures, monkeypatch, vigil_home):
    monkeypatch.setenv("VIGIL_DATABASE_URL", pg_url)
    sample = str(fixtures / "eu" / "fsf_sample.xml")
    first = runner.invoke(app, ["ingest", "eu", sample, "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["status"] == "created"
    assert json.loads(runner.invoke(app, ["ingest", "eu", sample, "--json"]).stdout)["status"] == "unchanged"
    bad = runner.invoke(app, ["ingest", "un", str(fixtures / "hostile" / "xxe.xml")])
    assert bad.exit_code == 2
    [info] = json.loads(runner.invoke(app, ["lists", "--json"]).stdout)
    assert info["name"] == "eu_fsf" and info["snapshots"] == 1 and info["entity_count"] > 0
    assert not (vigil_home / "vigil.db").exists()  # nothing went to the default SQLite file


@pytest.mark.parametrize("url,expected", [
    ("postgresql+psycopg://vigil:secret@127.0.0.1:1/none", "cannot open the database postgresql+psycopg://vigil:***@"),
    ("nosuchdb://x", "cannot open the database nosuchdb://x"),
])
def test_unusable_database_url_is_one_clear_line(monkeypatch, url, expected):
    monkeypatch.setenv("VIGIL_DATABASE_URL", url)
    result = runner.invoke(app, ["lists"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: " + expected) and "secret" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
