"""Screening speed through the Screener (what `vigil screen`, /match, batch and monitoring call).

    nice -n 10 python bench/screen_speed.py [--n 1500] [--rounds 3] [--data ../shared/data]

Screens the speed section's query mix (synthetic negatives and perturbed UN names with their details,
limit 5, threshold 0.7) against every list of the store in VIGIL_HOME, one query at a time, and prints
queries per CPU-second (thread time: a shared machine's other processes do not inflate it) for the
raw matcher, the Screener per record (`merge=False`) and the Screener returning parties (the default).
Modes are interleaved round by round so a change of machine load hits them alike; the best round counts.
"""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from vigil.bench.evalsets import load_negatives, load_un_pairs
from vigil.bench.queries import person_entity
from vigil.service.index_cache import load_matcher
from vigil.service.screening import ScreenOptions, Screener, check_options
from vigil.settings import Settings
from vigil.store import Store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))
    args = ap.parse_args()
    mirror = Path(args.data)
    rows = load_negatives(mirror) + [t for t, _ in load_un_pairs(mirror)]
    rows = [rows[i] for i in sorted(random.Random(7).sample(range(len(rows)), min(args.n + 50, len(rows))))]
    queries = [person_entity(r) for r in rows]
    settings = Settings.from_env()
    store = Store(settings=settings)
    matcher, _ = load_matcher(store, settings=settings)
    modes = {"matcher": None}
    has_merge = "merge" in ScreenOptions.__dataclass_fields__
    if has_merge:
        from vigil.parties import Parties

        parties = Parties(store).map()
        screener = Screener(matcher, parties=lambda: parties)
        modes["per-record"] = (screener, check_options(ScreenOptions(limit=5, threshold=0.7, merge=False)))
        modes["parties"] = (screener, check_options(ScreenOptions(limit=5, threshold=0.7)))
    else:
        modes["screener"] = (Screener(matcher), check_options(ScreenOptions(limit=5, threshold=0.7)))
    for q in queries[:50]:
        for mode in modes.values():
            matcher.match(q, limit=5, threshold=0.7) if mode is None else mode[0].screen(q, mode[1])
    timed = queries[50:]
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, mode in modes.items():
            c0 = time.thread_time()
            for q in timed:
                matcher.match(q, limit=5, threshold=0.7) if mode is None else mode[0].screen(q, mode[1])
            qps = len(timed) / (time.thread_time() - c0)
            best[name] = max(best.get(name, 0.0), qps)
    for name, qps in best.items():
        print(f"{name:12s} {qps:8,.0f} queries per CPU-second ({len(timed)} queries, best of {args.rounds})")


if __name__ == "__main__":
    main()
