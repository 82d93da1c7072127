"""Spark batch bench: rows/s of single-process batch vs `--engine spark` on local[1] and local[2].

    python bench/spark_batch.py [--rows 1000000] [--masters local[1],local[2]] [--json out.json]

Rows: synthetic people (first and last names recombined from ../shared/data/matching_eval's synthetic
negatives, global and US, with their birth dates and nationalities; ~5% UN-listed names as yente's set
perturbs them), so the output has real hits. Needs a loaded store (`vigil update --mirror ../shared/data`)
and the `spark` extra. Each engine runs in its own process (clean memory figures) on the same CSV file.

Reported per engine: wall seconds of the run (Spark: from the job's start, session start-up excluded),
rows/s, CPU seconds of every process involved (driver, JVM, Python workers; read from /proc), rows per
CPU-second, and peak resident memory of the driver (the vigil process; in local mode its JVM too) and of
the executors (the Python workers, summed at their peak). Then: per-core efficiency = (Spark rows/s ÷
cores) ÷ single-process rows/s, in wall-clock and in CPU-time terms (the CPU figure is the one to trust
on a loaded machine), local[2]'s speed-up over local[1], and a projection for 100M rows.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VIGIL_SHARED_DATA", ROOT.parent / "shared" / "data"))
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


# -- input ---------------------------------------------------------------------------------------

def make_csv(path: Path, rows: int, seed: int = 18) -> None:
    rng = random.Random(seed)
    ev = SHARED / "matching_eval"
    people = []
    for name in ("yente_validation_negatives_global.csv", "yente_validation_negatives_us.csv"):
        with open(ev / name, newline="", encoding="utf-8") as fh:
            people.extend(r for r in csv.DictReader(fh) if r["first_name"] and r["last_name"])
    with open(ev / "yente_positives_un_treated.csv", newline="", encoding="utf-8") as fh:
        listed = list(csv.DictReader(fh))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["customer_id", "customer_name", "date_of_birth", "nationality"])
        for i in range(rows):
            if rng.random() < 0.05:
                r = rng.choice(listed)
                w.writerow([f"C{i:09d}", r["full_name"], r["date_of_birth"], r["nationality"]])
            else:
                a, b = rng.choice(people), rng.choice(people)
                w.writerow([f"C{i:09d}", f"{a['first_name']} {b['last_name']}", a["date_of_birth"], a["nationality"]])


# -- process-tree sampling (/proc) ---------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                tree.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                pass
    return tree


def _stat(pid: int) -> tuple[str, float, int] | None:
    """(command name, CPU seconds, resident bytes) of one process."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            raw = fh.read()
        name = raw[raw.index("(") + 1: raw.rindex(")")]
        f = raw.rsplit(")", 1)[1].split()
        return name, (int(f[11]) + int(f[12])) / TICK, int(f[21]) * PAGE
    except (OSError, ValueError, IndexError):
        return None


