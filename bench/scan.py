"""News-scan throughput: articles per second on one core, model and lists loaded once.

    python bench/scan.py [--articles DIR_OR_FILE] [--seconds 20] [--no-ner]

Loads the real lists from ../shared/data (OFAC SDN, UN, UK), builds the Matcher and the
gazetteer once, then scans the articles (default: ../shared/articles, ~1,000 words each)
round-robin for the given time and reports articles/s and per-stage milliseconds.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("VIGIL_SHARED_DATA", ROOT.parent / "shared" / "data"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", default=str(DATA.parent / "articles"))
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--no-ner", action="store_true")
    args = ap.parse_args()

    from vigil.matching import Matcher
    from vigil.media.article import iter_articles
    from vigil.media.ner import get_pipeline
    from vigil.media.scan import gazetteer_for, scan_article
    from vigil.sources import parse

    t = time.perf_counter()
    entities = []
    for source, sub in (("ofac", "ofac_sdn"), ("un", "un"), ("uk", "uk_ofsi")):
        entities.extend(parse(source, DATA / sub).entities)
    matcher = Matcher(entities)
    print(f"lists: {len(entities)} entities, matcher built in {time.perf_counter() - t:.1f}s")
    t = time.perf_counter()
    gaz = gazetteer_for(matcher)
    print(f"gazetteer: {gaz.size} names in {time.perf_counter() - t:.1f}s")
    t = time.perf_counter()
    get_pipeline(None)  # also for --no-ner: the context rules use the model's parser
    print(f"spaCy model loaded in {time.perf_counter() - t:.1f}s (once per process)")

    articles = list(iter_articles([args.articles]))
    words = statistics.mean(len(a.text.split()) for a in articles)
    scan_article(articles[0], matcher, ner=not args.no_ner)  # warm-up
    n, stages = 0, {}
    start = time.perf_counter()
    cpu0 = time.process_time()
    while time.perf_counter() - start < args.seconds:
        r = scan_article(articles[n % len(articles)], matcher, ner=not args.no_ner)
        for k, v in r.timings.items():
            stages.setdefault(k, []).append(v)
        n += 1
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    print(f"articles: {len(articles)} (mean {words:.0f} words), NER {'off' if args.no_ner else 'on'}")
    print(f"throughput: {n / elapsed:.1f} articles/s wall clock ({n} scans in {elapsed:.1f}s, one thread)")
    # On a shared machine wall time includes waiting for the CPU; CPU time is what one core delivers.
    print(f"            {n / cpu:.1f} articles per CPU-second ({cpu:.1f}s CPU)")
    print(f"            machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for k, v in stages.items():
        print(f"  {k:16s} mean {1000 * statistics.mean(v):7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
