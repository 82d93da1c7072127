"""Where the CPU of one /match request goes, in process (no sockets, no uvicorn).

    python bench/profile_api.py [--requests 2000] [--batch 0] [--profile out.prof] [--no-record]

Builds the app over the current store (VIGIL_HOME), calls it as a plain
ASGI app with one-query POST /match/default requests, one at a time, and reports
the server's CPU time (time.process_time, all threads) per request, split into the matcher
(`Matcher.match`) and everything around it (routing, validation, screening,
serialisation, screening-log queue). CPU time, not wall time, so the figure
holds on a busy machine. `--profile` writes a cProfile dump (sort by tottime).
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import queries  # noqa: E402


async def call(app, path: str, body: bytes) -> tuple[int, bytes]:
    """One request straight into the ASGI app (what uvicorn does, minus the socket and HTTP parsing)."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"t"), (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
        "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000), "state": {},
    }
    out: dict = {"status": 0, "body": b""}

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return out["status"], out["body"]


async def run(app, qs, n: int, batch: int) -> list[float]:
    cpu = []
    for i in range(n):
        if batch:
            body = {"queries": {f"q{j}": qs[(i * batch + j) % len(qs)] for j in range(batch)}}
        else:
            body = {"queries": {"q": qs[i % len(qs)]}}
        raw = orjson.dumps(body)
        t = time.thread_time()
        status, text = await call(app, "/match/default", raw)
        cpu.append(time.thread_time() - t)
        if status != 200:
            raise SystemExit(f"HTTP {status}: {text[:300]!r}")
    return cpu


class _TimedMatcher:
    """The Matcher, with the thread CPU time spent in `match` added to `total[0]`."""

    def __init__(self, matcher, total: list[float]):
        self._matcher = matcher
        self._total = total

    def match(self, *args, **kwargs):
        t = time.thread_time()
        try:
            return self._matcher.match(*args, **kwargs)
        finally:
            self._total[0] += time.thread_time() - t

    def __getattr__(self, name):
        return getattr(self._matcher, name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=0, help="queries per request (0 = one)")
    ap.add_argument("--profile", help="write a cProfile dump here and print the top 30 by tottime")
    ap.add_argument("--no-record", action="store_true", help="without the screening log / audit writer")
    args = ap.parse_args()

    from vigil.api.app import create_app
    from vigil.api.state import IndexState

    state = IndexState()
    if not state.reload():
        sys.exit(state.error or "no index")
    in_matcher = [0.0]
    # A compiled Matcher's methods cannot be replaced: the index serves a stand-in that times `match`.
    state.current = dataclasses.replace(state.current, matcher=_TimedMatcher(state.current.matcher, in_matcher))
    app = create_app(state, require_auth=False, watch_interval=0, record=not args.no_record)
    qs = queries()

    marks = {}

    async def go():
        async with app.router.lifespan_context(app):
            await run(app, qs, min(200, args.requests), args.batch)  # warm-up
            if app.state.recorder is not None:
                app.state.recorder.flush()
            in_matcher[0] = 0.0
            prof = cProfile.Profile() if args.profile else None
            if prof:
                prof.enable()
            marks["start"] = time.process_time()
            cpu = await run(app, qs, args.requests, args.batch)
            if prof:
                prof.disable()
                prof.dump_stats(args.profile)
        # the shutdown flush writes what the last requests queued: part of their cost
        marks["end"] = time.process_time()
        return cpu

    cpu = asyncio.run(go())
    loop_cpu = sum(cpu)  # the event-loop thread, i.e. what delays the next request
    process_cpu = marks["end"] - marks["start"]  # plus background threads (screening-log writer)
    n = len(cpu)
    per = lambda x: round(x / n * 1000, 3)  # noqa: E731
    print(json.dumps({
        "requests": n, "queries_per_request": args.batch or 1,
        "process_cpu_ms_per_request": per(process_cpu),
        "loop_thread_cpu_ms_per_request": per(loop_cpu),
        "matcher_ms_per_request": per(in_matcher[0]),
        "http_path_ms_per_request": per(loop_cpu - in_matcher[0]),
        "background_ms_per_request": per(process_cpu - loop_cpu),
        "loop_thread_cpu_ms_p50_p99_max": [round(v * 1000, 2) for v in (
            sorted(cpu)[n // 2], sorted(cpu)[min(n - 1, int(n * 0.99))], max(cpu))],
        "note": "cProfile on: absolute figures inflated" if args.profile else "",
    }, indent=2))
    if args.profile:
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
