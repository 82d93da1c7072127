"""Ingest benchmark: parse and store every list of a mirror on one core (`bench/ingest.py`, `vigil bench ingest`)."""
from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

from vigil.sources import SOURCES, parse

from .store import Store
from .update import UPDATE_ORDER, Skip, mirror_path


def pin_one_core() -> set[int] | None:
    """The target is 'on one core': keep the run on a single CPU; returns the previous CPU set."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    before = set(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {min(before)})
    return before


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_ingest_bench(mirror: Path, url: str | None = None) -> list[dict]:
    """Time parse + store per dataset into a fresh store, then a no-op re-ingest and loading all entities.

    Returns one row per step: {step, dataset, entities, parse_s, store_s, total_s (wall clock), cpu_s
    (this process's CPU time, robust when the machine is shared)}. The last row carries peak_rss_mb.
    """
    previous_cpus = pin_one_core()
    try:
        return _run(Path(mirror), url)
    finally:
        if previous_cpus:
            os.sched_setaffinity(0, previous_cpus)  # the caller (e.g. `vigil bench`) gets all cores back


def _run(mirror: Path, url: str | None) -> list[dict]:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as tmp:
        store = Store(url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        total_parse = total_store = total_cpu = 0.0
        count = 0
        for source in UPDATE_ORDER:
            try:
                path = mirror_path(source, Path(mirror))
            except Skip:
                continue
            t0, c0 = time.perf_counter(), time.process_time()
            pub = parse(source, path)
            t1, c1 = time.perf_counter(), time.process_time()
            result = store.ingest(pub, source=source)
            t2, c2 = time.perf_counter(), time.process_time()
            total_parse += t1 - t0
            total_store += t2 - t1
            total_cpu += c2 - c0
            count += result.entity_count
            rows.append({"step": "ingest", "dataset": pub.dataset, "source": SOURCES[source].name,
                         "entities": result.entity_count, "parse_s": t1 - t0, "store_s": t2 - t1, "total_s": t2 - t0,
                         "cpu_s": c2 - c0})
        rows.append({"step": "ingest", "dataset": "all lists", "source": "", "entities": count,
                     "parse_s": total_parse, "store_s": total_store, "total_s": total_parse + total_store,
                     "cpu_s": total_cpu})
        t0, c0 = time.perf_counter(), time.process_time()
        loaded = sum(1 for _ in store.entities())
        rows.append({"step": "store.entities()", "dataset": "all lists", "source": "", "entities": loaded,
                     "parse_s": 0.0, "store_s": time.perf_counter() - t0, "total_s": time.perf_counter() - t0,
                     "cpu_s": time.process_time() - c0})
        store.engine.dispose()
    rows[-1]["peak_rss_mb"] = peak_rss_mb()
    return rows


def print_report(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="vigil ingest benchmark (one core, fresh store; seconds)")
    for col in ("step", "dataset", "entities", "parse s", "store s", "total s", "cpu s"):
        table.add_column(col, justify="right" if col.endswith(" s") or col == "entities" else "left")
    for r in rows:
        table.add_row(r["step"], r["dataset"], f"{r['entities']:,}", f"{r['parse_s']:.2f}", f"{r['store_s']:.2f}",
                      f"{r['total_s']:.2f}", f"{r['cpu_s']:.2f}")
    console = Console()
    console.print(table)
    console.print(f"peak RSS: {rows[-1]['peak_rss_mb']:.0f} MB")
