"""The index is one broadcast, unpickled once per Python worker process, not per task or row."""
from __future__ import annotations

from vigil.matching import Matcher
from vigil.model import Entity


def small_matcher() -> Matcher:
    return Matcher([Entity.from_dict({"id": "t-1", "schema": "Person", "properties": {"name": ["Qasem Soleimani"]}}),
                    Entity.from_dict({"id": "t-2", "schema": "Organization",
                                      "properties": {"name": ["Islamic Revolutionary Guard Corps"]}})])


def test_loaded_once_per_worker_process(spark):
    from vigil.spark.index import ship

    shipped = ship(spark, small_matcher())

    def probe(batches):
        import os

        import pandas as pd

        from vigil.spark import index

        for pdf in batches:
            m = index.matcher(shipped)
            best = m.match(Entity.from_dict({"schema": "Person", "properties": {"name": ["Ghasem Soleimani"]}}))
            yield pd.DataFrame({"pid": [os.getpid()] * len(pdf), "loads": [index.loads.get(shipped.key, 0)] * len(pdf),
                                "best": [best.results[0].entity.id] * len(pdf)})

    rows = spark.range(0, 400, numPartitions=16).mapInPandas(probe, "pid long, loads long, best string").collect()
    assert {r["best"] for r in rows} == {"t-1"}
    by_pid: dict[int, int] = {}
    for r in rows:
        by_pid[r["pid"]] = max(by_pid.get(r["pid"], 0), r["loads"])
    # 16 tasks ran in at most a few reused worker processes, each of which loaded this index once
    assert len(by_pid) < 16 and set(by_pid.values()) == {1}
