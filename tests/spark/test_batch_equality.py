"""Spark batch gives exactly single-process batch's output: 10,000 realistic rows, local[2]."""
from __future__ import annotations

import pytest

from conftest import realistic_rows, write_csv

from vigil.service.batch import run_batch
from vigil.service.screening import ScreenOptions, check_options
from vigil.spark.batch import run_spark_batch
from vigil.spark.io import csv_cell, read_output_rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def book(shared_data, lists_matcher, tmp_path_factory):
    matcher, _ = lists_matcher
    rows = realistic_rows(shared_data, matcher, 10_000)
    return write_csv(tmp_path_factory.mktemp("spark-batch") / "customers.csv", rows), rows


def test_ten_thousand_rows_identical_to_single_process(spark, lists_matcher, book, tmp_path):
    matcher, cache = lists_matcher
    path, rows = book
    opts = check_options(ScreenOptions())
    single = tmp_path / "single.csv"
    run_batch(path, single, matcher, opts)
    out = tmp_path / "spark.csv"
    summary = run_spark_batch(spark, str(path), str(out), matcher, opts, partitions=8, cache_file=cache)

    expected, got = read_output_rows(single), read_output_rows(out)
    assert len(expected) == len(rows) == 10_000
    assert list(got[0]) == list(expected[0])  # the same columns in the same order
    assert [r["customer_id"] for r in got] == [r["customer_id"] for r in expected]  # the input's order
    assert got == expected  # every value: scores, explanations, top ids, errors
    # the file is realistic: ordinary names, matches in several scripts, and error rows
    matched = [r for r in expected if r["best_match"] == "true"]
    assert 200 < len(matched) < 9_000
    assert any(not r["full_name"].isascii() for r in matched)
    assert sum(1 for r in expected if r["error"]) >= 2
    assert summary.rows == 10_000 and summary.error_count == sum(1 for r in expected if r["error"])
    assert summary.matched == sum(1 for r in expected if r["match_count"] not in ("", "0") and not r["error"])


def test_parquet_output_has_the_same_values_typed(spark, lists_matcher, book, tmp_path):
    """Parquet: the same columns; result columns typed, null exactly where the CSV cell is empty."""
    import pyarrow.parquet as pq

    matcher, cache = lists_matcher
    _, rows = book
    small = write_csv(tmp_path / "small.tsv", rows[-400:], delimiter="\t")
    opts = check_options(ScreenOptions(threshold=0.8, limit=3))
    single = tmp_path / "single.tsv"
    run_batch(small, single, matcher, opts)
    out = tmp_path / "out.parquet"
    run_spark_batch(spark, str(small), str(out), matcher, opts, cache_file=cache)
    table = pq.read_table(out)
    assert str(table.schema.field("best_score").type) == "double"
    assert str(table.schema.field("best_match").type) == "bool"
    assert str(table.schema.field("match_count").type) == "int32"
    got = [{k: csv_cell(v) for k, v in r.items()} for r in table.to_pylist()]
    assert got == read_output_rows(single)
