"""How long resolving cross-list parties takes, from scratch and after a list update; how big the map is.

    python bench/parties_resolve.py [--data ../shared/data] [--database-url URL] [--changed 20]

1. ingest every list of the mirror into a scratch store (SQLite in a temporary folder, or the
   given database URL, e.g. a fresh PostgreSQL schema);
2. first `Parties.resolve()`: every record is screened (one way, from the smaller lists);
3. ingest an edited UK list (`--changed` groups respelled, 5 delisted, 5 new) and resolve again:
   only those records are screened;
4. resolve once more with nothing changed;
5. the in-memory PartyMap: its size (tracemalloc) and the time of 100,000 `party_of` lookups.
Each resolve prints its phases (load, matcher build, screen, cluster, write) in wall seconds.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def edited_uk(data: Path, out: Path, changed: int) -> Path:
    with open(data / "uk_ofsi" / "ConList_from_xlsx.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[1]
    gid, name6 = header.index("Group ID"), header.index("Name 6")
    groups = sorted({r[gid] for r in rows[2:]})
    rng = random.Random(17)
    picked = rng.sample(groups, changed + 5)
    respelled, delisted = set(picked[:changed]), set(picked[changed:])
    kept = [r for r in rows[2:] if r[gid] not in delisted]
    for r in kept:
        if r[gid] in respelled:
            r[name6] = r[name6] + "X"
    new = []
    for i in range(5):
        extra = list(kept[i])
        extra[gid], extra[name6] = str(900000 + i), f"NEWLY LISTED TRADING {i} LLC"
        new.append(extra)
    path = out / "ConList.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows[:2] + kept + new)
    return path


def show(label: str, report) -> None:
    phases = ", ".join(f"{k} {v:.2f}s" for k, v in report.seconds.items() if k not in ("total", "cpu"))
    print(f"{label:<28} {report.seconds['total']:7.2f}s (CPU {report.seconds['cpu']:.2f}s)  screened {report.screened:>6,}  parties "
          f"{report.parties:,} ({report.multi_record_parties:,} multi)  ids kept {report.kept:,} new "
          f"{report.created:,} retired {report.retired:,}  [{phases}]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--changed", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from vigil.parties import Parties
    from vigil.store import Store
    from vigil.store.update import UPDATE_ORDER, Skip, mirror_path

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(args.database_url or f"sqlite:///{Path(tmp) / 'vigil.db'}")
        for source in UPDATE_ORDER:
            try:
                store.ingest_file(source, mirror_path(source, args.data))
            except Skip:
                continue
        parties = Parties(store)
        show("first resolve (all lists)", parties.resolve())
        store.ingest_file("uk", edited_uk(args.data, Path(tmp), args.changed))
        show(f"after a UK update ({args.changed + 10} rec.)", parties.resolve())
        show("nothing changed", parties.resolve())

        tracemalloc.start()
        loaded = Parties(store).map()
        size = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        ids = list(loaded.party)
        started = time.perf_counter()
        for i in range(100_000):
            loaded.party_of(ids[i % len(ids)])
        per = (time.perf_counter() - started) / 100_000
        print(f"PartyMap: {len(loaded.party):,} records, {len(loaded):,} parties, {size / 2**20:.1f} MB; "
              f"party_of {per * 1e9:.0f} ns per lookup")
        store.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
