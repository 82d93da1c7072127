"""`vigil monitor run --full` on Spark raises exactly the alerts single-process monitoring raises, through
the same writer: the same pairs, scores, explanations and order; idempotent; on the audit chain."""
from __future__ import annotations

import shutil

import pytest

from spark_rows import realistic_rows, write_csv

from vigil.monitor import Monitor, import_book, list_alerts
from vigil.service import audit
from vigil.store import Store

pytestmark = pytest.mark.slow


def _copy(lists_db: str, where) -> Store:
    src = lists_db.removeprefix("sqlite:///")
    where.mkdir()
    shutil.copy(src, where / "vigil.db")
    return Store(f"sqlite:///{where / 'vigil.db'}")


def _alerts(store: Store) -> list[tuple]:
    rows, _ = list_alerts(store.engine, limit=100_000, oldest_first=True)
    return [(a.book, a.customer_id, a.entity_id, a.score, a.explanation, a.reason, a.trigger, a.status)
            for a in sorted(rows, key=lambda a: a.id)]


def test_full_rescreen_on_spark_equals_single_process(spark, lists_db, lists_matcher, shared_data, tmp_path):
    from vigil.spark.monitor import SparkMonitor

    matcher, _ = lists_matcher
    rows = realistic_rows(shared_data, matcher, 600, seed=7)
    rows = [r for r in rows if r["full_name"].strip()]
    book = write_csv(tmp_path / "book.csv", rows)
    one, two = _copy(lists_db, tmp_path / "one"), _copy(lists_db, tmp_path / "two")
    for store in (one, two):
        import_book("retail", book, engine=store.engine, actor="ana")

    single = Monitor(one, full_matcher=matcher).run(actor="ops", full=True)
    on_spark = SparkMonitor(two, spark, full_matcher=matcher, partitions=5).run(actor="ops", full=True)

    assert on_spark.customers == single.customers > 500
    assert on_spark.pending_screened == single.pending_screened == single.customers
    assert (on_spark.hits, on_spark.candidates) == (single.hits, single.candidates)
    assert sorted(on_spark.unscreenable) == sorted(single.unscreenable)
    assert len(on_spark.alerts) == len(single.alerts) > 20
    assert _alerts(two) == _alerts(one)
    # idempotent: the same rescreen again raises nothing new (the pairs are open already)
    again = SparkMonitor(two, spark, full_matcher=matcher).run(actor="ops", full=True)
    assert again.alerts == [] and again.known == single.hits
    # audited: one monitor.run event per run, the chain intact
    assert audit.verify(two.engine).ok
    for store in (one, two):
        store.engine.dispose()


def test_cli_full_rescreen_on_spark(spark, lists_db, session_cache, tmp_path, monkeypatch):
    import json as _json

    from typer.testing import CliRunner

    from vigil.cli.main import app

    store = _copy(lists_db, tmp_path / "db")
    monkeypatch.setenv("VIGIL_DATABASE_URL", str(store.engine.url))
    monkeypatch.setenv("VIGIL_CACHE_DIR", str(session_cache))
    book = write_csv(tmp_path / "book.csv", [
        {"customer_id": "C1", "full_name": "Qasem Soleimani", "date_of_birth": "1957-03-11", "nationality": "Iran"},
        {"customer_id": "C2", "full_name": "Ingeborg Abrahamsen", "date_of_birth": "1972-11-21"},
    ])
    runner = CliRunner()
    assert runner.invoke(app, ["book", "import", "retail", str(book), "--by", "ana"]).exit_code == 0
    result = runner.invoke(app, ["monitor", "run", "--full", "--engine", "spark", "--master", "local[2]",
                                 "--partitions", "2", "--json", "--by", "ops"])
    assert result.exit_code == 0, result.output
    report = _json.JSONDecoder().raw_decode(result.output[result.output.index('{\n'):])[0]["run"]
    assert report["pending_screened"] == 2 and len(report["alerts"]) >= 1
    pairs = {(a.customer_id, a.entity_id) for a in list_alerts(store.engine)[0]}
    assert ("C1", "ofac-10481") in pairs and not any(c == "C2" for c, _ in pairs)
    store.engine.dispose()
