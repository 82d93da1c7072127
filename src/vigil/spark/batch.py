"""`vigil batch INPUT --out OUTPUT --engine spark`: the batch run on Apache Spark.

The same rows in give the same columns and values out as single-process batch: every row goes through
`vigil.service.batch.output_row` with the same `Screener`, `Columns`, options and schema, on the same
matcher index (shipped by `vigil.spark.index`). Scoring runs in `mapInPandas` (Arrow record batches of
rows); the output keeps the input's row order (partitions by range of the row's position, each sorted).

Output columns: the input's, then `RESULT_COLUMNS`. CSV output is text exactly as single-process batch
writes it (same delimiter as a CSV input); Parquet output carries the input columns as text and the
result columns typed (`match_count` int, `best_score` double, `best_match` boolean; null where the CSV
cell is empty, e.g. on an error row).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from vigil.service.batch import RESULT_COLUMNS, BatchError, BatchSummary, Columns, detect_columns, output_headers
from vigil.service.screening import ScreenOptions
from vigil.spark import SparkError
from vigil.spark import io as sio
from vigil.spark.progress import Snapshot, Tracker

TASKS_PER_CORE = 4  # default partitions = cores x this: balanced tasks and a progress bar that moves
TYPED = {"match_count": "int", "best_score": "double", "best_match": "boolean"}


@dataclass
class SparkBatchSummary(BatchSummary):
    partitions: int = 0
    master: str = ""
    output_format: str = ""
    index_bytes: int = 0
    stages: int = 0
    error_count: int = 0  # `errors` holds the first ones (their row number is not known: 0)
    error_samples: list[str] = field(default_factory=list)  # "name: message" of the first error rows

    @property
    def all_malformed(self) -> bool:
        return self.rows > 0 and self.error_count == self.rows


@dataclass
class Plan:
    """A checked Spark batch run: everything known before the first row is screened."""

    input: sio.Input
    out: str
    out_format: str
    headers: list[str]
    columns: Columns
    frame: Any  # the input DataFrame (positional columns + __row)


def plan(spark: Any, input: str, out: str, columns: Columns | None = None) -> Plan:
    """Open the input, check the output and the columns (SparkError before any work starts)."""
    input, out = str(input), str(out)
    inp = sio.open_input(spark, input)
    fmt = sio.output_format(out)
    sio.check_output(spark, inp, out)
    frame = sio.read(spark, inp)
    headers = sio.jsonl_headers(spark, frame) if inp.format == "jsonl" else inp.headers
    try:
        cols = detect_columns(headers, columns or Columns())
    except BatchError as exc:
        raise SparkError(str(exc)) from None
    names = output_headers(headers)
    dupes = sorted({h for h in names if names.count(h) > 1})
    if dupes:
        raise SparkError(f"the input has duplicate column names ({', '.join(dupes)}); rename them first")
    return Plan(inp, out, fmt, headers, cols, frame)


def _arrow_schema(names: list[str], fmt: str) -> str:
    from pyspark.sql.types import BooleanType, DoubleType, IntegerType, LongType, StringType, StructField, StructType

    types = {"int": IntegerType(), "double": DoubleType(), "boolean": BooleanType()}
    fields = [StructField("__row", LongType())]
    for i, name in enumerate(names):
        typed = fmt == "parquet" and name in TYPED and i >= len(names) - len(RESULT_COLUMNS)
        fields.append(StructField(f"o{i}", types[TYPED[name]] if typed else StringType()))
    return StructType(fields)


def scorer(shipped: Any, prune: bool, in_format: str, headers: list[str], cols: Columns, opts: ScreenOptions,
           schema: str | None, out_format: str, rows_acc: Any = None) -> Callable:
    """The mapInPandas function: Arrow batches of input rows -> batches of output rows."""
    names = output_headers(headers)
    first_result = len(names) - len(RESULT_COLUMNS)
    width = len(headers) + sio.EXTRA if in_format == "csv" else (1 if in_format == "jsonl" else len(headers))
    in_cols = [f"c{i}" for i in range(width)]

    def run(batches):
        import pandas as pd

        from vigil.service.batch import output_row
        from vigil.service.screening import Screener
        from vigil.spark.index import matcher, party_map

        screener = Screener(matcher(shipped, prune), parties=party_map(shipped))
        for pdf in batches:
            ids = pdf["__row"].tolist()
            values = list(zip(*(pdf[c].tolist() for c in in_cols))) if len(pdf) else []
            out_ids: list[int] = []
            out_rows: list[list[Any]] = []
            for rid, vals in zip(ids, values):
                row = sio.decode_row(in_format, headers, list(vals))
                if row is None:
                    continue
                result = output_row(screener, row, headers, cols, opts, schema)
                out_ids.append(rid)
                out_rows.append([result.get(h) for h in names])
            data: dict[str, Any] = {"__row": pd.array(out_ids, dtype="int64")}
            for i, name in enumerate(names):
                column = [r[i] for r in out_rows]
                if out_format == "csv":
                    data[f"o{i}"] = pd.array([sio.csv_cell(v) for v in column], dtype=object)
                elif i >= first_result and name in TYPED:
                    kind = TYPED[name]
                    cells = [None if v == "" or v is None else v for v in column]
                    data[f"o{i}"] = pd.array(cells, dtype={"int": "Int32", "double": "Float64",
                                                          "boolean": "boolean"}[kind])
                else:
                    data[f"o{i}"] = pd.array([sio.text_cell(v) for v in column], dtype=object)
            if rows_acc is not None:
                rows_acc.add(len(out_ids))
            yield pd.DataFrame(data)

    return run


def run_spark_batch(
    spark: Any,
    input: str | Path,
    out: str | Path,
    matcher: Any,
    opts: ScreenOptions,
    columns: Columns | None = None,
    schema: str | None = None,
    partitions: int | None = None,
    progress: Callable[[Snapshot], None] | None = None,
    prune: bool = True,
    cache_file: Path | None = None,
    checked: Plan | None = None,
    parties: Any = None,
) -> SparkBatchSummary:
    """Screen every row of `input` into the `out` folder on `spark`; the single-process batch's values.
    `parties`: the record -> party map results merge by (`opts.merge`), shipped with the index."""
    from pyspark.sql import functions as F

    from vigil.spark.index import ship

    started = time.perf_counter()
    p = checked or plan(spark, str(input), str(out), columns)
    names = output_headers(p.headers)
    sc = spark.sparkContext
    frame = p.frame
    current = frame.rdd.getNumPartitions()
    target = partitions or max(sc.defaultParallelism * TASKS_PER_CORE, current, 1)
    if target != current:
        # by range of the row position: partition k holds rows before partition k+1's (the output's order)
        frame = frame.repartitionByRange(target, "__row").sortWithinPartitions("__row")
    shipped = ship(spark, matcher, cache_file, parties=parties if opts.merge else None)
    rows_acc = sc.accumulator(0)
    fn = scorer(shipped, prune, p.input.format, p.headers, p.columns, opts, schema, p.out_format, rows_acc)
    screened = frame.mapInPandas(fn, _arrow_schema(names, p.out_format))
    result = screened.drop("__row").toDF(*names)
    summary = SparkBatchSummary(columns=p.columns, partitions=target, master=sc.master, output_format=p.out_format,
                                index_bytes=shipped.size)
    delimiter = p.input.delimiter if p.input.format == "csv" else ","
    if p.out_format == "csv" and str(out).lower().endswith(".tsv"):
        delimiter = "\t"
    with Tracker(spark, progress, rows_acc, description=f"vigil batch {Path(str(input)).name}") as tracker:
        try:
            sio.write(result, p.out_format, str(out), delimiter)
        except Exception as exc:
            raise SparkError(f"the Spark job failed: {sio._java_message(exc)}") from None
        # The counts from the written output (exact even when Spark re-ran a failed task).
        back = (spark.read.parquet(str(out)) if p.out_format == "parquet" else
                spark.read.option("header", "true").option("sep", delimiter).option("quote", '"')
                .option("escape", '"').option("multiLine", "true").csv(str(out)))
        error = F.coalesce(F.col("`error`").cast("string"), F.lit(""))
        counts = back.agg(F.count(F.lit(1)).alias("rows"),
                          F.sum(F.when(error != "", 1).otherwise(0)).alias("errors"),
                          F.sum(F.when((error == "") & (F.col("`match_count`").cast("int") > 0), 1).otherwise(0))
                          .alias("matched")).first()
        summary.rows = int(counts["rows"] or 0)
        summary.matched = int(counts["matched"] or 0)
        n_errors = int(counts["errors"] or 0)
        if n_errors:
            first = names[p.headers.index(p.columns.name)] if p.columns.name in p.headers else names[0]
            samples = back.where(error != "").select(F.col(f"`{first}`").cast("string"), error).limit(20).collect()
            summary.error_samples = [f"{r[0] or ''}: {r[1]}" for r in samples]
            summary.errors = [(0, r[1]) for r in samples]
        summary.error_count = n_errors
        summary.stages = tracker.last.stages_done
    summary.seconds = time.perf_counter() - started
    return summary


def record_run(engine: Any, actor: str, input: str, out: str, opts: ScreenOptions, status: str,
               summary: SparkBatchSummary | None = None) -> None:
    """The audit event of a Spark batch run (`screening.batch`, as single-process batch records), with the
    engine, master and partitions; the input's SHA-256 when it is a local file."""
    from vigil.service import audit
    from vigil.service.batch import file_sha256

    local = sio.local_path(str(input))
    payload: dict[str, Any] = {
        "endpoint": "cli:batch", "engine": "spark", "status": status, "input": str(input),
        "output": str(out), "threshold": opts.threshold, "limit": opts.limit, "algorithm": opts.algorithm,
        "datasets": opts.datasets,
    }
    if local is not None and local.is_file():
        payload["input_sha256"] = file_sha256(local)
    if summary is not None:
        payload.update(rows=summary.rows, matched=summary.matched, errors=summary.error_count,
                       seconds=round(summary.seconds, 3), master=summary.master, partitions=summary.partitions)
    audit.append(actor, "screening.batch", payload, engine=engine)
