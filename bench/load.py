"""Load bench for `vigil serve`: bounded concurrent /match traffic against a live server on loopback.

    python bench/load.py [--duration 60] [--concurrency 16] [--workers 2] [--batch-rounds 20]

Starts `vigil serve --workers N` on a free loopback port over the current store
(VIGIL_HOME / VIGIL_DATABASE_URL; load the lists first with `vigil update --mirror ../shared/data`),
waits for /readyz, then for `--duration` seconds keeps `--concurrency` requests
in flight, each a one-query POST /match/default with a name drawn from the
lists and from synthetic non-sanctioned people. Reports throughput, p50/p90/p99
latency and errors; then times POST /match with 100 queries per request.
Targets (issue 5): >= 500 req/s, p99 < 50 ms, 0 errors; batch of 100 < 200 ms.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VIGIL_SHARED_DATA", ROOT.parent / "shared" / "data"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def queries(n: int = 2000, seed: int = 7) -> list[dict]:
    """Half list names (true hits, many spellings), half synthetic negatives (no hits)."""
    rng = random.Random(seed)
    out = []
    pos = SHARED / "matching_eval" / "yente_positives_un_treated.csv"
    neg = SHARED / "matching_eval" / "yente_validation_negatives_global.csv"
    for path, schema in ((pos, "Person"), (neg, "Person")):
        if path.exists():
            with open(path, newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    props = {"name": [row["full_name"]]}
                    if row.get("date_of_birth") or row.get("dob"):
                        props["birthDate"] = [row.get("date_of_birth") or row.get("dob")]
                    out.append({"schema": schema, "properties": props})
    if not out:
        out = [{"schema": "Person", "properties": {"name": ["Qasem Soleimani"]}}]
    rng.shuffle(out)
    return out[:n]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def drive(base: str, qs: list[dict], duration: float, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        async def worker(i: int) -> None:
            nonlocal errors
            k = i
            while time.perf_counter() < deadline:
                body = {"queries": {"q": qs[k % len(qs)]}}
                k += concurrency
                t = time.perf_counter()
                try:
                    r = await client.post("/match/default", json=body)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t)
                if not ok:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies), "errors": errors, "seconds": round(elapsed, 1),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(latencies, 50) * 1000, 1), "p90_ms": round(pct(latencies, 90) * 1000, 1),
        "p99_ms": round(pct(latencies, 99) * 1000, 1), "max_ms": round(max(latencies) * 1000, 1),
    }


def batch_timing(base: str, qs: list[dict], rounds: int) -> dict:
    times = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for r in range(rounds):
            body = {"queries": {f"q{i}": qs[(r * 100 + i) % len(qs)] for i in range(100)}}
            t = time.perf_counter()
            resp = client.post("/match/default", json=body)
            times.append(time.perf_counter() - t)
            resp.raise_for_status()
    return {"rounds": rounds, "median_ms": round(statistics.median(times) * 1000, 1),
            "p90_ms": round(pct(times, 90) * 1000, 1), "max_ms": round(max(times) * 1000, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-rounds", type=int, default=20)
    ap.add_argument("--url", help="Use an already running server instead of starting one.")
    args = ap.parse_args()

    proc = None
    base = args.url
    if base is None:
        vigil = shutil.which("vigil") or sys.exit("the `vigil` command is not installed")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "VIGIL_RELOAD_INTERVAL": "0"}
        proc = subprocess.Popen([vigil, "serve", "--port", str(port), "--workers", str(args.workers),
                                 "--log-level", "warning"], env=env)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc is not None and proc.poll() is not None:
                sys.exit("vigil serve exited; is the store loaded (`vigil update --mirror ../shared/data`)?")
            if time.monotonic() > deadline:
                sys.exit("server not ready after 300 s")
            time.sleep(0.5)
        # with several workers, make sure every worker has its index before timing
        time.sleep(2)
        qs = queries()
        asyncio.run(drive(base, qs, 3.0, args.concurrency))  # warm-up
        load = asyncio.run(drive(base, qs, args.duration, args.concurrency))
        batch = batch_timing(base, qs, args.batch_rounds)
        report = {"workers": args.workers, "concurrency": args.concurrency, "match_one_query": load,
                  "match_batch_of_100": batch, "cpus": os.cpu_count()}
        print(json.dumps(report, indent=2))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
