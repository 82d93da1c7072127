"""`vigil batch --engine spark` and `vigil monitor run --full --engine spark` on the command line: one-line
errors (exit 2) before any work starts, and a real run end to end."""
from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from spark_rows import write_csv

from vigil.cli.main import app

runner = CliRunner()


@pytest.fixture
def small_csv(tmp_path):
    return write_csv(tmp_path / "customers.csv", [
        {"customer_id": "C1", "full_name": "Qasem Soleimani", "date_of_birth": "1957-03-11", "nationality": "Iran"},
        {"customer_id": "C2", "full_name": "Ingeborg Abrahamsen", "date_of_birth": "1972-11-21"},
        {"customer_id": "C3", "full_name": "Someone Odd", "date_of_birth": "the day after tomorrow"},
    ])


def one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    text = " ".join(result.output.split())
    assert lines and lines[0].startswith("error:"), result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in text, result.output


def test_master_needs_the_spark_engine(loaded, small_csv, tmp_path):
    result = runner.invoke(app, ["batch", str(small_csv), "--out", str(tmp_path / "o.csv"), "--master", "local[2]"])
    one_line_error(result, "--master and --partitions need --engine spark")


def test_unknown_engine(loaded, small_csv, tmp_path):
    result = runner.invoke(app, ["batch", str(small_csv), "--out", str(tmp_path / "o.csv"), "--engine", "dask"])
    one_line_error(result, "unknown engine 'dask'")


def test_missing_pyspark_names_the_extra(loaded, small_csv, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # what `import pyspark` does where it is not installed
    result = runner.invoke(app, ["batch", str(small_csv), "--out", str(tmp_path / "o.parquet"), "--engine", "spark"])
    one_line_error(result, "pyspark is not installed", 'pip install -e ".[spark]"')


def test_missing_java(loaded, small_csv, tmp_path, monkeypatch):
    pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    result = runner.invoke(app, ["batch", str(small_csv), "--out", str(tmp_path / "o.parquet"), "--engine", "spark"])
    one_line_error(result, "no Java runtime found", "Java 17")


def test_unreachable_master(loaded, small_csv, tmp_path):
    pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
    result = runner.invoke(app, ["batch", str(small_csv), "--out", str(tmp_path / "o.parquet"), "--engine", "spark",
                                 "--master", "spark://127.0.0.1:9"])
    one_line_error(result, "Spark master spark://127.0.0.1:9 unreachable")


def test_bad_master_url(loaded, small_csv, tmp_path):
    pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
    result = runner.invoke(app, ["batch", str(small_csv), "--out", str(tmp_path / "o.parquet"), "--engine", "spark",
                                 "--master", "mesos-ish://x"])
    one_line_error(result, "unknown master 'mesos-ish://x'")


def test_wrong_columns_fail_before_spark_starts(loaded, small_csv, tmp_path, monkeypatch):
    import vigil.spark.session as session

    def no_spark(*a, **k):
        raise AssertionError("Spark started although the input's columns are wrong")

    monkeypatch.setattr(session, "start", no_spark)
    result = runner.invoke(app, ["batch", str(small_csv), "--out", str(tmp_path / "o.parquet"), "--engine", "spark",
                                 "--name-col", "client"])
    one_line_error(result, "column 'client' (--name-col) not in the input")
    result = runner.invoke(app, ["batch", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "o.parquet"),
                                 "--engine", "spark"])
    one_line_error(result, "absent.csv: no such file")


def test_unsupported_output(loaded, small_csv, tmp_path, spark):
    result = runner.invoke(app, ["batch", str(small_csv), "--out", str(tmp_path / "o.xlsx"), "--engine", "spark",
                                 "--master", "local[2]"])
    one_line_error(result, "use .parquet or .csv")


def test_monitor_spark_needs_full(loaded):
    result = runner.invoke(app, ["monitor", "run", "--engine", "spark"])
    one_line_error(result, "add --full")


@pytest.mark.slow
def test_batch_on_spark_end_to_end(loaded, small_csv, tmp_path, spark):
    from vigil.spark.io import read_output_rows

    out = tmp_path / "screened.csv"
    result = runner.invoke(app, ["batch", str(small_csv), "--out", str(out), "--engine", "spark",
                                 "--master", "local[2]", "--partitions", "3", "--by", "ana"])
    assert result.exit_code == 0, result.output
    assert "screened 3 rows on Spark (local[2], 3 partitions)" in " ".join(result.output.split())
    rows = read_output_rows(out)
    assert [r["customer_id"] for r in rows] == ["C1", "C2", "C3"]
    assert rows[0]["best_id"] == "ofac-10481" and rows[0]["best_match"] == "true"
    assert rows[2]["error"] and not rows[1]["error"]
    # on record like any batch run, with the engine
    exported = runner.invoke(app, ["audit", "export"])
    events = [json.loads(line) for line in exported.output.splitlines() if line.startswith("{")]
    batch = [e for e in events if e["action"] == "screening.batch"][-1]
    payload = batch["payload"] if isinstance(batch["payload"], dict) else json.loads(batch["payload"])
    assert payload["engine"] == "spark" and payload["rows"] == 3 and payload["errors"] == 1
