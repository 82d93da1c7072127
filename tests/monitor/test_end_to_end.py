"""Done means (issue 7): a book, an older then the current OFAC SDN publication, exactly the expected alert.

The older publication is derived here from ../shared/data: the real sdn.csv trio with entity
30422 (ALAVI, Mahmoud; designated 2020) removed. Everything runs through the `vigil` CLI.
"""
from __future__ import annotations

import csv
import json
import shutil
import sqlite3

from typer.testing import CliRunner

from vigil.cli.main import app

# Seed and list names from the brief and the articles, people the article names who are not
# listed, and ordinary people from the yente synthetic negatives (matching_eval).
BOOK_ROWS = [
    ("C001", "Mahmoud Alavi", "person", "", "Iran"),
    ("C002", "Qasem Soleimani", "person", "", "Iran"),
    ("C003", "Hizballah", "organization", "", ""),
    ("C004", "Camilo Contreras", "person", "", ""),  # hits a listed Contreras: the analyst's false positive
    ("C005", "Maryam Rajavi", "person", "", ""),
    ("C006", "Ahmadreza Djalali", "person", "", ""),
    ("C007", "Aras Amiri", "person", "", ""),
    ("C008", "Ali Mozaffari", "person", "", ""),
    ("C009", "Patricia Lucas Wheeler", "person", "2002-07-14", "Ethiopia"),
    ("C010", "Isabella Joaquin Torres", "person", "1961-01-08", "Chile"),
    ("C011", "Rebecca Grethe Schou", "person", "1956-03-16", "Austria"),
    ("C012", "Shawn David Brown", "person", "1948-03-19", "Ghana"),
    ("C013", "Miroslav Dabo", "person", "1990-02-05", "Croatia"),
    ("C014", "Hannah Lynn Smith", "person", "1992-06-07", "Algeria"),
]
ORDINARY = {row[0] for row in BOOK_ROWS[4:]}


def _run(runner, *args):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, f"vigil {' '.join(args)} -> {result.exit_code}\n{result.output}"
    return result


def _alerts(runner):
    return json.loads(_run(runner, "alerts", "--json", "--limit", "1000").stdout)["alerts"]


def test_book_old_then_new_ofac_list(shared_data, tmp_path, vigil_home):
    runner = CliRunner()
    # An older SDN publication: the real trio without entity 30422.
    old = tmp_path / "old" / "ofac_sdn"
    old.mkdir(parents=True)
    for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
        shutil.copy(shared_data / "ofac_sdn" / name, old / name)
    lines = (shared_data / "ofac_sdn" / "sdn.csv").read_bytes().split(b"\n")
    kept = [line for line in lines if not line.startswith(b"30422,")]
    assert len(kept) == len(lines) - 1
    (old / "sdn.csv").write_bytes(b"\n".join(kept))

    book = tmp_path / "customers.csv"
    with open(book, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Customer ID", "Name", "Type", "Date of birth", "Nationality"])
        writer.writerows(BOOK_ROWS)

    _run(runner, "ingest", "ofac", str(old))
    _run(runner, "book", "import", "retail", str(book), "--by", "ana")
    first = json.loads(_run(runner, "monitor", "run", "--json").stdout)["run"]
    assert first["pending_screened"] == len(BOOK_ROWS)
    before = _alerts(runner)
    pairs = {(a["customer_id"], a["entity_id"]) for a in before}
    assert ("C002", "ofac-10481") in pairs and ("C003", "ofac-4697") in pairs
    assert not any(c == "C001" and e == "ofac-30422" for c, e in pairs)  # not listed yet
    assert not {c for c, _ in pairs} & ORDINARY

    # A one-analyst shop: closing needs no second analyst (the policy change is audited).
    _run(runner, "policy", "set", "review_false_positive=false")
    # The analyst: Camilo Contreras is not the listed Contreras (false positive, whitelisted).
    fps = [a for a in before if a["customer_id"] == "C004"]
    assert fps
    for alert in fps:
        _run(runner, "decide", str(alert["id"]), "false-positive", "--reason", "different person: DOB and "
             "nationality differ", "--by", "ana")

    before = _alerts(runner)

    # The current publication, through `vigil update` (which triggers the rescreen).
    _run(runner, "update", "--mirror", str(shared_data), "--only", "ofac")
    after = _alerts(runner)
    new = [a for a in after if a["id"] not in {b["id"] for b in before}]
    assert len(new) == 1, new
    [alert] = new
    assert (alert["customer_id"], alert["customer_name"], alert["entity_id"]) == ("C001", "Mahmoud Alavi", "ofac-30422")
    assert alert["status"] == "open" and alert["reason"] == "list-change" and alert["score"] >= 0.9
    assert alert["entity_caption"] == "ALAVI, Mahmoud" and "us_ofac_sdn" in alert["datasets"]
    assert "Mahmoud Alavi ~" in alert["explanation"]
    # Unaffected customers: nothing new; the false positives stay decided and quiet.
    assert {a["id"]: a["status"] for a in after if a["id"] != alert["id"]} == {b["id"]: b["status"] for b in before}
    assert all(a["status"] == "false_positive" for a in after if a["customer_id"] == "C004")
    full = json.loads(_run(runner, "monitor", "run", "--full", "--json").stdout)["run"]
    assert full["alerts"] == [] and full["suppressed"] == len(fps)

    # Every step is in the audit log, and it verifies ...
    assert "intact" in _run(runner, "audit", "verify").output
    export = tmp_path / "audit.jsonl"
    _run(runner, "audit", "export", "--output", str(export))
    actions = [json.loads(line)["action"] for line in export.read_text().splitlines()]
    for action in ("ingest", "book.import", "monitor.run", "alert.raised", "policy.changed", "alert.decided"):
        assert action in actions
    # ... until someone edits a row directly in the database.
    seq = actions.index("alert.decided") + 1
    with sqlite3.connect(vigil_home / "vigil.db") as db:
        db.execute("update audit_log set payload = replace(payload, 'false_positive', 'true_match') where seq = ?",
                   (seq,))
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"seq={seq}" in broken.output and "edited" in broken.output