class Sampler:
    """Samples this process and its descendants: CPU seconds (last value per pid), resident memory peaks."""

    def __init__(self, interval: float = 0.2):
        self.interval = interval
        self.cpu: dict[int, float] = {}
        self.base: dict[int, float] = {}
        self.kind: dict[int, str] = {}
        self.peak = {"driver": 0, "jvm": 0, "workers": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Sampler":
        self.sample(baseline=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self, baseline: bool = False) -> None:
        tree = _children()
        me = os.getpid()
        todo, seen = [me], []
        while todo:
            pid = todo.pop()
            seen.append(pid)
            todo.extend(tree.get(pid, []))
        workers = 0
        for pid in seen:
            st = _stat(pid)
            if st is None:
                continue
            name, cpu, rss = st
            kind = "driver" if pid == me else ("jvm" if name == "java" else "workers")
            self.kind[pid] = kind
            if baseline:
                self.base[pid] = cpu
            self.cpu[pid] = cpu
            if kind == "workers":
                workers += rss
            else:
                self.peak[kind] = max(self.peak[kind], rss)
        self.peak["workers"] = max(self.peak["workers"], workers)

    def cpu_seconds(self) -> float:
        return sum(c - self.base.get(pid, 0.0) for pid, c in self.cpu.items())


# -- one engine, in its own process ---------------------------------------------------------------

def run_one(engine: str, input: Path, out: Path) -> dict:
    from vigil.service.batch import run_batch
    from vigil.service.index_cache import cache_path, load_matcher
    from vigil.service.screening import ScreenOptions, check_options
    from vigil.settings import Settings
    from vigil.store import Store

    settings = Settings.from_env()
    store = Store(settings=settings)
    matcher, fingerprint = load_matcher(store, settings=settings)
    opts = check_options(ScreenOptions())
    result: dict = {"engine": engine}
    if engine == "single":
        sampler = Sampler().start()
        started = time.perf_counter()
        summary = run_batch(input, out, matcher, opts)
        result["seconds"] = time.perf_counter() - started
        sampler.stop()
        result.update(rows=summary.rows, cores=1)
    else:
        from vigil.spark.batch import run_spark_batch
        from vigil.spark.session import start

        spark = start(engine, log_file=settings.ensure_home() / "logs" / "spark-bench.log")
        cores = spark.sparkContext.defaultParallelism
        sampler = Sampler().start()
        started = time.perf_counter()
        summary = run_spark_batch(spark, str(input), str(out), matcher, opts, prune=settings.match_prune,
                                  cache_file=cache_path(fingerprint, settings))
        result["seconds"] = time.perf_counter() - started
        sampler.stop()
        spark.stop()
        result.update(rows=summary.rows, cores=cores, partitions=summary.partitions,
                      index_mb=round(summary.index_bytes / 1e6, 1))
    result["cpu_seconds"] = sampler.cpu_seconds()
    result["peak_driver_mb"] = round(sampler.peak["driver"] / 1e6)
    result["peak_jvm_mb"] = round(sampler.peak["jvm"] / 1e6)
    result["peak_workers_mb"] = round(sampler.peak["workers"] / 1e6)
    result["rows_per_s"] = result["rows"] / result["seconds"]
    result["rows_per_cpu_s"] = result["rows"] / result["cpu_seconds"] if result["cpu_seconds"] else 0.0
    return result


# -- the report -------------------------------------------------------------------------------------

def table(results: list[dict], rows: int) -> str:
    single = next(r for r in results if r["engine"] == "single")
    lines = [f"Spark batch bench: {rows:,} synthetic rows, {os.cpu_count()} CPUs, load average "
             f"{os.getloadavg()[0]:.1f} at the end", ""]
    head = (f"{'engine':<10} {'cores':>5} {'wall s':>8} {'rows/s':>8} {'CPU s':>8} {'rows/CPU-s':>10} "
            f"{'eff. wall':>9} {'eff. CPU':>8} {'driver MB':>9} {'JVM MB':>7} {'workers MB':>10}")
    lines += [head, "-" * len(head)]
    for r in results:
        eff_wall = eff_cpu = ""
        if r["engine"] != "single":
            eff_wall = f"{r['rows_per_s'] / r['cores'] / single['rows_per_s']:.2f}"
            eff_cpu = f"{r['rows_per_cpu_s'] / single['rows_per_cpu_s']:.2f}" if single["rows_per_cpu_s"] else "-"
        lines.append(f"{r['engine']:<10} {r['cores']:>5} {r['seconds']:>8.1f} {r['rows_per_s']:>8,.0f} "
                     f"{r['cpu_seconds']:>8.1f} {r['rows_per_cpu_s']:>10,.0f} {eff_wall:>9} {eff_cpu:>8} "
                     f"{r['peak_driver_mb']:>9,} {r['peak_jvm_mb']:>7,} {r['peak_workers_mb']:>10,}")
    by = {r["engine"]: r for r in results}
    if "local[1]" in by and "local[2]" in by:
        lines.append("")
        lines.append(f"local[2] / local[1] speed-up: {by['local[2]']['rows_per_s'] / by['local[1]']['rows_per_s']:.2f}x "
                     f"wall-clock")
    spark = [r for r in results if r["engine"] != "single"]
    if spark:
        best = max(spark, key=lambda r: (r["cores"], r["rows_per_cpu_s"]))  # the run on the most cores
        eff = best["rows_per_cpu_s"] / single["rows_per_cpu_s"] if single["rows_per_cpu_s"] else 0.0
        per_core = single["rows_per_cpu_s"] * eff
        lines.append("")
        lines.append(f"Projection (not a measurement) for 100M rows, at {per_core:,.0f} rows per core-second "
                     f"(single-process rows per CPU-second x the CPU-time efficiency of {best['engine']}, {eff:.2f}), "
                     "assuming executors as fast per core as this machine's and input/output not the bottleneck:")
        for cores in (16, 64, 256):
            hours = 100e6 / (per_core * cores) / 3600
            lines.append(f"  {cores:>4} cores: {hours:5.1f} h")
    lines.append("")
    lines.append("eff. = (rows/s ÷ cores) ÷ single-process rows/s (wall), or rows per CPU-second ÷ single-process's "
                 "(CPU). driver MB: the vigil process; JVM MB: Spark's driver and executor JVM (local mode: one); "
                 "workers MB: the executors' Python workers, summed at their peak.")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--masters", default="local[1],local[2]", help="comma-separated Spark masters to time")
    ap.add_argument("--work-dir", type=Path, default=Path("/tmp/vigil-spark-bench"))
    ap.add_argument("--json", type=Path, help="write the results as JSON too")
    ap.add_argument("--run", help=argparse.SUPPRESS)  # internal: one engine, in a child process
    ap.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        print("RESULT " + json.dumps(run_one(args.run, args.input, args.out)), flush=True)
        return
    args.work_dir.mkdir(parents=True, exist_ok=True)
    input = args.work_dir / f"customers-{args.rows}.csv"
    if not input.exists():
        print(f"writing {args.rows:,} synthetic rows to {input}", file=sys.stderr)
        make_csv(input, args.rows)
    engines = ["single"] + [m.strip() for m in args.masters.split(",") if m.strip()]
    results = []
    for engine in engines:
        out = args.work_dir / ("single.csv" if engine == "single" else f"{engine.replace('[', '-').strip(']')}.parquet")
        if out.is_dir():
            shutil.rmtree(out)
        print(f"running {engine} ...", file=sys.stderr, flush=True)
        proc = subprocess.run([sys.executable, __file__, "--run", engine, "--input", str(input), "--out", str(out)],
                              capture_output=True, text=True)
        found = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
        if proc.returncode != 0 or not found:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            sys.exit(f"{engine} failed (exit {proc.returncode}):\n" + "\n".join(tail))
        results.append(json.loads(found[-1][len("RESULT "):]))
        print(found[-1], file=sys.stderr, flush=True)  # kept in the log should a later engine fail
        print(f"  {results[-1]['rows']:,} rows in {results[-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
    print(table(results, args.rows))
    if args.json:
        args.json.write_text(json.dumps({"rows": args.rows, "results": results}, indent=2))


if __name__ == "__main__":
    main()
