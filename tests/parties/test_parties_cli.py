"""`vigil parties resolve | show | review | accept | reject`, and the resolve after `vigil ingest`."""
from __future__ import annotations

import json

import pytest

from vigil.service.keys import default_actor
from parties_data import ingest, small_lists
from typer.testing import CliRunner

from vigil.cli.main import app
from vigil.parties import Parties
from vigil.store import Store

runner = CliRunner()


def vigil(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def home_store(vigil_home):
    store = Store()
    ingest(store, small_lists())
    yield store
    store.engine.dispose()


@pytest.fixture
def resolved(home_store):
    result = vigil("parties", "resolve")
    assert result.exit_code == 0, result.output
    return result


def test_resolve_prints_a_summary_and_json(resolved):
    assert "13 records -> 9 parties (3 on several lists)" in resolved.stdout
    assert "2 pairs to review" in resolved.stdout and "1 list references to no current record" in resolved.stdout
    again = json.loads(vigil("parties", "resolve", "--json").stdout)
    assert again["screened"] == 0 and again["kept"] == 9 and again["generation"] == 2


def test_show_a_party_by_record_or_party_id(resolved):
    out = vigil("parties", "show", "ofac-6366").stdout
    assert "AL-QAIDA (Organization)" in out and "gb-hmt-6965" in out and "unsc-QDe.004" in out
    assert "reference" in out and "matcher" in out
    data = json.loads(vigil("parties", "show", "unsc-QDe.004", "--json").stdout)
    assert sorted(data["members"]) == ["gb-hmt-6965", "ofac-6366", "unsc-QDe.004"]
    assert data["entity"]["referents"] == ["gb-hmt-6965", "ofac-6366", "unsc-QDe.004"]
    assert data["provenance"]["alias"]["AL QAIDA"] == ["ofac-6366"]
    by_party = json.loads(vigil("parties", "show", data["id"], "--json").stdout)
    assert by_party["members"] == data["members"]


def test_review_then_accept_and_reject(resolved, home_store):
    queue = json.loads(vigil("parties", "review", "--json").stdout)
    assert [(i["a"], i["b"]) for i in queue] == [("ofac-20604", "unsc-KPi.044"), ("ofac-20605", "unsc-KPi.044")]
    assert "ofac-20604" in vigil("parties", "review").stdout
    result = vigil("parties", "accept", "unsc-KPi.044", "ofac-20604", "--reason", "same DOB", "--by", "alice")
    me = default_actor()  # the decision is the OS account's; --by is only an "on behalf of" note
    assert result.exit_code == 0 and f"accepted by {me}; now in one party" in result.stdout
    from vigil.service.audit import entries

    last = list(entries(home_store.engine, action="party.link.accepted"))[-1]
    assert last.actor == me and last.payload["on_behalf_of"] == "alice"
    assert vigil("parties", "review").stdout.strip() == "nothing to review"
    result = vigil("parties", "reject", "ofac-12111", "gb-hmt-13742", "--reason", "a sub-unit", "--json")
    data = json.loads(result.stdout)
    assert data["decision"]["status"] == "rejected" and data["party_a"] != data["party_b"]
    shown = vigil("parties", "show", "ofac-12111").stdout
    assert "rejected by" in shown and "a sub-unit" in shown


@pytest.mark.parametrize("args, message", [
    (("show", "no-such-record"), "no party or list record 'no-such-record'"),
    (("accept", "ofac-20604", "ofac-20605", "--reason", "x"), "two records of one list"),
    (("accept", "ofac-20604", "nope", "--reason", "x"), "no current list record 'nope'"),
    (("reject", "ofac-20604", "unsc-KPi.044", "--reason", " "), "needs a reason"),
])
def test_bad_input_exits_2_with_one_line(resolved, args, message):
    result = vigil("parties", *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_empty_store_is_a_clear_error(vigil_home):
    result = vigil("parties", "resolve")
    assert result.exit_code == 2 and "no lists loaded yet" in result.stderr


@pytest.mark.parametrize("command", ["resolve", "show", "review", "accept", "reject"])
def test_every_command_has_examples_in_its_help(command):
    out = vigil("parties", command, "--help").stdout
    assert "Examples" in out and f"vigil parties {command}" in " ".join(out.split())


def test_ingest_resolves_parties_unless_turned_off(home_store, tmp_path):
    """An FtM dataset ingested without, then (a new snapshot) with, the automatic resolve."""
    export = tmp_path / "other.ftm.json"
    rows = [{"id": "os-hizb", "schema": "Organization", "datasets": ["os_terror_list"],
             "properties": {"name": ["HIZBALLAH"], "alias": ["HEZBOLLAH", "PARTY OF GOD"], "country": ["lb"]}}]
    export.write_text(json.dumps(rows[0]) + "\n")
    off = vigil("ingest", "ftm", str(export), env={"VIGIL_PARTIES_AUTO": "0"})
    assert off.exit_code == 0, off.stderr
    assert "parties:" not in off.stdout and Parties(home_store).map().generation == 0
    rows.append({"id": "os-aq", "schema": "Organization", "datasets": ["os_terror_list"],
                 "properties": {"name": ["AL-QAIDA"], "alias": ["THE BASE", "AL QAEDA"]}})
    export.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = vigil("ingest", "ftm", str(export))
    assert result.exit_code == 0 and "parties: 15 records -> 9 parties" in result.stdout
    parties = Parties(home_store)
    assert parties.map().generation == 1 and parties.party_of("os-aq") == parties.party_of("gb-hmt-6965")
