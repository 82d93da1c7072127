"""`vigil monitor run --full --engine spark`: the full rescreen of every book on Spark.

`SparkMonitor` is `vigil.monitor.Monitor` with one step moved: screening every customer against the full
index runs on Spark (the index broadcast as in batch, customers scored in `mapInPandas`). Everything else
is monitoring's own code: the plan, then `Monitor._write`, the one writer (one transaction: the audit
event, alerts raised only for pairs not already open, confirmed or whitelisted at the same versions, the
customers' candidate keys, the processed snapshots). So a Spark rescreen raises exactly the alerts a
single-process `vigil monitor run --full` raises, in the same order, and running it twice raises none
the second time. The delta rescreen (after a list change) stays single-process: it is already fast.

The customers reach the executors through a staging folder: the driver streams them out of the store
in chunks (`iter_customers`) into Parquet written by Spark (`--staging`, default a temporary folder,
which must be on a file system the executors read when the master is not local).
"""
from __future__ import annotations

import json
import shutil
import tempfile
from typing import Any, Callable

from vigil.monitor.rescreen import Hit, Monitor, RunReport, customer_keys, keys_version
from vigil.spark import SparkError

CHUNK = 50_000  # customers per staged chunk (driver memory)


class SparkMonitor(Monitor):
    def __init__(self, store: Any, spark: Any, *, partitions: int | None = None, staging: str | None = None,
                 progress: Callable[[Any], None] | None = None, **kwargs: Any):
        super().__init__(store, **kwargs)
        self.spark = spark
        self.partitions = partitions
        self.staging = staging
        self.progress = progress
        self.staged_rows = 0

    def _screen(self, conn: Any, matcher: Any, only: Any, skip: Any, reason: str, trigger: str, hits: list[Hit],
                report: RunReport, prefilter: Any = None) -> set[int]:
        if only is not None or skip or prefilter is not None:  # pending customers and deltas: single-process
            return super()._screen(conn, matcher, only, skip, reason, trigger, hits, report, prefilter=prefilter)
        return self._screen_all(conn, matcher, reason, trigger, hits, report)

    # -- the full rescreen on Spark -------------------------------------------------------------
    def _stage(self, conn: Any, where: str) -> int:
        from pyspark.sql.types import LongType, StringType, StructField, StructType

        from vigil.monitor.books import iter_customers

        schema = StructType([StructField("id", LongType()), StructField("data", StringType()),
                             StructField("row_hash", StringType()), StructField("match_keys", StringType()),
                             StructField("keys_version", StringType()),
                             StructField("label", StringType())])
        chunk: list[tuple] = []
        count = 0
        mode = "overwrite"

        def flush() -> None:
            nonlocal chunk, mode
            if chunk:
                self.spark.createDataFrame(chunk, schema).write.mode(mode).parquet(where)
                mode = "append"
                chunk = []

        for row in iter_customers(conn):
            chunk.append((row.id, row.data, row.row_hash, row.match_keys, row.keys_version,
                          f"{row.book}/{row.customer_id}"))
            count += 1
            if len(chunk) >= CHUNK:
                flush()
        flush()
        return count

    def _screen_all(self, conn: Any, matcher: Any, reason: str, trigger: str, hits: list[Hit],
                    report: RunReport) -> set[int]:
        from vigil.monitor.books import customers_by_id
        from vigil.spark.index import ship
        from vigil.spark.progress import Tracker

        sc = self.spark.sparkContext
        temp = None
        where = self.staging
        if where is None:
            temp = tempfile.mkdtemp(prefix="vigil-rescreen-")
            where = f"{temp}/customers.parquet"
        try:
            self.staged_rows = self._stage(conn, where)
            if not self.staged_rows:
                return set()
            target = self.partitions or max(sc.defaultParallelism * 4, 1)
            shipped = ship(self.spark, matcher)
            rows_acc = sc.accumulator(0)
            fn = _scorer(shipped, self._prune(), self.limit, self.threshold, keys_version(), rows_acc)
            frame = self.spark.read.parquet(where).repartition(target)
            out = frame.mapInPandas(fn, "id long, kind string, rank int, entity_id string, score double, "
                                        "explanations string, text string, candidates long")
            found: list[Any] = []
            with Tracker(self.spark, self.progress, rows_acc, description="vigil monitor run --full"):
                try:
                    for r in out.toLocalIterator():
                        found.append(r) if r["kind"] == "hit" else self._note(r, report)
                except Exception as exc:
                    raise SparkError(f"the Spark job failed: {' '.join(str(exc).split())[:300]}") from None
        finally:
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)
        screened = set(self._all_ids(conn))
        found.sort(key=lambda r: (r["id"], r["rank"]))  # the single-process order: customer id, then rank
        rows = {row.id: row for row in customers_by_id(conn, sorted({r["id"] for r in found}))}
        seen: dict[int, set[str]] = {}  # per customer, the parties hit (a party's first hit is its best)
        party_map = getattr(self, "_map", None)
        for r in found:
            entity = matcher.get(r["entity_id"])
            if entity is None:  # cannot happen with the same index; never raise an alert on nothing
                continue
            party, members = None, []
            if party_map is not None:  # as Monitor._screen does, on the driver: one hit per party
                party = party_map.party_of(entity.id or "")
                if party is not None:
                    if party in seen.setdefault(r["id"], set()):
                        continue
                    seen[r["id"]].add(party)
                    members = list(party_map.members(party))
            report.hits += 1
            hits.append(Hit(rows[r["id"]], entity, float(r["score"]), json.loads(r["explanations"]), reason,
                            trigger, party, members))
        return screened

    def _note(self, r: Any, report: RunReport) -> None:
        if r["kind"] == "count":
            report.candidates += int(r["candidates"] or 0)
        elif r["kind"] == "keys":
            row_hash, keys = json.loads(r["text"])
            self._keys[int(r["id"])] = (row_hash, keys, keys_version())
        elif r["kind"] == "unscreenable":
            report.unscreenable.append(r["text"])

    def _all_ids(self, conn: Any) -> list[int]:
        from sqlalchemy import select

        from vigil.monitor import tables as t

        return [i for (i,) in conn.execute(select(t.customers.c.id))]


