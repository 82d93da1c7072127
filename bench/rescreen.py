"""Rescreening benchmark: a one-entity list change against a 100,000-customer book.

    python bench/rescreen.py [--customers 100000] [--data ../shared/data]

1. ingest an older OFAC SDN publication (the real sdn.csv trio minus entity 30422);
2. import a synthetic book (first/last names recombined from the yente synthetic
   negatives and US-congress names, with birth dates and nationalities, plus a
   "Mahmoud Alavi");
3. first `Monitor.run()`: every customer is new -> a full screen against all lists;
4. ingest the real publication (delta: entity 30422 added) and run again: only the
   delta entity is indexed, every customer is screened against it.
Prints wall time and work (candidate pairs the matcher scored) of both runs.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def derive_old(data: Path, out: Path) -> Path:
    folder = out / "ofac_sdn_old"
    folder.mkdir(parents=True)
    for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
        shutil.copy(data / "ofac_sdn" / name, folder / name)
    lines = (data / "ofac_sdn" / "sdn.csv").read_bytes().split(b"\n")
    (folder / "sdn.csv").write_bytes(b"\n".join(l for l in lines if not l.startswith(b"30422,")))
    return folder


def synthetic_book(data: Path, n: int, path: Path, seed: int = 7) -> None:
    firsts, lasts, countries = [], [], []
    for name in ("yente_validation_negatives_global.csv", "yente_validation_negatives_us.csv",
                 "yente_positives_us_congress_untreated.csv"):
        with open(data / "matching_eval" / name, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                parts = row["full_name"].replace(".", "").split()
                if len(parts) >= 2:
                    firsts.append(parts[0])
                    lasts.append(parts[-1])
                if row.get("nationality"):
                    countries.append(row["nationality"])
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["customer_id", "name", "type", "dob", "country"])
        writer.writerow(["K0000001", "Mahmoud Alavi", "person", "", "Iran"])
        for i in range(2, n + 1):
            dob = f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            writer.writerow([f"K{i:07d}", f"{rng.choice(firsts)} {rng.choice(lasts)}", "person", dob,
                             rng.choice(countries)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    if not (args.data / "ofac_sdn" / "sdn.csv").is_file():
        print(f"no OFAC data under {args.data}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="vigil-bench-rescreen-"))
    os.environ["VIGIL_HOME"] = str(work / "home")
    os.environ.pop("VIGIL_DATABASE_URL", None)
    try:
        from vigil.monitor import Monitor, import_book
        from vigil.store import Store

        store = Store()  # no monitoring hook: each step is timed on its own below
        store.ingest_file("ofac", derive_old(args.data, work))
        book = work / "book.csv"
        synthetic_book(args.data, args.customers, book)
        t0 = time.perf_counter()
        imported = import_book("bench", book, engine=store.engine)
        t_import = time.perf_counter() - t0

        full = Monitor(store).run(actor="bench")
        store.ingest_file("ofac", args.data / "ofac_sdn")
        delta = Monitor(store).run(actor="bench")

        print(f"book: {imported.added:,} customers imported in {t_import:.1f}s")
        print(f"{'':38} {'full (all lists)':>18} {'after 1-entity delta':>22}")
        rows = [
            ("customers in the book", f"{full.customers:,}", f"{delta.customers:,}"),
            ("customers skipped by key prefilter", "-", f"{delta.prefiltered:,}"),
            ("customers screened (matcher queries)", f"{full.pending_screened:,}", f"{delta.delta_screened:,}"),
            ("list entities indexed", f"{full.full_index_entities:,}", f"{delta.delta_entities:,}"),
            ("candidate pairs scored", f"{full.candidates:,}", f"{delta.candidates:,}"),
            ("hits >= threshold", f"{full.hits:,}", f"{delta.hits:,}"),
            ("new alerts", f"{len(full.alerts):,}", f"{len(delta.alerts):,}"),
            ("wall time (s)", f"{full.seconds:.1f}", f"{delta.seconds:.1f}"),
        ]
        for label, a, b in rows:
            print(f"{label:38} {a:>18} {b:>22}")
        share = delta.candidates / full.candidates if full.candidates else 0.0
        print(f"delta work = {share:.3%} of the full rescreen's candidate pairs; "
              f"time = {delta.seconds / full.seconds:.1%} of it")
        from vigil.monitor import list_alerts

        new = [a for a in list_alerts(store.engine)[0] if a.id in delta.alerts]
        print("new alerts after the delta: " + "; ".join(f"{a.customer_id} {a.customer_name} -> {a.entity_id} "
                                                         f"{a.entity_caption} ({a.score:.2f})" for a in new))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
