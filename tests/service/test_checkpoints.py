"""Attacks on the audit log by someone who can write to the database (issue 13), caught by signed checkpoints.

Each attack leaves a hash chain that `audit.verify()` alone accepts (that is the point of the attack); the
checkpoint published outside the database before it catches it."""
from __future__ import annotations

import json
import os
import stat
import sys

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from vigil.cli.main import app
from vigil.service import audit
from vigil.service.checkpoints import (
    Checkpoint, CheckpointError, Destinations, due, load_or_create_key, load_public_key, make_checkpoint,
    public_path, read_checkpoints, verify_checkpoints,
)
from vigil.store import Store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'audit.db'}")
    else:
        store = Store(request.getfixturevalue("pg_url"))
    yield store.engine
    store.engine.dispose()


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL schema (skips when no server is reachable)."""
    import uuid

    import sqlalchemy as sa

    server = os.environ.get("VIGIL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    admin = sa.create_engine(server, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any connection problem means "no server here"
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {server}: {exc.__class__.__name__}")
    schema = f"vigil_cp_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in server else "?"
    yield f"{server}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _fill(engine, n, start=0):
    for i in range(start, start + n):
        audit.append("ana" if i % 2 else "system", "alert.note", {"i": i, "name": "قاسم سلیمانی"}, engine=engine)


def _rows(engine):
    return {e.seq: e for e in audit.entries(engine)}


def _forge_from(engine, seq, payloads):
    """Delete rows >= seq, append `payloads` as rows seq.. with correctly recomputed hashes, rewrite the head."""
    rows = _rows(engine)
    prev = rows[seq - 1].hash if seq > 1 else audit.GENESIS
    with engine.begin() as conn:
        conn.execute(text("delete from audit_log where seq >= :s"), {"s": seq})
        for i, payload in enumerate(payloads, start=seq):
            body = audit.canonical_json(payload)
            time = "2026-12-07T10:00:00.000000+00:00"
            digest = audit.row_hash(prev, i, time, "mallory", "alert.note", body)
            conn.execute(text("insert into audit_log (seq, time, actor, action, payload, prev_hash, hash) values "
                              "(:s, :t, 'mallory', 'alert.note', :p, :ph, :h)"),
                         {"s": i, "t": time, "p": body, "ph": prev, "h": digest})
            prev = digest
        conn.execute(text("update audit_head set seq = :s, hash = :h where id = 1"),
                     {"s": seq + len(payloads) - 1, "h": prev})


@pytest.fixture
def signed(engine, tmp_path):
    """Ten rows, a checkpoint published to a file; returns (engine, file, public key)."""
    _fill(engine, 10)
    published = tmp_path / "published" / "checkpoints.jsonl"
    key = tmp_path / "keys" / "audit.pem"
    make_checkpoint(engine, key, Destinations(file=published))
    return engine, published, load_public_key(public_path(key))


def _check(engine, published, public):
    return verify_checkpoints(engine, [(str(published), c) for c in read_checkpoints(published)], public)


def test_intact_log_matches_its_checkpoint(signed):
    engine, published, public = signed
    [cp] = read_checkpoints(published)
    assert cp.seq == 10 and cp.head == _rows(engine)[10].hash and cp.signed_by(public)
    [check] = _check(engine, published, public)
    assert check.ok, check.reason
    _fill(engine, 3, start=10)  # later rows do not disturb the checkpointed prefix
    assert _check(engine, published, public)[0].ok


def test_tail_truncation_with_a_rewritten_head(signed):
    engine, published, public = signed
    with engine.begin() as conn:
        conn.execute(text("delete from audit_log where seq > 7"))
        head = conn.execute(text("select hash from audit_log where seq = 7")).scalar()
        conn.execute(text("update audit_head set seq = 7, hash = :h where id = 1"), {"h": head})
    assert audit.verify(engine).ok, "the attack fools the chain check alone"
    [check] = _check(engine, published, public)
    assert not check.ok and "has 7 rows, the checkpoint 10" in check.reason and "truncated" in check.reason


def test_forged_rows_with_recomputed_hashes(signed):
    engine, published, public = signed
    _forge_from(engine, 6, [{"i": 100 + i} for i in range(7)])  # rows 6-12 replaced and extended
    assert audit.verify(engine).ok
    [check] = _check(engine, published, public)
    assert not check.ok and "rewritten" in check.reason


def test_an_edit_re_chained(signed):
    engine, published, public = signed
    rows = _rows(engine)
    _forge_from(engine, 3, [{**rows[3].payload, "name": "someone else"}] + [r.payload for s, r in rows.items() if s > 3])
    assert audit.verify(engine).ok and audit.verify(engine).rows == 10
    [check] = _check(engine, published, public)
    assert not check.ok and "row 10's hash" in check.reason


def test_an_altered_or_foreign_checkpoint_proves_nothing(signed, tmp_path):
    engine, published, public = signed
    data = json.loads(published.read_text())
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({**data, "seq": 5, "head": _rows(engine)[5].hash}))
    [check] = _check(engine, forged, public)
    assert not check.ok and "signature invalid" in check.reason
    other = load_or_create_key(tmp_path / "other.pem")  # someone else's key, e.g. the attacker's
    fake = Checkpoint(seq=10, head=_rows(engine)[10].hash, time="2026-12-07T00:00:00+00:00",
                      key_id="0" * 16).sign(other)
    [check] = verify_checkpoints(engine, [("fake", fake)], public)
    assert not check.ok and "another key" in check.reason


def test_a_broken_log_is_never_signed(signed, tmp_path):
    engine, published, public = signed
    key = tmp_path / "keys" / "audit.pem"
    with engine.begin() as conn:
        conn.execute(text("update audit_log set actor = 'mallory' where seq = 4"))
    with pytest.raises(CheckpointError, match="broken at row 4"):
        make_checkpoint(engine, key, Destinations(file=published))
    with engine.begin() as conn:
        conn.execute(text("update audit_log set actor = 'ana' where seq = 4"))
    _forge_from(engine, 9, [{"i": 900}, {"i": 901}])  # rows 9-10 forged: the chain is fine, the prefix is not
    with pytest.raises(CheckpointError, match="no longer matches the last published checkpoint"):
        make_checkpoint(engine, key, Destinations(file=published))
    assert len(read_checkpoints(published)) == 1


def test_key_is_created_private_and_outside_the_database(tmp_path, engine):
    key = tmp_path / "keys" / "audit.pem"
    _fill(engine, 1)
    made = make_checkpoint(engine, key, Destinations(file=tmp_path / "cp.jsonl"))
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600 and stat.S_IMODE(os.stat(key.parent).st_mode) == 0o700
    assert public_path(key).is_file() and made.seq == 1
    with engine.connect() as conn:  # the database holds the checkpoint's record, never the key
        dump = " ".join(str(v) for row in conn.execute(text("select * from audit_checkpoints")) for v in row)
    assert "PRIVATE" not in dump and key.read_text().strip().splitlines()[1] not in dump


def test_publish_to_a_command(tmp_path, engine):
    _fill(engine, 2)
    sink = tmp_path / "sink.jsonl"
    command = f"{sys.executable} -c \"import sys; open({str(sink)!r}, 'a').write(sys.stdin.read())\""
    made = make_checkpoint(engine, tmp_path / "k.pem", Destinations(command=command))
    assert read_checkpoints(sink)[0].head == made.head
    with pytest.raises(CheckpointError, match="exited with 3"):
        make_checkpoint(engine, tmp_path / "k.pem", Destinations(command=f"{sys.executable} -c 'raise SystemExit(3)'"))


def test_due_by_rows_or_minutes(engine, tmp_path):
    from datetime import datetime, timedelta, timezone

    assert not due(engine, 5, 0)  # empty log
    _fill(engine, 4)
    assert not due(engine, 5, 0) and due(engine, 4, 0)
    make_checkpoint(engine, tmp_path / "k.pem", Destinations(file=tmp_path / "cp.jsonl"))
    _fill(engine, 1, start=4)
    assert not due(engine, 5, 60)
    assert due(engine, 5, 60, now=datetime.now(timezone.utc) + timedelta(minutes=61))
    assert not due(engine, 0, 0)


def test_cli_publishes_automatically_and_verify_catches_truncation(tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIL_AUDIT_CHECKPOINT_ROWS", "3")
    monkeypatch.setenv("VIGIL_AUDIT_CHECKPOINT_MINUTES", "0")
    runner = CliRunner()
    store = Store()
    _fill(store.engine, 4)
    first = runner.invoke(app, ["audit", "verify"])  # any command that opens the store publishes when due
    assert first.exit_code == 0, first.output
    home = tmp_path / "vigil-home"
    published = home / "audit-checkpoints.jsonl"
    assert "audit checkpoint published: 4 rows" in first.stderr and read_checkpoints(published)[0].seq == 4
    with store.engine.begin() as conn:
        conn.execute(text("delete from audit_log where seq > 2"))
        head = conn.execute(text("select hash from audit_log where seq = 2")).scalar()
        conn.execute(text("update audit_head set seq = 2, hash = :h where id = 1"), {"h": head})
    plain = runner.invoke(app, ["audit", "verify"])
    assert plain.exit_code == 0 and "only caught against a published checkpoint" in plain.stdout
    caught = runner.invoke(app, ["audit", "verify", "--checkpoint", str(published), "--json"])
    assert caught.exit_code == 1
    report = json.loads(caught.stdout)
    assert report["chain"]["ok"] and not report["checkpoints"][0]["ok"]
    assert "has 2 rows, the checkpoint 4" in report["checkpoints"][0]["reason"]
    refused = runner.invoke(app, ["audit", "checkpoint"])
    assert refused.exit_code == 2 and "not signing" in refused.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    unreadable = runner.invoke(app, ["audit", "verify", "--checkpoint", str(bad)])
    assert unreadable.exit_code == 2 and "not a vigil audit checkpoint" in unreadable.stderr