def _scorer(shipped: Any, prune: bool, limit: int, threshold: float, version: str, rows_acc: Any) -> Callable:
    """The mapInPandas function: customers -> hits, stale keys, unscreenable customers, candidate counts."""
    def run(batches):
        import pandas as pd

        from vigil.model import Entity
        from vigil.monitor.rescreen import _explanations, _total
        from vigil.spark.index import matcher as load

        matcher = load(shipped, prune)
        for pdf in batches:
            out: list[tuple] = []
            candidates = 0
            for cid, data, row_hash, keys, kv, label in zip(
                    pdf["id"].tolist(), pdf["data"].tolist(), pdf["row_hash"].tolist(), pdf["match_keys"].tolist(),
                    pdf["keys_version"].tolist(), pdf["label"].tolist()):
                query = Entity.from_dict(json.loads(data))
                try:
                    resp = matcher.match(query, limit=limit, threshold=threshold)
                except ValueError as exc:
                    out.append((cid, "unscreenable", 0, None, None, None, f"{label}: {exc}", None))
                    continue
                if not (isinstance(keys, str) and kv == version):
                    fresh = customer_keys(matcher, query)
                    if fresh is not None:
                        out.append((cid, "keys", 0, None, None, None, json.dumps([row_hash, fresh]), None))
                candidates += _total(resp)
                for rank, result in enumerate(resp.results):
                    if result.score < threshold:
                        continue
                    out.append((cid, "hit", rank, result.entity.id, float(result.score),
                                json.dumps(_explanations(result), ensure_ascii=False, default=str), None, None))
            out.append((0, "count", 0, None, None, None, None, candidates))
            if rows_acc is not None:
                rows_acc.add(len(pdf))
            yield pd.DataFrame(out, columns=["id", "kind", "rank", "entity_id", "score", "explanations", "text",
                                             "candidates"])

    return run

