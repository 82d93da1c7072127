"""Ingest benchmark: parse and store all lists of a mirror on one core.

    python bench/ingest.py [MIRROR]        # default: ../shared/data

Target (BRIEF): all lists ingested in under 30 s on one core, memory under 1 GB.
The code lives in `vigil.store.bench.run_ingest_bench` so `vigil bench ingest` can call it.
"""
from __future__ import annotations

import sys
from pathlib import Path

from vigil.store.bench import print_report, run_ingest_bench

if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    mirror = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not mirror.is_dir():
        sys.exit(f"error: mirror folder {mirror} not found")
    print_report(run_ingest_bench(mirror))
