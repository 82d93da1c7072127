"""The Spark engine's CLI glue: `vigil batch ... --engine spark` and `vigil monitor run --full --engine spark`.

Order of work (each step fails with one line, exit 2, before the next starts): options and the store;
pyspark, the master URL and Java (`vigil.spark.session.check`); the session; the input and its columns;
then the index (driver) and the job, drawn from Spark's status tracker.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from vigil.cli.common import EXIT_MATCH, actor, err_console, fail, open_matcher, settings, store

ENGINES = ("process", "spark")


def check_engine(engine: str, master: Optional[str], partitions: Optional[int]) -> None:
    if engine not in ENGINES:
        fail(f"unknown engine {engine!r}: use process (one process, the default) or spark")
    if engine != "spark" and (master or partitions):
        fail("--master and --partitions need --engine spark")


class SparkBar:
    """Stage, tasks done of the scoring stage, rows, rows/s and ETA on stderr (rich), from a status snapshot."""

    def __init__(self, what: str = "screening") -> None:
        self.what = what
        self.progress = None
        self.task = None

    def __call__(self, snap: Any) -> None:
        if self.progress is None:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn(f"{self.what} on Spark"), BarColumn(), TextColumn("{task.description}"),
                                     TimeElapsedColumn(), console=err_console, transient=False)
            self.task = self.progress.add_task("starting", total=None)
            self.progress.start()
        eta = "…" if snap.eta is None else _clock(snap.eta)
        stage = "-" if snap.stage is None else str(snap.stage)
        text = (f"stage {stage} ({snap.stages_done} done) · tasks {snap.tasks_done}/{snap.tasks_total} "
                f"({snap.tasks_running} running) · {snap.rows:,} rows · {snap.rows_per_second:,.0f} rows/s · ETA {eta}")
        self.progress.update(self.task, description=text, total=snap.tasks_total or None, completed=snap.tasks_done)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


_owned: list[Any] = []  # sessions this command started (a session already running is left running)


def _session(master: str, partitions: Optional[int]):
    from vigil.spark.session import check_pyspark, start

    check_pyspark()
    from pyspark.sql import SparkSession

    before = SparkSession.getActiveSession()
    cfg = settings()
    # what the executors' Python must agree on with the driver (the index's classes, pruning)
    env = {k: v for k, v in cfg.to_env().items() if k in ("VIGIL_PURE_PYTHON", "VIGIL_MATCH_PRUNE")}
    session = start(master, partitions=partitions, executor_env=env,
                    log_file=cfg.ensure_home() / "logs" / "spark.log")
    if session is not before:
        _owned.append(session)
    return session


def batch(input: Path, out: Path, columns: Any, opts: Any, schema: Optional[str], master: Optional[str],
          partitions: Optional[int], fail_on_match: bool, by: Optional[str], parties: Any = None) -> None:
    """`vigil batch --engine spark`: options are checked by the caller; this runs the job. `parties`: the
    record -> party map (or a function returning it), shipped with the index so results merge by party
    as single-process batch's do."""
    from vigil.service.index_cache import cache_path, store_fingerprint
    from vigil.spark import SparkError
    from vigil.spark.batch import plan, record_run, run_spark_batch
    master = master or "local[*]"
    if partitions is not None and partitions < 1:
        fail("--partitions must be at least 1")
    spark = None
    bar = SparkBar()
    summary = None
    try:
        precheck(input, columns)  # a local input's columns, before the JVM starts
        spark = _session(master, partitions)  # pyspark, the master URL, Java, then the session
        checked = plan(spark, str(input), str(out), columns)  # input, output and columns: before any work
        matcher, _ = open_matcher()
        opened = store(False)
        cache = cache_path(store_fingerprint(opened), settings())
        party_map = parties() if callable(parties) and not hasattr(parties, "party_of") else parties
        summary = run_spark_batch(spark, str(input), str(out), matcher, opts, columns, schema, partitions,
                                  progress=bar, prune=settings().match_prune, cache_file=cache, checked=checked,
                                  parties=party_map)
    except SparkError as exc:
        bar.stop()
        _stop(spark)
        fail(str(exc))
    except KeyboardInterrupt:
        bar.stop()
        _stop(spark)
        record_run(store(False).engine, actor(by), str(input), str(out), opts, "interrupted")
        err_console.print("[yellow]interrupted[/]: a Spark run does not resume; run it again to start over")
        raise SystemExit(130)
    finally:
        bar.stop()
    _stop(spark)
    record_run(store(False).engine, actor(by), str(input), str(out), opts, "complete", summary)
    err_console.print(
        f"screened {summary.rows:,} rows on Spark ({summary.master}, {summary.partitions} partitions) in "
        f"{summary.seconds:.1f} s: {summary.matched:,} with a match, {summary.error_count:,} malformed; wrote {out}",
        highlight=False)
    for sample in summary.error_samples:
        err_console.print(f"  {sample}", highlight=False, markup=False)
    if summary.error_count > len(summary.error_samples):
        err_console.print(f"  ... and {summary.error_count - len(summary.error_samples)} more (see the error column "
                          f"in {out})", markup=False)
    if summary.all_malformed:
        fail(f"every row of {input} is malformed ({summary.rows} rows; {summary.error_samples[0]}); "
             "is it the file you meant, with a header row?")
    if fail_on_match and summary.matched:
        import typer

        raise typer.Exit(EXIT_MATCH)


def precheck(input: Path, columns: Any) -> None:
    """A local input file's columns, checked without Spark (the quick failure); remote paths are checked
    by `vigil.spark.batch.plan` once the session runs."""
    from vigil.service.batch import BatchError, detect_columns
    from vigil.service.tabular import TabularError, read_table
    from vigil.spark import SparkError
    from vigil.spark.io import INPUT_FORMATS, local_path

    path = local_path(str(input))
    if path is None:
        return
    if not path.exists():
        raise SparkError(f"{input}: no such file")
    fmt = INPUT_FORMATS.get(path.suffix.lower())
    if not path.is_file() or fmt is None:
        return  # a folder of part files or a glob: Spark lists it
    try:
        if fmt == "parquet":
            try:
                import pyarrow.parquet as pq
            except ImportError:
                return  # check_pyspark says what to install
            try:
                headers = list(pq.read_schema(path).names)
            except Exception as exc:
                raise SparkError(f"{input}: not readable as Parquet ({exc})") from None
        else:
            table = read_table(path)
            headers = table.headers
            table.rows.close()
        detect_columns(headers, columns)
    except (BatchError, TabularError) as exc:
        raise SparkError(str(exc)) from None


def _stop(spark: Any) -> None:
    if spark is not None and spark in _owned:
        _owned.remove(spark)
        try:
            spark.stop()
        except Exception:
            pass


def monitor_full(opened: Any, threshold: float, who: str, master: Optional[str], partitions: Optional[int],
                 staging: Optional[str], per_record: bool = False) -> Any:
    """`vigil monitor run --full --engine spark`: the full rescreen on Spark, alerts through monitoring's writer."""
    from vigil.spark import SparkError
    from vigil.spark.monitor import SparkMonitor

    if partitions is not None and partitions < 1:
        fail("--partitions must be at least 1")
    spark = None
    bar = SparkBar("rescreening")
    try:
        spark = _session(master or "local[*]", partitions)
        return SparkMonitor(opened, spark, threshold=threshold, settings=settings(), partitions=partitions,
                            staging=staging, progress=bar, per_record=per_record).run(actor=who, full=True)
    except SparkError as exc:
        bar.stop()
        fail(str(exc))
    finally:
        bar.stop()
        _stop(spark)
