"""Attack (issue 13): `vigil ingest ofac one_entity/` after the real SDN list used to say "+1 added, -14,965
removed" and monitoring closed the book's alerts as delisted. Now: exit 2 with one line naming the counts and
--allow-shrink, the list and the alerts untouched, the refusal in the audit log; `vigil update` the same."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from vigil.cli.main import app
from vigil.monitor import list_alerts
from vigil.service import audit
from vigil.store import Store

runner = CliRunner()

BOOK = """customer_id,name,type,dob,country
C001,Mahmoud Alavi,person,1954-04-24,Iran
C002,Qasem Soleimani,person,1957-03-11,Iran
C003,Patricia Lucas Wheeler,person,2002-07-14,Ethiopia
"""


def one_entity_ofac(shared_data, folder):
    """The real SDN's first entry with its addresses and aliases: a well-formed one-entity OFAC publication."""
    folder.mkdir(parents=True)
    sdn = (shared_data / "ofac_sdn" / "sdn.csv").read_bytes().splitlines(keepends=True)
    (folder / "sdn.csv").write_bytes(sdn[0])
    number = sdn[0].split(b",", 1)[0] + b","
    for name in ("add.csv", "alt.csv"):
        lines = (shared_data / "ofac_sdn" / name).read_bytes().splitlines(keepends=True)
        (folder / name).write_bytes(b"".join(line for line in lines if line.startswith(number)))
    return folder


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIL_PARTIES_AUTO", "0")  # not what these tests are about; saves a resolve per ingest
    monkeypatch.setenv("VIGIL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("VIGIL_SHRINK_LIMIT", raising=False)
    return tmp_path


def run(*args):
    return runner.invoke(app, list(args))


def test_one_entity_sdn_after_the_real_one_is_refused_and_monitoring_does_nothing(env, shared_data):
    assert run("ingest", "ofac", str(shared_data / "ofac_sdn")).exit_code == 0
    book = env / "book.csv"
    book.write_text(BOOK)
    assert run("book", "import", "retail", str(book)).exit_code == 0
    assert run("monitor", "run").exit_code == 0
    store = Store()
    before, _ = list_alerts(store.engine)
    assert {a.customer_id for a in before} >= {"C001", "C002"} and all(a.status == "open" for a in before)
    count = store.count(["us_ofac_sdn"])

    result = run("ingest", "ofac", str(one_entity_ofac(shared_data, env / "one")))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"would remove {count - 1:,} of the {count:,} entities" in lines[0] and "--allow-shrink" in lines[0]
    assert "Traceback" not in result.output

    assert store.count(["us_ofac_sdn"]) == count and len(store.snapshots("us_ofac_sdn")) == 1  # data intact
    after, _ = list_alerts(store.engine)
    assert [(a.id, a.status) for a in after] == [(a.id, a.status) for a in before]  # nothing closed as delisted
    refusal = [e for e in audit.entries(store.engine, action="ingest") if e.payload["status"] == "refused"]
    assert len(refusal) == 1 and refusal[0].payload["refusal"]["removed"] == count - 1
    again = run("monitor", "run", "--json")  # a later run finds nothing to act on either
    assert again.exit_code == 0 and json.loads(again.stdout)["run"]["delisted"] == []

    confirmed = run("ingest", "ofac", str(env / "one"), "--allow-shrink")  # an operator who means it
    assert confirmed.exit_code == 0 and f"-{count - 1:,} removed" in confirmed.stdout
    assert store.count(["us_ofac_sdn"]) == 1


def test_update_from_a_mirror_uses_the_same_guard(env, shared_data):
    assert run("ingest", "ofac", str(shared_data / "ofac_sdn")).exit_code == 0
    mirror = env / "mirror"
    one_entity_ofac(shared_data, mirror / "ofac_sdn")
    result = run("update", "--mirror", str(mirror), "--only", "ofac", "--json")
    assert result.exit_code == 2
    [entry] = json.loads(result.stdout)
    assert entry["status"] == "refused" and "--allow-shrink" in entry["message"]
    assert Store().count(["us_ofac_sdn"]) > 14000
    forced = run("update", "--mirror", str(mirror), "--only", "ofac", "--allow-shrink", "--json")
    assert forced.exit_code == 0 and json.loads(forced.stdout)[0]["status"] == "created"
