"""Batch bench: generate a 10,000-row customer CSV and run `vigil batch` on it; also times `vigil screen` cold start.

    python bench/batch_file.py [--rows 10000] [--out-dir /tmp/vigil-batch-bench] [--cold-runs 5]

Rows: synthetic non-sanctioned people (../shared/data/matching_eval negatives, global and US) with
their birth dates and nationalities, mixed with ~5% names of listed parties (UN list persons as
perturbed in yente's benchmark set), so the output has real hits to check. Needs a loaded store.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VIGIL_SHARED_DATA", ROOT.parent / "shared" / "data"))


def make_csv(path: Path, rows: int, seed: int = 11) -> int:
    rng = random.Random(seed)
    eval_dir = SHARED / "matching_eval"
    negatives = []
    for name in ("yente_validation_negatives_global.csv", "yente_validation_negatives_us.csv"):
        with open(eval_dir / name, newline="", encoding="utf-8") as fh:
            negatives.extend(csv.DictReader(fh))
    with open(eval_dir / "yente_positives_un_treated.csv", newline="", encoding="utf-8") as fh:
        positives = list(csv.DictReader(fh))
    listed = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["customer_id", "customer_name", "date_of_birth", "nationality"])
        for i in range(rows):
            if rng.random() < 0.05:
                p = rng.choice(positives)
                w.writerow([f"L{i:06d}", p["full_name"], p.get("dob", ""), p.get("nationality", "")])
                listed += 1
            else:
                n = rng.choice(negatives)
                w.writerow([f"C{i:06d}", n["full_name"], n["date_of_birth"], n["nationality"]])
    return listed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--out-dir", type=Path, default=Path("/tmp/vigil-batch-bench"))
    ap.add_argument("--cold-runs", type=int, default=5)
    args = ap.parse_args()
    vigil = shutil.which("vigil") or sys.exit("the `vigil` command is not installed")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    src, out = args.out_dir / "customers.csv", args.out_dir / "screened.csv"
    listed = make_csv(src, args.rows)
    for stale in (out, out.with_name(out.name + ".progress.jsonl")):
        stale.unlink(missing_ok=True)

    # cold start: process start to printed result, warm on-disk index cache (first call may build it)
    subprocess.run([vigil, "screen", "Ghasem Soleimani", "--limit", "1"], check=True, capture_output=True)
    cold = []
    for _ in range(args.cold_runs):
        t = time.perf_counter()
        subprocess.run([vigil, "screen", "Ghasem Soleimani", "--limit", "1"], check=True, capture_output=True)
        cold.append(time.perf_counter() - t)

    t = time.perf_counter()
    proc = subprocess.run([vigil, "batch", str(src), "--out", str(out)], capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        sys.exit(proc.stderr)
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    hits_listed = sum(1 for r in rows if r["customer_id"].startswith("L") and r["best_match"] == "true")
    hits_neg = sum(1 for r in rows if r["customer_id"].startswith("C") and r["best_match"] == "true")
    print(json.dumps({
        "screen_cold_start_s": {"median": round(statistics.median(cold), 2), "max": round(max(cold), 2),
                                "runs": len(cold)},
        "batch": {"rows": len(rows), "seconds": round(seconds, 1), "rows_per_s": round(len(rows) / seconds, 1),
                  "listed_rows": listed, "listed_rows_matched": hits_listed,
                  "negative_rows": len(rows) - listed, "negative_rows_matched": hits_neg,
                  "errors": sum(1 for r in rows if r["error"])},
        "output": str(out),
    }, indent=2))


if __name__ == "__main__":
    main()
