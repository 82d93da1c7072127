"""`vigil batch`: CSV / XLSX / JSONL in and out, column detection, bad rows, resume after interruption."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigil.service.batch import BatchError, Columns, detect_columns, progress_path, run_batch
from vigil.cli.main import app
from vigil.service.screening import ScreenOptions, check_options

LISTED = [  # (name, dob, nationality, expected id)
    ("Ghasem Soleimani", "11/03/1957", "Iran", "ofac-10481"),
    ("Mahmoud Alavi", "1954-04-24", "Iran", "ofac-30422"),
    ("ISLAMIC REVOLUTIONARY GUARD CORPS", "", "Iran", None),
]


@pytest.fixture
def loaded(lists_db, session_cache, monkeypatch):
    monkeypatch.setenv("VIGIL_DATABASE_URL", lists_db)
    monkeypatch.setenv("VIGIL_CACHE_DIR", str(session_cache))


@pytest.fixture(scope="module")
def customers(shared_data, tmp_path_factory) -> Path:
    """~150 synthetic non-sanctioned people, three listed parties and two malformed rows."""
    src = shared_data / "matching_eval" / "yente_validation_negatives_global.csv"
    with open(src, newline="", encoding="utf-8") as fh:
        negatives = list(csv.DictReader(fh))[:150]
    path = tmp_path_factory.mktemp("batch") / "customers.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["customer_id", "full_name", "date_of_birth", "nationality"])
        for i, row in enumerate(negatives[:70]):
            w.writerow([f"C{i:04d}", row["full_name"], row["date_of_birth"], row["nationality"]])
        for j, (name, dob, nat, _) in enumerate(LISTED):
            w.writerow([f"L{j}", name, dob, nat])
        w.writerow(["BAD1", "", "1970-01-01", "France"])  # no name: line 75
        w.writerow(["BAD2", "Someone Odd", "the day after tomorrow", "France"])  # line 76
        for i, row in enumerate(negatives[70:], start=70):
            w.writerow([f"C{i:04d}", row["full_name"], row["date_of_birth"], row["nationality"]])
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_detect_columns():
    cols = detect_columns(["Customer Name", "Date of Birth", "Nationality", "Passport No"], Columns())
    assert (cols.name, cols.dob, cols.country, cols.id) == ("Customer Name", "Date of Birth", "Nationality",
                                                           "Passport No")
    cols = detect_columns(["who", "born"], Columns(name="who"))
    assert cols.name == "who" and cols.dob == "born"
    with pytest.raises(BatchError, match="no name column"):
        detect_columns(["a", "b"], Columns())
    with pytest.raises(BatchError, match="not in the input"):
        detect_columns(["name"], Columns(dob="birthday"))


def test_batch_csv(loaded, customers, tmp_path):
    out = tmp_path / "screened.csv"
    r = CliRunner().invoke(app, ["batch", str(customers), "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = read_csv(out)
    assert len(rows) == 155
    assert list(rows[0])[:4] == ["customer_id", "full_name", "date_of_birth", "nationality"]
    assert {"match_count", "best_id", "best_caption", "best_score", "best_match", "best_explanation", "top_ids",
            "error"} <= set(rows[0])
    by_id = {row["customer_id"]: row for row in rows}
    assert by_id["L0"]["best_id"] == "ofac-10481" and by_id["L0"]["best_match"] == "true"
    assert "name" in by_id["L0"]["best_explanation"]
    assert by_id["L1"]["best_id"] == "ofac-30422"
    assert by_id["L2"]["best_match"] == "true"
    assert "ofac-10481" in by_id["L0"]["top_ids"].split(";")
    assert "empty name" in by_id["BAD1"]["error"] and "date of birth" in by_id["BAD2"]["error"]
    assert "row 75" in r.stderr and "row 76" in r.stderr
    # the synthetic negatives (same people, other names) almost never match
    negatives = [row for row in rows if row["customer_id"].startswith("C")]
    assert sum(row["best_match"] == "true" for row in negatives) <= 3
    assert not progress_path(out).exists()  # cleaned up after a complete run
    assert CliRunner().invoke(app, ["batch", str(customers), "--out", str(out), "--fail-on-match"]).exit_code == 1


class Interrupting:
    """The real matcher, but Ctrl-C arrives after `after` queries."""

    def __init__(self, matcher, after: int):
        self.matcher, self.left = matcher, after

    def match(self, *args, **kwargs):
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return self.matcher.match(*args, **kwargs)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_resume_after_interruption(loaded, customers, tmp_path, fmt):
    from vigil.cli.screen import open_matcher

    matcher, _ = open_matcher()
    opts = check_options(ScreenOptions())
    src = customers
    if fmt != "csv":
        src = tmp_path / f"customers.{fmt}"
        rows = read_csv(customers)
        if fmt == "jsonl":
            src.write_text("".join(json.dumps(row) + "\n" for row in rows) + "{broken json\n")
        else:
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            ws.append(list(rows[0]))
            for row in rows:
                ws.append(list(row.values()))
            wb.save(src)
    out = tmp_path / f"out.{fmt}"
    with pytest.raises(KeyboardInterrupt):
        run_batch(src, out, Interrupting(matcher, 40), opts)
    assert progress_path(out).exists()
    summary = run_batch(src, out, matcher, opts)
    assert summary.resumed == 40
    expected = 155 + (1 if fmt == "jsonl" else 0)
    assert summary.rows == expected
    if fmt == "csv":
        got = read_csv(out)
    elif fmt == "jsonl":
        got = [json.loads(line) for line in out.read_text().splitlines()]
        assert "invalid JSON" in got[-1]["error"]
    else:
        from openpyxl import load_workbook

        ws = load_workbook(out, read_only=True).worksheets[0]
        values = list(ws.iter_rows(values_only=True))
        got = [dict(zip(values[0], v)) for v in values[1:]]
    assert len(got) == expected
    ids = [row["customer_id"] for row in got if not str(row.get("error") or "").startswith("invalid JSON")]
    assert len(ids) == len(set(ids)) == 155  # nothing written twice, nothing lost
    assert next(row for row in got if row["customer_id"] == "L0")["best_id"] == "ofac-10481"


def test_bad_batch_input_exits_2(loaded, tmp_path):
    runner = CliRunner()
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    r = runner.invoke(app, ["batch", str(bad), "--out", str(tmp_path / "o.csv")])
    assert r.exit_code == 2 and "--name-col" in r.stderr
    assert not (tmp_path / "o.csv").exists()
    r = runner.invoke(app, ["batch", str(bad), "--out", str(tmp_path / "o.xlsx")])
    assert r.exit_code == 2 and "same format" in r.stderr
    r = runner.invoke(app, ["batch", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o.csv")])
    assert r.exit_code == 2


def _audit_since(engine, seq):
    from vigil.service import audit

    return [e for e in audit.entries(engine, since_seq=seq) if e.action == "screening.batch"]


def test_batch_run_is_audited(loaded, lists_db, tmp_path, monkeypatch):
    """Issue 7: one audit event per batch run, with the input's name and SHA-256 and the counts."""
    import hashlib

    from vigil.service import audit, batch
    from vigil.store import Store

    engine = Store(lists_db).engine
    seq = max((e.seq for e in audit.entries(engine)), default=0)
    src = tmp_path / "three.csv"
    src.write_text("name,dob\nQasem Soleimani,1957\nPatricia Lucas Wheeler,2002-07-14\n,1990\n", encoding="utf-8")
    out = tmp_path / "three-out.csv"
    r = CliRunner().invoke(app, ["batch", str(src), "--out", str(out), "--by", "batch-bot"])
    assert r.exit_code == 0, r.output
    events = _audit_since(engine, seq)
    assert len(events) == 1  # one per run, not one per row
    event = events[0]
    assert event.actor == "batch-bot"
    assert event.payload["input"] == "three.csv"
    assert event.payload["input_sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert (event.payload["status"], event.payload["rows"], event.payload["matched"], event.payload["errors"]) == \
        ("complete", 3, 1, 1)
    assert audit.verify(engine).ok

    # Ctrl-C after the first row: the interrupted run is on record too, with what it finished.
    calls = {"n": 0}
    real = batch.screen_row

    def interrupt_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "screen_row", interrupt_second)
    seq = event.seq
    r = CliRunner().invoke(app, ["batch", str(src), "--out", str(tmp_path / "again.csv"), "--by", "batch-bot"])
    assert r.exit_code == 130, r.output
    [event] = _audit_since(engine, seq)
    assert event.payload["status"] == "interrupted" and event.payload["rows"] == 1
