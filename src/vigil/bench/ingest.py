"""Ingest time: every list of the mirror parsed and stored into a fresh scratch store, on one core.

The measurement itself is the store's `vigil.store.bench.run_ingest_bench(mirror)` (also run by
the repository script bench/ingest.py); this section puts its total into the report. Note that it
pins the process to one CPU, so it runs after the speed section.
"""
from __future__ import annotations

from .context import BenchContext
from .report import NOT_COMPARABLE, Row

SECTION = "ingest"
NO_INGEST = {"logic-v2": NOT_COMPARABLE, "logic-v1": NOT_COMPARABLE}


def run(ctx: BenchContext) -> None:
    from vigil.store.bench import run_ingest_bench

    rows = run_ingest_bench(ctx.mirror)
    total = next(r for r in rows if r["step"] == "ingest" and r["dataset"] == "all lists")
    datasets = ", ".join(f"{r['dataset']} {r['total_s']:.1f}s" for r in rows
                         if r["step"] == "ingest" and r["dataset"] != "all lists")
    ctx.report.rows += [
        Row(SECTION, "all lists parsed + stored", {"vigil": total["total_s"], **NO_INGEST},
            fmt=lambda v: f"{v:.1f} s", target="< 30 s", check=lambda v: v < 30,
            note=f"{total['entities']:,} entities; CPU {total['cpu_s']:.1f}s"),
    ]
    ctx.report.details[SECTION] = {"rows": rows, "per_dataset": datasets}
