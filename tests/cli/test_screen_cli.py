"""`vigil screen` on the real lists."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from vigil.cli.main import app
from vigil.matching.display import format_score


@pytest.fixture
def loaded(lists_db, session_cache, monkeypatch):
    monkeypatch.setenv("VIGIL_DATABASE_URL", lists_db)
    monkeypatch.setenv("VIGIL_CACHE_DIR", str(session_cache))
    monkeypatch.setenv("COLUMNS", "200")

SOLEIMANI = ("ofac-10481", "unsc-IRi.039", "gb-hmt-7876", "eu-oj-32012R0267-VIII.A.PERSONS-38")  # his records on the OFAC, UN, UK and EU journal lists
VIGIL = shutil.which("vigil") or pytest.skip("the `vigil` command is not installed", allow_module_level=True)


def run(*args):
    return CliRunner().invoke(app, ["screen", *args])


def test_screen_table_explains_the_top_hit(loaded):
    r = run("Ghasem Soleimani")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    first = next(line for line in lines if "│ 1 " in line or line.strip().startswith("│ 1"))
    # Soleimani's record on any list (the EU journal's ties OFAC's at the top)
    assert any(i in first for i in SOLEIMANI) and "MATCH" in first
    assert "name 0." in r.stdout and "~" in r.stdout  # explanation: "name 0.96 (Ghasem Soleimani ~ ...)"


def test_screen_persian_script(loaded):
    r = run("قاسم سلیمانی", "--json", "--limit", "3")
    assert r.exit_code == 0, r.output
    ids = [res["id"] for res in json.loads(r.stdout)["results"]]
    assert "ofac-10481" in ids or "unsc-IRi.039" in ids


def test_screen_json_is_one_match_entry(loaded):
    r = run("Qasem Soleimani", "--dob", "1957", "--country", "Iran", "--json", "--limit", "2")
    assert r.exit_code == 0, r.output
    entry = json.loads(r.stdout)
    assert set(entry) == {"status", "results", "total", "query"}
    assert entry["query"]["schema"] == "Person"
    assert entry["query"]["properties"]["birthDate"] == ["1957"]
    assert entry["query"]["properties"]["country"] == ["ir"]
    assert entry["results"][0]["id"] in SOLEIMANI and len(entry["results"]) <= 2
    assert {"score", "match", "explanations", "datasets"} <= set(entry["results"][0])


def test_fail_on_match_and_dataset(loaded):
    assert run("Qasem Soleimani", "--fail-on-match").exit_code == 1
    r = run("Patricia Lucas Wheeler", "--dob", "2002-07-14", "--fail-on-match", "--json")
    assert r.exit_code == 0, r.output
    assert not any(res["match"] for res in json.loads(r.stdout)["results"])
    r = run("Qasem Soleimani", "--dataset", "un_sc_sanctions", "--json")
    assert json.loads(r.stdout)["results"][0]["id"] == "unsc-IRi.039"


def test_bad_input_exits_2(loaded):
    for args, needle in [
        (("X", "--schema", "Spaceship"), "Spaceship"),
        (("X", "--dataset", "nope"), "nope"),
        (("X", "--algorithm", "magic"), "magic"),
        (("   ",), "empty"),
        (("X", "--dob", "not a date"), "date"),
    ]:
        r = run(*args)
        assert r.exit_code == 2, (args, r.output)
        assert needle in r.stderr, (args, r.stderr)


def test_empty_store_says_what_to_do():
    r = run("Qasem Soleimani")
    assert r.exit_code == 2
    assert "vigil update --mirror" in r.stderr


def test_real_entry_point(loaded):
    """The installed command, as a user runs it (uses the warm on-disk matcher cache)."""
    proc = subprocess.run([VIGIL, "screen", "Ghasem Soleimani", "--json",
                           "--limit", "1"], capture_output=True, text=True, env=os.environ.copy(), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["results"][0]["id"] in SOLEIMANI


def test_screen_call_is_audited(loaded, lists_db):
    """Issue 7: every screening call lands in the hash-chained audit log (and the screening log)."""
    import uuid

    from vigil.service import audit
    from vigil.service.screening_log import read_screenings
    from vigil.store import Store

    engine = Store(lists_db).engine
    before = max((e.seq for e in audit.entries(engine)), default=0)
    analyst = f"ana-{uuid.uuid4().hex[:8]}"
    r = run("Qasem Soleimani", "--dob", "1957", "--json", "--by", analyst)
    assert r.exit_code == 0, r.output
    assert run("Qasem Soleimani", "--dataset", "nope").exit_code == 2  # bad input: nothing screened, nothing logged
    new = list(audit.entries(engine, since_seq=before))
    assert [(e.actor, e.action) for e in new] == [(analyst, "screening")]
    payload = new[0].payload
    assert payload["endpoint"] == "cli:screen/default"
    assert payload["query"]["properties"]["name"] == ["Qasem Soleimani"]
    assert payload["top_ids"][0] in SOLEIMANI
    assert audit.verify(engine).ok
    assert read_screenings(engine, limit=1)[0]["endpoint"] == "cli:screen/default"


BOX = "┏┃┡│└"


def _table_rows(out: str) -> list[list[str]]:
    """The body rows of a rich table as cells, one list per printed line."""
    return [[c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines() if line.startswith("│")]


@pytest.mark.parametrize("name", ["Ghasem Soleimani", "قاسم سلیمانی", "IRGC"])
def test_screen_table_at_80_columns_shows_ids_and_scores_whole(loaded, monkeypatch, name):
    expected = json.loads(run(name, "--json", "--limit", "5").stdout)["results"]
    monkeypatch.setenv("COLUMNS", "80")
    r = run(name, "--limit", "5")
    assert r.exit_code == 0, r.output
    table = [line for line in r.stdout.splitlines() if line[:1] in BOX]
    assert table and all(len(line) <= 80 for line in table)
    assert "…" not in r.stdout
    # One result per row: its first line carries the whole score and the whole id, side by side.
    firsts = [cells for cells in _table_rows(r.stdout) if cells[0]]
    assert [(cells[0], cells[1]) for cells in firsts if cells[0] != "MATCH"] == \
        [(format_score(x['score']), x["id"]) for x in expected]
    # The match flag, the list and the reasons are still there (folded into the other cells).
    assert sum(cells[0] == "MATCH" for cells in firsts) == sum(x["match"] for x in expected)
    assert all(x["datasets"][0] in r.stdout for x in expected) and "name 0." in r.stdout


def test_screen_table_wide_keeps_one_column_per_field(loaded):
    r = run("Ghasem Soleimani")  # COLUMNS=200 from the fixture
    header = next(line for line in r.stdout.splitlines() if line.startswith("┃"))
    assert [c.strip() for c in header.split("┃")[1:-1]] == ["#", "caption", "id", "datasets", "score", "match", "why"]


def test_version_says_which_matching_code_runs():
    from vigil.matching import native

    r = CliRunner().invoke(app, ["--version"])
    assert r.exit_code == 0
    assert r.output.startswith("vigil ") and f"matching code: {native.MODE}" in r.output
