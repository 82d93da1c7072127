"""Speed and memory, single process, on whatever lists are loaded.

* index build: wall time of `Matcher(all entities)`.
* queries/s and p50/p99 latency (wall clock; the notes add CPU-time figures, which the other
  processes of a shared machine do not inflate): screening queries (limit 5, threshold 0.7) against all lists, one
  at a time: the 2,000 synthetic negatives and the 683 perturbed UN names with their details
  (a mix of misses and true hits, as in a customer book); 50 warm-up queries are not timed.
* pairs/s: scoring the name_bench pairs one by one (entities/proxies built beforehand); one
  unrelated pair is scored first so one-time table loading is not counted.
* peak RSS: `resource.getrusage(RUSAGE_SELF).ru_maxrss` of the bench process, read before
  nomenklatura is imported (this section runs first), so it is vigil's own footprint with all lists.
"""
from __future__ import annotations

import resource
import sys
import time
from typing import Any

from .context import BenchContext
from .evalsets import load_entity_checks, load_name_bench, load_negatives, load_un_pairs
from .metrics import DEFAULT_THRESHOLD, percentile
from .queries import name_entity, person_entity, props_entity
from .report import NOT_COMPARABLE, Row

SECTION = "speed"
WARMUP = 50
NO_INDEX = {"logic-v2": NOT_COMPARABLE, "logic-v1": NOT_COMPARABLE}


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def run(ctx: BenchContext) -> None:
    matcher = ctx.matcher()
    rows: list[Row] = [
        Row(SECTION, "index build", {"vigil": ctx.build_seconds, **NO_INDEX}, fmt=lambda v: f"{v:.2f} s",
            target="< 20 s", check=lambda v: v < 20,
            note=f"{len(ctx.lists().entities):,} entities; CPU {ctx.build_cpu_seconds:.1f}s"),
    ]
    negatives = load_negatives(ctx.mirror)
    positives = [treated for treated, _ in load_un_pairs(ctx.mirror)]
    queries = [person_entity(r) for r in ctx.sample(negatives + positives, quick_n=400 + WARMUP)]
    for query in queries[:WARMUP]:
        matcher.match(query, limit=5, threshold=DEFAULT_THRESHOLD)
    timed = queries[WARMUP:]
    latencies, cpu_latencies = [], []
    cpu_started = time.process_time()
    started = time.perf_counter()
    for query in timed:
        t0, c0 = time.perf_counter(), time.thread_time()
        matcher.match(query, limit=5, threshold=DEFAULT_THRESHOLD)
        latencies.append(time.perf_counter() - t0)
        cpu_latencies.append(time.thread_time() - c0)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    # The machine may be shared: CPU time shows what one core delivers without the contention.
    cpu_qps = len(timed) / cpu if cpu else float("nan")
    qps = len(timed) / total if total else float("nan")
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    cpu_p50, cpu_p99 = percentile(cpu_latencies, 50) * 1000, percentile(cpu_latencies, 99) * 1000
    rss = _peak_rss_mb()
    rows += [
        Row(SECTION, "queries/s (all lists, 1 process)", {"vigil": qps, **NO_INDEX}, fmt=lambda v: f"{v:,.0f}",
            target="≥ 2,000", check=lambda v: v >= 2000, note=f"{len(timed)} queries; per CPU-second {cpu_qps:,.0f}"),
        Row(SECTION, "latency p50", {"vigil": p50, **NO_INDEX}, fmt=lambda v: f"{v:.2f} ms",
            note=f"CPU {cpu_p50:.2f} ms"),
        Row(SECTION, "latency p99", {"vigil": p99, **NO_INDEX}, fmt=lambda v: f"{v:.2f} ms",
            target="< 10 ms", check=lambda v: v < 10, note=f"CPU {cpu_p99:.2f} ms"),
        Row(SECTION, "peak RSS", {"vigil": rss, **NO_INDEX}, fmt=lambda v: f"{v:,.0f} MB",
            target="< 1 GB", check=lambda v: v < 1024),
    ]
    from . import engine

    mode = engine.pairwise_mode() if engine.available() else ""
    rows.append(Row(SECTION, "pairs/s (name scoring)", _pairs_per_second(ctx), fmt=lambda v: f"{v:,.0f}",
                    note=f"name_bench pairs; vigil via {mode}" if mode else "name_bench pairs"))
    ctx.report.rows += rows
    ctx.report.details[SECTION] = {"queries": len(timed), "seconds": round(total, 3), "cpu_seconds": round(cpu, 3), "cpu_qps": cpu_qps, "p50_ms": p50, "p99_ms": p99, "cpu_p50_ms": cpu_p50, "cpu_p99_ms": cpu_p99,
                                   "max_ms": max(latencies) * 1000 if latencies else None, "peak_rss_mb": rss}


def _time_pairs(compare, pairs) -> float:
    started = time.perf_counter()
    for q, c in pairs:
        compare(q, c)
    elapsed = time.perf_counter() - started
    return len(pairs) / elapsed if elapsed else float("nan")


def _pairs_per_second(ctx: BenchContext) -> dict[str, Any]:
    """Timed on the name_bench pairs after a warm-up pass over the (different) entity_bench pairs, so
    lazily loaded tables are not counted but per-name caches do not see the timed names in advance."""
    from . import anchors, engine

    cases = ctx.sample(load_name_bench(ctx.mirror), quick_n=200)
    pairs = [(name_entity(c.schema, c.name1), name_entity(c.schema, c.name2)) for c in cases]
    warm = [(props_entity(c.schema, c.query), props_entity(c.schema, c.candidate))
            for c in ctx.sample(load_entity_checks(ctx.mirror), quick_n=60)]
    values: dict[str, Any] = {}
    if engine.available():
        compare = engine.comparer("vigil")
        _time_pairs(compare, warm)
        values["vigil"] = _time_pairs(compare, pairs)
    for name in anchors.ANCHORS:
        if not ctx.anchors_ok:
            continue
        algorithm, config = anchors.algorithm(name)
        proxies = [(anchors.proxy_from_entity(q), anchors.proxy_from_entity(c)) for q, c in pairs]
        warm_proxies = [(anchors.proxy_from_entity(q), anchors.proxy_from_entity(c)) for q, c in warm]
        _time_pairs(lambda q, c: algorithm.compare(q, c, config), warm_proxies)
        values[name] = _time_pairs(lambda q, c: algorithm.compare(q, c, config), proxies)
    return {**values, **ctx.missing(values)}
