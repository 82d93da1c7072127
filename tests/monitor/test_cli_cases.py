"""The case-work CLI: the OS user is the identity, `--by` only a note; four-eyes, reopen, assign, queues, policy."""
from __future__ import annotations

import json

import pytest
from monitor_data import ALAVI, BOOK, SOLEIMANI, alerts_by_pair, publish
from typer.testing import CliRunner

from vigil.cli.main import app
from vigil.monitor import Monitor, import_book
from vigil.service import audit


@pytest.fixture
def cli(store, tmp_path, monkeypatch):
    path = tmp_path / "book.csv"
    path.write_text(BOOK)
    import_book("retail", path, engine=store.engine, actor="ana")
    publish(store, SOLEIMANI, ALAVI)
    Monitor(store).run()
    runner = CliRunner()
    user = {"name": "ana"}
    monkeypatch.setattr("vigil.monitor.cases.os_identity", lambda: user["name"])

    def run(*args, as_user="ana", code=0):
        user["name"] = as_user
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, (args, result.output)
        return result

    return run


def test_four_eyes_on_the_command_line(cli, store):
    alert = alerts_by_pair(store.engine)[("C1", "ofac-10481")]
    out = cli("decide", str(alert.id), "false-positive", "--reason", "DOB differs", "--by", "Ana Lima (phone)").output
    assert "pending_review" in out and "vigil review" in out
    # --by is a note, not an identity: typing another name does not let ana approve her own proposal
    refused = cli("review", str(alert.id), "approve", "--by", "ben", code=2)
    assert "four-eyes" in refused.output and "ana proposed" in refused.output
    cli("review", str(alert.id), "send-back", as_user="ben", code=2)  # send back needs a reason
    done = cli("review", str(alert.id), "approve", "--reason", "agree", as_user="ben").output
    assert "false_positive by ana, approved by ben (pair whitelisted)" in done
    [proposed] = audit.entries(store.engine, action="alert.proposed")
    assert (proposed.actor, proposed.payload["on_behalf_of"]) == ("ana", "Ana Lima (phone)")

    history = json.loads(cli("history", str(alert.id), "--json").stdout)
    assert [(h["action"], h["by"]) for h in history] == [("proposed", "ana"), ("approved", "ben")]
    assert all(h["audit_seq"] for h in history)
    table = cli("history", str(alert.id)).output
    assert "approved →" in table and f"audit #{history[1]['audit_seq']}" in table

    reopened = cli("reopen", str(alert.id), "--reason", "same passport after all", as_user="carl").output
    assert f"alert {alert.id}: open" in reopened
    cli("reopen", str(alert.id), "--reason", "again", code=2)  # not closed any more


def test_assign_queues_and_age_column(cli, store):
    pairs = alerts_by_pair(store.engine)
    first, second = pairs[("C1", "ofac-10481")].id, pairs[("C4", "ofac-30422")].id
    cli("assign", str(first))  # take it
    cli("assign", str(second), "ben")
    cli("assign", str(second), "ben", "--unassign", code=2)
    mine = json.loads(cli("alerts", "--mine", "--json").stdout)["alerts"]
    assert [a["id"] for a in mine] == [first] and mine[0]["assignee"] == "ana"
    assert [a["id"] for a in json.loads(cli("alerts", "--owner", "ben", "--json").stdout)["alerts"]] == [second]
    cli("assign", str(second), "--unassign")
    unassigned = json.loads(cli("alerts", "--owner", "-", "--json").stdout)["alerts"]
    assert second in [a["id"] for a in unassigned] and first not in [a["id"] for a in unassigned]
    listed = json.loads(cli("alerts", "--list", "us_ofac_sdn", "--oldest-first", "--json").stdout)["alerts"]
    assert [a["id"] for a in listed] == sorted(a["id"] for a in listed)
    assert all("age" in a and "overdue" in a and "sla_due" in a for a in listed)
    assert json.loads(cli("alerts", "--older-than", "30", "--json").stdout)["alerts"] == []
    table = cli("alerts", "--open").output
    assert "@ana" in table and "0m" in table


def test_policy_commands(cli, store):
    assert "review_false_positive = true" in cli("policy", "show").output
    cli("policy", "set", "four_eyes=off", code=2)
    cli("policy", "set", "sla_days=soon", code=2)
    cli("policy", "set", "review_true_match", code=2)
    out = cli("policy", "set", "review_true_match=false", "sla_days=3", as_user="root").output
    assert "review_true_match=False" in out and "sla_days=3.0" in out
    assert json.loads(cli("policy", "show", "--json").stdout)["sla_days"] == 3.0
    [event] = audit.entries(store.engine, action="policy.changed")
    assert event.actor == "root"
    alert = alerts_by_pair(store.engine)[("C1", "ofac-10481")]
    assert "true_match by ana" in cli("decide", str(alert.id), "true-match", "--reason", "passport").output


@pytest.mark.parametrize("command", ["decide", "review", "reopen", "assign", "history", "alerts"])
def test_case_commands_have_examples_in_their_help(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Examples" in result.output and f"vigil {command}" in result.output
