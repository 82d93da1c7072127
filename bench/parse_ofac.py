"""Parse-only benchmark of the OFAC parsers (no store): best of N runs on the real files.

    python bench/parse_ofac.py [DATA] [--runs N]     # default DATA: ../shared/data

Target: the full SDN CSV set (sdn.csv + add.csv + alt.csv + sdn_comments.csv) well under 3 s.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from vigil.sources import ofac, ofac_cons


def best_of(fn, path: Path, runs: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(runs):
        start = time.perf_counter()
        pub = fn(path)
        best = min(best, time.perf_counter() - start)
        count = len(pub.entities)
    return best, count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    cases = [
        ("us_ofac_sdn CSV", ofac.parse, args.data / "ofac_sdn"),
        ("us_ofac_cons CSV", ofac_cons.parse, args.data / "ofac_consolidated"),
        ("us_ofac_cons XML", ofac_cons.parse, args.data / "ofac_consolidated" / "consolidated.xml"),
    ]
    for label, fn, path in cases:
        seconds, count = best_of(fn, path, args.runs)
        print(f"{label:18} {count:>6} entities  {seconds:6.2f} s  ({count / seconds:,.0f} entities/s)")


if __name__ == "__main__":
    main()
