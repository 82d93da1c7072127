"""UI page latency with all lists loaded (target: every page < 300 ms).

    python bench/ui_pages.py [--runs 20]

Uses the store under VIGIL_HOME (run `vigil update --mirror ../shared/data` first). Each page is
requested in-process through the same app `vigil serve` runs (FastAPI TestClient, no network),
once to warm up and then --runs times; prints median and p95 per page. The article scan is
reported separately: it runs spaCy over the whole article and is not a page load.
"""
from __future__ import annotations

import argparse
import statistics
import time
from urllib.parse import quote

PAGES = [
    "/",
    "/?q=" + quote("Ghasem Soleimani"),
    "/?q=" + quote("محمود علوی"),
    "/?q=" + quote("Qasem Soleimani") + "&dob=1957-03-11&country=ir",
    "/ui/entities/ofac-10481",
    "/ui/entities/gb-hmt-11238",
    "/ui/entities/unsc-IRi.039",
    "/ui/lists",
    "/ui/lists/us_ofac_cons/diff",
    "/ui/scan",
    "/ui/alerts",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from vigil.api.app import create_app

    with TestClient(create_app(require_auth=False, watch_interval=0, record=False),
                    headers={"Accept": "text/html"}) as client:
        index = client.app.state.index.current
        print(f"{index.entity_count:,} entities in {len(index.datasets)} datasets loaded")
        print(f"{'page':60} {'median ms':>10} {'p95 ms':>8}  status")
        for url in PAGES:
            status = client.get(url).status_code  # warm-up (lazy indexes, template compile)
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"{url[:60]:60} {statistics.median(times):10.1f} {p95:8.1f}  {status}")


if __name__ == "__main__":
    main()
