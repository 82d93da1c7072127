"""Spark batch gives exactly single-process batch's output: 10,000 realistic rows, local[2]."""
from __future__ import annotations

import pytest

from spark_rows import realistic_rows, write_csv

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


def test_jsonl_and_parquet_inputs(spark, lists_matcher, book, tmp_path):
    """JSON lines (keys differing per line, a broken line, a number) and Parquet give single-process's values."""
    import csv
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    matcher, cache = lists_matcher
    _, rows = book
    sample = rows[:60]
    lines = []
    for i, r in enumerate(sample):
        obj = {"customer_id": r["customer_id"], "name": r["full_name"]}
        if r.get("date_of_birth"):
            obj["dob"] = r["date_of_birth"]
        if i % 7 == 0:
            obj["score_hint"] = i  # a number, and a key only some lines have
        lines.append(json.dumps(obj, ensure_ascii=False))
    lines.insert(10, '{"customer_id": "broken", "name": ')  # not JSON: an error row
    src = tmp_path / "parties.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    opts = check_options(ScreenOptions())
    single = tmp_path / "single.jsonl"
    run_batch(src, single, matcher, opts)
    expected = [{k: csv_cell(v) for k, v in json.loads(line).items()} for line in single.read_text().splitlines()]
    out = tmp_path / "spark.csv"
    run_spark_batch(spark, str(src), str(out), matcher, opts, cache_file=cache)
    got = read_output_rows(out)
    assert [list(r) for r in got][:1] == [list(e) for e in expected][:1]
    assert got == [{k: e.get(k, "") for k in got[0]} for e in expected]
    assert any(r["error"].startswith("invalid JSON") for r in got)

    table = pa.table({c: [r.get(c, "") for r in sample] for c in ("customer_id", "full_name", "date_of_birth")})
    pq.write_table(table, tmp_path / "book.parquet")
    csv_in = tmp_path / "same.csv"  # the same three columns as CSV, for single-process batch
    with open(csv_in, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(table.column_names)
        w.writerows(zip(*(table.column(c).to_pylist() for c in table.column_names)))
    single_csv = tmp_path / "single.csv"
    run_batch(csv_in, single_csv, matcher, opts)
    run_spark_batch(spark, str(tmp_path / "book.parquet"), str(tmp_path / "p.csv"), matcher, opts, cache_file=cache)
    assert read_output_rows(tmp_path / "p.csv") == read_output_rows(single_csv)
