"""Batch screening and full monitoring rescreens on Apache Spark (issue 18; the `spark` extra).

The Spark engine runs the very row function single-process batch runs (`vigil.service.batch.output_row`)
and the same matcher, so a file screened on Spark gives the same columns and values as `vigil batch`
without `--engine spark`:

* `session`: the checks made before any work (Java, pyspark, the master reachable) and a quiet session;
* `index`: the matcher index, pickled once on the driver, shipped as one broadcast and loaded once per
  Python worker process (a module-level cache keyed by the broadcast id);
* `io`: input files (CSV with tabular's encoding and delimiter detection, Parquet, JSON lines) on any
  Hadoop-compatible path, and the output writers (Parquet, CSV);
* `batch`: `run_spark_batch`, scoring in `mapInPandas` (Arrow batches);
* `monitor`: the full rescreen of the books, whose hits go through monitoring's one writer;
* `progress`: stages, tasks, rows/s and ETA from Spark's status tracker, drawn with rich.

pyspark is imported only inside functions, so `import vigil.spark` works without the extra.
"""
from __future__ import annotations


class SparkError(ValueError):
    """Spark cannot run the job as asked (no Java, no pyspark, master unreachable, bad input). Exit code 2."""


INSTALL_HINT = 'pip install -e ".[spark]"'
