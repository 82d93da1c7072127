"""News-scan throughput: articles per CPU-second on one core, model and lists loaded once.

    python bench/scan.py [--articles DIR_OR_FILE] [--seconds 20] [--no-ner] [--batch 8] [--cold]

Loads the real lists from ../shared/data (OFAC SDN, UN, UK), builds the Matcher and the
gazetteer once, then scans the articles (default: ../shared/articles, real news text of ~1,000
words each) round-robin for the given time, twice: one article at a time (`scan_article`, what
`POST /scan` does) and in batches (`scan_articles`, what `vigil scan` does with several files).

On this shared 2-core machine wall-clock time includes waiting for the CPU, so the figure that
counts is articles per CPU-second (what one dedicated core delivers); the load average is printed
with it. Caches: the corpus repeats its articles, so what the scan memoises across articles is
warm, as in a long-running server. The lexical caches (tokenizer chunks, token embeddings, word
normalisation) are exercised honestly that way (news vocabulary repeats); Matcher answers are
not shared between copies of the same article (that would be a cache of the answer itself).
--cold empties the scan's caches before every article: a first-seen text on a fresh process.
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
    ap.add_argument("--seconds", type=float, default=20.0, help="per mode")
    ap.add_argument("--no-ner", action="store_true")
    ap.add_argument("--batch", type=int, default=8, help="articles per scan_articles batch")
    ap.add_argument("--cold", action="store_true", help="empty the scan's caches before every article")
    args = ap.parse_args()

    from vigil.matching import Matcher
    from vigil.media.article import iter_articles
    from vigil.media.ner import get_pipeline
    from vigil.media.scan import clear_caches, gazetteer_for, scan_article, scan_articles
    from vigil.sources import parse

    t = time.perf_counter()
    entities = []
    for source, sub in (("ofac", "ofac_sdn"), ("un", "un"), ("uk", "uk_ofsi")):
        entities.extend(parse(source, DATA / sub).entities)
    matcher = Matcher(entities)
    from vigil.matching import native

    print(f"lists: {len(entities)} entities, matcher built in {time.perf_counter() - t:.1f}s "
          f"(matching code: {native.MODE})")
    t = time.perf_counter()
    gaz = gazetteer_for(matcher)
    print(f"gazetteer: {gaz.size} names in {time.perf_counter() - t:.1f}s")
    t = time.perf_counter()
    get_pipeline(None)  # also for --no-ner: the context rules use the model's parser
    print(f"spaCy model loaded in {time.perf_counter() - t:.1f}s (once per process)")

    articles = list(iter_articles([args.articles]))
    words = statistics.mean(len(a.text.split()) for a in articles)
    ner = not args.no_ner
    distinct = len({a.text for a in articles})
    print(f"articles: {len(articles)} ({distinct} distinct, mean {words:.0f} words), NER {'on' if ner else 'off'}, "
          f"caches {'emptied before every article' if args.cold else 'warm'}")
    scan_article(articles[0], matcher, ner=ner)  # warm-up (imports, first-use setup)

    def one_at_a_time(i: int) -> list:
        if args.cold:
            clear_caches()
        return [scan_article(articles[i % len(articles)], matcher, ner=ner)]

    def batched(i: int) -> list:
        batch = [articles[(i + k) % len(articles)] for k in range(args.batch)]
        # The corpus repeats its articles: a copy must not reuse another copy's Matcher answers.
        return scan_articles(batch, matcher, ner=ner, batch_size=args.batch, share_screening=False)

    modes = [("one article at a time (scan_article)", one_at_a_time)]
    if not args.cold:  # (cold caches are per article: no batches)
        modes.append((f"batches of {args.batch} (scan_articles)", batched))
    for label, step in modes:
        n, stages = 0, {}
        start = time.perf_counter()
        cpu0 = time.process_time()
        while time.perf_counter() - start < args.seconds:
            for r in step(n):
                for k, v in r.timings.items():
                    stages.setdefault(k, []).append(v)
                n += 1
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu0
        print(f"\n{label}:")
        print(f"  {n / cpu:.1f} articles per CPU-second ({1000 * cpu / n:.1f} ms CPU per article, {n} scans)")
        print(f"  {n / elapsed:.1f} articles/s wall clock, one thread; machine load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        total = sum(statistics.mean(v) for k, v in stages.items() if k != "total")
        shares = ", ".join(f"{k} {100 * statistics.mean(v) / total:.0f}%" for k, v in stages.items() if k != "total")
        print(f"  stage shares (wall clock): {shares}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
